"""The ``tacmap`` command line, run as a real process, as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bolt_server import BoltServer

TACMAP = str(Path(sys.executable).parent / "tacmap")


def tacmap(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")} | (env or {})
    return subprocess.run(
        [TACMAP, *args], check=False, capture_output=True, text=True, env=environ, timeout=600
    )


@pytest.fixture(params=["embedded", "neo4j"])
def store_args(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    """Global options and environment that point the command line at a fresh store of each kind."""
    if request.param == "embedded":
        return ["--data-dir", str(tmp_path / "data")], {}
    server: BoltServer = request.getfixturevalue("bolt_server")
    request.getfixturevalue("neo4j_store_session").clear()
    env = {
        "NEO4J_URI": server.uri,
        "NEO4J_USER": server.user,
        "NEO4J_PASSWORD": server.password,
        "NEO4J_DATABASE": server.database,
    }
    return ["--store", "neo4j"], env


def test_seed_load_stats_and_reload(tmp_path: Path, store_args: tuple[list[str], dict[str, str]]) -> None:
    opts, env = store_args
    bundle = tmp_path / "seed"
    written = tacmap(*opts, "seed", "--out", str(bundle), env=env)
    assert written.returncode == 0, written.stderr
    assert (bundle / "projects.csv").exists()

    first = tacmap(*opts, "load", str(bundle), "--format", "json", env=env)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["created"]["projects"] > 200

    stats = json.loads(tacmap(*opts, "stats", "--format", "json", env=env).stdout)
    assert stats["nodes"]["Project"] == summary["created"]["projects"]
    assert stats["nodes"]["State"] > 190

    again = json.loads(tacmap(*opts, "load", str(bundle), "--format", "json", env=env).stdout)
    assert sum(again["created"].values()) == 0
    assert sum(again["updated"].values()) == 0


def test_broken_bundle_exits_2_lists_every_problem_and_changes_nothing(
    tmp_path: Path, store_args: tuple[list[str], dict[str, str]]
) -> None:
    opts, env = store_args
    good = tmp_path / "good"
    good.mkdir()
    (good / "providers.csv").write_text("id,name,kind,country\ngiz,GIZ,bilateral,DEU\n", encoding="utf-8")
    assert tacmap(*opts, "load", str(good), env=env).returncode == 0
    before = tmp_path / "before"
    assert tacmap(*opts, "export", str(before), env=env).returncode == 0

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "needs.csv").write_text(
        "id,state,article,form\nq1,KEM,72,training\nq2,KEN,5,legal_advice\n", encoding="utf-8"
    )
    (bad / "projects.csv").write_text(
        "id,title,funders,beneficiaries,articles,start,end,status\n"
        "p1,Desk,gizz,KEN,5,2011-06-01,2010-05-31,ongoing\n",
        encoding="utf-8",
    )
    result = tacmap(*opts, "load", str(bad), env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "nothing was imported: 5 problems to fix" in result.stderr
    for line in (
        "needs.csv row 2, column state: unknown country code 'KEM' — did you mean KEN?",
        "needs.csv row 2, column article: article 72 is outside 1–71",
        "projects.csv row 2, column funders: unknown provider 'gizz' — did you mean giz?",
        "projects.csv row 2, column end: end 2010-05-31 is before start 2011-06-01",
    ):
        assert line in result.stderr

    after = tmp_path / "after"
    assert tacmap(*opts, "export", str(after), env=env).returncode == 0
    for file in sorted(before.iterdir()):
        assert file.read_bytes() == (after / file.name).read_bytes(), file.name


def test_user_errors_print_one_message_without_traceback(tmp_path: Path) -> None:
    missing = tacmap("--data-dir", str(tmp_path), "load", str(tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert "no such file or folder" in missing.stderr
    assert "Traceback" not in missing.stderr

    no_server = tacmap("--data-dir", str(tmp_path), "--store", "neo4j", "stats")
    assert no_server.returncode == 1
    assert "NEO4J_URI" in no_server.stderr
    assert "Traceback" not in no_server.stderr


def test_query_prints_the_same_answers_as_the_question_functions(tmp_path: Path) -> None:
    from tacmap.graph.queries.gaps import gaps
    from tacmap.graph.queries.overlaps import overlaps
    from tacmap.graph.store import EmbeddedStore

    data = ["--data-dir", str(tmp_path)]
    assert tacmap(*data, "seed").returncode == 0
    store = EmbeddedStore(tmp_path)

    answer = tacmap(*data, "query", "gaps", "--state", "KEN", "--as-of", "2009-09-01", "--format", "json")
    assert answer.returncode == 0, answer.stderr
    expected = [g.to_dict() for g in gaps(store, state="KEN", as_of="2009-09-01")]
    assert json.loads(answer.stdout) == json.loads(json.dumps(expected, default=str))
    assert expected

    pairs = json.loads(tacmap(*data, "query", "overlaps", "--format", "json").stdout)
    assert [(p["project_a"], p["project_b"]) for p in pairs] == [
        (o.project_a, o.project_b) for o in overlaps(store)
    ]

    csv_text = tacmap(
        *data, "query", "matrix", "--rows", "chapter", "--cols", "group", "--format", "csv"
    ).stdout
    assert csv_text.splitlines()[0].startswith("chapter,group,needs,covered")

    sheet = tmp_path / "orphans.xlsx"
    assert tacmap(*data, "query", "orphans", "--format", "xlsx", "-o", str(sheet)).returncode == 0
    assert sheet.read_bytes()[:2] == b"PK"
    store.close()


def test_query_user_errors(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path)]
    unknown = tacmap(*data, "query", "experts", "--need", "nope")
    assert unknown.returncode == 1
    assert "no need 'nope'" in unknown.stderr
    bad_date = tacmap(*data, "query", "gaps", "--as-of", "2009-13-01")
    assert bad_date.returncode == 1
    assert "--as-of '2009-13-01' is not a date" in bad_date.stderr
    assert "Traceback" not in bad_date.stderr + unknown.stderr


def test_load_from_the_command_line_is_audited(tmp_path: Path) -> None:
    from tacmap.api.audit import AuditLog
    from tacmap.api.auth import AuthDB

    data = tmp_path / "data"
    good, broken = tmp_path / "good", tmp_path / "broken"
    good.mkdir()
    broken.mkdir()
    (good / "providers.csv").write_text("id,name,kind,country\ngiz,GIZ,bilateral,DEU\n", encoding="utf-8")
    (broken / "providers.csv").write_text("id,name,kind,country\nx,X,bilaterl,DEU\n", encoding="utf-8")
    assert tacmap("--data-dir", str(data), "load", str(good)).returncode == 0
    assert tacmap("--data-dir", str(data), "load", str(broken)).returncode == 2
    total, entries = AuditLog(AuthDB(data)).entries(action="import")
    assert total == 2
    rejected, ok = entries  # newest first
    assert (ok.actor, ok.outcome, ok.filename) == ("cli", "ok", str(good))
    assert ok.counts and ok.counts["created"]["providers"] == 1 and ok.import_id
    assert (rejected.outcome, rejected.message, rejected.import_id) == ("rejected", "1 problem(s)", None)


def test_demo_says_plainly_when_its_port_is_taken(tmp_path: Path) -> None:
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = tacmap("--data-dir", str(tmp_path), "demo", "--host", "127.0.0.1", "--port", str(port))
    assert result.returncode != 0
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "illustrative seed" not in result.stdout + result.stderr  # checked before loading anything
