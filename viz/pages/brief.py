"""Pieces the State and donor briefs share: a section with a table, links to records, need statuses,
a timeline of projects. Call inside :func:`tacmap.i18n.use` (the words are translated here)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup
from tacmap.graph.schema.reference import countries, state_name
from tacmap.i18n import N_, _, current, day

BRIEF_CSS = """
.status{font-weight:600;white-space:nowrap}
.status-gap{color:#a40000}.status-near-miss{color:#8a5a00}.status-covered,.status-covered-inferred{color:#1d6b2f}
td.bar svg{display:block;width:100%;height:14px}
td.bar{width:30%;min-width:140px}
.num,.day{text-align:end;white-space:nowrap}
p.empty{color:#555;font-style:italic}
@media print{section{break-inside:auto}h2{break-after:avoid}}
"""

# The statuses the gaps answer gives a need (graph/queries/README.md section 2), as shown.
STATUS_WORDS = {
    "covered": N_("covered"),
    "covered (inferred)": N_("covered (inferred)"),
    "near miss": N_("near miss"),
    "gap": N_("gap"),
}


def href(path: str, **query: Any) -> str:
    """A link inside the app, empty query values left out."""
    kept = {k: v for k, v in query.items() if v is not None and v != ""}
    return path + ("?" + urlencode(kept) if kept else "")


def link(path: str, text: object) -> Markup:
    return Markup('<a href="{}">{}</a>').format(path, text)


def state_label(iso3: str) -> str:
    """A State's M49 name in the current language (the code when reference data lacks it)."""
    return state_name(iso3, current()) if iso3 in countries() else iso3


def state_link(iso3: str) -> Markup:
    return link(f"/states/{quote(iso3)}", state_label(iso3))


def provider_link(provider_id: str, name: str | None = None) -> Markup:
    return link(f"/providers/{quote(provider_id)}", name or provider_id)


def project_link(project_id: str, title: str | None = None) -> Markup:
    return link(f"/projects/{quote(project_id)}", title or project_id)


def links(items: Iterable[Markup]) -> Markup:
    return Markup(", ").join(items)


def status(word: str) -> Markup:
    """A need's status, translated, with a class for its colour (the word itself carries the meaning)."""
    shown = _(STATUS_WORDS[word]) if word in STATUS_WORDS else word
    css = "status-" + word.replace(" ", "-").replace("(", "").replace(")", "")
    return Markup('<span class="status {}">{}</span>').format(css, shown)


COLUMN_CLASS = {"#": "num", "~": "bar"}


def section(
    anchor: str, title: str, headers: Sequence[str], rows: Sequence[Sequence[object]], empty: str
) -> Markup:
    """A titled table, or why it is empty. A header written ``#name`` marks a column of numbers
    (right-aligned), ``~name`` a column of timeline bars."""
    out = [Markup('<section id="{}"><h2>{}</h2>').format(anchor, title)]
    if not rows:
        out.append(Markup('<p class="empty">{}</p>').format(empty))
    else:
        kinds = [COLUMN_CLASS.get(h[:1], "") for h in headers]
        out.append(Markup("<table><thead><tr>"))
        out += [Markup("<th scope=col>{}</th>").format(h.lstrip("#~")) for h in headers]
        out.append(Markup("</tr></thead><tbody>"))
        for row in rows:
            cells = [
                Markup('<td class="{}">{}</td>').format(k, v) if k else Markup("<td>{}</td>").format(v)
                for v, k in zip(row, kinds)
            ]
            out.append(Markup("<tr>") + Markup("").join(cells) + Markup("</tr>"))
        out.append(Markup("</tbody></table>"))
    out.append(Markup("</section>"))
    return Markup("").join(out)


def period(start: date | str | None, end: date | str | None) -> Markup:
    """``2008-02-28 – 2011-02-27``, each date kept whole on its line."""
    return Markup('<span class="day">{}</span> – <span class="day">{}</span>').format(
        day(start) if start else "…", day(end) if end else "…"
    )


def timeline_bar(start: date, end: date, first: date, last: date, as_of: date | None) -> Markup:
    """One project's period as a bar on the span ``first``–``last``, a line on ``as_of``."""
    span = max((last - first).days, 1)
    x = 100 * (start - first).days / span
    width = max(100 * (end - start).days / span, 0.8)
    mark = ""
    if as_of is not None and first <= as_of <= last:
        at = 100 * (as_of - first).days / span
        mark = f'<line x1="{at:.2f}" x2="{at:.2f}" y1="0" y2="10" stroke="#a40000" stroke-width="0.6"/>'
    return Markup(
        '<svg viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="{label}">'
        '<rect x="0" y="4" width="100" height="2" fill="#e4e2d8"/>'
        '<rect x="{x:.2f}" y="1" width="{w:.2f}" height="8" fill="#2a6f97"/>{mark}</svg>'
    ).format(label=f"{start.isoformat()} – {end.isoformat()}", x=x, w=width, mark=Markup(mark))


def as_of_form(action: str, as_of: date | str | None) -> Markup:
    """A form to look at another day (the page reads ``as_of`` as the questions do)."""
    return Markup(
        '<form method="get" action="{action}" class="no-print"><label>{label}'
        '<input type="date" name="as_of" value="{value}"></label><button type="submit">{go}</button></form>'
    ).format(action=action, label=_("As of"), value=str(as_of or ""), go=_("Show"))
