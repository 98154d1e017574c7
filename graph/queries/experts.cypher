:param need => null;
:param state => 'KEN';
:param article => 46;
:param form => 'legal_advice';
// Expert shortlist (graph/queries/README.md, section 6): every expert who qualifies for one request.
// The score, the ranking and the regional balance cap are applied in graph/queries/experts.py.
//
// Parameters: either $need (a need id; then $state, $article, $form are null), or $need = null and
//   $state    ISO3 code of the requesting State, e.g. 'KEN'
//   $article  UNCAC article number, e.g. 46
//   $form     form of assistance code, e.g. 'legal_advice'
//
// An expert qualifies when EXPERT_IN the article, when the form is among the forms listed on that
// EXPERT_IN relationship or none are listed, when not a national of the requesting State, and when
// the expert consented to be listed (e.consent = true; consent missing or false: kept on the roster,
// never shortlisted).
// No row at all: the need (or State or article) does not exist. One row with expert = null: it exists
// but nobody qualifies. Personal data (email, gender) is never returned.
OPTIONAL MATCH (ns:State)-[:HAS_NEED]->(n:Need {id: $need})-[:ON_ARTICLE]->(na:Article)
WITH n.id AS need, coalesce(ns.iso3, $state) AS iso3, coalesce(na.number, $article) AS number,
     coalesce(n.form, $form) AS form
MATCH (s:State {iso3: iso3})
MATCH (a:Article {number: number})
OPTIONAL MATCH (c:State)<-[:NATIONAL_OF]-(e:Expert)-[x:EXPERT_IN]->(a)
WHERE c <> s AND e.consent = true AND (size(coalesce(x.forms, [])) = 0 OR form IN x.forms)
RETURN need, s.iso3 AS state, s.un_group AS state_group, a.number AS article, form,
       e.id AS expert, e.name AS name, c.iso3 AS nationality, c.un_group AS expert_group,
       coalesce(e.languages, []) AS languages, coalesce(x.forms, []) AS forms,
       [l IN coalesce(s.languages, []) WHERE l IN coalesce(e.languages, [])] AS shared_languages
