:param as_of => date('2026-06-30');
:param group => null;
// Orphans, graph/queries/README.md section 4: States with at least one need that no live project
// (status not cancelled) benefits with an end on or after $as_of.
//
// Parameters (every one must be given; null = no filter, except $as_of):
//   $as_of   ISO date (required)
//   $group   UN regional group code: only States whose primary group it is
//
// Columns (one row per orphan State):
//   state, name, group (primary UN regional group or null)
//   needs            number of its needs
//   high_priority    number of its needs of high priority
//   last_end         the latest end date (ISO) of a live project that benefited it, or null if none ever did
MATCH (s:State)-[:HAS_NEED]->(n:Need)
WHERE $group IS NULL OR s.un_group = $group
WITH s, count(n) AS needs, sum(CASE WHEN n.priority = 'high' THEN 1 ELSE 0 END) AS high_priority
WHERE NOT EXISTS {
  MATCH (s)<-[:BENEFITS]-(p:Project)
  WHERE p.status <> 'cancelled' AND p.end >= $as_of
}
OPTIONAL MATCH (s)<-[:BENEFITS]-(q:Project)
WHERE q.status <> 'cancelled'
RETURN s.iso3 AS state, s.name AS name, s.un_group AS group, needs, high_priority, max(q.end) AS last_end
