:param state => 'KEN';
:param article => null;
:param provider => null;
:param group => null;
:param period_start => null;
:param period_end => null;
// Overlaps (possible duplication), graph/queries/README.md section 1.
// Pairs of live projects (status not cancelled) that share at least one beneficiary State and at
// least one article, whose periods intersect (a.start <= b.end AND b.start <= a.end, dates
// inclusive), and that no provider funds both. Each pair once, a.id < b.id. Scoring, ordering and
// the explanation are done by graph/queries/overlaps.py, the same for both stores.
//
// Parameters (every one must be given; null = no filter):
//   $state     ISO3 code: keep pairs that share this State
//   $article   article number: keep pairs that share this article
//   $provider  provider id: keep pairs where it funds or implements either project
//   $group     UN regional group code: keep pairs that share a State whose primary group it is
//   $period_start  ISO date: keep pairs whose common period ends on or after it
//   $period_end    ISO date: keep pairs whose common period starts on or before it
//   (not $start/$end: START and END are reserved words, not allowed as parameter names)
//
// Columns (one row per pair; list order is not significant):
//   project_a, project_b        project ids, project_a < project_b
//   title_a, title_b            project titles
//   start_a, end_a, start_b, end_b   project periods (ISO dates)
//   budget_a, budget_b          budgets in USD (null when unknown)
//   states                      ISO3 codes of the beneficiary States both projects share
//   articles                    article numbers both projects address
//   bases                       per shared article [number, basis in a, basis in b]; a basis is
//                               'stated' or kind:evidence ('sector:15113', 'keyword:whistle-blow*')
//   forms_a, forms_b            forms of assistance each project lists ([] = any form)
//   funders_a, funders_b        provider ids funding each project (disjoint by definition)
//   implementer_a, implementer_b  implementing provider id (or null)
//   n_states_a, n_states_b      number of beneficiary States of each project
//   n_articles_a, n_articles_b  number of articles each project addresses
MATCH (a:Project)-[:BENEFITS]->(s:State)<-[:BENEFITS]-(b:Project)
WHERE a.id < b.id
  AND a.status <> 'cancelled' AND b.status <> 'cancelled'
  AND a.start <= b.end AND b.start <= a.end
  AND ($period_start IS NULL OR (a.end >= $period_start AND b.end >= $period_start))
  AND ($period_end IS NULL OR (a.start <= $period_end AND b.start <= $period_end))
WITH a, b, collect(s) AS shared
WHERE ($state IS NULL OR any(x IN shared WHERE x.iso3 = $state))
  AND ($group IS NULL OR any(x IN shared WHERE x.un_group = $group))
MATCH (a)-[ra:ADDRESSES]->(art:Article)<-[rb:ADDRESSES]-(b)
WITH a, b, shared,
     collect(art.number) AS articles,
     collect([art.number,
              coalesce(ra.basis, 'stated') + CASE WHEN ra.evidence IS NULL THEN '' ELSE ':' + ra.evidence END,
              coalesce(rb.basis, 'stated') + CASE WHEN rb.evidence IS NULL THEN '' ELSE ':' + rb.evidence END]) AS bases,
     head(collect(coalesce(ra.forms, []))) AS forms_a,
     head(collect(coalesce(rb.forms, []))) AS forms_b
WHERE $article IS NULL OR $article IN articles
WITH a, b, shared, articles, bases, forms_a, forms_b,
     [(a)<-[:FUNDS]-(f:Provider) | f.id] AS funders_a,
     [(b)<-[:FUNDS]-(f:Provider) | f.id] AS funders_b,
     head([(a)-[:IMPLEMENTED_BY]->(i:Provider) | i.id]) AS implementer_a,
     head([(b)-[:IMPLEMENTED_BY]->(i:Provider) | i.id]) AS implementer_b
WHERE none(f IN funders_a WHERE f IN funders_b)
  AND ($provider IS NULL
       OR $provider IN funders_a OR $provider IN funders_b
       OR implementer_a = $provider OR implementer_b = $provider)
RETURN a.id AS project_a, b.id AS project_b,
       a.title AS title_a, b.title AS title_b,
       a.start AS start_a, a.end AS end_a, b.start AS start_b, b.end AS end_b,
       a.budget_usd AS budget_a, b.budget_usd AS budget_b,
       [x IN shared | x.iso3] AS states, articles, bases,
       forms_a, forms_b, funders_a, funders_b, implementer_a, implementer_b,
       COUNT { (a)-[:BENEFITS]->(:State) } AS n_states_a,
       COUNT { (b)-[:BENEFITS]->(:State) } AS n_states_b,
       COUNT { (a)-[:ADDRESSES]->(:Article) } AS n_articles_a,
       COUNT { (b)-[:ADDRESSES]->(:Article) } AS n_articles_b
