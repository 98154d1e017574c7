:param need => null;
:param state => 'KEN';
:param group => null;
:param article => null;
:param needs => null;
:param hidden => null;
// South–South pairing (graph/queries/README.md, section 5): one row per (need, candidate peer).
// The score, the ranking and the explanation are computed from these rows in graph/queries/pairings.py.
//
// Parameters (every one may be null, meaning "no filter"):
//   $need     id of one need, e.g. 'need-0001'
//   $state    ISO3 code of the requesting State, e.g. 'KEN'
//   $group    UN regional group code of the requesting State: african, asia_pacific, eastern_european, grulac, weog
//   $article  UNCAC article number, e.g. 46
//   $needs    list of need ids to keep (e.g. the gaps), or null for all needs
//   $hidden   list of need ids to treat as absent (restricted needs an audience may not see), or null
//
// Portable subset, checked on ArcadeDB's Bolt server; COLLECT { } subqueries need Neo4j 5.6 or later.
// A candidate peer p of a need (s, a): p <> s, p reported `compliant` on a, p has no need of its own on a,
// and neither s nor p is an OECD-DAC member. Lists come back sorted and without duplicates.
MATCH (s:State)-[:HAS_NEED]->(n:Need)-[:ON_ARTICLE]->(a:Article)
WHERE ($need IS NULL OR n.id = $need)
  AND ($state IS NULL OR s.iso3 = $state)
  AND ($group IS NULL OR s.un_group = $group)
  AND ($article IS NULL OR a.number = $article)
  AND ($needs IS NULL OR n.id IN $needs)
  AND ($hidden IS NULL OR NOT n.id IN $hidden)
  AND NOT coalesce(s.dac_member, false)
MATCH (p:State)-[r:REPORTED]->(a)
WHERE r.status = 'compliant'
  AND p <> s
  AND NOT coalesce(p.dac_member, false)
  AND NOT EXISTS { MATCH (p)-[:HAS_NEED]->(m:Need)-[:ON_ARTICLE]->(a) WHERE $hidden IS NULL OR NOT m.id IN $hidden }
RETURN n.id AS need, s.iso3 AS state, s.name AS state_name, s.un_group AS state_group,
       a.number AS article, a.title AS article_title, n.form AS form, n.priority AS priority,
       p.iso3 AS peer, p.name AS peer_name, p.un_group AS peer_group,
       [l IN coalesce(s.languages, []) WHERE l IN coalesce(p.languages, [])] AS shared_languages,
       COLLECT { MATCH (s)-[:MEMBER_OF]->(w:Network)<-[:MEMBER_OF]-(p)
                 WITH DISTINCT w.id AS id RETURN id ORDER BY id } AS shared_networks,
       COLLECT { MATCH (p)<-[:NATIONAL_OF]-(e:Expert)-[:EXPERT_IN]->(a)
                 WITH DISTINCT e.id AS id RETURN id ORDER BY id } AS peer_experts,
       COLLECT { MATCH (p)-[:HAS_NEED]->(m:Need)-[:ON_ARTICLE]->(b:Article)<-[rb:REPORTED]-(s)
                 WHERE rb.status = 'compliant' AND ($hidden IS NULL OR NOT m.id IN $hidden)
                 WITH DISTINCT b.number AS number RETURN number ORDER BY number } AS reciprocal_articles
