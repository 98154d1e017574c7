:param as_of => date('2026-06-30');
:param state => 'KEN';
:param article => null;
:param group => null;
:param form => null;
:param need => null;
:param stated_only => false;
// Gaps (needs nobody has taken up), graph/queries/README.md section 2.
// A need (State s, article a, form f) is covered at $as_of when some live project (status not
// cancelled) benefits s, addresses a, lists f among its forms or lists no forms, and ends on or
// after $as_of. This returns the needs that are NOT covered, each with the live projects that
// benefit s and address a (they all miss on form, on period or on both, since the need is a gap);
// graph/queries/gaps.py picks the nearest of them as near-misses, the same for both stores.
//
// Parameters (every one must be given; null = no filter, except $as_of):
//   $as_of    ISO date (required): the day coverage is judged on
//   $state    ISO3 code: only needs of this State
//   $article  article number: only needs on this article
//   $group    UN regional group code: only needs of States whose primary group it is
//   $form     form code: only needs for this form
//   $need     need id: only this need
//   $stated_only  boolean (required): true = only a project whose article is stated covers, so a need
//                 covered only through inferred articles is returned too (gaps.py marks it
//                 'covered (inferred)')
//
// Columns (one row per gap; list order is not significant):
//   need, state, state_name, group (primary UN regional group, null when none),
//   article, article_title, chapter, form, priority (high|medium|low|null), identified_on (ISO or null),
//   candidates: list of {project, title, start, end, forms, basis} for every live project benefiting
//               the State and addressing the article (forms [] = any form; basis: what the project's
//               article rests on, 'stated' or kind:evidence such as 'sector:15113')
//   regional:   the same for every live project addressing the article that does not benefit the State
//               but reaches a Region the State is a member of (it reaches the need regionally: a
//               near-miss, never a cover)
MATCH (s:State)-[:HAS_NEED]->(n:Need)-[:ON_ARTICLE]->(a:Article)
WHERE ($state IS NULL OR s.iso3 = $state)
  AND ($article IS NULL OR a.number = $article)
  AND ($group IS NULL OR s.un_group = $group)
  AND ($form IS NULL OR n.form = $form)
  AND ($need IS NULL OR n.id = $need)
// the live projects on one (State, article) are looked up once for all its needs
WITH s, a, collect(n) AS needs
OPTIONAL MATCH (s)<-[:BENEFITS]-(m:Project)-[r:ADDRESSES]->(a)
WHERE m.status <> 'cancelled'
WITH s, a, needs,
     collect(CASE WHEN m IS NULL THEN null
             ELSE {project: m.id, title: m.title, start: m.start, end: m.end, forms: coalesce(r.forms, []),
                   basis: coalesce(r.basis, 'stated') + CASE WHEN r.evidence IS NULL THEN '' ELSE ':' + r.evidence END}
             END) AS candidates
OPTIONAL MATCH (x:Project)-[rx:ADDRESSES]->(a)
WHERE x.status <> 'cancelled' AND NOT EXISTS { MATCH (x)-[:BENEFITS]->(s) }
  AND EXISTS { MATCH (x)-[:REACHES]->(g:Region) WHERE s.iso3 IN g.members }
WITH s, a, needs, candidates,
     collect(CASE WHEN x IS NULL THEN null
             ELSE {project: x.id, title: x.title, start: x.start, end: x.end, forms: coalesce(rx.forms, []),
                   basis: coalesce(rx.basis, 'stated') + CASE WHEN rx.evidence IS NULL THEN '' ELSE ':' + rx.evidence END}
             END) AS regional
UNWIND needs AS n
WITH s, a, n, candidates, regional
// covered: a candidate ends on or after $as_of and lists the need's form or no forms (and, with
// $stated_only, its article is stated)
WHERE none(c IN candidates WHERE c.end >= $as_of AND (size(c.forms) = 0 OR n.form IN c.forms)
                            AND (NOT $stated_only OR c.basis = 'stated'))
RETURN n.id AS need, s.iso3 AS state, s.name AS state_name, s.un_group AS group,
       a.number AS article, a.title AS article_title, a.chapter AS chapter,
       n.form AS form, n.priority AS priority, n.identified_on AS identified_on,
       candidates, regional
