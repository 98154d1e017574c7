"""Start-up: a command imports only what it uses, so the command line answers at once.

Each check runs in a fresh interpreter (the test process has imported everything already)."""

from __future__ import annotations

import json
import subprocess
import sys

from tacmap.graph.schema import reference, reference_snapshot

# Packages no command-line start-up needs: the Neo4j driver (only for --store neo4j), the web
# stack (only for serve and demo), pandas and openpyxl (only for reading a workbook), hdx and
# frictionless (reference data comes from its snapshot).
HEAVY = ("neo4j", "fastapi", "starlette", "uvicorn", "pandas", "openpyxl", "hdx", "frictionless")


def imported_after(code: str) -> tuple[set[str], str]:
    """Top-level packages in ``sys.modules`` after running ``code`` in a new interpreter, and
    what ``code`` printed."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    *printed, modules = done.stdout.splitlines()
    return set(json.loads(modules)), "\n".join(printed)


def test_the_command_line_imports_no_heavy_package():
    loaded, _ = imported_after("import tacmap.api.cli")
    assert loaded.isdisjoint(HEAVY)


def test_help_lists_every_command_without_heavy_packages():
    code = (
        "import sys\nfrom tacmap.api.cli import main\nsys.argv = ['tacmap', '--help']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert exit.code == 0, exit.code"
    )
    loaded, printed = imported_after(code)
    assert loaded.isdisjoint(HEAVY)
    for command in (
        "load",
        "export",
        "seed",
        "query",
        "map",
        "serve",
        "demo",
        "keys",
        "template",
        "load-iati",
    ):
        assert f"  {command} " in printed, command


def test_the_embedded_store_opens_without_the_neo4j_driver(tmp_path, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    code = (
        "from tacmap.graph.settings import Settings\nfrom tacmap.graph.store import open_store\n"
        f"store = open_store(Settings(data_dir={str(tmp_path)!r}))\nstore.projection()"
    )
    loaded, _ = imported_after(code)
    assert "neo4j" not in loaded
    assert "networkx" in loaded  # the probe did read the store


def test_reference_data_comes_from_the_snapshot_not_hdx():
    code = (
        "from tacmap.graph.schema import reference, regions\n"
        "assert reference.countries()['KEN'].un_group == 'african'\n"
        "assert reference.suggest_iso3('Burma') == 'MMR' and regions.regions()\n"
        "assert reference.region_name('Eastern Africa', 'fr') == 'Afrique orientale'"
    )
    loaded, _ = imported_after(code)
    assert "hdx" not in loaded and "frictionless" not in loaded and "countrygroups" not in loaded


def test_the_snapshot_matches_the_installed_packages():
    """Fails after an upgrade of hdx-python-country, countrygroups or Babel until the snapshot is
    regenerated: ``python -m tacmap.graph.schema.reference_snapshot``."""
    built = json.loads(json.dumps(reference_snapshot.build()))
    assert built == reference.snapshot()


def test_help_builds_no_question_or_export_format():
    """The question registry (pydantic models) and the export writers load only when used."""
    code = (
        "import sys\nfrom tacmap.api.cli import main\nsys.argv = ['tacmap', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print([m for m in sys.modules if m.startswith(('tacmap.graph.queries', 'tacmap.graph.export.', "
        "'tacmap.graph.schema.models', 'networkx'))])"
    )
    _, printed = imported_after(code)
    assert printed.splitlines()[-1] == "[]"


def test_import_tacmap_is_light():
    """A notebook's ``import tacmap`` loads neither pandas nor a store until it asks something."""
    loaded, _ = imported_after("import tacmap\nassert callable(tacmap.open)")
    assert loaded.isdisjoint(HEAVY) and "networkx" not in loaded and "pydantic" not in loaded
