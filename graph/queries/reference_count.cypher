// How many reference nodes are present: States with a name (from reference data) and Articles.
MATCH (s:State) WHERE s.name IS NOT NULL
WITH count(s) AS states
OPTIONAL MATCH (a:Article)
RETURN states, count(a) AS articles
