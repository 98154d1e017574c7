"""Exchange-rate tables for ``--rates``: one fixed rate per currency, overriding the ECB's."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tacmap.graph.ingest.iati.codelists import codelist
from tacmap.graph.ingest.iati.parse import IatiError
from tacmap.graph.ingest.problems import MB, Problem


def _problem(file: str, row: int | None, column: str | None, value: str | None, message: str) -> Problem:
    return Problem(file, row, column, value, message)


def parse_rates(data: bytes, filename: str = "rates.csv") -> dict[str, float]:
    """A rate table: CSV with columns ``currency,usd_per_unit`` (how many US dollars one unit of
    the currency is worth, e.g. ``EUR,1.08``). Raises :class:`IatiError` listing bad rows."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IatiError([_problem(filename, None, None, None, "the rate table is not UTF-8 text")]) from None
    rows = list(csv.reader(io.StringIO(text)))
    problems: list[Problem] = []
    header = [c.strip().lower() for c in rows[0]] if rows else []
    if header != ["currency", "usd_per_unit"]:
        raise IatiError(
            [_problem(filename, 1, None, ",".join(header), "the first row must be: currency,usd_per_unit")]
        )
    rates: dict[str, float] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != 2:
            problems.append(
                _problem(filename, number, None, ",".join(row), "give two cells: currency,usd_per_unit")
            )
            continue
        code, raw = row[0].strip().upper(), row[1].strip()
        if code not in codelist("Currency"):
            problems.append(
                _problem(filename, number, "currency", code, f"'{code}' is not an ISO 4217 currency code")
            )
        try:
            rate = float(raw)
            if not rate > 0 or rate == float("inf"):
                raise ValueError
        except ValueError:
            problems.append(
                _problem(filename, number, "usd_per_unit", raw, f"'{raw}' is not a positive number")
            )
            continue
        if code in rates:
            problems.append(_problem(filename, number, "currency", code, f"{code} is given twice"))
        rates[code] = rate
    if problems:
        raise IatiError(problems)
    rates["USD"] = 1.0
    return rates


def read_rates(path: Path | str) -> dict[str, float]:
    path = Path(path)
    if not path.is_file():
        raise IatiError([_problem(path.name, None, None, None, f"no such rate table: {path}")])
    if path.stat().st_size > MB:
        raise IatiError([_problem(path.name, None, None, None, "the rate table is over 1 MB")])
    return parse_rates(path.read_bytes(), path.name)
