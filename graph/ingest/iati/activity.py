"""What tacmap reads of one ``iati-activity``, whatever the IATI version it was written in.

:mod:`~tacmap.graph.ingest.iati.parse` fills these from the XML with every code already in its 2.03
form (IATI 1.0x words and letters are translated there), so nothing downstream knows versions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

Narratives = list[tuple[str | None, str]]  # (ISO 639-1 language in lower case, or None; text)

DAC_5_DIGIT = "1"  # SectorVocabulary: OECD DAC CRS purpose codes (5 digit), the default
DAC_3_DIGIT = "2"  # SectorVocabulary: OECD DAC CRS purpose codes (3 digit)
SDG_TARGET = "8"  # SectorVocabulary: UN SDG targets
TAG_SDG_TARGET = "3"  # TagVocabulary: UN SDG targets
OECD_DAC_REGIONS = "1"  # RegionVocabulary: OECD DAC regions, the default
UN_M49_REGIONS = "2"  # RegionVocabulary: UN M49 regions


def preferred(narratives: Narratives) -> str | None:
    """The English narrative if there is one, else the first (in whatever language it is)."""
    for lang, text in narratives:
        if lang == "en":
            return text
    return narratives[0][1] if narratives else None


@dataclass
class Org:
    """A participating-org, reporting-org, or a transaction's provider/receiver org."""

    ref: str | None
    type: str | None  # OrganisationType code
    role: str | None  # OrganisationRole code
    names: Narratives
    activity_id: str | None = None

    def name(self) -> str | None:
        return preferred(self.names)


@dataclass(frozen=True)
class Money:
    """One amount as published: a budget's or a transaction's value."""

    amount: float
    currency: str
    value_date: date


@dataclass(frozen=True)
class Budget:
    type: str  # BudgetType: 1 original, 2 revised
    start: date
    end: date
    value: Money


@dataclass
class Transaction:
    type: str | None  # TransactionType code
    value: Money | None
    provider: Org | None
    receiver: Org | None
    sectors: list[tuple[str, str, float | None]]


@dataclass
class Activity:
    """One activity inside the selection, read in full."""

    id: str
    file: str
    line: int | None
    version: str  # as published ("1.01", "2.03"); "1.0x"/"2.0x" when inferred from the content
    lang: str | None
    default_currency: str | None
    last_updated: str | None
    reporting_org: Org
    secondary_reporter: bool
    titles: Narratives
    descriptions: Narratives
    orgs: list[Org]
    status: str | None
    dates: dict[str, date]  # ActivityDateType code -> date
    countries: list[tuple[str, float | None]]  # (ISO 3166-1 alpha-2 as written, percentage)
    regions: list[tuple[str, str, float | None]]  # (vocabulary, code, percentage)
    sectors: list[tuple[str, str, float | None]]  # (vocabulary, code, percentage), activity level
    tags: list[tuple[str, str, str]]  # (vocabulary, code, text)
    policy_markers: list[tuple[str, str, str]]  # (vocabulary, code, text)
    budgets: list[Budget]
    transactions: list[Transaction]
    related: list[tuple[str, str]]  # (RelatedActivityType code, ref)
    selected_by: list[str] = field(default_factory=list)

    def all_sectors(self) -> list[tuple[str, str, float | None]]:
        """Activity-level sectors, or (when the publisher reports them per transaction, as
        IATI allows) the transactions' sectors, without percentages."""
        if self.sectors:
            return self.sectors
        seen = {(v, c) for t in self.transactions for v, c, _ in t.sectors}
        return [(v, c, None) for v, c in sorted(seen)]
