:params {};
// Every node with its labels and properties (used by export and the networkx projection).
MATCH (n)
RETURN labels(n) AS labels, properties(n) AS props
