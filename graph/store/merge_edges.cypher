:param rows => [{src: 'prov-0001', dst: 'proj-0001', props: {}}];
// Merge one batch of relationships of one type between two labels.
// Template: {src}, {src_key}, {type}, {dst}, {dst_key} come from the schema, never from input.
// $rows: list of {src: <source key>, dst: <target key>, props: <map>}
// Returns written: the number of relationships merged (fewer than rows means a missing endpoint).
UNWIND $rows AS r
MATCH (a:{src} {{{src_key}: r.src}})
MATCH (b:{dst} {{{dst_key}: r.dst}})
MERGE (a)-[e:{type}]->(b)
SET e += r.props
RETURN count(e) AS written
