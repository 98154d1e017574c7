"""Typed records of the coordination graph: one pydantic model per bundle table.

A record is what an officer writes in one spreadsheet row, already checked and normalised.
The stores turn records into nodes and relationships (see ``mapping.py``) and back, so a
record is also the unit of export. Dates are ``datetime.date``; lists are sets, kept sorted,
so an export compares equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator
from tacmap.graph.schema.tables import TABLES


class ProviderKind(StrEnum):
    bilateral = "bilateral"
    multilateral = "multilateral"
    un_entity = "un_entity"
    ngo = "ngo"
    state = "state"
    private = "private"
    other = "other"


class Priority(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


class ProjectStatus(StrEnum):
    planned = "planned"
    ongoing = "ongoing"
    completed = "completed"
    cancelled = "cancelled"


class Basis(StrEnum):
    """What a project's article rests on: named by the source, or inferred (and from what)."""

    stated = "stated"
    keyword = "keyword"  # words in the title or description (the words are kept)
    sdg = "sdg"  # an SDG target's default articles (the target is kept)
    sector = "sector"  # a DAC sector code's default articles (the code is kept)


STATED = Basis.stated.value


def basis_kind(basis: str | None) -> str:
    """``sector:15113`` -> ``sector``; None (no basis recorded) -> ``stated``."""
    return (basis or STATED).partition(":")[0]


class Visibility(StrEnum):
    """Who may see a need's own record: everyone, or only editors, admins and the State's viewers."""

    public = "public"
    restricted = "restricted"


class Availability(StrEnum):
    available = "available"
    limited = "limited"
    unavailable = "unavailable"


# Language levels of an expert (``Expert.language_levels``): the CEFR levels, and ``native``.
LANGUAGE_LEVELS: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2", "native")


class ImplementationStatus(StrEnum):
    compliant = "compliant"
    partial = "partial"
    not_compliant = "not_compliant"


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=True)


class Provider(Record):
    """A donor, agency or organisation that funds or implements projects."""

    id: str
    name: str
    kind: ProviderKind
    country: str | None = None
    aliases: list[str] = Field(default_factory=list)  # other identifiers and names it is published under


class Network(Record):
    """A regional or thematic coordination network and its member States."""

    id: str
    name: str
    members: list[str] = Field(default_factory=list)


class Need(Record):
    """A State's need for one form of assistance on one UNCAC article."""

    id: str
    state: str
    article: int
    form: str
    priority: Priority | None = None
    identified_on: date | None = None
    source: str | None = None
    visibility: Visibility = Visibility.public

    @field_validator("visibility", mode="before")
    @classmethod
    def _public_by_default(cls, value: object) -> object:
        """An empty cell (None) is the default, public: most self-assessments are published."""
        return Visibility.public if value is None else value


class Project(Record):
    """Funded technical assistance: who pays, who benefits, on what, when — and where the figures
    came from.

    A project benefits States (``beneficiaries``, with each one's percentage in ``shares`` when
    the source states it) or reaches regions (``regions``: ids of Region reference nodes, for
    regional and global programmes), or both. ``sector_share`` is the percentage of the budget in
    the selected sectors (None: all of it); ``budget_source`` says where ``budget_usd`` came from;
    ``sources`` are the other published activities merged into this one; ``selected_by`` says
    why an import selected it.

    ``basis`` says what each article rests on, so an answer can weigh a guess below a fact:
    article -> ``keyword:<words>``, ``sdg:<target>`` or ``sector:<DAC code>`` for an inferred
    article; an article not listed is ``stated`` (a bundle without the column keeps its meaning).
    ``description`` is the project's own words (an IATI description), read by the overlaps' text
    similarity.
    """

    id: str
    title: str
    description: str | None = None
    funders: list[str]
    implementer: str | None = None
    beneficiaries: list[str] = Field(default_factory=list)
    shares: dict[str, float] = Field(default_factory=dict)
    regions: list[str] = Field(default_factory=list)
    articles: list[int]
    basis: dict[int, str] = Field(default_factory=dict)
    forms: list[str] = Field(default_factory=list)
    start: date
    end: date
    budget_usd: float | None = None
    budget_source: str | None = None
    sector_share: float | None = None
    status: ProjectStatus
    network: str | None = None
    sources: list[str] = Field(default_factory=list)
    selected_by: list[str] = Field(default_factory=list)

    @field_validator("shares", mode="before")
    @classmethod
    def _pairs(cls, value: object) -> object:
        """A ``shares`` cell reads as (ISO3, percent) pairs."""
        return dict(value) if isinstance(value, list) else value

    @field_validator("basis", mode="before")
    @classmethod
    def _inferred_only(cls, value: object) -> object:
        """A ``basis`` cell reads as (article, basis) pairs; ``stated`` is the default, not kept."""
        if isinstance(value, dict):
            value = list(value.items())
        if not isinstance(value, list):
            return value
        return {int(a): b for a, b in value if b != STATED}


class Expert(Record):
    """An anti-corruption expert on the roster; ``email`` is personal data.

    Roster fields (the CV template): ``years_experience``; ``language_levels`` as
    ``code:level`` items (ISO 639-1 code, then a CEFR level A1..C2 or ``native``, e.g. ``fr:C1``);
    ``assignments`` (previous assignments, free text); ``availability``; ``consent`` to be listed.
    Consent missing (None) counts as not given: the expert stays on the roster but is never
    shortlisted.
    """

    id: str
    name: str
    nationality: str
    articles: list[int]
    forms: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    gender: str | None = None
    email: str | None = None
    recommended_by: str | None = None
    years_experience: int | None = None
    language_levels: list[str] = Field(default_factory=list)
    assignments: str | None = None
    availability: Availability | None = None
    consent: bool | None = None


class Implementation(Record):
    """What a State reported on its own implementation of one article."""

    state: str
    article: int
    status: ImplementationStatus


class StateInfo(Record):
    """Facts about a State that reference data does not hold."""

    iso3: str
    party_since: date | None = None
    self_assessment_on: date | None = None


class Bundle(BaseModel):
    """A whole dataset: every table, each a list of records."""

    model_config = ConfigDict(extra="forbid")

    states: list[StateInfo] = Field(default_factory=list)
    providers: list[Provider] = Field(default_factory=list)
    networks: list[Network] = Field(default_factory=list)
    needs: list[Need] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    experts: list[Expert] = Field(default_factory=list)
    implementation: list[Implementation] = Field(default_factory=list)
    # The day the data describes ("today" of the dataset): questions look at it when not told a date.
    reference_date: date | None = None

    def sorted(self) -> Bundle:
        """The same records in key order, so two exports of one graph compare equal."""
        return Bundle.of(
            {name: sorted(rows, key=record_key) for name, rows in self.tables().items()}, self.reference_date
        )

    @classmethod
    def of(cls, tables: Mapping[str, list[Record]], reference_date: date | None = None) -> Bundle:
        """The bundle of these tables, by name; each record is checked to be of its table's type."""
        return cls.model_validate({**tables, "reference_date": reference_date})

    def tables(self) -> dict[str, list[Record]]:
        return {name: getattr(self, name) for name in TABLES}

    def size(self) -> int:
        return sum(len(rows) for rows in self.tables().values())


RECORD_TYPES: dict[str, type[Record]] = {
    "states": StateInfo,
    "providers": Provider,
    "networks": Network,
    "needs": Need,
    "projects": Project,
    "experts": Expert,
    "implementation": Implementation,
}


def record_key(record: Record) -> str:
    """The identity of a record within its table (what a re-import updates by)."""
    if isinstance(record, StateInfo):
        return record.iso3
    if isinstance(record, Implementation):
        return f"{record.state}/{record.article:02d}"
    assert isinstance(record, Provider | Network | Need | Project | Expert), record
    return record.id
