:param as_of => date('2026-06-30');
:param state => null;
:param group => null;
:param provider => null;
:param article => null;
// Presence ("who works where"), graph/queries/README.md section 7: one row per live project, State
// it benefits and provider that funds or implements it; graph/queries/presence.py counts projects
// and splits budgets per (provider, State), the same for both stores.
// Supply = live projects (status not cancelled) that end on or after $as_of.
//
// Parameters (every one must be given; null = no filter, except $as_of):
//   $as_of     ISO date (required)
//   $state     ISO3 code: only this State
//   $group     UN regional group code: only States whose primary group it is
//   $provider  provider id: only this provider
//   $article   UNCAC article number: only projects that address it
//
// Columns (list order not significant):
//   provider, provider_name, state, state_name, group (the State's primary UN regional group or null)
//   project          project id
//   role             FUNDS or IMPLEMENTED_BY
//   budget_usd       the project's whole budget (null when unknown)
//   sector_share     % of that budget in the selected sectors (null: all of it)
//   share            % of the project for this State, where stated (null: an even split)
//   beneficiaries    number of States the project benefits
//   funders          number of providers funding it (a funder's part is the State's part / funders)
MATCH (p:Project)-[b:BENEFITS]->(s:State)
WHERE p.status <> 'cancelled' AND p.end >= $as_of
  AND ($state IS NULL OR s.iso3 = $state)
  AND ($group IS NULL OR s.un_group = $group)
  AND ($article IS NULL OR EXISTS { MATCH (p)-[:ADDRESSES]->(a:Article) WHERE a.number = $article })
MATCH (p)-[r:FUNDS|IMPLEMENTED_BY]-(o:Provider)
WHERE $provider IS NULL OR o.id = $provider
RETURN o.id AS provider, o.name AS provider_name, s.iso3 AS state, s.name AS state_name,
       s.un_group AS group, p.id AS project, type(r) AS role, p.budget_usd AS budget_usd,
       p.sector_share AS sector_share, b.share AS share,
       COUNT { (p)-[:BENEFITS]->(:State) } AS beneficiaries,
       COUNT { (p)<-[:FUNDS]-(:Provider) } AS funders
