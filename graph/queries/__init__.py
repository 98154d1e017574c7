"""The coordination questions: each has a Cypher file here for Neo4j and a networkx twin, and one
declaration in :mod:`tacmap.graph.queries.spec` that the stores' callers, the API, the command line
and the home page all read."""
