"""Print the requirements of pyproject.toml (dependencies and the ``test`` extra) that this Python
does not have at the pinned version, one a line; nothing when everything is in place.

``scripts/check`` installs the project only when this prints something, so a run on a ready
machine changes nothing and needs no network.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^;\s]+)$")


def missing(pyproject: Path) -> list[str]:
    """Each pinned requirement not installed at its version, and the project itself if absent."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    out = []
    for requirement in [*wanted, f"{project['name']}=={project['version']}"]:
        pin = PIN.match(requirement)
        if pin is None:
            raise SystemExit(f"{pyproject}: requirement {requirement!r} is not pinned as NAME==VERSION")
        name, pinned = pin.groups()
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = None
        if installed != pinned:
            out.append(requirement)
    return out


if __name__ == "__main__":
    for requirement in missing(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("pyproject.toml")):
        print(requirement)
