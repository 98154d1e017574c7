:param as_of => date('2026-06-30');
// The needs-vs-supply matrix, graph/queries/README.md section 3: the facts each cell is counted
// from. graph/queries/matrix.py derives levels, places needs and projects in cells, splits
// budgets and builds the table, the same for both stores.
//
// Parameters (must be given):
//   $as_of   ISO date: supply is the live projects (status not cancelled) ending on or after it
//
// Columns: two kinds of row; list order not significant, and no list holds a value twice.
//   kind          'needs' (the needs of one State on one article for one form) | 'project' (a supply project)
//   needs         needs: how many such needs; project: null
//   id            project: its id; needs: null
//   articles      needs: [the article]; project: the articles it addresses
//   chapters      needs: [the article's chapter]; project: the distinct chapters of its articles
//   groups        needs: [the State's primary UN regional group or 'none'];
//                 project: the distinct groups of its beneficiaries ('none' for a State without one)
//   forms         needs: [the form]; project: the forms it lists ([] = any form)
//   reached       needs: ids of supply projects that benefit the State and address the article
//   covered       needs: ids of those that also list the form or no forms (they cover these needs)
//   covered_stated needs: ids of those covering projects whose article is stated (not inferred)
//   budget_usd    project: its budget (null when unknown)
//   sector_share  project: % of it in the selected sectors (null: all of it)
//   beneficiaries project: number of beneficiary States
//   network       project: true when it runs through a network
//   regional      project: true when it reaches a Region of scope 'regional' (a regional programme)
//   worldwide     project: true when it reaches a Region of scope 'global' (DAC 998, M49 001)
MATCH (s:State)-[:HAS_NEED]->(n:Need)-[:ON_ARTICLE]->(a:Article)
WITH s, a, n.form AS form, count(n) AS needs
// the supply on one (State, article) is looked up once for all its forms
WITH s, a, collect({form: form, needs: needs}) AS wants
OPTIONAL MATCH (s)<-[:BENEFITS]-(p:Project)-[r:ADDRESSES]->(a)
WHERE p.status <> 'cancelled' AND p.end >= $as_of
WITH s, a, wants,
     collect(CASE WHEN p IS NULL THEN null
             ELSE {id: p.id, forms: coalesce(r.forms, []), stated: coalesce(r.basis, 'stated') = 'stated'}
             END) AS supply
UNWIND wants AS w
RETURN 'needs' AS kind, w.needs AS needs, null AS id, [a.number] AS articles, [a.chapter] AS chapters,
       [coalesce(s.un_group, 'none')] AS groups, [w.form] AS forms,
       [x IN supply | x.id] AS reached,
       [x IN supply WHERE size(x.forms) = 0 OR w.form IN x.forms | x.id] AS covered,
       [x IN supply WHERE x.stated AND (size(x.forms) = 0 OR w.form IN x.forms) | x.id] AS covered_stated,
       null AS budget_usd, null AS sector_share, null AS beneficiaries, null AS network, null AS regional,
       null AS worldwide
UNION ALL
MATCH (p:Project)
WHERE p.status <> 'cancelled' AND p.end >= $as_of
OPTIONAL MATCH (p)-[:BENEFITS]->(s:State)
WITH p,
     collect(DISTINCT CASE WHEN s IS NULL THEN null ELSE coalesce(s.un_group, 'none') END) AS groups,
     count(s) AS beneficiaries
OPTIONAL MATCH (p)-[r:ADDRESSES]->(a:Article)
WITH p, groups, beneficiaries,
     collect(a.number) AS articles,
     collect(DISTINCT a.chapter) AS chapters,
     head(collect(coalesce(r.forms, []))) AS forms
RETURN 'project' AS kind, null AS needs, p.id AS id, articles, chapters, groups, coalesce(forms, []) AS forms,
       null AS reached, null AS covered, null AS covered_stated, p.budget_usd AS budget_usd, p.sector_share AS sector_share, beneficiaries,
       EXISTS { MATCH (p)-[:THROUGH]->(:Network) } AS network,
       EXISTS { MATCH (p)-[:REACHES]->(:Region {scope: 'regional'}) } AS regional,
       EXISTS { MATCH (p)-[:REACHES]->(:Region {scope: 'global'}) } AS worldwide
