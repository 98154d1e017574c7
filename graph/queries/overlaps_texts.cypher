:params {};
// The words of every live project, for the overlaps' text similarity (graph/queries/README.md
// section 1, "text"): graph/queries/_text.py turns them into character n-gram TF-IDF vectors.
// No parameters. Columns: project (id), title, description (null when none).
MATCH (p:Project)
WHERE p.status <> 'cancelled'
RETURN p.id AS project, p.title AS title, p.description AS description
