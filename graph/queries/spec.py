"""The coordination questions, each declared once: name, parameters, where its code lives, what
its rows hold. The API's endpoints, the command line's ``tacmap query`` commands, the home page's
table list, visibility and language handling are all generated from :data:`QUESTIONS`, so the
two front ends cannot drift apart (``tests/test_question_registry.py`` checks it).

A question's parameters are one pydantic model: types, defaults, choices, bounds, help text and
the rules between parameters. Its answer comes from the function in ``graph/queries/<module>.py``
(imported when first asked, so a command that does not ask it does not pay for it), which runs the
question's Cypher on Neo4j or its networkx twin on the embedded store and finishes the rows once
for both. Adding a question = its entry here, its module (function, twin, Cypher), its section in
``graph/queries/README.md`` and its tests.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal

import annotated_types
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo
from tacmap.graph.queries import examples
from tacmap.graph.schema.reference import UN_GROUPS

if TYPE_CHECKING:
    from tacmap.graph.store.base import Store

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: object) -> object:
    """Only ``YYYY-MM-DD``: pydantic alone also takes a number of seconds (``as_of=0`` was 1970-01-01)."""
    if not isinstance(value, date) and not (isinstance(value, str) and ISO_DAY.fullmatch(value)):
        raise ValueError("use a date as YYYY-MM-DD, e.g. 2009-09-01")
    return value


IsoDay = Annotated[date, BeforeValidator(_iso_day)]
UnGroup = StrEnum("UnGroup", {code: code for code in UN_GROUPS})  # type: ignore[misc]


class Dimension(StrEnum):
    """The matrix's dimensions (graph/queries/README.md section 3)."""

    article = "article"
    chapter = "chapter"
    group = "group"
    form = "form"
    level = "level"


class MetricsTable(StrEnum):
    providers = "providers"
    networks = "networks"
    communities = "communities"


# The filters most questions share, declared once.
StateF = Annotated[str | None, Field(description="Only this State (ISO3).", examples=["KEN"])]
ArticleF = Annotated[int | None, Field(ge=1, le=71, description="Only this UNCAC article.", examples=[6])]
GroupF = Annotated[
    UnGroup | None, Field(description="UN regional group (primary group of the State).", examples=["african"])
]
ProviderF = Annotated[str | None, Field(description="Only this provider (id).", examples=["unodc"])]
AsOfF = Annotated[
    IsoDay | None,
    Field(
        description="The day to look at (default: the data's own reference date, else today).",
        examples=["2009-09-01"],
    ),
]
NeedF = Annotated[str | None, Field(description="One need (id).", examples=["need-KEN-006-good_practices"])]
FormF = Annotated[str | None, Field(description="Form of assistance.", examples=["legal_advice"])]


def reference_day(store: Store) -> date:
    """The day the data describes when it declares one (the seed: 2009-09-01; a bundle's
    ``meta.csv``), else today: what a question looks at when not told a date."""
    from tacmap.graph.schema.mapping import DATASET

    props = store.projection().nodes.get(DATASET) or {}
    declared = props.get("reference_date")
    return date.fromisoformat(str(declared)) if declared else date.today()


def bounds(spec: FieldInfo) -> dict[str, Any]:
    """A field's numeric bounds by name (``ge``, ``le``, ``gt``, ``lt``), for the front ends to declare."""
    return {
        name: getattr(rule, name)
        for rule in spec.metadata
        for name in ("ge", "le", "gt", "lt")
        if isinstance(rule, getattr(annotated_types, name.capitalize()))
    }


class ParamConflict(ValueError):
    """Parameters that are each valid but not together; ``field`` is the one to change."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Params(BaseModel):
    """Base of every question's parameters: unknown names refused, values frozen once checked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of the question's function."""
        return {name: getattr(self, name) for name in type(self).model_fields}


class OverlapsParams(Params):
    state: StateF = None
    article: ArticleF = None
    provider: ProviderF = None
    group: GroupF = None
    start: Annotated[
        IsoDay | None, Field(description="Period start (inclusive).", examples=["2008-01-01"])
    ] = None
    end: Annotated[IsoDay | None, Field(description="Period end (inclusive).", examples=["2009-12-31"])] = (
        None
    )


class GapsParams(Params):
    as_of: AsOfF = None
    state: StateF = None
    article: ArticleF = None
    group: GroupF = None
    form: FormF = None
    need: NeedF = None
    stated_only: Annotated[
        bool,
        Field(
            description="Only a project whose article is stated covers; a need covered only through "
            "inferred articles is listed as `covered (inferred)`.",
            examples=[True],
        ),
    ] = False


class MatrixParams(Params):
    rows: Annotated[Dimension, Field(description="Row dimension.", examples=["article"])] = Dimension.article
    cols: Annotated[Dimension, Field(description="Column dimension.", examples=["group"])] = Dimension.group
    as_of: AsOfF = None


class OrphansParams(Params):
    as_of: AsOfF = None
    group: GroupF = None


class FragmentationParams(Params):
    as_of: AsOfF = None
    state: StateF = None
    group: GroupF = None
    by_chapter: Annotated[bool, Field(description="One line per State and chapter.")] = False
    darlings: Annotated[
        int | None,
        Field(
            ge=1,
            le=200,
            description="Only the N States with the most providers (not with `state` or `by_chapter`).",
            examples=[10],
        ),
    ] = None

    @model_validator(mode="after")
    def _darlings_alone(self) -> FragmentationParams:
        if self.darlings is not None and (self.state is not None or self.by_chapter):
            raise ParamConflict("darlings", "`darlings` cannot be combined with `state` or `by_chapter`")
        return self


class PairingsParams(Params):
    need: NeedF = None
    state: StateF = None
    group: GroupF = None
    article: ArticleF = None
    limit_per_need: Annotated[int | None, Field(ge=1, description="Best N peers per need.", examples=[3])] = (
        None
    )
    gaps_only: Annotated[bool, Field(description="Only needs that are gaps on `as_of`.")] = False
    as_of: AsOfF = None


class ExpertsParams(Params):
    need: NeedF = None
    state: Annotated[
        str | None, Field(description="Without `need`: the requesting State.", examples=["KEN"])
    ] = None
    article: Annotated[
        int | None, Field(ge=1, le=71, description="Without `need`: the article.", examples=[6])
    ] = None
    form: Annotated[
        str | None, Field(description="Without `need`: the form.", examples=["good_practices"])
    ] = None
    k: Annotated[int, Field(ge=1, le=100, description="Shortlist size.", examples=[5])] = 5

    @model_validator(mode="after")
    def _need_or_request(self) -> ExpertsParams:
        if self.need is None and not (self.state and self.article and self.form):
            raise ParamConflict("need", "give `need`, or `state`, `article` and `form`")
        return self


class NetworkMetricsParams(Params):
    table: Annotated[
        MetricsTable,
        Field(description="As a table (`format=csv`, the command line): which one.", examples=["providers"]),
    ] = MetricsTable.providers


class NoParams(Params):
    pass


class PresenceParams(Params):
    as_of: AsOfF = None
    state: StateF = None
    provider: ProviderF = None
    group: GroupF = None
    article: ArticleF = None


Shape = Literal["rows", "matrix", "metrics"]


@dataclass(frozen=True)
class Question:
    """One coordination question as every front end sees it."""

    name: str  # command-line name and cache key
    path: str  # HTTP path
    title: str  # one line: home page, OpenAPI summary, command-line help (translated on pages)
    doc: str  # what the answer holds
    params: type[Params]
    module: str  # graph/queries/<module>.py
    result: str | None  # the row type's name in that module (None: the answer is a table of its own)
    call: Callable[[Any, Store, Any], Any]  # (module, store, params) -> answer
    names_needs: bool = False  # rows are needs (or about one): asked of the caller's view of the store
    state_fields: Mapping[str, str] = field(default_factory=dict)  # State-name field -> its ISO3 field
    example: Mapping[str, Any] = field(default_factory=dict)  # one row (one page for matrix), from the seed
    shape: Shape = "rows"
    on_home: bool = True  # listed among the home page's tables, with its filters
    # (module, store, params, rows) -> why candidates were left out, with counts (empty: nothing to say)
    why: Callable[[Any, Store, Any, Any], list[str]] | None = None

    def code(self) -> Any:
        """The question's module, imported when first needed (a command that does not ask it does not pay)."""
        return importlib.import_module(f"tacmap.graph.queries.{self.module}")

    def ask(self, store: Store, params: Params) -> Any:
        """The answer for checked parameters."""
        return self.call(self.code(), store, params)

    def notes(self, store: Store, params: Params, rows: Any) -> list[str]:
        """Why the answer leaves candidates out (or is empty), in plain words with counts."""
        if self.why is None:
            return []
        return self.why(self.code(), store, params, rows)

    def result_type(self) -> type:
        """The type of one row (of the whole answer for ``metrics``)."""
        assert self.result is not None, f"{self.name} has no row type"
        found: type = getattr(self.code(), self.result)
        return found

    def dated(self, params: Params, store: Store) -> Params:
        """``params`` with an empty ``as_of`` set to :func:`reference_day`: the one place that default
        is filled, so the API, the command line and the pages look at the same day."""
        if "as_of" not in type(params).model_fields or getattr(params, "as_of", None) is not None:
            return params
        return params.model_copy(update={"as_of": reference_day(store)})

    def check(self, **values: Any) -> Params:
        """The parameters checked, or :class:`BadParams` naming the parameter and the fix."""
        try:
            return self.params(**values)
        except ValidationError as exc:
            raise BadParams.of(exc, values) from None


@dataclass(frozen=True)
class Problem:
    """One unusable parameter: its name, the value given and what is wrong."""

    name: str
    value: Any
    message: str
    is_date: bool


class BadParams(ValueError):
    """Parameters that failed their model; each front end words it its own way (422, ``--option``)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.name}: {p.message}" for p in problems))
        self.problems = problems

    @classmethod
    def of(cls, exc: ValidationError, values: Mapping[str, Any]) -> BadParams:
        problems = []
        for error in exc.errors():
            cause = (error.get("ctx") or {}).get("error")
            name = (
                cause.field
                if isinstance(cause, ParamConflict)
                else str(error["loc"][0])
                if error["loc"]
                else ""
            )
            message = str(cause) if isinstance(cause, ValueError) else error["msg"]
            is_date = "date" in error["type"] or "YYYY-MM-DD" in message
            problems.append(Problem(name, values.get(name), message, is_date))
        return cls(problems)


def _plain(function: str) -> Callable[[Any, Store, Any], Any]:
    """A call that passes every parameter through by name."""
    return lambda module, store, p: getattr(module, function)(store, **p.arguments())


def _notes(module: Any, store: Store, p: Params, rows: Any) -> list[str]:
    """The module's ``notes(store, rows, **parameters)``."""
    found: list[str] = module.notes(store, rows, **p.arguments())
    return found


def _expert_notes(module: Any, store: Store, p: ExpertsParams, rows: Any) -> list[str]:
    found: list[str] = module.notes(store, rows, need=p.need, k=p.k) if p.need is not None else []
    return found


def _matrix(module: Any, store: Store, p: MatrixParams) -> Any:
    return module.matrix(store, p.rows.value, p.cols.value, as_of=p.as_of)


def _fragmentation(module: Any, store: Store, p: FragmentationParams) -> Any:
    if p.darlings is not None:
        return module.darlings(store, k=p.darlings, as_of=p.as_of, group=p.group)
    return module.fragmentation(store, as_of=p.as_of, state=p.state, group=p.group, by_chapter=p.by_chapter)


def _experts(module: Any, store: Store, p: ExpertsParams) -> Any:
    if p.need is not None:
        return module.shortlist(store, p.need, k=p.k)
    return module.shortlist_for(store, str(p.state).upper(), int(p.article or 0), str(p.form), k=p.k)


QUESTIONS: tuple[Question, ...] = (
    Question(
        name="overlaps",
        example=examples.OVERLAP,
        path="/overlaps",
        title="Overlaps: possible duplication",
        doc="Pairs of live projects with a shared State, article and period and no common funder, best score "
        "first; `score_parts` and `explanation` say why.",
        params=OverlapsParams,
        module="overlaps",
        result="Overlap",
        call=_plain("overlaps"),
        why=_notes,
    ),
    Question(
        name="gaps",
        example=examples.GAP,
        path="/gaps",
        title="Gaps, with near misses",
        doc="Needs not covered on `as_of`, highest priority first; each with up to 3 near misses (a live project "
        "on the same State and article that misses on form or period).",
        params=GapsParams,
        module="gaps",
        result="Gap",
        call=_plain("gaps"),
        why=_notes,
        names_needs=True,
        state_fields={"state_name": "state"},
    ),
    Question(
        name="matrix",
        example=examples.MATRIX,
        path="/matrix",
        title="Needs-vs-supply matrix",
        doc="Needs, covered needs, coverage %, live projects and budget for every non-empty cell of two "
        "dimensions (article, chapter, group, form, level). `xlsx` adds a coverage grid and totals.",
        params=MatrixParams,
        module="matrix",
        result=None,
        call=_matrix,
        shape="matrix",
    ),
    Question(
        name="orphans",
        example=examples.ORPHAN,
        path="/orphans",
        title="Orphans: States with needs and no live project",
        doc="States with at least one need and no live project benefiting them on `as_of`, most high-priority "
        "needs first.",
        params=OrphansParams,
        module="orphans",
        result="Orphan",
        call=_plain("orphans"),
        state_fields={"name": "state"},
    ),
    Question(
        name="fragmentation",
        example=examples.FRAGMENTATION,
        path="/fragmentation",
        title="Fragmentation: providers per State",
        doc="Distinct providers, budget and Herfindahl index (0-10,000) of the supply each State receives on "
        "`as_of`, most providers first; `darlings=N` keeps the N most-served States.",
        params=FragmentationParams,
        module="fragmentation",
        result="Fragmentation",
        call=_fragmentation,
        state_fields={"name": "state"},
    ),
    Question(
        name="pairings",
        example=examples.PAIRING,
        path="/pairings",
        title="South–South pairings",
        doc="For each need matching the filters, the States that reported compliance on its article, ranked by "
        "score (same group, shared networks, language, experts).",
        params=PairingsParams,
        module="pairings",
        result="Pairing",
        call=_plain("pairings"),
        why=_notes,
        names_needs=True,
        state_fields={"state_name": "state", "peer_name": "peer"},
    ),
    Question(
        name="experts",
        example=examples.SHORTLIST_ENTRY,
        path="/experts/shortlist",
        title="Expert shortlist for a need",
        doc="A balanced shortlist of `k` experts (no regional group holds more than half the places unless too "
        "few others qualify). Give `need`, or `state` + `article` + `form`. No personal data.",
        params=ExpertsParams,
        module="experts",
        result="ShortlistEntry",
        call=_experts,
        why=_expert_notes,
        names_needs=True,
        on_home=False,
    ),
    Question(
        name="network-metrics",
        example=examples.BROKER_METRICS,
        path="/networks/metrics",
        title="Networks and brokers",
        doc="Degree and betweenness of providers and networks on the provider-State funding graph, and Louvain "
        "communities of providers. `xlsx` downloads all three tables, `csv` the one named by `table`.",
        params=NetworkMetricsParams,
        module="networks",
        result="BrokerMetrics",
        call=lambda module, store, p: module.broker_metrics(store),
        shape="metrics",
    ),
    Question(
        name="networks",
        example=examples.NETWORK_MEMBERS,
        path="/networks/members",
        title="Networks and their member States",
        doc="Every regional and thematic network with its member States (ISO3), by network id.",
        params=NoParams,
        module="networks",
        result="NetworkMembers",
        call=_plain("network_members"),
        on_home=False,
    ),
    Question(
        name="presence",
        example=examples.PRESENCE,
        path="/presence",
        title="Who works where: providers per State",
        doc="For each provider and State, the live projects the provider funds or implements there on `as_of` "
        "and its part of their budget, most projects first.",
        params=PresenceParams,
        module="presence",
        result="Presence",
        call=_plain("presence"),
        state_fields={"state_name": "state"},
    ),
)

BY_NAME: dict[str, Question] = {q.name: q for q in QUESTIONS}
NEED_QUESTIONS = frozenset(q.name for q in QUESTIONS if q.names_needs)
