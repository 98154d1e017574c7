"""The store conformance suite: both stores hold, replace, export and project the same graph."""

from __future__ import annotations

from datetime import date

import pytest
from tacmap.graph.schema import reference
from tacmap.graph.schema.mapping import Changes, Edge, Node, to_changes
from tacmap.graph.schema.models import (
    Bundle,
    Expert,
    Implementation,
    Need,
    Network,
    Project,
    Provider,
    StateInfo,
)
from tacmap.graph.schema.regions import regions
from tacmap.graph.store import Store, StoreError


def small_bundle() -> Bundle:
    return Bundle(
        states=[StateInfo(iso3="KEN", party_since=date(2003, 12, 9), self_assessment_on=date(2009, 3, 1))],
        providers=[
            Provider(id="dfid", name="DFID", kind="bilateral", country="GBR"),
            Provider(id="unodc", name="UNODC", kind="un_entity"),
        ],
        networks=[Network(id="eaaaca", name="EAAACA", members=["KEN", "TZA", "UGA"])],
        needs=[
            Need(
                id="n1",
                state="KEN",
                article=46,
                form="legal_advice",
                priority="high",
                identified_on=date(2009, 3, 1),
                source="self-assessment",
            ),
            Need(id="n2", state="UGA", article=5, form="capacity_building"),
        ],
        projects=[
            Project(
                id="p1",
                title="MLA support",
                funders=["dfid", "unodc"],
                implementer="unodc",
                beneficiaries=["KEN", "UGA"],
                articles=[5, 46],
                forms=["legal_advice"],
                start=date(2008, 1, 1),
                end=date(2010, 12, 31),
                budget_usd=250000.0,
                status="ongoing",
                network="eaaaca",
            ),
        ],
        experts=[
            Expert(
                id="e1",
                name="A. Example",
                nationality="TZA",
                articles=[46],
                forms=["legal_advice"],
                languages=["en", "sw"],
                gender="f",
                email="a@example.org",
                recommended_by="TZA",
            ),
        ],
        implementation=[Implementation(state="TZA", article=46, status="compliant")],
    )


def test_reference_nodes_are_loaded(store: Store) -> None:
    nodes, _ = store.read_all()
    ken = nodes[("State", "KEN")]
    assert ken["un_group"] == "african"
    assert ken["subregion"] == "Eastern Africa"
    assert {"sw", "en"} <= set(ken["languages"])
    assert ken["name_fr"] == "Kenya"
    assert nodes[("Article", 46)]["title"] == "Mutual legal assistance"
    assert nodes[("State", "GBR")]["dac_member"] is True
    region = nodes[("Region", "dac-289")]
    assert region["name"] == "South of Sahara, regional" and region["scope"] == "regional"
    assert "KEN" in region["members"] and "FRA" not in region["members"]
    assert nodes[("Region", "dac-998")]["scope"] == "global"
    assert store.counts()["nodes"] == {
        "Article": 71,
        "Region": len(regions()),
        "State": len(reference.countries()),
    }


def test_bundle_round_trips_through_the_store(store: Store) -> None:
    bundle = small_bundle()
    store.write(to_changes(bundle))
    assert store.export() == bundle.sorted()
    counts = store.counts()
    assert counts["nodes"]["Project"] == 1
    assert counts["relationships"]["FUNDS"] == 2
    assert counts["relationships"]["MEMBER_OF"] == 3


def test_upsert_replaces_owned_relationships_and_removes_cleared_properties(store: Store) -> None:
    bundle = small_bundle()
    store.write(to_changes(bundle))
    project = bundle.projects[0].model_copy(
        update={"funders": ["dfid"], "implementer": None, "budget_usd": None, "network": None}
    )
    store.write(to_changes(Bundle(projects=[project])))
    exported = store.export()
    assert exported.projects == [project]
    assert store.counts()["relationships"]["FUNDS"] == 1
    assert "THROUGH" not in store.counts()["relationships"]
    # the providers and the network themselves stay
    assert {p.id for p in exported.providers} == {"dfid", "unodc"}


def test_failed_write_leaves_the_previous_state(store: Store) -> None:
    store.write(to_changes(small_bundle()))
    before = store.export()
    broken = Changes(
        nodes=[Node("Provider", "new", {"id": "new", "name": "New", "kind": "ngo"})],
        edges=[Edge("FUNDS", ("Provider", "new"), ("Project", "missing"))],
    )
    with pytest.raises(StoreError, match="FUNDS"):
        store.write(broken)
    assert store.export() == before


def test_projection_holds_every_node_and_relationship(store: Store) -> None:
    store.write(to_changes(small_bundle()))
    g = store.projection()
    assert g.nodes[("Project", "p1")]["title"] == "MLA support"
    assert g.has_edge(("Provider", "dfid"), ("Project", "p1"), key="FUNDS")
    assert g.edges[("Project", "p1"), ("Article", 46), "ADDRESSES"]["forms"] == ["legal_advice"]
    assert g.number_of_nodes() == 71 + len(reference.countries()) + len(regions()) + 7


def test_clear_keeps_reference_data_only(store: Store) -> None:
    store.write(to_changes(small_bundle()))
    store.clear()
    assert store.export() == Bundle()
    assert store.counts()["relationships"] == {}
    assert store.counts()["nodes"]["State"] == len(reference.countries())
