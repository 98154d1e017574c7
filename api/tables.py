"""Question answers and records as tables: one flat row per record, for the terminal, CSV and XLSX.

Shared by the command line (``tacmap query``) and the API downloads, so both write the same columns.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tacmap.graph.export.hxl import hashtag_row
from tacmap.graph.export.workbook import xlsx_bytes  # noqa: F401 (the downloads import it from here)
from tacmap.graph.formulas import neutralise
from tacmap.graph.schema.reference import countries, state_name

if TYPE_CHECKING:
    from tacmap.graph.queries.spec import Params, Question


def flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """One spreadsheet row: nested objects become ``a.b`` columns, lists of plain values
    ``a; b``, lists of objects JSON text."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        elif isinstance(value, list | tuple):
            if all(not isinstance(v, dict | list | tuple) for v in value):
                out[name] = "; ".join("" if v is None else str(v) for v in value)
            else:
                out[name] = json.dumps(value, ensure_ascii=False, default=str)
        else:
            out[name] = value
    return out


def plain_row(row: Any) -> dict[str, Any]:
    """Records (pydantic models, or the questions' result dataclasses) as JSON-ready dicts."""
    if hasattr(row, "model_dump"):
        return row.model_dump(mode="json")
    if hasattr(row, "to_dict"):
        return row.to_dict()
    return dict(row)


def localized(rows: Sequence[Any], fields: Mapping[str, str], lang: str) -> Sequence[Any]:
    """An answer's rows with State names in ``lang`` (M49 names from reference data), as plain
    dicts; ``fields`` maps each field holding a State's name to the field with its ISO3 code (the
    question's ``state_fields``). English rows are returned as they are (the questions name States
    in English)."""
    if lang == "en" or not fields:
        return rows
    known = countries()
    out = []
    for row in map(plain_row, rows):
        for name, code in fields.items():
            if name in row and row.get(code) in known:
                row[name] = state_name(row[code], lang)
        out.append(row)
    return out


def rows_of(q: Question, params: Params, result: Any) -> list[Any]:
    """The answer as a list of rows: the matrix's cells, or the metrics table named by ``table``."""
    if q.shape == "matrix":
        from tacmap.graph.queries.matrix import to_records

        return to_records(result)
    if q.shape == "metrics":
        chosen: str = params.table.value  # type: ignore[attr-defined]
        return list(getattr(result, chosen))
    return list(result)


def table(rows: Iterable[Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """Columns in first-seen order and the flattened rows."""
    flat = [flatten(plain_row(r)) for r in rows]
    columns: dict[str, None] = {}
    for r in flat:
        columns.update(dict.fromkeys(r))
    return list(columns), flat


def tagged(name: str, columns: Sequence[str], rows: list[dict[str, Any]], hxl: bool) -> list[dict[str, Any]]:
    """The rows of table ``name``, after its HXL hashtag row when ``hxl`` (HXL wants the hashtags in
    the row under the header, so a spreadsheet and a CSV carry them the same way)."""
    return [hashtag_row(name, columns), *rows] if hxl else rows


def csv_bytes(columns: Sequence[str], rows: Sequence[dict[str, Any]], raw: bool = False) -> bytes:
    """UTF-8 with a BOM (so Excel reads accents right) and CRLF line ends. Texts a spreadsheet
    would run as formulas get a ``'`` in front (:mod:`tacmap.graph.formulas`) unless ``raw`` (for a
    program that reads the values, not a person opening them in a spreadsheet)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns if raw else [neutralise(c) for c in columns])
    for r in rows:
        writer.writerow([_csv_cell(r.get(c), raw) for c in columns])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _csv_cell(value: Any, raw: bool) -> Any:
    if value is None:
        return ""
    return value if raw or not isinstance(value, str) else neutralise(value)
