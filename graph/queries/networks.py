"""Networks and brokers (contract: ``graph/queries/README.md``, section 7).

:func:`network_members` lists every network with its member States (``networks.cypher`` on
Neo4j, :func:`embedded` on the embedded store: the same rows).

:func:`broker_metrics` computes graph metrics with networkx on the store's projection
(``store.projection()``, the same graph on both stores), so one piece of code serves both:

* **The provider–State graph** (bipartite, undirected): a provider and a State are linked when
  the provider funds at least one live (not cancelled) project that benefits the State; the
  weight of the link is the number of such projects. Only linked providers and States are nodes.
* **Providers**: ``states`` (degree), ``links`` (weighted degree: Σ link weights),
  ``degree_centrality`` (degree / number of States in the graph, the bipartite normalisation)
  and ``betweenness`` (shortest-path betweenness on hops, normalised by the bipartite maximum
  of Borgatti & Everett 1997, as ``networkx.bipartite.betweenness_centrality`` does; 0 when that
  maximum is 0). A provider with no live project is listed with zeros.
* **Networks** (their member States taken as a group): ``linked_members`` (members in the graph),
  ``providers`` (distinct providers linked to a member), ``links`` (Σ weights of the members'
  links), ``provider_share`` (providers / providers in the graph) and ``betweenness``, the group
  betweenness centrality of the linked members (Everett & Borgatti 1999): over ordered pairs of
  nodes outside the group, the share of shortest paths through a member, divided by
  (n − c)(n − c − 1); 0 for fewer than two nodes outside the group (:func:`group_betweenness`).
* **Communities** of providers: providers p and q are joined with weight = live projects they
  co-fund + States in which both fund live projects; Louvain (networkx ``louvain_communities``,
  weight used, fixed seed) splits them. Communities are numbered from 1 by size (largest first),
  then by their first provider id.

Determinism: the graphs are built from sorted ids with integer node labels, so the result does
not depend on the store, the order it returns rows in, or Python's string hash seed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import networkx as nx
from tacmap.graph.queries._results import Result
from tacmap.graph.store.base import Projection, Store
from tacmap.graph.store.cypher import RawQuery

LOUVAIN_SEED = 2009
DIGITS = 4


@dataclass(frozen=True, slots=True)
class NetworkMembers(Result):
    """A network and its member States (ISO3, sorted)."""

    network: str
    name: str | None
    members: list[str]
    size: int


@dataclass(frozen=True, slots=True)
class ProviderMetrics(Result):
    """A provider's place in the provider–State graph (see the module docstring)."""

    provider: str
    name: str | None
    kind: str | None
    projects: int  # live projects it funds that benefit at least one State
    states: int  # degree in the provider–State graph
    links: int  # weighted degree: Σ over linked States of the number of live projects
    degree_centrality: float
    betweenness: float
    community: int | None


@dataclass(frozen=True, slots=True)
class NetworkMetrics(Result):
    """A network's members taken as a group in the provider–State graph."""

    network: str
    name: str | None
    members: int
    linked_members: int
    providers: int
    links: int
    provider_share: float
    betweenness: float


@dataclass(frozen=True, slots=True)
class Community(Result):
    """Providers that co-fund or fund in the same States, as Louvain groups them."""

    community: int
    size: int
    providers: list[str]
    states: list[str]  # States in which at least one of its providers funds a live project


@dataclass(frozen=True, slots=True)
class BrokerMetrics(Result):
    """Everything :func:`broker_metrics` computes, with the size of the provider–State graph."""

    provider_nodes: int
    state_nodes: int
    edges: int
    providers: list[ProviderMetrics]
    networks: list[NetworkMetrics]
    communities: list[Community]


def network_members(store: Store) -> list[NetworkMembers]:
    """Every network with its member States (ISO3, sorted), ordered by network id."""
    out = []
    for row in store.answer(RAW):
        members = sorted(set(row["members"] or []))
        out.append(
            NetworkMembers(network=row["network"], name=row["name"], members=members, size=len(members))
        )
    return sorted(out, key=lambda m: m.network)


def broker_metrics(store: Store) -> BrokerMetrics:
    """Degree and betweenness of providers and networks on the provider–State graph, and provider
    communities (see the module docstring for every definition). Same result on both stores."""
    return store.memo("networks.broker_metrics", compute_broker_metrics)


def _r(x: float) -> float:
    return round(float(x), DIGITS)


def _bipartite_betweenness(graph: nx.Graph[int], top: set[int]) -> dict[int, float]:
    """``networkx.bipartite.betweenness_centrality`` with a guard for degenerate graphs (max 0)."""
    raw = nx.betweenness_centrality(graph, normalized=False, weight=None)
    bottom = set(graph) - top

    def bet_max(n: int, m: int) -> float:
        if n == 0 or m == 0:
            return 0.0
        s, t = divmod(n - 1, m)
        return ((m**2) * ((s + 1) ** 2) + m * (s + 1) * (2 * t - s - 1) - t * (2 * s - t + 3)) / 2.0

    top_max, bottom_max = bet_max(len(top), len(bottom)), bet_max(len(bottom), len(top))
    return {
        v: (raw[v] / (top_max if v in top else bottom_max))
        if (top_max if v in top else bottom_max) > 0
        else 0.0
        for v in graph
    }


def group_betweenness(graph: nx.Graph[int], groups: list[list[int]]) -> list[float]:
    """Normalised group betweenness centrality of each group, endpoints excluded: for every ordered
    pair (s, t) of distinct nodes outside the group, the share of shortest s–t paths (in hops) that
    pass through a node of the group, summed and divided by (n − c)(n − c − 1).

    The quantity ``networkx.group_betweenness_centrality`` is meant to compute; networkx 3.6.1 gets
    it wrong for groups of three or more nodes (networkx issue #8827, fixed upstream by PR #8879)
    and is slow here (deep copies of n² matrices per group). This is one breadth-first search per
    source and, per group, a count of the shortest paths that avoid the group: O(n · (m + groups · n)).
    Tests check it against a brute force over ``all_shortest_paths`` and, for one-node groups,
    against ``betweenness_centrality``.
    """
    sets = [set(group) for group in groups]
    totals = [0.0] * len(sets)
    for source in graph:
        dist = {source: 0}
        sigma = {source: 1}
        preds: dict[int, list[int]] = {source: []}
        order = [source]
        for v in order:  # breadth-first: order grows while we walk it
            for w in graph[v]:
                if w not in dist:
                    dist[w] = dist[v] + 1
                    sigma[w] = 0
                    preds[w] = []
                    order.append(w)
                if dist[w] == dist[v] + 1:
                    sigma[w] += sigma[v]
                    preds[w].append(v)
        for i, group in enumerate(sets):
            if source in group:
                continue
            avoiding = {source: 1}  # shortest paths from source that avoid the group
            total = 0.0
            for v in order[1:]:
                if v in group:
                    avoiding[v] = 0
                    continue
                through = sum(avoiding[u] for u in preds[v])
                avoiding[v] = through
                total += (sigma[v] - through) / sigma[v]
            totals[i] += total
    n = len(graph)
    return [
        total / ((n - len(group)) * (n - len(group) - 1)) if n - len(group) >= 2 else 0.0
        for total, group in zip(totals, sets)
    ]


def compute_broker_metrics(g: Projection) -> BrokerMetrics:
    """:func:`broker_metrics` on a projection ``g`` (nodes ``(label, key)``, edges keyed by type)."""
    providers: dict[str, dict[str, Any]] = {}
    networks: dict[str, dict[str, Any]] = {}
    live: list[tuple[str, str]] = []
    for ref, props in g.nodes(data=True):
        if ref[0] == "Provider":
            providers[str(ref[1])] = props
        elif ref[0] == "Network":
            networks[str(ref[1])] = props
        elif ref[0] == "Project" and props.get("status") != "cancelled":
            live.append((ref[0], str(ref[1])))
    weight: Counter[tuple[str, str]] = Counter()
    cofunded: Counter[tuple[str, str]] = Counter()
    funded: Counter[str] = Counter()
    for ref in sorted(live):
        funders = sorted({str(u[1]) for u, _, kind in g.in_edges(ref, keys=True) if kind == "FUNDS"})
        states = sorted({str(v[1]) for _, v, kind in g.out_edges(ref, keys=True) if kind == "BENEFITS"})
        if not states:
            continue
        for f in funders:
            funded[f] += 1
            for s in states:
                weight[(f, s)] += 1
        for pair in combinations(funders, 2):
            cofunded[pair] += 1
    members: dict[str, list[str]] = defaultdict(list)
    for src, dst, kind in g.edges(keys=True):
        if kind == "MEMBER_OF" and dst[0] == "Network":
            members[str(dst[1])].append(str(src[1]))

    linked_providers = sorted({f for f, _ in weight})
    linked_states = sorted({s for _, s in weight})
    pid = {p: i for i, p in enumerate(linked_providers)}
    sid = {s: len(pid) + i for i, s in enumerate(linked_states)}
    bip: nx.Graph[int] = nx.Graph()
    bip.add_nodes_from(range(len(pid) + len(sid)))
    bip.add_weighted_edges_from((pid[f], sid[s], w) for (f, s), w in sorted(weight.items()))
    top = set(pid.values())
    betweenness = _bipartite_betweenness(bip, top)
    states_of: dict[str, set[str]] = defaultdict(set)
    for f, s in weight:
        states_of[f].add(s)

    # communities of providers
    pg: nx.Graph[int] = nx.Graph()
    pg.add_nodes_from(range(len(pid)))
    pair_weight: Counter[tuple[str, str]] = Counter(cofunded)
    for p, q in combinations(linked_providers, 2):
        shared = len(states_of[p] & states_of[q])
        if shared:
            pair_weight[(p, q)] += shared
    pg.add_weighted_edges_from(
        (pid[p], pid[q], w) for (p, q), w in sorted(pair_weight.items()) if p in pid and q in pid
    )
    found = nx.community.louvain_communities(pg, weight="weight", seed=LOUVAIN_SEED) if len(pg) else []
    groups = sorted((sorted(linked_providers[i] for i in c) for c in found), key=lambda c: (-len(c), c[0]))
    community_of = {p: i for i, c in enumerate(groups, 1) for p in c}
    communities = [
        Community(
            community=i, size=len(c), providers=c, states=sorted(set().union(*(states_of[p] for p in c)))
        )
        for i, c in enumerate(groups, 1)
    ]

    n_states = len(sid)
    provider_rows = []
    for p in sorted(providers):
        props = providers[p]
        node = pid.get(p)
        degree = bip.degree(node) if node is not None else 0
        provider_rows.append(
            ProviderMetrics(
                provider=p,
                name=props.get("name"),
                kind=props.get("kind"),
                projects=funded.get(p, 0),
                states=degree,
                links=int(bip.degree(node, weight="weight")) if node is not None else 0,
                degree_centrality=_r(degree / n_states) if n_states else 0.0,
                betweenness=_r(betweenness[node]) if node is not None else 0.0,
                community=community_of.get(p),
            )
        )
    provider_rows.sort(key=lambda m: (-m.betweenness, -m.degree_centrality, -m.links, m.provider))

    groups_in_graph = {w: sorted({sid[s] for s in members.get(w, ()) if s in sid}) for w in sorted(networks)}
    n_nodes = len(bip)
    computable = [w for w, nodes in groups_in_graph.items() if nodes and n_nodes - len(nodes) >= 2]
    gbc = dict(zip(computable, group_betweenness(bip, [groups_in_graph[w] for w in computable])))
    network_rows = []
    for w in sorted(networks):
        nodes = groups_in_graph[w]
        reached = {u for v in nodes for u in bip.neighbors(v)}
        network_rows.append(
            NetworkMetrics(
                network=w,
                name=networks[w].get("name"),
                members=len(set(members.get(w, ()))),
                linked_members=len(nodes),
                providers=len(reached),
                links=int(sum(bip.degree(v, weight="weight") for v in nodes)),
                provider_share=_r(len(reached) / len(pid)) if pid else 0.0,
                betweenness=_r(gbc.get(w, 0.0)),
            )
        )
    network_rows.sort(key=lambda m: (-m.betweenness, -m.provider_share, m.network))
    return BrokerMetrics(
        provider_nodes=len(pid),
        state_nodes=n_states,
        edges=bip.number_of_edges(),
        providers=provider_rows,
        networks=network_rows,
        communities=communities,
    )


# -- the embedded twin of networks.cypher ------------------------------------------------------------


def _members(g: Projection) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for ref, props in g.nodes(data=True):
        if ref[0] == "Network":
            rows[str(ref[1])] = {"network": ref[1], "name": props.get("name"), "members": []}
    for src, dst, kind in g.edges(keys=True):
        if kind == "MEMBER_OF" and dst[0] == "Network" and src[0] == "State":
            rows[str(dst[1])]["members"].append(src[1])
    for row in rows.values():
        row["members"] = sorted(set(row["members"]))
    return list(rows.values())


def embedded(store: Any) -> list[dict[str, Any]]:
    """The rows of ``networks.cypher``, computed on the embedded store's networkx projection."""
    return [dict(r, members=list(r["members"])) for r in store.memo("networks.members", _members)]


RAW = RawQuery("networks", embedded)
