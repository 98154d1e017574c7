:param as_of => date('2026-06-30');
:param state => null;
:param group => null;
// Fragmentation, graph/queries/README.md section 4: the supply each State receives at $as_of, one
// row per (State, project); graph/queries/fragmentation.py splits budgets and computes provider
// counts, budgets and Herfindahl indexes (per State and per State x chapter), the same for both stores.
// Supply = live projects (status not cancelled) that end on or after $as_of.
//
// Parameters (every one must be given; null = no filter, except $as_of):
//   $as_of   ISO date (required)
//   $state   ISO3 code: only this State
//   $group   UN regional group code: only States whose primary group it is
//
// Columns (list order not significant):
//   state, name, group (primary UN regional group or null)
//   project          project id
//   budget_usd       the project's whole budget (null when unknown)
//   sector_share     % of that budget in the selected sectors (null: all of it)
//   share            % of the project for this State, where stated (null: an even split)
//   beneficiaries    number of States the project benefits (its budget is split among them)
//   funders          ids of the providers funding it (its share is split among them)
//   chapters         the distinct chapters of the articles it addresses
MATCH (p:Project)-[b:BENEFITS]->(s:State)
WHERE p.status <> 'cancelled' AND p.end >= $as_of
  AND ($state IS NULL OR s.iso3 = $state)
  AND ($group IS NULL OR s.un_group = $group)
RETURN s.iso3 AS state, s.name AS name, s.un_group AS group, p.id AS project,
       p.budget_usd AS budget_usd, p.sector_share AS sector_share, b.share AS share,
       COUNT { (p)-[:BENEFITS]->(:State) } AS beneficiaries,
       [(p)<-[:FUNDS]-(f:Provider) | f.id] AS funders,
       reduce(found = [], ch IN [(p)-[:ADDRESSES]->(a:Article) | a.chapter] |
              CASE WHEN ch IN found THEN found ELSE found + ch END) AS chapters
