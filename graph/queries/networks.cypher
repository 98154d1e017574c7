:params {};
// Networks and their members (graph/queries/README.md, section 7): one row per network.
// The broker metrics of section 7 are computed with networkx on the store's projection (networks.py).
//
// Parameters: none.
// Portable subset, checked on ArcadeDB's Bolt server; COLLECT { } subqueries need Neo4j 5.6 or later.
// Member lists come back sorted by ISO3.
MATCH (w:Network)
RETURN w.id AS network, w.name AS name,
       COLLECT { MATCH (s:State)-[:MEMBER_OF]->(w) WITH DISTINCT s.iso3 AS iso3 RETURN iso3 ORDER BY iso3 } AS members
