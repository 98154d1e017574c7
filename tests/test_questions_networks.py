"""Question 7, networks and brokers: members and graph metrics on hand-built worlds, both stores;
conformance over the seed; property tests against brute forces written from the contract
(graph/queries/README.md §7)."""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tacmap.graph.queries.networks import BrokerMetrics, broker_metrics, group_betweenness, network_members
from tacmap.graph.schema.mapping import to_changes
from tacmap.graph.schema.models import Bundle, Network, Provider
from tacmap.graph.store import EmbeddedStore, Store

from tests.worlds import bundle, load, project, seed_bundle


def by_provider(metrics: BrokerMetrics) -> dict[str, dict]:
    return {m.provider: m.to_dict() for m in metrics.providers}


def by_network(metrics: BrokerMetrics) -> dict[str, dict]:
    return {m.network: m.to_dict() for m in metrics.networks}


# -- members ---------------------------------------------------------------------------------------


def test_network_members(store: Store) -> None:
    load(store, bundle(networks={"w2": ["NGA", "KEN", "GHA"], "w1": ["BRA"], "w0": []}))
    found = [m.to_dict() for m in network_members(store)]
    assert found == [
        {"network": "w0", "name": "Network w0", "members": [], "size": 0},
        {"network": "w1", "name": "Network w1", "members": ["BRA"], "size": 1},
        {"network": "w2", "name": "Network w2", "members": ["GHA", "KEN", "NGA"], "size": 3},
    ]


# -- brokers ---------------------------------------------------------------------------------------


def _broker_world() -> Bundle:
    # KEN -P1- NGA -P2- BRA ; P2 - MEX - P4 (co-funded) ; P3 funds only a cancelled project
    return bundle(
        projects=[
            project("X1", funders=["P1"], states=["KEN", "NGA"]),
            project("X2", funders=["P1"], states=["KEN"]),
            project("X3", funders=["P2"], states=["NGA", "BRA"], status="completed"),
            project("X4", funders=["P3"], states=["BRA", "IDN"], status="cancelled"),
            project("X5", funders=["P2", "P4"], states=["MEX"], status="planned"),
        ],
        networks={"w1": ["KEN", "NGA"], "w2": ["FRA"], "w3": ["BRA", "MEX", "KEN"]},
    )


def test_provider_degrees_and_cancelled_projects(store: Store) -> None:
    load(store, _broker_world())
    m = broker_metrics(store)
    assert (m.provider_nodes, m.state_nodes, m.edges) == (3, 4, 6)
    p = by_provider(m)
    assert {k: (v["projects"], v["states"], v["links"], v["degree_centrality"]) for k, v in p.items()} == {
        "P1": (2, 2, 3, 0.5),  # KEN twice (X1, X2), NGA once
        "P2": (2, 3, 3, 0.75),
        "P3": (0, 0, 0, 0.0),  # only a cancelled project: not in the graph
        "P4": (1, 1, 1, 0.25),
    }
    assert p["P3"]["betweenness"] == 0.0 and p["P3"]["community"] is None
    # betweenness: the bipartite normalisation of networkx, on the same graph built independently
    g = nx.Graph([("P1", "KEN"), ("P1", "NGA"), ("P2", "NGA"), ("P2", "BRA"), ("P2", "MEX"), ("P4", "MEX")])
    expected = nx.bipartite.betweenness_centrality(g, ["P1", "P2", "P4"])
    for provider in ("P1", "P2", "P4"):
        assert p[provider]["betweenness"] == round(expected[provider], 4)
    assert [x.provider for x in m.providers] == ["P2", "P1", "P4", "P3"]


def test_network_group_metrics(store: Store) -> None:
    load(store, _broker_world())
    n = by_network(broker_metrics(store))
    assert (n["w1"]["members"], n["w1"]["linked_members"], n["w1"]["providers"], n["w1"]["links"]) == (
        2,
        2,
        2,
        4,
    )
    assert n["w1"]["provider_share"] == round(2 / 3, 4)
    assert (n["w2"]["linked_members"], n["w2"]["providers"], n["w2"]["betweenness"]) == (0, 0, 0.0)
    g = nx.Graph([("P1", "KEN"), ("P1", "NGA"), ("P2", "NGA"), ("P2", "BRA"), ("P2", "MEX"), ("P4", "MEX")])
    for net, members in (("w1", {"KEN", "NGA"}), ("w3", {"BRA", "MEX", "KEN"})):
        assert n[net]["betweenness"] == round(brute_group_betweenness(g, members), 4)
    assert n["w1"]["betweenness"] > 0


def test_communities_of_providers_that_cofund_or_share_states(store: Store) -> None:
    load(
        store,
        bundle(
            projects=[
                project("X1", funders=["P1", "P2"], states=["KEN"]),  # P1, P2 co-fund
                project("X2", funders=["P3"], states=["BRA"]),
                project("X3", funders=["P4"], states=["BRA", "MEX"]),  # P3, P4 work in BRA
                project("X4", funders=["P5"], states=["IDN"]),  # alone
                project("X5", funders=["P6"], states=["KEN"], status="cancelled"),  # not live: no community
            ]
        ),
    )
    m = broker_metrics(store)
    assert [(c.community, c.providers, c.states) for c in m.communities] == [
        (1, ["P1", "P2"], ["KEN"]),
        (2, ["P3", "P4"], ["BRA", "MEX"]),
        (3, ["P5"], ["IDN"]),
    ]
    assert {x.provider: x.community for x in m.providers} == {
        "P1": 1,
        "P2": 1,
        "P3": 2,
        "P4": 2,
        "P5": 3,
        "P6": None,
    }


def test_empty_store_has_empty_metrics(store: Store) -> None:
    m = broker_metrics(store)
    assert (m.providers, m.networks, m.communities, m.edges) == ([], [], [], 0)
    assert network_members(store) == []


def test_metrics_are_json(store: Store) -> None:
    load(store, _broker_world())
    out = broker_metrics(store).to_dict()
    assert json.loads(json.dumps(out)) == out
    assert {"providers", "networks", "communities"} <= set(out)


# -- group betweenness against brute force and networkx --------------------------------------------


def brute_group_betweenness(g: nx.Graph, group: set) -> float:
    """Over ordered pairs outside the group: share of shortest paths with an inner node in the group."""
    outside = [v for v in g if v not in group]
    if len(outside) < 2:
        return 0.0
    total = 0.0
    for s, t in itertools.permutations(outside, 2):
        if nx.has_path(g, s, t):
            paths = list(nx.all_shortest_paths(g, s, t))
            total += sum(1 for p in paths if any(v in group for v in p[1:-1])) / len(paths)
    return total / (len(outside) * (len(outside) - 1))


def test_group_betweenness_matches_brute_force_and_node_betweenness() -> None:
    rng = random.Random(7)
    for _ in range(120):
        n = rng.randint(2, 9)
        g = nx.gnp_random_graph(n, rng.random() * 0.7, seed=rng.randint(0, 10**6))
        groups = [sorted(rng.sample(range(n), rng.randint(1, n))) for _ in range(3)]
        for group, value in zip(groups, group_betweenness(g, groups)):
            assert value == pytest.approx(brute_group_betweenness(g, set(group)), abs=1e-12)
        single = group_betweenness(g, [[v] for v in g])
        expected = nx.betweenness_centrality(g)
        assert single == pytest.approx([expected[v] for v in g], abs=1e-12)


def test_networkx_group_betweenness_is_wrong_for_three_node_groups() -> None:
    """Why networks.group_betweenness exists (networkx issue #8827): the true value here is 0."""
    g = nx.Graph([(0, 1), (0, 2), (0, 3), (0, 4), (1, 3), (2, 3), (2, 4), (3, 4), (4, 5)])
    assert brute_group_betweenness(g, {0, 1, 2}) == 0.0
    assert group_betweenness(g, [[0, 1, 2]]) == [0.0]


# -- conformance -----------------------------------------------------------------------------------


def test_both_stores_agree_over_the_seed(neo4j_store_session, tmp_path: Path) -> None:
    seed = seed_bundle(1)
    embedded = EmbeddedStore(tmp_path / "data")
    embedded.write(to_changes(seed))
    neo4j = neo4j_store_session
    neo4j.clear()
    neo4j.write(to_changes(seed))
    try:
        a, b = broker_metrics(embedded), broker_metrics(neo4j)
        assert json.dumps(a.to_dict()) == json.dumps(b.to_dict())
        assert a.communities and a.providers and a.networks
        assert [m.to_dict() for m in network_members(embedded)] == [
            m.to_dict() for m in network_members(neo4j)
        ]
        assert [m.network for m in network_members(embedded)] == sorted(n.id for n in seed.networks)
    finally:
        embedded.close()


# -- property: brute force from the contract -------------------------------------------------------

STATES = ("KEN", "NGA", "GHA", "BRA", "MEX", "IDN", "EGY")
PROVIDERS = ("P1", "P2", "P3", "P4", "P5")
STATUSES = ("planned", "ongoing", "completed", "cancelled")


@st.composite
def worlds(draw) -> Bundle:
    projects = draw(
        st.lists(
            st.tuples(
                st.lists(st.sampled_from(PROVIDERS), min_size=1, max_size=2, unique=True),
                st.lists(st.sampled_from(STATES), min_size=1, max_size=3, unique=True),
                st.sampled_from(STATUSES),
            ),
            max_size=8,
        )
    )
    nets = draw(st.lists(st.lists(st.sampled_from(STATES), unique=True, max_size=4), max_size=3))
    return Bundle(
        providers=[Provider(id=p, name=f"Provider {p}", kind="bilateral") for p in PROVIDERS],
        projects=[
            project(f"X{i}", funders=f, states=s, status=status) for i, (f, s, status) in enumerate(projects)
        ],
        networks=[Network(id=f"w{i}", name=f"W{i}", members=sorted(m)) for i, m in enumerate(nets)],
    )


def _bet_max(n: int, m: int) -> float:
    """Borgatti & Halgin's maximum betweenness of a node in a set of n facing a set of m."""
    if n == 0 or m == 0:
        return 0.0
    s, t = divmod(n - 1, m)
    return ((m**2) * ((s + 1) ** 2) + m * (s + 1) * (2 * t - s - 1) - t * (2 * s - t + 3)) / 2.0


def brute_force(world: Bundle) -> dict:
    live = [p for p in world.projects if p.status != "cancelled"]
    weight = Counter((f, s) for p in live for f in p.funders for s in p.beneficiaries)
    g = nx.Graph()
    g.add_edges_from(((f, "S:" + s) for f, s in weight))
    providers = sorted({f for f, _ in weight})
    states = sorted({s for _, s in weight})
    out = {}
    for prov in PROVIDERS:
        degree = sum(1 for f, _ in weight if f == prov)
        bet = 0.0
        if prov in g:
            raw = 0.0
            for s, t in itertools.combinations([v for v in g if v != prov], 2):
                if nx.has_path(g, s, t):
                    paths = list(nx.all_shortest_paths(g, s, t))
                    raw += sum(1 for p in paths if prov in p[1:-1]) / len(paths)
            top = _bet_max(len(providers), len(states))
            bet = raw / top if top else 0.0
        out[prov] = {
            "projects": sum(1 for p in live if prov in p.funders),
            "states": degree,
            "links": sum(w for (f, _), w in weight.items() if f == prov),
            "degree_centrality": round(degree / len(states), 4) if states else 0.0,
            "betweenness": round(bet, 4),
        }
    nets = {}
    for w in world.networks:
        group = {"S:" + s for s in w.members if "S:" + s in g}
        reached = {f for f, s in weight if s in w.members}
        nets[w.id] = {
            "linked_members": len(group),
            "providers": len(reached),
            "links": sum(v for (_, s), v in weight.items() if s in w.members),
            "betweenness": round(brute_group_betweenness(g, group), 4) if group else 0.0,
        }
    return {"providers": out, "networks": nets, "members": {w.id: sorted(w.members) for w in world.networks}}


def test_property_matches_the_brute_force(store: Store) -> None:
    @settings(
        max_examples=8 if store.name == "neo4j" else 40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(worlds())
    def check(world: Bundle) -> None:
        store.clear()
        store.write(to_changes(world))
        expected = brute_force(world)
        m = broker_metrics(store)
        got = {
            p.provider: {
                k: getattr(p, k) for k in ("projects", "states", "links", "degree_centrality", "betweenness")
            }
            for p in m.providers
        }
        assert got == expected["providers"]
        got_nets = {
            n.network: {k: getattr(n, k) for k in ("linked_members", "providers", "links", "betweenness")}
            for n in m.networks
        }
        assert got_nets == expected["networks"]
        assert {n.network: n.members for n in network_members(store)} == expected["members"]
        # communities partition the providers with a live project, each inside one connected part of
        # the co-funding / same-State graph
        linked = sorted(p for p, v in expected["providers"].items() if v["states"])
        assert sorted(p for c in m.communities for p in c.providers) == linked
        live = [p for p in world.projects if p.status != "cancelled"]
        states_of = {p: {s for x in live if p in x.funders for s in x.beneficiaries} for p in linked}
        h = nx.Graph()
        h.add_nodes_from(linked)
        h.add_edges_from((p, q) for p, q in itertools.combinations(linked, 2) if states_of[p] & states_of[q])
        part = {p: i for i, comp in enumerate(nx.connected_components(h)) for p in comp}
        assert all(len({part[p] for p in c.providers}) == 1 for c in m.communities)

    check()
