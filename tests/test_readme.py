"""The README's promises, checked against the code: its commands run, its routes exist, its
settings are the ones the code reads, and `.ci/run` runs its check command."""

from __future__ import annotations

import ast
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tacmap.api.app import create_app
from tacmap.graph.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
TACMAP = str(Path(sys.executable).parent / "tacmap")
IATI = ROOT / "tests" / "data" / "iati" / "hand"
# Commands that serve until stopped: the HTTP tests cover what they serve.
SERVERS = {"demo", "serve"}


def fenced(text: str, language: str) -> list[str]:
    """The lines of every fenced block of ``language``."""
    blocks = re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)
    return [line for block in blocks for line in block.splitlines()]


def tacmap_commands(text: str) -> list[list[str]]:
    """Each ``tacmap ...`` line of the shell blocks, as arguments, comments dropped."""
    return [
        shlex.split(line, comments=True)[1:]
        for line in fenced(text, "bash")
        if line.startswith("tacmap ") and shlex.split(line)[1] not in SERVERS
    ]


def documented_routes(text: str) -> set[tuple[str, str]]:
    """(method, path) of every route the README names in backticks; GET when it names no method.
    Placeholders become ``{}`` and a query string is dropped."""
    found = re.findall(r"`(?:(GET|POST|DELETE|PUT|PATCH) )?(/[^`\s?]*)[^`]*`", text)
    return {(method or "GET", re.sub(r"\{[^}]*\}", "{}", path)) for method, path in found}


def served_routes() -> set[tuple[str, str]]:
    """(method, path) of every operation in the API's OpenAPI document, and its documentation page
    when it answers."""
    app = create_app(Settings(data_dir=Path("/nonexistent-never-opened")))
    operations = {
        (method.upper(), re.sub(r"\{[^}]*\}", "{}", path))
        for path, item in app.openapi()["paths"].items()
        for method in item
    }
    client = TestClient(app)
    # pages for browsers only, left out of the schema: served when they answer other than 404
    pages = {("GET", path) for path in ("/docs", "/sign-in") if client.get(path).status_code == 200}
    if client.get("/imports", follow_redirects=False).status_code != 404:
        pages.add(("GET", "/imports"))
    return operations | pages


def string_constants(folders: list[str]) -> set[str]:
    """Every string literal of the code in ``folders`` (docstrings say a name; code reads it)."""
    out: set[str] = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            out.update(
                n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            )
    return out


SETTING = re.compile(r"\b(?:TACMAP|NEO4J)_[A-Z0-9_]*[A-Z0-9]\b")


def test_the_readme_shell_blocks_name_the_commands_run_below() -> None:
    commands = {args[0] for args in tacmap_commands(README)}
    assert {"query", "map", "stats", "export", "load", "load-iati"} <= commands
    assert tacmap_commands("```bash\ntacmap stats   # counts\ntacmap serve\n```\n") == [["stats"]]


@pytest.mark.slow
def test_every_documented_command_runs(tmp_path: Path) -> None:
    """The seed world loaded, then every README command in order, from a folder holding the files
    they name (IATI files from tests/data stand in for a donor's downloads)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "TACMAP_"))}
    env["TACMAP_DATA_DIR"] = str(tmp_path / "data")
    work = tmp_path / "work"
    (work / "downloads").mkdir(parents=True)
    shutil.copy(IATI / "fcdo.xml", work / "downloads" / "fcdo.xml")
    shutil.copy(IATI / "fcdo.xml", work / "dfid.xml")

    def run(args: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TACMAP, *args], cwd=work, env=env, capture_output=True, text=True, timeout=600, check=False
        )

    for setup in (["seed", "--out", "seed-bundle"], ["load", "seed-bundle"]):
        assert run(setup).returncode == 0, run(setup).stderr
    for args in tacmap_commands(README):
        done = run(args)
        assert done.returncode == 0, f"tacmap {shlex.join(args)} (README) failed:\n{done.stderr}"
        assert done.stdout or any(work.iterdir()), f"tacmap {shlex.join(args)} said nothing"
    assert (work / "gaps.xlsx").stat().st_size > 0 and (work / "gaps.html").stat().st_size > 0
    assert (work / "report.json").stat().st_size > 0


def test_every_documented_route_is_served() -> None:
    documented = documented_routes(README)
    assert ("POST", "/imports/iati") in documented and ("DELETE", "/keys/{}") in documented
    missing = documented - served_routes()
    assert not missing, f"README.md names routes the API does not serve: {sorted(missing)}"


def test_an_unserved_route_would_be_caught() -> None:
    assert ("POST", "/imports/nowhere") not in served_routes()
    assert documented_routes("`POST /imports/nowhere` and `/states/{code}?lang=fr`") == {
        ("POST", "/imports/nowhere"),
        ("GET", "/states/{}"),
    }


def test_documented_settings_are_the_ones_the_code_reads() -> None:
    """Both ways: a setting the README names is read by the code, and a setting the code reads
    is in the README (or, for the IATI codelists, in the README of the data they replace)."""
    documented = set(SETTING.findall(README))
    read = {s for s in string_constants(["graph", "api", "viz", "i18n"]) if SETTING.fullmatch(s)}
    assert documented - read == set(), "README.md names settings nothing reads"
    data_readme = (ROOT / "graph" / "schema" / "data" / "README.md").read_text(encoding="utf-8")
    assert read - documented - set(SETTING.findall(data_readme)) == set(), "settings missing from README.md"
    assert "TACMAP_LOCK_TIMEOUT" in documented and "NEO4J_URI" in read


def test_ci_runs_the_readme_check_command() -> None:
    """`.ci/run` takes the first line starting with `scripts/check` from README.md: the README's
    first shell block line of that kind is the one command a newcomer runs."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "grep -m1 -E '^[[:space:]]*scripts/check([[:space:]]|$)' README.md" in ci
    assert 'eval "$check_command"' in ci
    first = next(line for line in fenced(README, "bash") if line.startswith("scripts/check"))
    assert first == "scripts/check"
    assert os.access(ROOT / "scripts" / "check", os.X_OK)


def test_the_documented_problem_messages_are_what_the_reader_says(tmp_path: Path) -> None:
    """The README's example bundle (its projects.csv and needs.csv rows, a provider file for their
    funders), with an end before its start in projects.csv row 5 and KEM in needs.csv row 3,
    gives the two problem lines the README quotes, word for word."""
    from tacmap.graph.ingest.bundle import read_bundle
    from tacmap.graph.ingest.problems import BundleError

    quoted = re.findall(r"^(\w+\.csv row \d+, column .+)$", README, flags=re.MULTILINE)
    assert len(quoted) == 2
    csv = dict(re.findall(r"`(\w+\.csv)`:\n\n```csv\n(.*?)```", README, flags=re.DOTALL))
    header, project = csv["projects.csv"].splitlines()
    late = project.replace("p-ken-mla", "p-late").replace("2008-01-01,2010-12-31", "2011-06-01,2010-05-31")
    projects = [project.replace("p-ken-mla", f"p-ken-{n}") for n in (1, 2)]
    (tmp_path / "projects.csv").write_text("\n".join([header, project, *projects, late]) + "\n")
    (tmp_path / "needs.csv").write_text(csv["needs.csv"] + "n-kem-46,KEM,46,legal_advice,high,2009-03-01,\n")
    (tmp_path / "providers.csv").write_text("id,name,kind\ndfid,DFID,bilateral\nunodc,UNODC,un_entity\n")
    with pytest.raises(BundleError) as refused:
        read_bundle(tmp_path)
    said = [str(problem) for problem in refused.value.problems]
    assert said == sorted(quoted), said


def test_the_notebook_example_runs(tmp_path: Path) -> None:
    """The README's Python blocks, run in order as one script on the seed, print what they say."""
    from tacmap.graph.store import EmbeddedStore

    from tests.test_api_support import load_seed

    with EmbeddedStore(tmp_path / "data") as store:
        load_seed(store)
    code = "\n".join(fenced(README, "python"))
    assert "tacmap.open()" in code and ".to_frame()" in code
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "TACMAP_"))}
    env["TACMAP_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("<overlaps: 3 rows>\n"), done.stdout
    assert "project_a project_b" in done.stdout and "priority" in done.stdout
