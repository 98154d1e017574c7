"""The kinds of map, apart from the map code so that the command line can list them cheaply."""

KINDS: tuple[str, ...] = ("coordination", "overlaps", "gaps", "pairings", "ego")
