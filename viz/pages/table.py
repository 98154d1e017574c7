"""A table as a page: any list or question answer, with a filter form built from the endpoint's own
parameters, columns that sort on the server, paging links, every State, provider, network, project,
need and expert linked to its page, nested values (score parts, near misses) readable, and the
answer's notes under the table. Also one record as a page (:func:`record_page`).

Everything works without script: sorting and paging are links, filtering a GET form.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from types import UnionType
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape
from pydantic.fields import FieldInfo
from tacmap.graph.queries.spec import QUESTIONS, bounds
from tacmap.i18n import N_, _, number
from tacmap.viz.pages.layout import page

# Which page a value of a column names (its values are ids, or lists of ids).
LINKS: dict[str, str] = {
    **dict.fromkeys(
        ("state", "iso3", "peer", "states", "beneficiaries", "nationality", "members", "member", "country"),
        "/states",
    ),
    **dict.fromkeys(
        ("provider", "providers", "funders", "funders_a", "funders_b", "implementer")
        + ("implementer_a", "implementer_b"),
        "/providers",
    ),
    **dict.fromkeys(("network", "networks", "shared_networks"), "/networks"),
    **dict.fromkeys(("project", "project_a", "project_b", "projects"), "/projects"),
    **dict.fromkeys(("need", "needs"), "/needs"),
    **dict.fromkeys(("expert", "experts", "peer_experts"), "/experts"),
}
# The list pages, their titles, and the field that is each row's id (linked to the row's own page).
LISTS: dict[str, tuple[str, str]] = {
    "/states": (N_("States"), "iso3"),
    "/providers": (N_("Providers"), "id"),
    "/networks": (N_("Networks"), "id"),
    "/needs": (N_("Needs"), "id"),
    "/projects": (N_("Projects"), "id"),
    "/experts": (N_("Experts"), "id"),
}
# Column headings and form labels; a name not listed is shown with its underscores as spaces.
HEADINGS: dict[str, str] = {
    "state": N_("State"),
    "state_name": N_("State name"),
    "name": N_("Name"),
    "article": N_("Article"),
    "articles": N_("Articles"),
    "form": N_("Form"),
    "forms": N_("Forms"),
    "group": N_("Group"),
    "provider": N_("Provider"),
    "providers": N_("Providers"),
    "network": N_("Network"),
    "need": N_("Need"),
    "priority": N_("Priority"),
    "score": N_("Score"),
    "score_parts": N_("Score parts"),
    "explanation": N_("Why"),
    "start": N_("Start"),
    "end": N_("End"),
    "as_of": N_("As of"),
    "status": N_("Status"),
    "title": N_("Title"),
    "budget": N_("Budget"),
    "id": N_("Id"),
    "peer": N_("Peer"),
    "members": N_("Members"),
    "funders": N_("Funders"),
    "implementer": N_("Implementer"),
    "beneficiaries": N_("Beneficiaries"),
    "projects": N_("Projects"),
    "near_misses": N_("Near misses"),
}


def heading(name: str) -> str:
    """A column's or parameter's words in the current language."""
    known = HEADINGS.get(name)
    return _(known) if known else name.replace("_", " ").replace(".", " › ")


def title_of(path: str) -> str:
    """The page title of a list or question path, translated."""
    for q in QUESTIONS:
        if q.path == path:
            return _(q.title)
    return _(LISTS[path][0]) if path in LISTS else path


@dataclass(frozen=True)
class Input:
    """One field of the filter form."""

    name: str
    kind: str  # text, number, date, choice
    value: str
    hint: str
    choices: tuple[str, ...] = ()
    bounds: tuple[Any, Any] = (None, None)


def _plain_type(annotation: Any) -> Any:
    """The type under ``Optional``/``Annotated``: ``str | None`` is ``str``."""
    while True:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated or origin in (UnionType, typing.Union):
            annotation = args[0]
        else:
            return annotation


def inputs(fields: Mapping[str, FieldInfo], query: Mapping[str, str]) -> list[Input]:
    """The form of an endpoint's parameters (a question's parameter model, a list route's filters),
    filled with the values of this request."""
    out = []
    for name, spec in fields.items():
        tp = _plain_type(spec.annotation)
        value = query.get(name, "")
        limits = bounds(spec)
        hint = spec.description or ""
        if tp is bool:
            out.append(Input(name, "choice", value, hint, ("true", "false")))
        elif isinstance(tp, type) and issubclass(tp, Enum):
            out.append(Input(name, "choice", value, hint, tuple(str(m.value) for m in tp)))
        elif tp is int:
            out.append(Input(name, "number", value, hint, (), (limits.get("ge"), limits.get("le"))))
        elif tp is date:
            out.append(Input(name, "date", value, hint))
        else:
            out.append(Input(name, "text", value, hint))
    return out


def _form(path: str, fields: Sequence[Input], keep: Mapping[str, str]) -> Markup:
    parts = []
    for f in fields:
        label = escape(heading(f.name))
        if f.kind == "choice":
            options = [Markup('<option value="">{}</option>').format(_("any"))]
            options += [
                Markup('<option value="{0}"{1}>{2}</option>').format(
                    c, Markup(" selected") if c == f.value else "", _(c) if c in ("true", "false") else c
                )
                for c in f.choices
            ]
            control = Markup('<select name="{}">{}</select>').format(f.name, Markup("").join(options))
        else:
            low, high = f.bounds
            extra = Markup("").join(
                Markup(' {}="{}"').format(k, v) for k, v in (("min", low), ("max", high)) if v is not None
            )
            control = Markup('<input name="{}" type="{}" value="{}"{}>').format(
                f.name, f.kind, f.value, extra
            )
        parts.append(Markup('<label title="{}">{}{}</label>').format(f.hint, label, control))
    hidden = Markup("").join(
        Markup('<input type="hidden" name="{}" value="{}">').format(k, v) for k, v in keep.items() if v
    )
    return Markup(
        '<form method="get" action="{path}" role="search">{parts}{hidden}'
        '<button type="submit">{apply}</button> <a href="{clear}">{clear_label}</a></form>'
    ).format(
        path=path,
        parts=Markup("").join(parts),
        hidden=hidden,
        apply=_("Apply"),
        clear=path + (f"?{urlencode({'lang': keep['lang']})}" if keep.get("lang") else ""),
        clear_label=_("Clear"),
    )


def cell(column: str, value: Any) -> Markup:
    """A value as page text: ids linked to their pages, lists joined, nested records as short lists."""
    if value is None or value == "" or value == [] or value == {}:
        return Markup("")
    if isinstance(value, dict):
        items = (Markup("<li>{}: {}</li>").format(heading(k), cell(k, v)) for k, v in value.items())
        return Markup('<ul class="parts">{}</ul>').format(Markup("").join(items))
    if isinstance(value, list | tuple):
        if all(not isinstance(v, dict | list | tuple) for v in value):
            return Markup(", ").join(cell(column, v) for v in value)
        return Markup('<ol class="nested">{}</ol>').format(
            Markup("").join(Markup("<li>{}</li>").format(cell(column, v)) for v in value)
        )
    if isinstance(value, bool):
        return escape(_("true") if value else _("false"))
    if isinstance(value, float):
        return escape(number(value, 2 if abs(value) < 100 else 0))
    base = LINKS.get(column)
    if base and isinstance(value, str):
        return Markup('<a href="{}/{}">{}</a>').format(base, quote(value, safe=""), value)
    return escape(str(value))


def _sort_key(column: str) -> Any:
    def key(row: Mapping[str, Any]) -> tuple[int, Any]:
        v = row.get(column)
        if v is None or v == "" or v == []:
            return (2, "")
        if isinstance(v, bool | int | float):
            return (0, float(v))
        return (1, str(v).casefold())

    return key


def sort_rows(
    rows: Sequence[Mapping[str, Any]], column: str | None, descending: bool
) -> list[Mapping[str, Any]]:
    """Rows ordered by ``column`` (numbers before texts, empty cells last either way); unknown or no
    column: as they came."""
    if not column or not any(column in r for r in rows):
        return list(rows)
    key = _sort_key(column)
    filled = [r for r in rows if key(r)[0] < 2]
    empty = [r for r in rows if key(r)[0] == 2]
    return sorted(filled, key=key, reverse=descending) + empty


@dataclass(frozen=True)
class Table:
    """What a table page shows: one page of rows of every matching row."""

    path: str
    rows: Sequence[Mapping[str, Any]]  # every matching row, as plain dicts
    fields: Sequence[Input]
    query: Mapping[str, str]  # this request's parameters
    limit: int
    offset: int
    notes: Sequence[str] = ()
    summary: Sequence[tuple[str, Any]] = ()  # (name, value) lines above the table
    as_of: str | None = None  # the date the answer is for, when it takes one


def _href(path: str, query: Mapping[str, str], **changes: Any) -> str:
    merged = {k: v for k, v in {**query, **changes}.items() if v not in (None, "")}
    return f"{path}?{urlencode(merged)}" if merged else path


def table_page(t: Table, lang: str) -> str:
    """The whole page for ``t`` in ``lang``: form, sorted page of rows, paging, notes, twins."""
    sort, order = t.query.get("sort"), t.query.get("order", "asc")
    ordered = sort_rows(t.rows, sort, order == "desc")
    shown = ordered[t.offset : t.offset + t.limit]
    columns: dict[str, None] = {}
    for r in t.rows:
        columns.update(dict.fromkeys(r))
    id_field = LISTS[t.path][1] if t.path in LISTS else None
    base = {k: v for k, v in t.query.items() if k not in ("offset",)}

    def th(c: str) -> Markup:
        now = c == sort
        nxt = "desc" if now and order != "desc" else "asc"
        state = ("descending" if order == "desc" else "ascending") if now else "none"
        arrow = (" ▼" if order == "desc" else " ▲") if now else ""
        return Markup('<th scope="col" aria-sort="{}"><a href="{}">{}</a>{}</th>').format(
            state, _href(t.path, base, sort=c, order=nxt), heading(c), arrow
        )

    def td(row: Mapping[str, Any], c: str) -> Markup:
        v = row.get(c)
        if c == id_field and isinstance(v, str):
            return Markup('<td><a href="{}/{}">{}</a></td>').format(t.path, quote(v, safe=""), v)
        return Markup("<td>{}</td>").format(cell(c, v))

    body: list[Markup] = [_form(t.path, t.fields, {k: base.get(k, "") for k in ("lang", "sort", "order")})]
    if t.as_of:
        body.append(Markup('<p class="as-of">{}</p>').format(_("Answer as of {date}").format(date=t.as_of)))
    if t.summary:
        body.append(
            Markup('<ul class="summary">{}</ul>').format(
                Markup("").join(
                    Markup("<li>{}: {}</li>").format(heading(k), cell(k, v)) for k, v in t.summary
                )
            )
        )
    total = len(ordered)
    if total == 0:
        body.append(Markup('<p class="empty">{}</p>').format(_("Nothing matches these parameters.")))
    else:
        body.append(
            Markup('<p class="count">{}</p>').format(
                _("Rows {first}–{last} of {total}").format(
                    first=number(t.offset + 1 if shown else 0),
                    last=number(t.offset + len(shown)),
                    total=number(total),
                )
            )
        )
        head = Markup("").join(th(c) for c in columns)
        lines = Markup("").join(
            Markup("<tr>{}</tr>").format(Markup("").join(td(r, c) for c in columns)) for r in shown
        )
        body.append(Markup("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>").format(head, lines))
        links = []
        if t.offset > 0:
            previous = max(0, t.offset - t.limit)
            links.append((_("Previous page"), _href(t.path, base, offset=previous or None), "prev"))
        if t.offset + t.limit < total:
            links.append((_("Next page"), _href(t.path, base, offset=t.offset + t.limit), "next"))
        if links:
            body.append(
                Markup('<nav class="pager" aria-label="{}">{}</nav>').format(
                    _("Pages"),
                    Markup(" · ").join(
                        Markup('<a rel="{}" href="{}">{}</a>').format(rel, href, label)
                        for label, href, rel in links
                    ),
                )
            )
    if t.notes:
        body.append(
            Markup('<section class="notes"><h2>{}</h2><ul>{}</ul></section>').format(
                _("Notes"), Markup("").join(Markup("<li>{}</li>").format(n) for n in t.notes)
            )
        )
    plain = {k: v for k, v in t.query.items() if k not in ("sort", "order")}
    twins = [(label, _href(t.path, plain, format=fmt)) for label, fmt in TWINS]
    return page(title_of(t.path), Markup("").join(body), lang, twins=twins, css=TABLE_CSS)


TWINS = (("JSON", "json"), ("CSV", "csv"), ("XLSX", "xlsx"))
TABLE_CSS = """
th a{color:inherit}
ul.parts,ol.nested,ul.summary{margin:0;padding-inline-start:18px}
.empty{font-weight:600}
nav.pager{margin:10px 0}
"""


def record_page(path: str, record: Mapping[str, Any], title: str, lang: str) -> str:
    """One record (a project, need, network, expert) as a page: each field on its own line, ids linked."""
    lines = Markup("").join(
        Markup('<tr><th scope="row">{}</th><td>{}</td></tr>').format(heading(k), cell(k, v))
        for k, v in record.items()
    )
    body = Markup('<table class="record"><tbody>{}</tbody></table>').format(lines)
    twins = [(label, f"{path}?format={fmt}") for label, fmt in TWINS[:1]]
    return page(title, body, lang, twins=twins)
