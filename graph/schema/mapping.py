"""Records <-> nodes and relationships: the one place that knows how a row becomes graph.

Both stores write the :class:`Changes` this module makes and read back plain nodes and edges
that :func:`to_bundle` turns into records again, so export and import are exact inverses.

Ownership: the relationships a record describes belong to it (a project row lists its funders,
so ``FUNDS`` edges belong to the project). Upserting a record first removes the relationships it
owns, then writes the new ones, so a second import that drops a funder really drops it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the models (pydantic) are imported when records are rebuilt, not with the graph's shape
    from tacmap.graph.schema.models import Bundle

Key = str | int
NodeRef = tuple[str, Key]

KEYS: dict[str, str] = {
    "State": "iso3",
    "Article": "number",
    "Provider": "id",
    "Network": "id",
    "Need": "id",
    "Project": "id",
    "Expert": "id",
    "Region": "id",
    "Dataset": "id",
}
# The one node that holds what the data says of itself (its reference date), in both stores.
DATASET: NodeRef = ("Dataset", "dataset")

# label -> (direction, relationship type) pairs owned by a record of that label
OWNED: dict[str, tuple[tuple[str, str], ...]] = {
    "Provider": (("out", "BASED_IN"),),
    "Network": (("in", "MEMBER_OF"),),
    "Need": (("in", "HAS_NEED"), ("out", "ON_ARTICLE")),
    "Project": (
        ("in", "FUNDS"),
        ("out", "IMPLEMENTED_BY"),
        ("out", "BENEFITS"),
        ("out", "REACHES"),
        ("out", "ADDRESSES"),
        ("out", "THROUGH"),
    ),
    "Expert": (("out", "NATIONAL_OF"), ("out", "EXPERT_IN"), ("in", "RECOMMENDED")),
}

RELATIONSHIPS: tuple[tuple[str, str, str], ...] = (
    ("State", "MEMBER_OF", "Network"),
    ("State", "HAS_NEED", "Need"),
    ("Need", "ON_ARTICLE", "Article"),
    ("Provider", "FUNDS", "Project"),
    ("Project", "IMPLEMENTED_BY", "Provider"),
    ("Project", "BENEFITS", "State"),
    ("Project", "REACHES", "Region"),
    ("Project", "ADDRESSES", "Article"),
    ("Project", "THROUGH", "Network"),
    ("Expert", "NATIONAL_OF", "State"),
    ("Expert", "EXPERT_IN", "Article"),
    ("State", "RECOMMENDED", "Expert"),
    ("State", "REPORTED", "Article"),
    ("Provider", "BASED_IN", "State"),
)

STATE_INFO_FIELDS = ("party_since", "self_assessment_on")

# The node properties that hold a day: ISO strings in a Changes and on the embedded store, Neo4j
# ``date`` values on the Neo4j store (graph/store/neo4j_store.py converts both ways).
DATE_PROPS: dict[str, tuple[str, ...]] = {
    "Project": ("start", "end"),
    "Need": ("identified_on",),
    "State": STATE_INFO_FIELDS,
}


@dataclass(frozen=True)
class Node:
    label: str
    key: Key
    props: dict[str, Any]


@dataclass(frozen=True)
class Edge:
    type: str
    src: NodeRef
    dst: NodeRef
    props: dict[str, Any] = field(default_factory=dict)


@dataclass
class Changes:
    """One atomic write: nodes to upsert, owned relationships to replace, edges to merge."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    replace: list[NodeRef] = field(default_factory=list)

    def nodes_by_label(self) -> dict[str, list[Node]]:
        grouped: dict[str, list[Node]] = defaultdict(list)
        for node in self.nodes:
            grouped[node.label].append(node)
        return grouped

    def edges_by_type(self) -> dict[tuple[str, str, str], list[Edge]]:
        grouped: dict[tuple[str, str, str], list[Edge]] = defaultdict(list)
        for edge in self.edges:
            grouped[(edge.src[0], edge.type, edge.dst[0])].append(edge)
        return grouped


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def to_changes(bundle: Bundle, stamp: dict[str, Any] | None = None) -> Changes:
    """The graph writes that store ``bundle``; ``stamp`` props (provenance) go on every node."""
    from tacmap.graph.schema.models import STATED

    stamp = stamp or {}
    out = Changes()

    def node(label: str, key: Key, **props: Any) -> None:
        out.nodes.append(Node(label, key, {KEYS[label]: key, **props, **stamp}))
        if label in OWNED:
            out.replace.append((label, key))

    def edge(kind: str, src: NodeRef, dst: NodeRef, **props: Any) -> None:
        out.edges.append(Edge(kind, src, dst, props))

    if bundle.reference_date is not None:
        node(*DATASET, reference_date=_iso(bundle.reference_date))
    for s in bundle.states:
        out.nodes.append(Node("State", s.iso3, {f: _iso(getattr(s, f)) for f in STATE_INFO_FIELDS} | stamp))
    for provider in bundle.providers:
        node("Provider", provider.id, name=provider.name, kind=provider.kind, aliases=list(provider.aliases))
        if provider.country:
            edge("BASED_IN", ("Provider", provider.id), ("State", provider.country))
    for n in bundle.networks:
        node("Network", n.id, name=n.name)
        for iso3 in n.members:
            edge("MEMBER_OF", ("State", iso3), ("Network", n.id))
    for need in bundle.needs:
        node(
            "Need",
            need.id,
            form=need.form,
            priority=need.priority,
            identified_on=_iso(need.identified_on),
            source=need.source,
            visibility=need.visibility,
        )
        edge("HAS_NEED", ("State", need.state), ("Need", need.id))
        edge("ON_ARTICLE", ("Need", need.id), ("Article", need.article))
    for p in bundle.projects:
        node(
            "Project",
            p.id,
            title=p.title,
            description=p.description,
            start=p.start.isoformat(),
            end=p.end.isoformat(),
            budget_usd=p.budget_usd,
            budget_source=p.budget_source,
            sector_share=p.sector_share,
            status=p.status,
            sources=list(p.sources),
            selected_by=list(p.selected_by),
        )
        for funder in p.funders:
            edge("FUNDS", ("Provider", funder), ("Project", p.id))
        if p.implementer:
            edge("IMPLEMENTED_BY", ("Project", p.id), ("Provider", p.implementer))
        for iso3 in p.beneficiaries:
            share = p.shares.get(iso3)
            edge(
                "BENEFITS", ("Project", p.id), ("State", iso3), **({} if share is None else {"share": share})
            )
        for region in p.regions:
            edge("REACHES", ("Project", p.id), ("Region", region))
        for article in p.articles:
            kind, _, evidence = p.basis.get(article, STATED).partition(":")
            edge(
                "ADDRESSES",
                ("Project", p.id),
                ("Article", article),
                forms=list(p.forms),
                basis=kind,
                evidence=evidence or None,
            )
        if p.network:
            edge("THROUGH", ("Project", p.id), ("Network", p.network))
    for e in bundle.experts:
        node(
            "Expert",
            e.id,
            name=e.name,
            languages=list(e.languages),
            gender=e.gender,
            email=e.email,
            years_experience=e.years_experience,
            language_levels=list(e.language_levels),
            assignments=e.assignments,
            availability=e.availability,
            consent=e.consent,
        )
        edge("NATIONAL_OF", ("Expert", e.id), ("State", e.nationality))
        for article in e.articles:
            edge("EXPERT_IN", ("Expert", e.id), ("Article", article), forms=list(e.forms))
        if e.recommended_by:
            edge("RECOMMENDED", ("State", e.recommended_by), ("Expert", e.id))
    for r in bundle.implementation:
        edge("REPORTED", ("State", r.state), ("Article", r.article), status=r.status)
    return out


def edge_basis(props: dict[str, Any]) -> str:
    """An ADDRESSES edge's basis as a record holds it: ``stated``, or ``kind:evidence``."""
    from tacmap.graph.schema.models import STATED

    kind = props.get("basis") or STATED
    return f"{kind}:{props['evidence']}" if props.get("evidence") else kind


def to_bundle(nodes: dict[NodeRef, dict[str, Any]], edges: list[Edge]) -> Bundle:
    """Rebuild records from every node and edge of a store (the inverse of :func:`to_changes`)."""
    from tacmap.graph.schema.models import (
        Bundle,
        Expert,
        Implementation,
        Need,
        Network,
        Project,
        Provider,
        StateInfo,
        Visibility,
    )

    out_edges: dict[tuple[NodeRef, str], list[Edge]] = defaultdict(list)
    in_edges: dict[tuple[NodeRef, str], list[Edge]] = defaultdict(list)
    for e in edges:
        out_edges[(e.src, e.type)].append(e)
        in_edges[(e.dst, e.type)].append(e)

    def targets(ref: NodeRef, kind: str) -> list[Any]:
        return sorted(e.dst[1] for e in out_edges[(ref, kind)])

    def sources(ref: NodeRef, kind: str) -> list[Any]:
        return sorted(e.src[1] for e in in_edges[(ref, kind)])

    def first(values: list[Any]) -> Any:
        return values[0] if values else None

    bundle = Bundle()
    for ref, props in sorted(nodes.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        label, key = ref[0], str(ref[1])  # the records' own keys are all text
        if ref == DATASET and props.get("reference_date"):
            bundle.reference_date = date.fromisoformat(str(props["reference_date"]))
        elif label == "State":
            info = {f: props.get(f) for f in STATE_INFO_FIELDS}
            if any(info.values()):
                bundle.states.append(StateInfo(iso3=key, **info))
            for e in out_edges[(ref, "REPORTED")]:
                bundle.implementation.append(
                    Implementation(state=key, article=int(e.dst[1]), status=e.props["status"])
                )
        elif label == "Provider":
            bundle.providers.append(
                Provider(
                    id=key,
                    name=props["name"],
                    kind=props["kind"],
                    country=first(targets(ref, "BASED_IN")),
                    aliases=list(props.get("aliases") or []),
                )
            )
        elif label == "Network":
            bundle.networks.append(Network(id=key, name=props["name"], members=sources(ref, "MEMBER_OF")))
        elif label == "Need":
            bundle.needs.append(
                Need(
                    id=key,
                    state=first(sources(ref, "HAS_NEED")),
                    article=first(targets(ref, "ON_ARTICLE")),
                    form=props["form"],
                    priority=props.get("priority"),
                    identified_on=props.get("identified_on"),
                    source=props.get("source"),
                    visibility=props.get("visibility") or Visibility.public,
                )
            )
        elif label == "Project":
            addresses = out_edges[(ref, "ADDRESSES")]
            bundle.projects.append(
                Project(
                    id=key,
                    title=props["title"],
                    description=props.get("description"),
                    funders=sources(ref, "FUNDS"),
                    implementer=first(targets(ref, "IMPLEMENTED_BY")),
                    beneficiaries=targets(ref, "BENEFITS"),
                    shares={
                        str(e.dst[1]): e.props["share"]
                        for e in out_edges[(ref, "BENEFITS")]
                        if e.props.get("share") is not None
                    },
                    regions=targets(ref, "REACHES"),
                    articles=targets(ref, "ADDRESSES"),
                    basis={int(e.dst[1]): edge_basis(e.props) for e in addresses},
                    forms=sorted(addresses[0].props.get("forms") or []) if addresses else [],
                    start=props["start"],
                    end=props["end"],
                    budget_usd=props.get("budget_usd"),
                    budget_source=props.get("budget_source"),
                    sector_share=props.get("sector_share"),
                    status=props["status"],
                    network=first(targets(ref, "THROUGH")),
                    sources=list(props.get("sources") or []),
                    selected_by=list(props.get("selected_by") or []),
                )
            )
        elif label == "Expert":
            expertise = out_edges[(ref, "EXPERT_IN")]
            bundle.experts.append(
                Expert(
                    id=key,
                    name=props["name"],
                    nationality=first(targets(ref, "NATIONAL_OF")),
                    articles=targets(ref, "EXPERT_IN"),
                    forms=sorted(expertise[0].props.get("forms") or []) if expertise else [],
                    languages=list(props.get("languages") or []),
                    gender=props.get("gender"),
                    email=props.get("email"),
                    recommended_by=first(sources(ref, "RECOMMENDED")),
                    years_experience=props.get("years_experience"),
                    language_levels=list(props.get("language_levels") or []),
                    assignments=props.get("assignments"),
                    availability=props.get("availability"),
                    consent=props.get("consent"),
                )
            )
    return bundle.sorted()


def reference_changes() -> Changes:
    """State and Article nodes from reference data, so a bundle only has to name codes."""
    from tacmap.graph.schema import reference

    out = Changes()
    for c in reference.countries().values():
        props: dict[str, Any] = {
            "iso3": c.iso3,
            "iso2": c.iso2,
            "m49": c.m49,
            "name": c.name,
            "region": c.region,
            "subregion": c.subregion,
            "lat": c.lat,
            "lon": c.lon,
            "income_group": c.income_group,
            "un_group": c.un_group,
            "un_groups": list(c.un_groups),
            "languages": list(c.official_languages),
            "dac_member": c.dac_member,
        }
        props |= {f"name_{lang}": c.names[lang] for lang in reference.UN_LANGUAGES}
        out.nodes.append(Node("State", c.iso3, props))
    from tacmap.graph.schema.regions import regions

    for r in regions().values():
        props = {"id": r.id, "name": r.name, "vocabulary": r.vocabulary, "code": r.code, "scope": r.scope}
        out.nodes.append(Node("Region", r.id, props | {"members": list(r.members)}))
    for a in reference.articles().values():
        out.nodes.append(
            Node(
                "Article",
                a.number,
                {
                    "number": a.number,
                    "chapter": a.chapter,
                    "chapter_title": a.chapter_title,
                    "title": a.title,
                },
            )
        )
    return out
