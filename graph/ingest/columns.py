"""The columns of each bundle table, in the order an export writes them.

One :class:`Column` says what a cell holds (``kind``), whether it must be filled, and whether it
is a ``;``-separated list. Reading, validation and export all follow this one table.
"""

from __future__ import annotations

from dataclasses import dataclass

from tacmap.graph.schema.models import (
    Availability,
    ImplementationStatus,
    Priority,
    ProjectStatus,
    ProviderKind,
    Visibility,
)

# Cell kinds: id (identifier), text, enum (one of ``choices``), iso3 (country code),
# article (1-71), form (assistance form code), provider / network (id of one in the bundle
# or the store), date (YYYY-MM-DD), number (non-negative), language (ISO 639-1), email,
# share (``ISO3:percent``), region (id of a Region reference node), percent (0 < x <= 100),
# integer (a whole number, zero or more), language_level (``code:level``, e.g. ``fr:C1``, level
# one of LANGUAGE_LEVELS), yesno (yes / no; also true / false, y / n, 1 / 0), basis (what an
# article rests on, ``article:kind[:detail]``: ``6:sector:15113``, ``33:keyword:whistle-blower``,
# ``5:sdg:16.5``, ``9:stated``; an article not listed is stated).


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    many: bool = False
    choices: tuple[str, ...] = ()
    hint: str = ""  # what to write, added to "is required"

    @property
    def required_message(self) -> str:
        return f"{self.name} is required" + (f": {self.hint}" if self.hint else "")


YES = ("yes", "y", "true", "1")
NO = ("no", "n", "false", "0")


def _choices(enum: type) -> tuple[str, ...]:
    return tuple(member.value for member in enum)  # type: ignore[attr-defined]


ISO3_HINT = "give an ISO3 country code such as KEN"
ARTICLE_HINT = "give an article number from 1 to 71"

COLUMNS: dict[str, tuple[Column, ...]] = {
    "states": (
        Column("iso3", "iso3", required=True, hint=ISO3_HINT),
        Column("party_since", "date"),
        Column("self_assessment_on", "date"),
    ),
    "providers": (
        Column("id", "id", required=True),
        Column("name", "text", required=True),
        Column(
            "kind",
            "enum",
            required=True,
            choices=_choices(ProviderKind),
            hint="choose one of " + ", ".join(_choices(ProviderKind)),
        ),
        Column("country", "iso3"),
        Column("aliases", "text", many=True),
    ),
    "networks": (
        Column("id", "id", required=True),
        Column("name", "text", required=True),
        Column("members", "iso3", many=True),
    ),
    "needs": (
        Column("id", "id", required=True),
        Column("state", "iso3", required=True, hint=ISO3_HINT),
        Column("article", "article", required=True, hint=ARTICLE_HINT),
        Column("form", "form", required=True, hint="give a form of assistance code"),
        Column("priority", "enum", choices=_choices(Priority)),
        Column("identified_on", "date"),
        Column("source", "text"),
        Column(
            "visibility",
            "enum",
            choices=_choices(Visibility),
            hint="public (the default) or restricted",
        ),
    ),
    "projects": (
        Column("id", "id", required=True),
        Column("title", "text", required=True),
        Column("funders", "provider", required=True, many=True, hint="list at least one provider id"),
        Column("implementer", "provider"),
        Column("beneficiaries", "iso3", many=True),
        Column("shares", "share", many=True),
        Column("regions", "region", many=True),
        Column("articles", "article", required=True, many=True, hint="list at least one article (1–71)"),
        Column("forms", "form", many=True),
        Column("start", "date", required=True, hint="give a date as YYYY-MM-DD"),
        Column("end", "date", required=True, hint="give a date as YYYY-MM-DD"),
        Column("budget_usd", "number"),
        Column("budget_source", "text"),
        Column("sector_share", "percent"),
        Column(
            "status",
            "enum",
            required=True,
            choices=_choices(ProjectStatus),
            hint="choose one of " + ", ".join(_choices(ProjectStatus)),
        ),
        Column("network", "network"),
        Column("sources", "text", many=True),
        Column("selected_by", "text", many=True),
        Column("basis", "basis", many=True),
        Column("description", "text"),
    ),
    "experts": (
        Column("id", "id", required=True),
        Column("name", "text", required=True),
        Column("nationality", "iso3", required=True, hint=ISO3_HINT),
        Column("articles", "article", required=True, many=True, hint="list at least one article (1–71)"),
        Column("forms", "form", many=True),
        Column("languages", "language", many=True),
        Column("gender", "text"),
        Column("email", "email"),
        Column("recommended_by", "iso3"),
        Column("years_experience", "integer"),
        Column("language_levels", "language_level", many=True),
        Column("assignments", "text"),
        Column("availability", "enum", choices=_choices(Availability)),
        Column("consent", "yesno"),
    ),
    "implementation": (
        Column("state", "iso3", required=True, hint=ISO3_HINT),
        Column("article", "article", required=True, hint=ARTICLE_HINT),
        Column(
            "status",
            "enum",
            required=True,
            choices=_choices(ImplementationStatus),
            hint="choose one of " + ", ".join(_choices(ImplementationStatus)),
        ),
    ),
}

# The columns that identify a row (what a duplicate is judged by).
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "states": ("iso3",),
    "implementation": ("state", "article"),
}


def key_columns(table: str) -> tuple[str, ...]:
    return KEY_COLUMNS.get(table, ("id",))


def file_name(table: str) -> str:
    return f"{table}.csv"


def format_cell(value: object) -> str:
    """A record field as CSV text: lists joined by ``;``, dates ISO, whole amounts without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(format_cell(v) for v in value)
    if isinstance(value, dict):  # shares: ISO3:percent; basis: article:kind:detail
        return ";".join(f"{k}:{format_cell(v)}" for k, v in sorted(value.items()))
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    return str(value)
