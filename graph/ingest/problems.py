"""What goes wrong with a bundle, said so that an officer can fix the spreadsheet.

A :class:`Problem` points at one cell (file, spreadsheet row, column) and says what is wrong in
plain language, with a "did you mean" when one exists. Reading and validation collect every
problem before giving up, and :class:`BundleError` carries them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tacmap.graph.errors import TacmapError

MB = 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """One thing to fix. ``row`` is the row number a spreadsheet shows (the header is row 1);
    ``row`` and ``column`` are None when the problem is with a whole file or column."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column is not None:
            where += f", column {self.column}" if self.row is not None else f" column {self.column}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


class BundleError(TacmapError):
    """A bundle cannot be imported; ``problems`` lists everything to fix, one per cell."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


@dataclass(frozen=True)
class Limits:
    """How much a bundle may hold, so that a hostile or mistaken upload cannot exhaust memory.

    ``max_file_bytes`` bounds each CSV file and the uploaded zip or workbook itself;
    ``max_total_bytes`` bounds all CSV files together (after unzipping); ``max_unpacked_bytes``
    bounds what a workbook's XML unpacks to (XML is several times larger than the CSV it holds);
    ``max_part_bytes`` bounds each part of a workbook; ``max_shared_strings`` the entries of its
    shared-strings table (each one is a Python string in memory before any cell is read: a 386 KB
    upload of empty entries once held the server for minutes and a gigabyte);
    ``max_cell_chars`` is Excel's own limit on a cell (32,767 characters);
    ``max_problems`` is how many problems are listed before the rest are only counted.
    """

    max_file_bytes: int = 50 * MB
    max_total_bytes: int = 50 * MB
    max_unpacked_bytes: int = 500 * MB
    max_part_bytes: int = 200 * MB
    max_shared_strings: int = 1_000_000
    max_cell_chars: int = 32_767
    max_rows: int = 200_000
    max_files: int = 100
    max_columns: int = 100
    max_problems: int = 1000


def human_size(n: int) -> str:
    """``52428800`` -> ``50 MB``; small numbers in bytes."""
    if n >= MB:
        return f"{n / MB:.1f}".removesuffix(".0") + " MB"
    return f"{n:,} bytes"


def count_phrase(n: int) -> str:
    return {2: "twice"}.get(n, f"{n} times")


def and_list(items: list[str]) -> str:
    """``['a', 'b', 'c']`` -> ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass
class Collector:
    """Gathers problems up to ``limit``; beyond it only counts them (messages are built lazily,
    so a file with a million bad cells does not compute a million suggestions)."""

    limit: int = Limits.max_problems
    problems: list[Problem] = field(default_factory=list)
    overflow: int = 0

    @property
    def full(self) -> bool:
        return len(self.problems) >= self.limit

    def add(
        self, file: str, row: int | None, column: str | None, value: object, message: str | Callable[[], str]
    ) -> None:
        if self.full:
            self.overflow += 1
            return
        text = message() if callable(message) else message
        shown = None if value is None else str(value)
        self.problems.append(Problem(file, row, column, shown, text))

    def extend(self, problems: list[Problem]) -> None:
        for p in problems:
            self.add(p.file, p.row, p.column, p.value, p.message)

    def result(self) -> list[Problem]:
        out = list(self.problems)
        if self.overflow:
            out.append(
                Problem(
                    "bundle",
                    None,
                    None,
                    None,
                    f"{self.overflow:,} more problems are not listed: fix the ones above and try again",
                )
            )
        return out
