"""The needs-vs-supply matrix as a picture (``/matrix`` in a browser): a heat-map table of coverage,
rows and columns chosen among the question's dimensions, each cell's needs, live projects and budget
on hover and on keyboard focus, a colour-blind-safe scale (cividis steps) with its legend, and each
cell a link to the gaps behind it (and the projects). Server-rendered; no chart library."""

from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup
from tacmap.graph.schema.reference import chapters
from tacmap.i18n import N_, _, number, use
from tacmap.viz.describe import article_name, group_name, money, words
from tacmap.viz.pages.brief import href
from tacmap.viz.pages.layout import page

# Coverage steps (upper bound exclusive, last inclusive of 100) and their cividis colours, text colour.
STEPS = (
    (20.0, "#00204d", "#fff"),
    (40.0, "#414d6b", "#fff"),
    (60.0, "#7c7b78", "#fff"),
    (80.0, "#bcaf6f", "#000"),
    (100.1, "#ffea46", "#000"),
)
NO_NEEDS = ("#f2f2f2", "#555")
DIMENSIONS = {
    "article": N_("Article"),
    "chapter": N_("Chapter"),
    "group": N_("UN regional group"),
    "form": N_("Form"),
    "level": N_("Level"),
}
GAP_FILTERS = ("article", "group", "form")  # the dimensions the gaps question filters on

MATRIX_CSS = """
table.heat{width:auto}
table.heat th,table.heat td{border:1px solid #fff;text-align:center;padding:0}
table.heat th[scope=row]{text-align:start;padding:4px 8px;max-width:340px}
table.heat td{position:relative;min-width:64px}
table.heat td a,table.heat td span.none{display:block;padding:8px 6px;color:inherit;font-weight:600}
table.heat td a:focus{outline:3px solid #d35400;outline-offset:-3px}
table.heat .tip{display:none;position:absolute;z-index:2;inset-inline-start:0;top:100%;width:220px;
  background:#fff;color:#000;border:1px solid #888;padding:6px 8px;font-weight:400;text-align:start;font-size:13px}
table.heat td:hover .tip,table.heat td:focus-within .tip{display:block}
.legend{display:flex;gap:0;margin:10px 0;font-size:13px}
.legend span{padding:4px 10px}
@media print{table.heat .tip{display:none !important}}
"""


def colour(pct: float | None) -> tuple[str, str]:
    """Background and text colour of a coverage percentage (None: no needs in the cell)."""
    if pct is None or (isinstance(pct, float) and math.isnan(pct)):
        return NO_NEEDS
    for bound, bg, fg in STEPS:
        if pct < bound:
            return bg, fg
    return STEPS[-1][1], STEPS[-1][2]


def label(dimension: str, value: Any) -> str:
    """A row or column value in words."""
    if dimension == "article":
        return article_name(int(value))
    if dimension == "chapter":
        title = chapters().get(str(value))
        return f"{value}. {title}" if title else str(value)
    if dimension == "group":
        return group_name(None if value == "none" else str(value))
    return words(str(value))


def _order(dimension: str, values: set[Any]) -> list[Any]:
    if dimension == "chapter":
        known = list(chapters())
        return sorted(values, key=lambda v: known.index(v) if v in known else len(known))
    return sorted(values, key=lambda v: (isinstance(v, str), v))


def _links(cell: dict[str, Any], rows: str, cols: str, as_of: str) -> tuple[str, str]:
    """The gaps and the projects behind a cell, with the filters those pages take."""
    gap_filters = {d: cell[d] for d in (rows, cols) if d in GAP_FILTERS and cell[d] != "none"}
    project_filters = {"article": cell["article"]} if "article" in (rows, cols) else {}
    return href("/gaps", as_of=as_of, **gap_filters), href("/projects", active_on=as_of, **project_filters)


def _cell(cell: dict[str, Any] | None, rows: str, cols: str, as_of: str) -> Markup:
    if cell is None:
        return Markup('<td style="background:{}"></td>').format(NO_NEEDS[0])
    pct = cell.get("coverage_pct")
    bg, fg = colour(pct)
    shown = "–" if pct is None else f"{number(pct, 1)} %"
    details = [
        _("{covered} of {needs} needs covered").format(
            covered=number(cell["covered"]), needs=number(cell["needs"])
        ),
        _("{projects} live projects").format(projects=number(cell["projects"])),
        _("budget: {amount}").format(amount=money(cell["budget_usd"])),
    ]
    where = f"{label(rows, cell[rows])} × {label(cols, cell[cols])}"
    title = f"{where}: " + "; ".join(details)
    gaps, projects = _links(cell, rows, cols, as_of)
    tip = Markup('<span class="tip" role="tooltip">{}<br>{}<br><a href="{}">{}</a></span>').format(
        where, Markup("<br>").join(details), projects, _("Projects behind this cell")
    )
    return Markup(
        '<td style="background:{bg};color:{fg}"><a href="{gaps}" title="{title}">{shown}</a>{tip}</td>'
    ).format(bg=bg, fg=fg, gaps=gaps, title=title, shown=shown, tip=tip)


def _form(rows: str, cols: str, as_of: str) -> Markup:
    def select(name: str, text: str, chosen: str) -> Markup:
        options = Markup("").join(
            Markup('<option value="{}"{}>{}</option>').format(
                d, Markup(" selected") if d == chosen else "", _(t)
            )
            for d, t in DIMENSIONS.items()
        )
        return Markup('<label>{}<select name="{}">{}</select></label>').format(text, name, options)

    return Markup(
        '<form method="get" action="/matrix">{}{}<label>{}<input type="date" name="as_of" value="{}"></label>'
        '<button type="submit">{}</button></form>'
    ).format(
        select("rows", _("Rows"), rows), select("cols", _("Columns"), cols), _("As of"), as_of, _("Show")
    )


def _legend() -> Markup:
    low = 0
    parts = []
    for bound, bg, fg in STEPS:
        top = min(int(bound), 100)
        parts.append(
            Markup('<span role="listitem" style="background:{};color:{}">{}–{} %</span>').format(
                bg, fg, low, top
            )
        )
        low = top
    parts.append(
        Markup('<span role="listitem" style="background:{};color:{}">{}</span>').format(
            *NO_NEEDS, _("no needs")
        )
    )
    return Markup('<div class="legend" role="list" aria-label="{}">{}</div>').format(
        _("Coverage"), Markup("").join(parts)
    )


def matrix_page(cells: list[dict[str, Any]], attrs: dict[str, Any], lang: str) -> str:
    """The whole page in ``lang``: ``cells`` as :func:`tacmap.graph.queries.matrix.to_records` gives
    them, ``attrs`` the table's dimensions, day and totals."""
    rows, cols, as_of = str(attrs["rows"]), str(attrs["cols"]), str(attrs["as_of"])
    index = {(c[rows], c[cols]): c for c in cells}
    row_values = _order(rows, {c[rows] for c in cells})
    col_values = _order(cols, {c[cols] for c in cells})
    with use(lang):
        head = Markup("").join(Markup("<th scope=col>{}</th>").format(label(cols, v)) for v in col_values)
        body = Markup("").join(
            Markup("<tr><th scope=row>{}</th>{}</tr>").format(
                label(rows, r),
                Markup("").join(_cell(index.get((r, c)), rows, cols, as_of) for c in col_values),
            )
            for r in row_values
        )
        totals = attrs["totals"]
        summary = _(
            "{covered} of {needs} needs covered ({pct} %), {projects} live projects, {budget}."
        ).format(
            covered=number(totals["covered"]),
            needs=number(totals["needs"]),
            pct=number(totals["coverage_pct"] or 0, 1),
            projects=number(totals["projects"]),
            budget=money(totals["budget_usd"]),
        )
        table = Markup(
            '<table class="heat"><caption class="note">{}</caption><thead><tr><td></td>{}</tr></thead>'
            "<tbody>{}</tbody></table>"
        ).format(_("Coverage of needs; a cell opens the gaps behind it."), head, body)
        content = (
            _form(rows, cols, as_of) + _legend() + Markup('<p class="note">{}</p>').format(summary) + table
        )
        query = href("/matrix", rows=rows, cols=cols, as_of=as_of)
        return page(
            _("Needs-vs-supply matrix"),
            content,
            lang,
            subtitle=f"{_(DIMENSIONS[rows])} × {_(DIMENSIONS[cols])} · " + _("as of {day}").format(day=as_of),
            twins=[(fmt.upper(), f"{query}&format={fmt}") for fmt in ("json", "csv", "xlsx")],
            css=MATRIX_CSS,
        )


def question_page(question: Any, table: Any, lang: str) -> str:
    """The hook of :data:`tacmap.viz.pages.QUESTION_PAGES`: the matrix question's answer as a page."""
    from tacmap.graph.queries.matrix import to_records

    return matrix_page(to_records(table), dict(table.attrs), lang)
