"""The tables of a bundle, in the order they are read, written and reported; apart from the models
(pydantic) so that listing them costs nothing at start-up."""

TABLES: tuple[str, ...] = (
    "states",
    "providers",
    "networks",
    "needs",
    "projects",
    "experts",
    "implementation",
)
