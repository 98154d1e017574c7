:params {};
// How many reference nodes are present: States with a name (from reference data), Articles and Regions.
MATCH (s:State) WHERE s.name IS NOT NULL
WITH count(s) AS states
OPTIONAL MATCH (a:Article)
WITH states, count(a) AS articles
OPTIONAL MATCH (r:Region)
RETURN states, articles, count(r) AS regions
