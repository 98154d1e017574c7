"""Why an answer left candidates out: the facts the questions' ``notes`` functions count.

A question's rows say what qualifies; its notes say, with counts, what did not and why ("12
experts on article 9; 12 lack consent to be listed"), so an empty or short answer is never a bare
"No results" (graph/queries/README.md, "Notes"). The counts come from ``store.memo`` over the
store's projection, the same graph on both stores (as the networks question), so the notes are
identical on both; a ``NeedView`` projection leaves out the needs its audience may not see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tacmap.graph.queries._portfolio import CANCELLED
from tacmap.graph.store.base import Store


@dataclass(frozen=True)
class ExpertFacts:
    id: str
    nationality: str | None
    forms: tuple[str, ...]
    consent: bool


@dataclass
class Facts:
    """What the notes count, indexed once per data version."""

    needs: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # id -> (State, article, form)
    needs_on: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))  # article -> States
    experts_on: dict[int, list[ExpertFacts]] = field(default_factory=lambda: defaultdict(list))
    compliant_on: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))  # article -> States
    dac: set[str] = field(default_factory=set)  # OECD-DAC members
    groups: dict[str, str | None] = field(default_factory=dict)  # State -> primary UN regional group
    live: dict[tuple[str, int], set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )  # (State, article)


def _build(g: Any) -> Facts:
    out = Facts()
    for node, props in g.nodes(data=True):
        label, key = node
        if label == "State":
            out.groups[key] = props.get("un_group")
            if props.get("dac_member"):
                out.dac.add(key)
        elif label == "Need":
            state = next((s[1] for s, kinds in g.pred[node].items() if "HAS_NEED" in kinds), None)
            article = next((a[1] for a, kinds in g.succ[node].items() if "ON_ARTICLE" in kinds), None)
            if state is not None and article is not None:
                out.needs[key] = (state, article, props.get("form"))
                out.needs_on[article].add(state)
        elif label == "Expert":
            succ = g.succ[node]
            nationality = next((s[1] for s, kinds in succ.items() if "NATIONAL_OF" in kinds), None)
            for dst, kinds in succ.items():
                if "EXPERT_IN" in kinds:
                    forms = tuple(kinds["EXPERT_IN"].get("forms") or ())
                    out.experts_on[dst[1]].append(
                        ExpertFacts(key, nationality, forms, props.get("consent") is True)
                    )
        elif label == "Project" and props.get("status") != CANCELLED:
            succ = g.succ[node]
            states = [s[1] for s, kinds in succ.items() if "BENEFITS" in kinds]
            for a in (a[1] for a, kinds in succ.items() if "ADDRESSES" in kinds):
                for s in states:
                    out.live[(s, a)].add(key)
        if label == "State":
            for dst, kinds in g.succ[node].items():
                if "REPORTED" in kinds and kinds["REPORTED"].get("status") == "compliant":
                    out.compliant_on[dst[1]].add(key)
    return out


def needs_matching(
    f: Facts,
    *,
    need: str | None = None,
    state: str | None = None,
    article: int | None = None,
    group: str | None = None,
    form: str | None = None,
) -> list[str]:
    """Ids of the needs a question's filters select (None = no filter), sorted."""
    return sorted(
        n
        for n, (s, a, fm) in f.needs.items()
        if (need is None or n == need)
        and (state is None or s == state)
        and (article is None or a == article)
        and (group is None or f.groups.get(s) == group)
        and (form is None or fm == form)
    )


def facts(store: Store) -> Facts:
    return store.memo("questions.notes", _build)


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 expert``, ``12 experts``."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
