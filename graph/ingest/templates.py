"""Spreadsheet templates: an empty workbook to fill in for one table, the whole bundle, or the
experts' CV template (``cv``).

A template is a bundle workbook (``write.py``'s format) with no data rows:

- the header row names the columns in the order of ``columns.py``; each header cell carries a
  comment saying whether the column is required, what to write and an example (the example is
  in the comment, never in a data row, so a template handed back holds only what was typed);
- every column has an input message (shown when a cell is selected); list columns (items
  separated by ``;``) have only that, since a drop-down cannot hold several items;
- every coded single-value column has a drop-down list (Excel list data validation): ISO3
  codes, articles 1-71, forms of assistance, priorities, statuses, provider kinds,
  implementation statuses, availability, consent yes / no, and the provider and network ids of
  the store when a store is given. Choices sit on a hidden ``lists`` sheet (code, then name or
  title) and validations reference its ranges (a list written in the formula itself is limited
  to 255 characters). The importer ignores the ``lists`` sheet (``read.LISTS_SHEET``).
- provider and network drop-downs only warn: a provider added in the same bundle may be typed
  in even though it is not in the list yet.

A filled template imports with ``tacmap load FILE.xlsx`` like any bundle workbook. Output is
deterministic (fixed workbook dates, fixed zip entries) for one store state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tacmap.graph.ingest.columns import COLUMNS, Column
from tacmap.graph.ingest.read import LISTS_SHEET
from tacmap.graph.ingest.template_kinds import BUNDLE, CV, KINDS
from tacmap.graph.ingest.write import workbook_bytes
from tacmap.graph.schema import reference
from tacmap.graph.schema.models import LANGUAGE_LEVELS, Bundle
from tacmap.graph.schema.tables import TABLES

if TYPE_CHECKING:
    from tacmap.graph.store.base import Store


# An example value per (table, column), shown in the header comment; per column name otherwise.
EXAMPLES: dict[tuple[str, str], str] = {
    ("providers", "id"): "giz",
    ("providers", "name"): "Deutsche Gesellschaft für Internationale Zusammenarbeit",
    ("networks", "id"): "arinsa",
    ("networks", "name"): "Asset Recovery Inter-Agency Network of Southern Africa",
    ("needs", "id"): "n-ken-46",
    ("needs", "source"): "self-assessment checklist",
    ("needs", "visibility"): "public",
    ("projects", "id"): "p-ken-mla",
    ("projects", "title"): "Mutual legal assistance desk",
    ("projects", "status"): "ongoing",
    ("experts", "id"): "exp-jane-doe",
    ("experts", "name"): "Jane Doe",
    ("implementation", "status"): "partial",
}
EXAMPLES_BY_NAME: dict[str, str] = {
    "iso3": "KEN",
    "state": "KEN",
    "country": "DEU",
    "nationality": "KEN",
    "recommended_by": "KEN",
    "members": "BWA;ZAF;ZMB",
    "beneficiaries": "KEN;UGA",
    "kind": "bilateral",
    "article": "46",
    "articles": "46;48",
    "form": "legal_advice",
    "forms": "legal_advice;capacity_building",
    "priority": "high",
    "identified_on": "2009-03-01",
    "party_since": "2003-12-09",
    "self_assessment_on": "2009-03-01",
    "funders": "giz;unodc",
    "implementer": "unodc",
    "start": "2008-01-01",
    "end": "2010-12-31",
    "budget_usd": "250000",
    "network": "arinsa",
    "shares": "KEN:60;UGA:40",
    "basis": "46:keyword:mutual legal assistance;48:sector:15113",
    "description": "Advice to the central authority on requests for mutual legal assistance",
    "regions": "dac-289",
    "sector_share": "20",
    "budget_source": "IATI budget, 3 period(s): EUR 2,400,000.00, converted at ECB rates of the value dates",
    "sources": "GB-GOV-1-300456-101",
    "selected_by": "DAC 15113",
    "aliases": "41114;United Nations Development Programme",
    "languages": "en;fr;sw",
    "gender": "female",
    "email": "jane.doe@example.org",
    "years_experience": "12",
    "language_levels": "en:C2;fr:B2;sw:native",
    "assignments": "2015-2017 legal adviser to the anti-corruption commission of Uganda",
    "availability": "available",
    "consent": "yes",
}

# What to write, per cell kind.
FORMATS: dict[str, str] = {
    "id": "an identifier you choose, unique in this table (letters, digits, '-'; no ';')",
    "text": "free text",
    "iso3": "an ISO 3166-1 alpha-3 country code such as KEN",
    "article": "a UNCAC article number from 1 to 71",
    "form": "a form of assistance code",
    "provider": "the id of a provider, in the providers sheet or already in tacmap",
    "network": "the id of a network, in the networks sheet or already in tacmap",
    "date": "a date, YYYY-MM-DD (or an Excel date)",
    "number": "an amount: digits only, a dot for decimals, zero or more",
    "language": "a two-letter ISO 639-1 language code such as en, fr, es, ar, ru, zh",
    "email": "an email address",
    "integer": "a whole number, zero or more",
    "language_level": "a language code and a level, code:level, the level one of "
    + ", ".join(LANGUAGE_LEVELS),
    "yesno": "yes or no",
    "share": "a beneficiary's share, ISO3:percent (e.g. KEN:60); empty: shared evenly",
    "region": "a region id: dac-<code> (OECD DAC region, e.g. dac-298 Africa, regional) or m49-<code> "
    "(UN M49 area, e.g. m49-014 Eastern Africa); a project needs a beneficiary or a region",
    "percent": "a percentage above 0 and at most 100",
    "basis": "what an article rests on, article:kind:detail — kind keyword (the words), sdg (the target) "
    "or sector (the DAC code), e.g. 6:sector:15113; an article not listed is stated",
}

# The CV template speaks to the expert (or the State recommending them).
CV_NOTES: dict[str, str] = {
    "id": "An identifier for this expert on the roster, e.g. your family name and given name.",
    "name": "Your full name as it should appear on the roster.",
    "nationality": "Your nationality.",
    "articles": "The UNCAC articles you are an expert on.",
    "forms": "The forms of assistance you can give (leave empty: any).",
    "languages": "The languages you work in.",
    "gender": "As you wish it recorded (optional).",
    "email": "How the Secretariat contacts you (personal data: shown to editors only).",
    "recommended_by": "The State recommending you, if any.",
    "years_experience": "Years of professional experience in anti-corruption work.",
    "language_levels": "Your level in each working language: A1-C2 (CEFR) or native.",
    "assignments": "Previous technical-assistance assignments: years, country, role.",
    "availability": "Whether you can take assignments now.",
    "consent": "Do you consent to be listed on the roster? Without yes you stay on the roster "
    "but are never proposed for an assignment.",
}

MAX_ROW = 1_048_576  # Excel's last row: validations cover every row under the header


@dataclass(frozen=True)
class Choices:
    """One drop-down list on the lists sheet: codes (what is written) and their labels."""

    name: str
    codes: list[str | int]
    labels: list[str]
    strict: bool = True  # False: a value off the list only warns


def _lists(store: Store | None) -> dict[str, Choices]:
    """Every drop-down list, by name."""
    countries = sorted(reference.countries().values(), key=lambda c: c.iso3)
    articles = sorted(reference.articles().values(), key=lambda a: a.number)
    out = {
        "iso3": Choices("iso3", [c.iso3 for c in countries], [c.name for c in countries]),
        "article": Choices("article", [a.number for a in articles], [a.title for a in articles]),
        "form": Choices("form", list(reference.forms()), [f.label for f in reference.forms().values()]),
        "yesno": Choices("consent", ["yes", "no"], ["consents to be listed", "does not consent"]),
    }
    for table, columns in COLUMNS.items():
        for column in columns:
            if column.kind == "enum":
                out[f"{table}.{column.name}"] = Choices(
                    f"{table} {column.name}", list(column.choices), list(column.choices)
                )
    existing = store.export() if store is not None else Bundle()
    if existing.providers:
        out["provider"] = Choices(
            "provider", [p.id for p in existing.providers], [p.name for p in existing.providers], False
        )
    if existing.networks:
        out["network"] = Choices(
            "network", [n.id for n in existing.networks], [n.name for n in existing.networks], False
        )
    return out


def _choices_for(table: str, column: Column, lists: dict[str, Choices]) -> Choices | None:
    if column.many:
        return None
    if column.kind == "enum":
        return lists[f"{table}.{column.name}"]
    if column.kind in ("iso3", "article", "form", "yesno", "provider", "network"):
        return lists.get(column.kind)
    return None


def _what(column: Column) -> str:
    if column.kind == "enum":
        return "one of " + ", ".join(column.choices)
    return FORMATS[column.kind]


def _comment(table: str, column: Column, cv: bool, listed: bool) -> str:
    lines = []
    if cv and column.name in CV_NOTES:
        lines.append(CV_NOTES[column.name])
    lines.append(f"{column.name}: {'required' if column.required else 'optional'}.")
    what = _what(column)
    if column.many:
        what = f"a list, items separated by ';': each {what}"
    lines.append(what[:1].upper() + what[1:] + ".")
    if listed:
        lines.append("Pick it from the drop-down list.")
    if column.name == "consent":
        lines.append("Missing means not given: the expert is kept but never shortlisted.")
    if column.name == "email":
        lines.append("Personal data.")
    example = EXAMPLES.get((table, column.name), EXAMPLES_BY_NAME.get(column.name, ""))
    if example:
        lines.append(f"Example: {example}")
    return "\n".join(lines)


def _prompt(table: str, column: Column, listed: bool) -> str:
    what = _what(column)
    text = ("Required. " if column.required else "") + (
        f"A list: separate items with ';'. Each: {what}."
        if column.many
        else what[:1].upper() + what[1:] + "."
    )
    if listed:
        text += " Pick it from the list."
    example = EXAMPLES.get((table, column.name), EXAMPLES_BY_NAME.get(column.name, ""))
    if example and len(text) + len(example) < 240:
        text += f" E.g. {example}"
    return text[:255]


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def template_workbook(kind: str, store: Store | None = None) -> bytes:
    """The template ``kind`` (a table name, ``bundle`` or ``cv``) as xlsx bytes; ``store`` gives
    the provider and network ids offered in drop-downs."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    kind = kind.strip().lower()
    if kind not in KINDS:
        raise ValueError(f"unknown template '{kind}': choose one of {', '.join(KINDS)}")
    tables = list(TABLES) if kind == BUNDLE else ["experts" if kind == CV else kind]
    cv = kind == CV
    lists = _lists(store)

    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the empty sheet a new workbook starts with
    sheets = [wb.create_sheet(table) for table in tables]
    lists_ws = wb.create_sheet(LISTS_SHEET)
    lists_ws.sheet_state = "hidden"

    # the lists sheet: two columns per list (code, label), header in row 1
    ranges: dict[str, str] = {}
    used = {
        c.name
        for table in tables
        for column in COLUMNS[table]
        if (c := _choices_for(table, column, lists)) is not None
    }
    col = 1
    for listed in lists.values():
        if listed.name not in used:
            continue
        lists_ws.cell(1, col, listed.name)
        lists_ws.cell(1, col + 1, "name")
        for row, (code, label) in enumerate(zip(listed.codes, listed.labels, strict=True), start=2):
            lists_ws.cell(row, col, code).data_type = "n" if isinstance(code, int) else "s"
            lists_ws.cell(row, col + 1, label).data_type = "s"
        letter = _letter(col)
        ranges[listed.name] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(listed.codes) + 1}"
        col += 2

    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for table, ws in zip(tables, sheets, strict=True):
        for index, column in enumerate(COLUMNS[table], start=1):
            cell = ws.cell(1, index, column.name)
            cell.data_type = "s"
            cell.font = bold
            if column.required:
                cell.fill = required_fill
            choices = _choices_for(table, column, lists)
            comment = Comment(_comment(table, column, cv, choices is not None), "tacmap")
            comment.width, comment.height = 320, 180
            cell.comment = comment
            letter = _letter(index)
            ws.column_dimensions[letter].width = max(14, len(column.name) + 4)
            sqref = f"{letter}2:{letter}{MAX_ROW}"
            if choices is None:
                dv = DataValidation(allow_blank=True)
            else:
                dv = DataValidation(
                    type="list",
                    formula1=ranges[choices.name],
                    allow_blank=True,
                    showErrorMessage=True,
                    errorStyle="stop" if choices.strict else "warning",
                    errorTitle=column.name[:32],
                    error=f"Choose a {column.name} from the list (hover the header for help).",
                )
            dv.showInputMessage = True
            dv.promptTitle = column.name[:32]
            dv.prompt = _prompt(table, column, choices is not None)
            dv.add(sqref)
            ws.add_data_validation(dv)
        ws.freeze_panes = "A2"

    wb.properties.title = f"tacmap {kind} template"
    return workbook_bytes(wb)


def file_name(kind: str) -> str:
    """The download name of a template."""
    return f"tacmap-{kind}-template.xlsx"
