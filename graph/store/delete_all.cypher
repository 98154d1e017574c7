:params {};
// Remove every node and relationship (tests and `tacmap reset` only).
MATCH (n)
DETACH DELETE n
