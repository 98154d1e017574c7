:params {};
// Every relationship: its type, the label and key of each end, and its properties.
// A node's key is whichever of id, iso3, number it has (graph/schema/README.md).
MATCH (a)-[r]->(b)
RETURN type(r) AS type,
       labels(a) AS src_labels, coalesce(a.id, a.iso3, a.number) AS src_key,
       labels(b) AS dst_labels, coalesce(b.id, b.iso3, b.number) AS dst_key,
       properties(r) AS props
