"""Question 3, the needs-vs-supply matrix: for any two of {article, chapter, group, form, level},
needs, covered needs, coverage %, live projects and budget per cell — as a pandas table, JSON,
CSV or xlsx.

``matrix(store, rows, cols, as_of=...)`` is the public function (CLI, API). The stores return one
raw row per need and per supply project — ``matrix.cypher`` on Neo4j, :func:`embedded` here — and
this module places them in cells once for both. Contract: ``graph/queries/README.md`` section 3.

How things count (documented in the README):
- supply = live projects (not cancelled) that end on or after as_of;
- a need counts once in each cell its values fall in (one per dimension, except level, below);
  the stores return needs grouped by (State, article, form) with a count, since they share cells;
- a project counts once in each cell it touches (every combination of its values in the two
  dimensions), and its budget is split evenly across those cells, so the budget column sums to the
  supply's total budget; the project column does not sum to the number of projects (a project with
  two articles is in two article cells): ``df.attrs["totals"]`` has the distinct counts;
- a project listing no forms sits in the form value ``unspecified`` (it covers any form);
- level (of a project): global when it reaches a Region of global scope; bilateral (one
  beneficiary, no region), regional (it reaches a regional Region, several beneficiaries in one UN
  regional group, or through a network), global otherwise. A need has no level of its own: in a level cell L, ``needs``
  counts the needs that some supply project of level L reaches (same State and article, any form)
  and ``covered`` those that a level-L project covers; a need no supply project reaches is in the
  level ``none``. A need reached at two levels counts in both.
- coverage is a range: ``covered_stated`` / ``coverage_pct_stated`` count only covering projects
  whose article is stated, ``covered`` / ``coverage_pct`` also those whose article is inferred.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tacmap.graph.queries._portfolio import (
    NO_GROUP,
    as_of_iso,
    governance_budget,
    level,
    live_from,
    portfolio,
)
from tacmap.graph.queries._results import bulk
from tacmap.graph.queries.spec import Dimension
from tacmap.graph.schema import reference
from tacmap.graph.schema.models import STATED
from tacmap.graph.store.base import Store
from tacmap.graph.store.cypher import RawQuery

if TYPE_CHECKING:  # pandas is imported by the matrix itself, not by every question's command
    import pandas as pd

DIMENSIONS: tuple[str, ...] = tuple(d.value for d in Dimension)
LEVELS: tuple[str, ...] = ("bilateral", "regional", "global", "none")
UNSPECIFIED = "unspecified"  # the form value of a project that lists no forms
COLUMNS: tuple[str, ...] = (
    "needs",
    "covered_stated",
    "covered",
    "coverage_pct_stated",
    "coverage_pct",
    "projects",
    "budget_usd",
)
_PLURAL = {"article": "articles", "chapter": "chapters", "group": "groups", "form": "forms"}


def _order(dim: str) -> dict[Any, int]:
    """Display order of a dimension's values."""
    if dim == "chapter":
        values: list[Any] = list(reference.chapters())
    elif dim == "group":
        values = [*reference.UN_GROUPS, NO_GROUP]
    elif dim == "form":
        values = [*reference.forms(), UNSPECIFIED]
    elif dim == "level":
        values = list(LEVELS)
    else:
        values = sorted(reference.articles())
    return {v: i for i, v in enumerate(values)}


def _check(rows: str, cols: str) -> None:
    for dim in (rows, cols):
        if dim not in DIMENSIONS:
            raise ValueError(f"unknown dimension {dim!r}: choose two of {', '.join(DIMENSIONS)}")
    if rows == cols:
        raise ValueError(f"rows and cols must differ (both are {rows!r})")


@bulk
def matrix(
    store: Store,
    rows: str = "article",
    cols: str = "group",
    *,
    as_of: date | str | None = None,
) -> pd.DataFrame:
    """The needs-vs-supply table for two dimensions, one line per non-empty cell.

    Parameters:
      rows, cols  two different dimensions among article, chapter, group (primary UN regional
                  group of the State; ``none`` for a State without one), form, level.
      as_of       the day supply and coverage are judged on (date or ISO string; default today).

    Columns: ``<rows>``, ``<cols>``, needs, covered_stated (covered by a project whose article is
    stated), covered (by any, inferred articles too), coverage_pct_stated and coverage_pct (100 *
    covered / needs, one decimal; NaN without needs) — the range of coverage —, projects,
    budget_usd (split evenly across the cells a project touches). ``df.attrs``: rows, cols, as_of,
    totals (the same counts over the whole table, distinct needs and projects).
    """
    _check(rows, cols)
    day = as_of_iso(as_of)
    raw = store.answer(RAW, as_of=day)
    return build(raw, rows, cols, day)


def _level_of(row: dict[str, Any]) -> str:
    return level(
        row["beneficiaries"],
        row["groups"],
        bool(row["network"]),
        bool(row["regional"]),
        bool(row["worldwide"]),
    )


def build(raw: list[dict[str, Any]], rows: str, cols: str, as_of: str) -> pd.DataFrame:
    """The table from the raw rows of ``matrix`` (shared by both stores)."""
    import pandas as pd

    _check(rows, cols)
    levels = {r["id"]: _level_of(r) for r in raw if r["kind"] == "project"}
    rank = {v: i for i, v in enumerate(LEVELS)}
    row_key, col_key = _PLURAL.get(rows), _PLURAL.get(cols)  # None: the level dimension
    level_at = 0 if rows == "level" else 1 if cols == "level" else None
    # a cell: needs, covered, projects, budget, covered_stated
    cells: dict[tuple[Any, Any], list[Any]] = defaultdict(lambda: [0, 0, 0, 0.0, 0])
    needs = covered = covered_stated = 0
    projects: set[str] = set()
    budget = 0.0

    seen_levels: dict[int, list[str]] = {}  # by id() of a reached list (the rows stay alive meanwhile)

    def need_levels(r: dict[str, Any]) -> list[str]:
        reached = r["reached"]
        found = seen_levels.get(id(reached))
        if found is None:
            distinct = {levels[p] for p in reached}
            found = seen_levels[id(reached)] = (
                sorted(distinct, key=rank.__getitem__) if distinct else ["none"]
            )
        return found

    # The lists of a raw row hold distinct values (see matrix.cypher), so no de-duplication here.
    for r in raw:
        if r["kind"] == "needs":
            count, covering, stated = r["needs"], r["covered"], r["covered_stated"]
            needs += count
            if covering:
                covered += count
            if stated:
                covered_stated += count
            rv = r[row_key] if row_key else need_levels(r)
            cv = r[col_key] if col_key else need_levels(r)
            if level_at is None:
                add = count if covering else 0
                add_stated = count if stated else 0
                for x in rv:
                    for y in cv:
                        cell = cells[(x, y)]
                        cell[0] += count
                        cell[1] += add
                        cell[4] += add_stated
            else:
                covering_levels = {levels[p] for p in covering}
                stated_levels = {levels[p] for p in stated}
                for x in rv:
                    for y in cv:
                        cell = cells[(x, y)]
                        cell[0] += count
                        if (x, y)[level_at] in covering_levels:
                            cell[1] += count
                        if (x, y)[level_at] in stated_levels:
                            cell[4] += count
        else:
            rv = r[row_key] if row_key else [levels[r["id"]]]
            cv = r[col_key] if col_key else [levels[r["id"]]]
            if row_key == "forms" and not rv:
                rv = [UNSPECIFIED]
            if col_key == "forms" and not cv:
                cv = [UNSPECIFIED]
            touched = len(rv) * len(cv)
            if not touched:
                continue  # touches no cell (no article, or no beneficiary for group)
            projects.add(r["id"])
            amount = governance_budget(r["budget_usd"], r["sector_share"])
            share = 0.0 if amount is None else amount / touched
            if amount is not None:
                budget += amount
            for x in rv:
                for y in cv:
                    cell = cells[(x, y)]
                    cell[2] += 1
                    cell[3] += share
    order_r, order_c = _order(rows), _order(cols)
    ordered = sorted(
        cells,
        key=lambda k: (
            order_r.get(k[0], len(order_r)),
            str(k[0]),
            order_c.get(k[1], len(order_c)),
            str(k[1]),
        ),
    )
    table = pd.DataFrame(
        [
            {
                rows: k[0],
                cols: k[1],
                "needs": cells[k][0],
                "covered_stated": cells[k][4],
                "covered": cells[k][1],
                "coverage_pct_stated": _pct(cells[k][4], cells[k][0], float("nan")),
                "coverage_pct": _pct(cells[k][1], cells[k][0], float("nan")),
                "projects": cells[k][2],
                "budget_usd": round(cells[k][3], 2),
            }
            for k in ordered
        ],
        columns=[rows, cols, *COLUMNS],
    )
    table.attrs.update(
        rows=rows,
        cols=cols,
        as_of=as_of,
        totals={
            "needs": needs,
            "covered_stated": covered_stated,
            "covered": covered,
            "coverage_pct_stated": _pct(covered_stated, needs, None),
            "coverage_pct": _pct(covered, needs, None),
            "projects": len(projects),
            "budget_usd": round(budget, 2),
        },
    )
    return table


def _pct(part: int, whole: int, empty: float | None) -> float | None:
    """100 * part / whole to one decimal, ``empty`` when there is no whole."""
    return round(100 * part / whole, 1) if whole else empty


# -- output ----------------------------------------------------------------------------------------


def to_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The cells as plain dicts (NaN coverage as None): the JSON the CLI and API give out."""

    def plain(value: Any) -> Any:
        if hasattr(value, "item"):  # numpy scalar
            value = value.item()
        return None if isinstance(value, float) and math.isnan(value) else value

    return [{str(k): plain(v) for k, v in rec.items()} for rec in table.to_dict(orient="records")]


def to_json(table: pd.DataFrame, path: str | Path | None = None) -> str:
    """The cells as a JSON list of objects; written to ``path`` too when given."""
    text = json.dumps(to_records(table), indent=2, ensure_ascii=False)
    if path is not None:
        Path(path).write_text(text + "\n", encoding="utf-8")
    return text


def to_csv(table: pd.DataFrame, path: str | Path | None = None) -> str:
    """The cells as CSV (empty coverage_pct without needs); written to ``path`` too when given."""
    text = table.to_csv(index=False)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def to_xlsx(table: pd.DataFrame, path: str | Path) -> Path:
    """An Excel workbook: sheet ``cells`` (the table), ``coverage`` (coverage % as a grid of rows ×
    cols) and ``totals``."""
    import pandas as pd

    path = Path(path)
    rows, cols = table.attrs.get("rows", table.columns[0]), table.attrs.get("cols", table.columns[1])
    grid = table.pivot(index=rows, columns=cols, values="coverage_pct") if len(table) else pd.DataFrame()
    if len(table):
        grid = grid.reindex(index=list(dict.fromkeys(table[rows])), columns=list(dict.fromkeys(table[cols])))
    totals = pd.DataFrame([{"as_of": table.attrs.get("as_of"), **table.attrs.get("totals", {})}])
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="cells", index=False)
        grid.to_excel(writer, sheet_name="coverage")
        totals.to_excel(writer, sheet_name="totals", index=False)
    return path


# -- the embedded twin ---------------------------------------------------------------------------


def _need_groups(store: Store) -> dict[str, dict[int, dict[str, int]]]:
    """State -> article -> form -> number of needs, built once per data version."""

    def build(_graph: Any) -> dict[str, dict[int, dict[str, int]]]:
        out: dict[str, dict[int, dict[str, int]]] = {}
        for n in portfolio(store).needs:
            by_form = out.setdefault(n.state, {}).setdefault(n.article, {})
            by_form[n.form] = by_form.get(n.form, 0) + 1
        return out

    return store.memo("questions_a.need_groups", build)


def embedded(store: Store, *, as_of: str) -> list[dict[str, Any]]:
    """The rows of ``matrix.cypher`` from the embedded index."""
    index = portfolio(store)
    rows: list[dict[str, Any]] = []
    for s, by_article in _need_groups(store).items():
        state = index.states.get(s, {})
        groups = [state.get("un_group") or NO_GROUP]
        cells = index.cells.get(s, {})
        for a, by_form in by_article.items():
            chapters = [index.articles.get(a, {}).get("chapter")]
            supply = [
                (p.id, p.forms_by_article.get(a, ()), p.basis.get(a, STATED) == STATED)
                for p in cells.get(a, ())
                if p.end >= as_of
            ]
            reached = [pid for pid, _, _ in supply]
            for form, count in by_form.items():
                rows.append(
                    {
                        "kind": "needs",
                        "needs": count,
                        "id": None,
                        "articles": [a],
                        "chapters": chapters,
                        "groups": groups,
                        "forms": [form],
                        "reached": reached,
                        "covered": [pid for pid, forms, _ in supply if not forms or form in forms],
                        "covered_stated": [
                            pid for pid, forms, stated in supply if stated and (not forms or form in forms)
                        ],
                        "budget_usd": None,
                        "sector_share": None,
                        "beneficiaries": None,
                        "network": None,
                        "regional": None,
                        "worldwide": None,
                    }
                )
    for p in live_from(index, as_of):
        rows.append(
            {
                "kind": "project",
                "needs": None,
                "id": p.id,
                "articles": list(p.articles),
                "chapters": list(p.chapters),
                "groups": list(p.groups),
                "forms": list(p.forms),
                "reached": None,
                "covered": None,
                "covered_stated": None,
                "budget_usd": p.budget,
                "sector_share": p.sector_share,
                "beneficiaries": len(p.states),
                "network": p.network,
                "regional": p.regional,
                "worldwide": p.worldwide,
            }
        )
    return rows


RAW = RawQuery("matrix", embedded)
