"""The editors' pages: upload a bundle (zip, xlsx) or IATI files, see every problem of a dry run in
one table (file, row, column, value, the fix) with nothing written, then import and read the report.

Every form posts the session's CSRF token. A browser cannot carry a chosen file from one page to the
next, so after a clean check the import form asks for the same file again (and checks it again).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup
from tacmap.graph.ingest.template_kinds import KINDS
from tacmap.graph.ingest.templates import file_name
from tacmap.i18n import N_, _, use
from tacmap.viz.pages.layout import page
from tacmap.viz.pages.sign_in import sign_out_form
from tacmap.viz.render import environment

CSS = """
.ok{color:#1d5e20;background:#e8f4e8;border-inline-start:4px solid #1d5e20;padding:6px 10px}
.error{color:#9b1c1c;background:#fdecea;border-inline-start:4px solid #9b1c1c;padding:6px 10px}
fieldset{border:1px solid #ccc;padding:8px 12px}
"""

BUNDLE_FORM = """<form method="post" action="/imports" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="dry_run" value="{{ dry_run }}">
<label for="bundle-file">{{ t.file }}<input id="bundle-file" name="file" type="file" accept=".zip,.xlsx" required></label>
<button type="submit">{{ t.button }}</button></form>"""

IATI_FORM = """<form method="post" action="/imports/iati" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="dry_run" value="{{ dry_run }}">
<label for="iati-file">{{ t.file }}<input id="iati-file" name="file" type="file" accept=".xml,.zip" required></label>
<label for="iati-sectors">{{ t.sectors }}<input id="iati-sectors" name="sectors" value="{{ o.sectors }}"></label>
<label for="iati-articles">{{ t.articles }}<input id="iati-articles" name="articles" value="{{ o.articles }}" pattern="\\s*(\\d{1,2}\\s*(,\\s*\\d{1,2}\\s*)*)?"></label>
<label for="iati-since">{{ t.since }}<input id="iati-since" name="since" type="date" value="{{ o.since or '' }}"></label>
{# an unticked box sends nothing: the hidden "false" comes first and a ticked box's "true" wins #}
<input type="hidden" name="keywords" value="false">
<label for="iati-keywords"><span><input id="iati-keywords" name="keywords" type="checkbox" value="true"{% if o.keywords %} checked{% endif %}> {{ t.keywords }}</span></label>
<button type="submit">{{ t.button }}</button></form>"""

TABLE = """<table><thead><tr>{% for h in headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell if cell is not none else "" }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>"""

UPLOAD = """<section aria-labelledby="bundle-h"><h2 id="bundle-h">{{ t.bundle }}</h2>
<p class="note">{{ t.bundle_help }}</p>{{ bundle_form }}</section>
<section aria-labelledby="iati-h"><h2 id="iati-h">{{ t.iati }}</h2>
<p class="note">{{ t.iati_help }}</p>{{ iati_form }}</section>
<section aria-labelledby="templates-h"><h2 id="templates-h">{{ t.templates }}</h2>
<p class="note">{{ t.templates_help }}</p>
<ul>{% for kind, name in templates %}<li><a href="/templates/{{ kind }}.xlsx" download>{{ name }}</a></li>{% endfor %}</ul></section>
{{ sign_out }}"""

IATI_COUNTS = {
    "files": N_("Files"),
    "files_skipped": N_("Files skipped"),
    "activities": N_("Activities read"),
    "outside_selection": N_("Outside the selection"),
    "selected": N_("Selected"),
    "projects": N_("Projects"),
    "merged": N_("Activities merged into projects"),
    "left_out": N_("Left out"),
    "warnings": N_("Warnings"),
}


def _render(template: str, **values: Any) -> Markup:
    return Markup(environment().from_string(template).render(**values))


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> Markup:
    return _render(TABLE, headers=headers, rows=rows)


def _bundle_form(csrf: str, dry_run: bool) -> Markup:
    button = _("Check the bundle (nothing is written)") if dry_run else _("Import the bundle")
    t = {"file": _("Bundle: a .zip of CSV files or an .xlsx workbook"), "button": button}
    return _render(BUNDLE_FORM, csrf=csrf, dry_run=str(dry_run).lower(), t=t)


def _iati_form(csrf: str, dry_run: bool, options: Mapping[str, Any]) -> Markup:
    t = {
        "file": _("IATI activity file (.xml) or a .zip of them"),
        "sectors": _("Sectors (DAC codes, sdg:16.5; comma-separated)"),
        "articles": _("UNCAC articles for activities that name none (comma-separated)"),
        "since": _("Only projects ending on or after"),
        "keywords": _("Also select by anti-corruption keywords"),
        "button": _("Check the IATI files (nothing is written)") if dry_run else _("Import the IATI files"),
    }
    return _render(IATI_FORM, csrf=csrf, dry_run=str(dry_run).lower(), t=t, o=options)


IATI_DEFAULTS = {"sectors": "15113,sdg:16.5", "articles": "", "since": None, "keywords": True}


def upload_page(lang: str, csrf: str) -> str:
    """Both upload forms (each a dry run first) and the templates to download."""
    with use(lang):
        t = {
            "bundle": _("Import a bundle"),
            "bundle_help": _(
                "First a check: every problem is listed, and nothing is written until the bundle is clean."
            ),
            "iati": _("Import IATI files"),
            "iati_help": _("First a check: the report says what would be imported, and nothing is written."),
            "templates": _("Templates"),
            "templates_help": _(
                "Spreadsheets to fill in: a comment on each header, lists for coded columns."
            ),
        }
        body = _render(
            UPLOAD,
            t=t,
            bundle_form=_bundle_form(csrf, dry_run=True),
            iati_form=_iati_form(csrf, True, IATI_DEFAULTS),
            templates=[(kind, file_name(kind)) for kind in KINDS],
            sign_out=sign_out_form(csrf),
        )
        return page(_("Imports"), body, lang, css=CSS)


def problems_page(lang: str, filename: str, problems: Sequence[Mapping[str, Any]]) -> str:
    """Every problem of a refused upload in one table; nothing was written."""
    with use(lang):
        lead = _("{file} has {n} problem(s); nothing was written. Fix them and upload the file again.")
        rows = [(p["file"], p["row"], p["column"], p["value"], p["message"]) for p in problems]
        headers = [_("File"), _("Row"), _("Column"), _("Value"), _("The fix")]
        body = Markup('<p class="error" role="alert">{}</p>').format(
            lead.format(file=filename, n=len(problems))
        )
        body += _table(headers, rows) + _back()
        return page(_("Problems to fix"), body, lang, css=CSS)


def _back() -> Markup:
    return Markup('<p><a href="/imports">{}</a></p>').format(_("Back to imports"))


def checked_page(lang: str, filename: str, counts: Mapping[str, int], csrf: str) -> str:
    """A clean dry run of a bundle: what it holds, and the form that imports it."""
    with use(lang):
        lead = _("{file} has no problems. Nothing has been written yet: choose the same file to import it.")
        body = Markup('<p class="ok" role="status">{}</p>').format(lead.format(file=filename))
        body += _table([_("Table"), _("Records")], sorted(counts.items()))
        body += _bundle_form(csrf, dry_run=False) + _back()
        return page(_("Bundle checked"), body, lang, css=CSS)


def bundle_report_page(lang: str, result: Mapping[str, Any]) -> str:
    """What an import wrote: its id, the file's SHA-256 and the records per table."""
    with use(lang):
        summary = result["summary"]
        tables = sorted(set(summary["created"]) | set(summary["updated"]) | set(summary["unchanged"]))
        rows = [
            (t, summary["created"].get(t, 0), summary["updated"].get(t, 0), summary["unchanged"].get(t, 0))
            for t in tables
        ]
        lead = (
            _("{file} imported: {n} record(s) written, every one stamped with the import id {id}.")
            if summary["written"]
            else _("{file} imported: nothing changed, every record was already in the store as it is.")
        )
        body = Markup('<p class="ok" role="status">{}</p>').format(
            lead.format(file=result["filename"], n=summary["written"], id=result["import_id"])
        )
        body += _table([_("Table"), _("Created"), _("Updated"), _("Unchanged")], rows)
        body += Markup('<p class="note">SHA-256 {}</p>').format(result["sha256"])
        body += _warnings(summary.get("warnings", [])) + _back()
        return page(_("Import report"), body, lang, css=CSS)


def _warnings(warnings: Sequence[str]) -> Markup:
    if not warnings:
        return Markup()
    items = Markup("").join(Markup("<li>{}</li>").format(w) for w in warnings)
    return Markup("<h2>{}</h2><ul>{}</ul>").format(_("Warnings"), items)


def iati_report_page(lang: str, result: Mapping[str, Any], csrf: str, options: Mapping[str, Any]) -> str:
    """An IATI import's report (a dry run's offers the import form with the same options)."""
    with use(lang):
        report = result["report"]
        dry_run = report["dry_run"]
        lead = (
            _("{file} checked: nothing has been written yet. Choose the same file to import it.")
            if dry_run
            else _("{file} imported.")
        )
        body = Markup('<p class="ok" role="status">{}</p>').format(lead.format(file=result["filename"]))
        counts = [(_(IATI_COUNTS[k]), v) for k, v in report["counts"].items() if k in IATI_COUNTS]
        body += _table([_("What"), _("Count")], counts)
        notes = [
            (n["file"], n["line"], n["activity"], n["element"], n["value"], n["message"])
            for n in report["warnings"] + report["left_out"]
        ]
        if notes:
            headers = [_("File"), _("Line"), _("Activity"), _("Element"), _("Value"), _("What happened")]
            body += Markup("<h2>{}</h2>").format(_("Warnings and activities left out")) + _table(
                headers, notes
            )
        if report.get("summary"):
            body += _warnings(report["summary"].get("warnings", []))
        if dry_run:
            body += _iati_form(csrf, False, options)
        body += _back()
        title = _("IATI files checked") if dry_run else _("Import report")
        return page(title, body, lang, css=CSS)
