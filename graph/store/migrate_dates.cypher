:params {};
// Turn one day property still held as an ISO string (as tacmap wrote it before dates were Neo4j
// `date` values) into a `date`; a property that is a date already is left alone, so running it
// again converts nothing. `toString(x) = x` holds for strings only: portable to ArcadeDB, unlike
// `x IS :: STRING` (Neo4j 5.9 and later).
// Template: {label} and {prop} come from the schema (graph/schema/mapping.py DATE_PROPS), never from input.
// Returns converted: how many nodes were changed.
MATCH (n:{label})
WHERE toString(n.{prop}) = n.{prop}
SET n.{prop} = date(n.{prop})
RETURN count(n) AS converted
