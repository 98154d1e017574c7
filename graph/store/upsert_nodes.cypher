:param rows => [{key: 'proj-0001', props: {title: 'Example'}}];
// Upsert one batch of nodes of one label, matched on the label's key.
// Template: {label} and {key} are filled from the schema (graph/schema/mapping.py KEYS), never from input.
// $rows: list of {key: <key value>, props: <map of properties; a null removes the property>}
UNWIND $rows AS r
MERGE (n:{label} {{{key}: r.key}})
SET n += r.props
