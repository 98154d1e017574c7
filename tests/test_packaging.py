"""How tacmap installs: one name in site-packages, every package listed, no upward imports.

The repository keeps its top-level folders (``graph/``, ``api/``, ``viz/``, ``seed/``); setuptools
maps them to ``tacmap.graph`` and so on (``pyproject.toml``), so a notebook that also has some other
``graph`` or ``api`` distribution installed imports the right one.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("graph", "api", "viz", "i18n", "seed")
# Which top-level package may import which: lower layers never import higher ones.
MAY_IMPORT = {
    "graph": {"graph"},
    "seed": {"graph", "seed"},
    "i18n": {"graph", "i18n"},
    "viz": {"graph", "i18n", "viz"},
    "api": {"graph", "seed", "i18n", "viz", "api"},
}


def _sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _imported(path: Path) -> set[str]:
    """Top-level module names that ``path`` imports (absolute imports only)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_every_package_folder_is_installed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        "tacmap." + ".".join(init.parent.relative_to(ROOT).parts)
        for folder in FOLDERS
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert found | {"tacmap"} == listed, "add new packages to [tool.setuptools] packages in pyproject.toml"
    assert config["tool"]["setuptools"]["package-dir"] == {"tacmap": "tacmap"} | {
        f"tacmap.{f}": f for f in FOLDERS
    }
    assert [p.name for p in (ROOT / "tacmap").iterdir() if p.is_dir() and p.name != "__pycache__"] == []


def test_no_source_imports_a_bare_top_level_name() -> None:
    bare = [
        f"{path.relative_to(ROOT)}: {name}"
        for folder in (*FOLDERS, "tests", "bench")
        for path in _sources(folder)
        for name in _imported(path)
        if name.split(".")[0] in FOLDERS
    ]
    assert bare == []


def test_no_package_imports_a_layer_above_it() -> None:
    upward = [
        f"{path.relative_to(ROOT)} imports {name}"
        for folder in FOLDERS
        for path in _sources(folder)
        for name in _imported(path)
        if name.startswith("tacmap.") and name.split(".")[1] not in MAY_IMPORT[folder]
    ]
    assert upward == []


def test_the_tests_import_this_checkout() -> None:
    import tacmap.graph

    assert Path(tacmap.graph.__file__).resolve() == ROOT / "graph" / "__init__.py"


def test_installed_names_are_under_tacmap_only(tmp_path: Path) -> None:
    probe = (
        "import importlib.util as u, tacmap.graph, tacmap.api.cli\n"
        "print(sorted(n for n in ('graph', 'api', 'viz', 'seed') if u.find_spec(n)))"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # as installed, not as tested
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
