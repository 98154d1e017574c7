"""Run a checkout's code whichever checkout the venv's editable install points at.

A folder of links ``tacmap/graph -> <checkout>/graph`` (and api, viz, seed) goes first on
``PYTHONPATH``, the way ``tests/conftest.py`` does it for the tests, so a benchmark can time this
checkout and another one (``--before``) side by side in the same run.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FOLDERS = ("graph", "api", "viz", "i18n", "seed")


def env_for(checkout: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """An environment whose Python imports ``tacmap.*`` from ``checkout``."""
    links = Path(tempfile.mkdtemp(prefix="tacmap-bench-"))
    (links / "tacmap").mkdir()
    for folder in FOLDERS:
        (links / "tacmap" / folder).symlink_to(checkout.resolve() / folder, target_is_directory=True)
    env = dict(os.environ if base is None else base)
    env["PYTHONPATH"] = os.pathsep.join([str(links), str(checkout.resolve())])
    return env
