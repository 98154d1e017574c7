:param keys => ['proj-0001'];
// Delete the relationships that records own before they are written again (see graph/schema/mapping.py OWNED).
// Template: {label}, {key}, {pattern} come from the schema, never from input;
// {pattern} is either -[r:TYPE]->() or <-[r:TYPE]-().
// $keys: list of node keys.
UNWIND $keys AS k
MATCH (n:{label} {{{key}: k}}){pattern}
DELETE r
