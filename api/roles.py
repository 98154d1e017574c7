"""The roles an API key has, apart from the key store so that the command line can offer them
without importing it."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    viewer = "viewer"
    editor = "editor"
    admin = "admin"

    @property
    def rank(self) -> int:
        return {"viewer": 1, "editor": 2, "admin": 3}[self.value]
