"""An ILLUSTRATIVE world for demos, tests and benchmarks: not official data.

It is modelled on the situation the 2009 report of the UNCAC Working Group on Technical
Assistance describes (137 States parties, 77 of them, 57 %, had submitted a
self-assessment), but every State chosen, every need, project, expert and report here is
invented. Organisations and networks are real names; what they fund or whom they count
as members here is not. ``seed/README.md`` lists every assumption.

``generate(scale, seed)`` is deterministic: one ``random.Random`` per table, seeded from
``seed`` and the table name, and every draw is taken from a sorted sequence.
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from functools import cache
from typing import TypeVar, cast

from tacmap.graph.schema.models import (
    Availability,
    Bundle,
    Expert,
    Implementation,
    ImplementationStatus,
    Need,
    Network,
    Priority,
    Project,
    Provider,
    ProviderKind,
    StateInfo,
)
from tacmap.graph.schema.reference import Country, articles, countries, forms

# --- States parties -------------------------------------------------------------------

PARTIES = 137  # States parties on 31 August 2009, as the 2009 report counts them
ASSESSED = 77  # of which submitted a self-assessment (57 %)
ENTRY_INTO_FORCE = date(2005, 12, 14)  # the Convention entered into force on this date
AS_OF = date(2009, 9, 1)  # "today" of the illustrative world; decides project status
LAST_PARTY_DATE = date(2009, 8, 31)
FIRST_ASSESSMENT = date(2007, 1, 1)  # self-assessment checklist in use from 2007
PARTIES_AT_ENTRY = 30  # States that ratified early are parties from entry into force

# Some well-known UN Members that were NOT parties on 31 August 2009 (ratified later, not
# at all, or did not yet exist): never chosen. The rest is a random sample, so the list is
# still NOT the real list of parties in 2009.
NOT_PARTIES_2009 = (
    "CHE",
    "CZE",
    "DEU",
    "IND",
    "IRL",
    "ISL",
    "ITA",
    "JPN",
    "MMR",
    "NZL",
    "PRK",
    "SAU",
    "SSD",
    "THA",
)

# Always chosen: the South-South providers, report-named donors that were parties, and
# the example ids of the docs (KEN). The rest of each group is a seeded random sample.
ALWAYS_PARTIES = ("BRA", "FIN", "GBR", "KEN", "MYS", "NOR", "QAT", "ZAF")

GROUPS = ("african", "asia_pacific", "eastern_european", "grulac", "weog")

# --- Needs ------------------------------------------------------------------------------

# Mean number of needs per assessed State at scale 1, by UN regional group: African and
# Asia-Pacific States report most, WEOG States fewest. DAC members (donors) declare none.
NEEDS_PER_STATE = {"african": 14, "asia_pacific": 12, "grulac": 9, "eastern_european": 6, "weog": 3}

# Weight of an article by chapter: chapters II (prevention) and IV (international
# cooperation) weigh most, per article and in total (III has 28 articles, II 10, IV 8).
# Chapters I (general), VII (mechanisms: COSP, secretariat) and VIII (final provisions)
# create no obligation a State could need help with: weight 0.
CHAPTER_WEIGHT = {"I": 0.0, "II": 3.0, "III": 1.0, "IV": 3.0, "V": 1.5, "VI": 0.8, "VII": 0.0, "VIII": 0.0}

# Regional emphasis, multiplied into CHAPTER_WEIGHT: GRULAC more on criminalization
# (III), African States more on asset recovery (V), Eastern European more on prevention
# (II), Asia-Pacific and WEOG more on international cooperation (IV).
GROUP_CHAPTER_FACTOR = {
    "african": {"V": 1.6},
    "asia_pacific": {"IV": 1.3},
    "eastern_european": {"II": 1.4},
    "grulac": {"III": 2.0},
    "weog": {"IV": 1.5},
}

# Articles most often named in needs: anti-corruption body, procurement, anti-money
# laundering, specialized authorities, extradition, mutual legal assistance, FIU.
HOT_ARTICLES = {6: 2.0, 9: 2.0, 14: 2.0, 36: 1.5, 44: 1.5, 46: 2.0, 58: 1.5}

# Weight of each form of assistance; model agreements mostly for chapters IV and V.
FORM_WEIGHT = {
    "legal_advice": 2.5,
    "legislative_drafting": 2.0,
    "model_legislation": 1.0,
    "good_practices": 1.5,
    "model_agreements": 0.7,
    "action_plan": 1.0,
    "on_site_expert": 1.5,
    "capacity_building": 3.0,
    "technology": 1.0,
    "other": 0.3,
}
NEED_SPREAD = (0.2, 1.8)  # a State's count is the group mean times a uniform draw in this range
PRIORITY_WEIGHT = {Priority.high: 0.3, Priority.medium: 0.45, Priority.low: 0.25}
NEED_SOURCE = "self-assessment checklist (illustrative)"
RESTRICTED_SHARE = 0.1  # share of assessed States that shared their checklist with the Secretariat only
ORPHANS = 6  # assessed States with needs that no project reaches (never one of ALWAYS_PARTIES)

# --- Implementation reports -------------------------------------------------------------

REPORT_SHARE = 0.7  # share of chapter II-VI articles without a need a State reports on
DAC_COMPLIANT = 0.97  # a DAC member reports compliant on almost every such article
COMPLIANT_MAX, COMPLIANT_MIN, COMPLIANT_STEP = 0.95, 0.35, 0.04  # others: fewer needs, more compliant

# --- Providers --------------------------------------------------------------------------

ONLY = {g: {other: 0.0 for other in GROUPS if other != g} for g in GROUPS}  # focus: one group only
EUROPE = {"african": 0.0, "asia_pacific": 0.0, "grulac": 0.0, "eastern_european": 4.0}

# (id, name, kind, country, funding weight, regional focus). Weight 0 = never funds
# (implements or advises only). Focus multiplies the weight for beneficiaries of a group.
# fmt: off
PROVIDERS: tuple[tuple[str, str, str, str | None, float, dict[str, float]], ...] = (
    # named in the 2009 report
    ("gtz", "Deutsche Gesellschaft fuer Technische Zusammenarbeit (GTZ)", "bilateral", "DEU", 2.0, {}),
    ("dfid", "Department for International Development (DFID)", "bilateral", "GBR", 3.0, {"african": 2}),
    ("undp", "United Nations Development Programme (UNDP)", "un_entity", None, 2.5, {}),
    ("unodc", "United Nations Office on Drugs and Crime (UNODC)", "un_entity", None, 0.5, {}),
    ("u4", "U4 Anti-Corruption Resource Centre", "other", "NOR", 0.0, {}),
    ("govnet", "OECD-DAC Network on Governance (GOVNET)", "multilateral", None, 0.0, {}),
    ("finland", "Finland, Ministry for Foreign Affairs", "bilateral", "FIN", 0.7, {"african": 2}),
    ("qatar", "State of Qatar", "state", "QAT", 0.4, {"african": 2, "asia_pacific": 2}),
    # other bilateral donors
    ("usaid", "United States Agency for International Development (USAID)", "bilateral", "USA", 3.0, {}),
    ("sida", "Swedish International Development Cooperation Agency (Sida)", "bilateral", "SWE", 1.5, {}),
    ("norad", "Norwegian Agency for Development Cooperation (Norad)", "bilateral", "NOR", 1.5, {}),
    ("danida", "Danish International Development Assistance (Danida)", "bilateral", "DNK", 1.2, {"african": 2}),
    ("ausaid", "Australian Agency for International Development (AusAID)", "bilateral", "AUS", 1.2, {"asia_pacific": 5}),
    ("cida", "Canadian International Development Agency (CIDA)", "bilateral", "CAN", 1.2, {}),
    ("jica", "Japan International Cooperation Agency (JICA)", "bilateral", "JPN", 1.0, {"asia_pacific": 4}),
    ("sdc", "Swiss Agency for Development and Cooperation (SDC)", "bilateral", "CHE", 1.0, {}),
    ("netherlands", "Netherlands, Ministry of Foreign Affairs", "bilateral", "NLD", 1.0, {}),
    # multilateral donors
    ("ec", "European Commission", "multilateral", None, 3.0, {"eastern_european": 2}),
    ("worldbank", "World Bank", "multilateral", None, 2.0, {}),
    ("adb", "Asian Development Bank", "multilateral", None, 1.0, ONLY["asia_pacific"]),
    ("afdb", "African Development Bank", "multilateral", None, 0.8, ONLY["african"]),
    ("idb", "Inter-American Development Bank", "multilateral", None, 0.8, ONLY["grulac"]),
    ("oecd", "Organisation for Economic Co-operation and Development (OECD)", "multilateral", None, 0.4, {}),
    ("coe", "Council of Europe", "multilateral", None, 1.0, EUROPE),
    ("star", "Stolen Asset Recovery Initiative (StAR)", "multilateral", None, 0.4, {}),
    ("unicri", "United Nations Interregional Crime and Justice Research Institute (UNICRI)", "un_entity", None, 0.0, {}),
    # implementers that do not fund
    ("ti", "Transparency International", "ngo", "DEU", 0.0, {}),
    ("basel", "Basel Institute on Governance", "ngo", "CHE", 0.0, {}),
    ("gopac", "Global Organization of Parliamentarians Against Corruption (GOPAC)", "ngo", "CAN", 0.0, {}),
    # South providers
    ("brazil", "Brazil", "state", "BRA", 0.3, {"grulac": 4, "african": 2}),
    ("malaysia", "Malaysia", "state", "MYS", 0.3, {"asia_pacific": 5}),
    ("southafrica", "South Africa", "state", "ZAF", 0.3, {"african": 5}),
)
# fmt: on
KIND = {p[0]: p[2] for p in PROVIDERS}
PROVIDER_COUNTRY = {p[0]: p[3] for p in PROVIDERS}
# Implementer of a project led by a bilateral or state provider -> weight ("self": the funder).
IMPLEMENTERS = {"unodc": 35, "undp": 20, "self": 22, "ti": 6, "basel": 5, "gopac": 3, "unicri": 4, None: 5}

# --- Networks ---------------------------------------------------------------------------

# Southern African Development Community members in 2009
# fmt: off
SADC = ("AGO", "BWA", "COD", "LSO", "MDG", "MOZ", "MUS", "MWI", "NAM", "SWZ", "SYC", "TZA", "ZAF", "ZMB", "ZWE")
EAC = ("BDI", "KEN", "RWA", "TZA", "UGA")  # East African Community in 2009
# fmt: on
NOT_ARAB_LEAGUE = ("ERI", "ISR", "TCD")  # Arabic is official there, but not League members
IAACA_SHARE = 0.6  # share of parties the global association counts as members here

# --- Projects ---------------------------------------------------------------------------

PROJECTS = 285  # organic projects at scale 1; deliberate duplicates come on top
OVERLAP_TARGET = 0.075  # share of projects in at least one overlap after planting
PROJECT_KIND = {"national": 0.8, "regional": 0.12, "network": 0.08}
ARTICLES_PER_PROJECT = {1: 0.35, 2: 0.35, 3: 0.2, 4: 0.1}
FORMS_PER_PROJECT = {0: 0.15, 1: 0.35, 2: 0.35, 3: 0.15}  # 0 = any form
CO_FUNDED = 0.15
CANCELLED = 0.03
FROM_NEEDS = 0.75  # chance an article or form is drawn from the beneficiaries' needs
PERIOD_START, PERIOD_LAST_START, PERIOD_END = date(2005, 1, 1), date(2012, 6, 30), date(2013, 12, 31)
PEAK_START = date(2008, 6, 1)  # starts cluster around the Convention's first years
DURATION_MONTHS = {6: 1, 12: 3, 18: 2, 24: 3, 36: 2, 48: 1}
BUDGET_MEDIAN, BUDGET_SIGMA, BUDGET_MIN, BUDGET_MAX = 600_000, 1.0, 50_000, 10_000_000
BUDGET_MISSING = 0.1
RETRIES = 10  # tries to place an organic project without duplicating another
VERBS = ("Strengthening", "Support to", "Capacity building on", "Technical assistance on", "Advice on")

# --- Experts ----------------------------------------------------------------------------

EXPERTS = 120
# Per-State weight of a nationality by group: rosters lean to WEOG and Eastern Europe.
EXPERT_GROUP_WEIGHT = {
    "african": 1.0,
    "asia_pacific": 0.8,
    "eastern_european": 2.0,
    "grulac": 1.2,
    "weog": 2.5,
}
# Invented names: syllables per group, so that no name is a real person's.
# fmt: off
SYLLABLES = {
    "african": ("a", "ba", "da", "fe", "ke", "ko", "la", "ma", "mbe", "ndo", "nya", "o", "se", "ta", "tu", "wa"),
    "asia_pacific": ("an", "bao", "chi", "da", "han", "jin", "ka", "li", "mei", "na", "ra", "sa", "ta", "wei"),
    "eastern_european": ("bo", "da", "go", "ka", "la", "mi", "na", "ra", "sla", "ta", "va", "vi", "zo", "dra"),
    "grulac": ("al", "be", "ca", "da", "el", "fer", "ga", "is", "lo", "ma", "na", "ra", "sol", "te", "va"),
    "weog": ("an", "ber", "cla", "der", "el", "fen", "gar", "hal", "jo", "lin", "mar", "nor", "ri", "ton"),
}
# fmt: on
SURNAME_ENDINGS = {
    "african": ("", "ni", "ye", "la"),
    "asia_pacific": ("", "n", "ng"),
    "eastern_european": ("ov", "ova", "escu", "ic", "enko"),
    "grulac": ("ez", "es", "ra", "do"),
    "weog": ("son", "er", "ley", "berg", "mann"),
}
EXTRA_LANGUAGES = {"en": 0.75, "fr": 0.25, "es": 0.15}  # chance an expert also speaks it
RECOMMENDED_BY_STATE = 0.85


# --- Helpers ----------------------------------------------------------------------------


K = TypeVar("K")


def _pick(rng: random.Random, weights: Mapping[K, float]) -> K:
    """One key of ``weights`` drawn in proportion to its value."""
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


def _weighted_sample(rng: random.Random, items: Sequence, weights: Sequence[float], k: int) -> list:
    """k distinct items, without replacement, in proportion to weight (Efraimidis-Spirakis)."""
    keyed = [(rng.random() ** (1.0 / w), i) for i, w in enumerate(weights) if w > 0]
    keyed.sort(reverse=True)
    return [items[i] for _, i in keyed[:k]]


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _quota(total: int, sizes: dict[str, int]) -> dict[str, int]:
    """Split total across groups in proportion to sizes (largest remainder)."""
    whole = sum(sizes.values())
    exact = {g: total * n / whole for g, n in sizes.items()}
    out = {g: math.floor(x) for g, x in exact.items()}
    for g in sorted(exact, key=lambda g: (out[g] - exact[g], g))[: total - sum(out.values())]:
        out[g] += 1
    return out


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _rng(seed: int, table: str) -> random.Random:
    return random.Random(f"{seed}:{table}")


def _live(p: dict) -> bool:
    return p["status"] != "cancelled"


def _duplicates(p: dict, q: dict) -> bool:
    """Overlap: both live, periods intersect (inclusive), no common funder (beneficiary and
    article already shared by the caller's index)."""
    return (
        _live(p)
        and _live(q)
        and p["start"] <= q["end"]
        and q["start"] <= p["end"]
        and not set(p["funders"]) & set(q["funders"])
    )


class _Portfolio:
    """Projects so far, indexed by (State, article) to find overlaps without comparing all pairs."""

    def __init__(self) -> None:
        self.projects: list[dict] = []
        self.cells: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.overlapping: set[int] = set()

    def clashing_articles(self, p: dict) -> set[int]:
        return {
            a
            for a in p["articles"]
            for s in p["beneficiaries"]
            if any(_duplicates(p, self.projects[j]) for j in self.cells[(s, a)])
        }

    def clashes(self, p: dict) -> set[int]:
        found: set[int] = set()
        for s in p["beneficiaries"]:
            for a in p["articles"]:
                found.update(j for j in self.cells[(s, a)] if _duplicates(p, self.projects[j]))
        return found

    def add(self, p: dict) -> None:
        clashes = self.clashes(p)
        i = len(self.projects)
        self.projects.append(p)
        for s in p["beneficiaries"]:
            for a in p["articles"]:
                self.cells[(s, a)].append(i)
        if clashes:
            self.overlapping |= clashes | {i}

    def share(self) -> float:
        return len(self.overlapping) / len(self.projects) if self.projects else 0.0


def overlapping_ids(projects: Iterable[Project]) -> set[str]:
    """Ids of projects in at least one overlap (indexed; the tests check it by brute force)."""
    book = _Portfolio()
    items = list(projects)
    for p in items:
        book.add(p.model_dump())
    return {items[i].id for i in book.overlapping}


# --- Tables -----------------------------------------------------------------------------


def _parties(rng: random.Random, ref: dict[str, Country]) -> dict[str, list[str]]:
    """Group -> sorted ISO3 of the parties: each group's share of 137 in proportion to its size."""
    members = {g: [c.iso3 for c in ref.values() if c.un_group == g] for g in GROUPS}
    quota = _quota(PARTIES, {g: len(m) for g, m in members.items()})
    out = {}
    for g in GROUPS:
        forced = [c for c in members[g] if c in ALWAYS_PARTIES]
        pool = [c for c in members[g] if c not in ALWAYS_PARTIES and c not in NOT_PARTIES_2009]
        out[g] = sorted(forced + rng.sample(pool, quota[g] - len(forced)))
    return out


def _states(rng: random.Random, parties: dict[str, list[str]]) -> list[StateInfo]:
    everyone = [c for g in GROUPS for c in parties[g]]
    early = set(rng.sample(sorted(everyone), PARTIES_AT_ENTRY))
    since = {
        c: ENTRY_INTO_FORCE if c in early else _day(rng, ENTRY_INTO_FORCE, LAST_PARTY_DATE) for c in everyone
    }
    # Assessed: 77 in proportion to each group's parties, among those party long enough.
    quota = _quota(ASSESSED, {g: len(parties[g]) for g in GROUPS})
    assessed: dict[str, date] = {}
    for g in GROUPS:
        eligible = [c for c in parties[g] if since[c] <= LAST_PARTY_DATE - timedelta(days=60)]
        for c in rng.sample(eligible, quota[g]):
            first = max(FIRST_ASSESSMENT, since[c] + timedelta(days=30))
            assessed[c] = _day(rng, first, LAST_PARTY_DATE)
    return [
        StateInfo(iso3=c, party_since=since[c], self_assessment_on=assessed.get(c)) for c in sorted(everyone)
    ]


@cache
def _article_weights(group: str) -> dict[int, float]:
    """Article -> weight of a need on it for a State of group (shared: do not mutate)."""
    factor = GROUP_CHAPTER_FACTOR[group]
    return {
        n: CHAPTER_WEIGHT[a.chapter] * factor.get(a.chapter, 1.0) * HOT_ARTICLES.get(n, 1.0)
        for n, a in articles().items()
    }


def _form_weight(form: str, article: int) -> float:
    chapter = articles()[article].chapter
    if form == "model_agreements":
        return FORM_WEIGHT[form] * (3.0 if chapter in ("IV", "V") else 0.3)
    return FORM_WEIGHT[form]


def _needs(rng: random.Random, states: list[StateInfo], ref: dict[str, Country], scale: int) -> list[Need]:
    """Each assessed State's needs: distinct (article, form) pairs; past 580 pairs (scale > 1)
    a further round repeats pairs with an ``-rN`` id suffix."""
    assessed = [s for s in states if s.self_assessment_on is not None]
    # Counts first, from their own draws, so that scale N has exactly N times the needs.
    counts = [
        # every seed State is drawn from a regional group's members, so has a group
        round(NEEDS_PER_STATE[cast(str, ref[s.iso3].un_group)] * rng.uniform(*NEED_SPREAD)) * scale
        for s in assessed
    ]
    counts = [0 if ref[s.iso3].dac_member else n for s, n in zip(assessed, counts)]  # donors declare none
    out = []
    for s, count in zip(assessed, counts):
        aw = _article_weights(ref[s.iso3].un_group)
        combos = [(a, f) for a in aw if aw[a] > 0 for f in forms()]
        weights = [aw[a] * _form_weight(f, a) for a, f in combos]
        for round_no in range(1, count // len(combos) + 2):
            take = min(len(combos), count - (round_no - 1) * len(combos))
            for a, f in sorted(_weighted_sample(rng, combos, weights, take)):
                suffix = f"-r{round_no}" if round_no > 1 else ""
                out.append(
                    Need(
                        id=f"need-{s.iso3}-{a:03d}-{f}{suffix}",
                        state=s.iso3,
                        article=a,
                        form=f,
                        priority=_pick(rng, PRIORITY_WEIGHT),
                        identified_on=s.self_assessment_on,
                        source=NEED_SOURCE,
                    )
                )
    return out


def _restrict(rng: random.Random, needs: list[Need]) -> list[Need]:
    """Mark every need of a few States restricted: their self-assessment was shared with the
    Secretariat, not published. A draw of its own, so the rest of the world does not move."""
    with_needs = sorted({n.state for n in needs})
    chosen = set(rng.sample(with_needs, round(RESTRICTED_SHARE * len(with_needs))))
    return [n.model_copy(update={"visibility": "restricted"}) if n.state in chosen else n for n in needs]


def _implementation(
    rng: random.Random, states: list[StateInfo], needs: list[Need], ref: dict[str, Country]
) -> list[Implementation]:
    """Reports of the assessed States: never compliant where they need help; the fewer
    needs, the more compliant (DAC members almost everywhere)."""
    needed = defaultdict(set)
    for n in needs:
        needed[n.state].add(n.article)
    reportable = [n for n, a in articles().items() if CHAPTER_WEIGHT[a.chapter] > 0]
    out = []
    for s in states:
        if s.self_assessment_on is None:
            continue
        mine = needed[s.iso3]
        compliant = (
            DAC_COMPLIANT
            if ref[s.iso3].dac_member
            else max(COMPLIANT_MIN, COMPLIANT_MAX - COMPLIANT_STEP * len(mine))
        )
        for a in reportable:
            if a in mine:
                status = (
                    ImplementationStatus.partial if rng.random() < 0.6 else ImplementationStatus.not_compliant
                )
            elif rng.random() < REPORT_SHARE:
                status = (
                    ImplementationStatus.compliant
                    if rng.random() < compliant
                    else ImplementationStatus.partial
                )
            else:
                continue
            out.append(Implementation(state=s.iso3, article=a, status=status))
    return out


def _providers() -> list[Provider]:
    return [
        Provider(id=i, name=name, kind=ProviderKind(kind), country=c) for i, name, kind, c, _, _ in PROVIDERS
    ]


def _networks(rng: random.Random, parties: dict[str, list[str]], ref: dict[str, Country]) -> list[Network]:
    everyone = sorted(c for g in GROUPS for c in parties[g])

    def where(test) -> list[str]:
        return [c for c in everyone if test(ref[c])]

    return [
        Network(
            id="adb-oecd-ap",
            name="ADB/OECD Anti-Corruption Initiative for Asia and the Pacific",
            members=where(
                lambda c: (
                    c.region in ("Asia", "Oceania") and c.subregion not in ("Western Asia", "Central Asia")
                )
            ),
        ),
        Network(
            id="safac",
            name="Southern African Forum Against Corruption (SAFAC)",
            members=where(lambda c: c.iso3 in SADC),
        ),
        Network(
            id="eaaaca",
            name="East African Association of Anti-Corruption Authorities (EAAACA)",
            members=where(lambda c: c.iso3 in EAC),
        ),
        Network(
            id="naciwa",
            name="Network of Anti-Corruption Institutions in West Africa (NACIWA)",
            members=where(lambda c: c.subregion == "Western Africa"),
        ),
        Network(
            id="acinet",
            name="Arab Anti-Corruption and Integrity Network (ACINET)",
            members=where(lambda c: "ar" in c.official_languages and c.iso3 not in NOT_ARAB_LEAGUE),
        ),
        Network(
            id="oecd-acn",
            name="Anti-Corruption Network for Eastern Europe and Central Asia (OECD ACN)",
            members=where(lambda c: c.un_group == "eastern_european" or c.subregion == "Central Asia"),
        ),
        Network(
            id="mesicic",
            name="Follow-up Mechanism for the Inter-American Convention against Corruption (MESICIC)",
            members=where(lambda c: c.un_group == "grulac" or c.iso3 in ("CAN", "USA")),
        ),
        Network(
            id="epac",
            name="European Partners against Corruption (EPAC)",
            members=where(lambda c: c.region == "Europe"),
        ),
        Network(
            id="iaaca",
            name="International Association of Anti-Corruption Authorities (IAACA)",
            members=sorted(rng.sample(everyone, round(IAACA_SHARE * len(everyone)))),
        ),
    ]


def _period(rng: random.Random) -> tuple[date, date]:
    span = (PERIOD_LAST_START - PERIOD_START).days
    start = PERIOD_START + timedelta(days=round(rng.triangular(0, span, (PEAK_START - PERIOD_START).days)))
    months = _pick(rng, DURATION_MONTHS)
    return start, min(PERIOD_END, start + timedelta(days=round(months * 30.44) - 1))


def _status(rng: random.Random, start: date, end: date) -> str:
    status = "completed" if end < AS_OF else "planned" if start > AS_OF else "ongoing"
    return "cancelled" if status != "completed" and rng.random() < CANCELLED else status


def _budget(rng: random.Random, factor: float = 1.0) -> float | None:
    if rng.random() < BUDGET_MISSING:
        return None
    value = BUDGET_MEDIAN * factor * math.exp(rng.gauss(0, BUDGET_SIGMA))
    return float(min(BUDGET_MAX, max(BUDGET_MIN, round(value, -3))))


class _ProjectDrafter:
    """Draws one project at a time from the needs, parties, providers and networks."""

    def __init__(self, rng, parties, needs, networks, ref, orphans):
        self.rng, self.ref = rng, ref
        # State -> article -> forms it needs there.
        self.needed: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        count: dict[str, int] = defaultdict(int)
        for n in needs:
            self.needed[n.state][n.article].add(n.form)
            count[n.state] += 1
        mean = len(needs) / max(1, len(count))
        # Recipients: parties outside the DAC and not orphans; assessed with needs weigh more.
        self.weight = {}
        for g in GROUPS:
            for c in parties[g]:
                if c in orphans or ref[c].dac_member:
                    continue
                self.weight[c] = (1 + count[c] / mean) if count[c] else (0.2 if g == "weog" else 0.7)
        self.recipients, self.recipient_weights = list(self.weight), list(self.weight.values())
        self.by_group = {g: [c for c in parties[g] if c in self.weight] for g in GROUPS}
        self.network_names = {n.id: n.name for n in networks}
        self.networks = [(n.id, [c for c in n.members if c in self.weight]) for n in networks]
        self.networks = [(i, m) for i, m in self.networks if len(m) >= 2]
        self.providers = [p for p in PROVIDERS if p[4] > 0]

    def beneficiaries(self, kind: str) -> tuple[list[str], str | None]:
        rng = self.rng
        if kind == "national":
            return rng.choices(self.recipients, self.recipient_weights), None
        if kind == "regional":
            group = rng.choice([g for g in GROUPS if len(self.by_group[g]) >= 2 and g != "weog"])
            pool = self.by_group[group]
            return sorted(rng.sample(pool, rng.randint(2, min(5, len(pool))))), None
        network, members = rng.choice(self.networks)
        return sorted(rng.sample(members, rng.randint(2, min(6, len(members))))), network

    def articles(self, states: list[str]) -> list[int]:
        rng = self.rng
        wanted = _pick(rng, ARTICLES_PER_PROJECT)
        aw = _article_weights(self.ref[states[0]].un_group)
        from_needs = sorted({a for c in states for a in self.needed[c]})
        chosen: set[int] = set()
        while len(chosen) < wanted:
            if from_needs and rng.random() < FROM_NEEDS:
                chosen.add(rng.choice(from_needs))
            else:
                chosen.add(rng.choices(list(aw), list(aw.values()))[0])
        return sorted(chosen)

    def forms(self, states: list[str], arts: list[int]) -> list[str]:
        rng = self.rng
        wanted = _pick(rng, FORMS_PER_PROJECT)
        from_needs = sorted({f for c in states for a in arts for f in self.needed[c].get(a, ())})
        chosen: set[str] = set()
        while len(chosen) < wanted:
            if from_needs and rng.random() < FROM_NEEDS:
                chosen.add(rng.choice(from_needs))
            else:
                chosen.add(_pick(rng, FORM_WEIGHT))
        return sorted(chosen)

    def funders(self, states: list[str], exclude: Iterable[str] = ()) -> list[str]:
        """1-2 providers, by weight and regional focus; never one based in a beneficiary."""
        rng = self.rng
        group = self.ref[states[0]].un_group
        skip = set(exclude)
        pool = [
            (p[0], p[4] * p[5].get(group, 1.0))
            for p in self.providers
            if p[3] not in states and p[0] not in skip
        ]
        pool = [(i, w) for i, w in pool if w > 0]
        k = 2 if rng.random() < CO_FUNDED else 1
        return sorted(_weighted_sample(rng, [i for i, _ in pool], [w for _, w in pool], k))

    def join(self, p: dict, clashing: list[dict]) -> list[str]:
        """p's lead funder plus the funder most of the clashing projects share."""
        counts: dict[str, int] = defaultdict(int)
        for q in clashing:
            for f in q["funders"]:
                if PROVIDER_COUNTRY[f] not in p["beneficiaries"]:
                    counts[f] += 1
        if not counts:
            return p["funders"]
        best = max(sorted(counts), key=counts.__getitem__)
        return sorted({p["funders"][0], best})

    def implementer(self, funders: list[str]) -> str | None:
        lead = funders[0]
        if KIND[lead] in ("un_entity", "multilateral"):
            return lead
        choice = _pick(self.rng, IMPLEMENTERS)
        return lead if choice == "self" else choice

    def title(self, states: list[str], arts: list[int], network: str | None) -> str:
        topic = articles()[arts[0]].title
        topic = topic[0].lower() + topic[1:]
        where = (
            self.ref[states[0]].name
            if len(states) == 1
            else f"{len(states)} States" + (f" of the {self.network_names[network]}" if network else "")
        )
        return f"{self.rng.choice(VERBS)} {topic} in {where} (illustrative)"

    def draft(self) -> dict:
        rng = self.rng
        kind = _pick(rng, PROJECT_KIND)
        states, network = self.beneficiaries(kind)
        arts = self.articles(states)
        funders = self.funders(states)
        start, end = _period(rng)
        return {
            "title": self.title(states, arts, network),
            "funders": funders,
            "implementer": self.implementer(funders),
            "beneficiaries": states,
            "articles": arts,
            "forms": self.forms(states, arts),
            "start": start,
            "end": end,
            "budget_usd": _budget(rng, 1.0 if kind == "national" else 1.8),
            "status": _status(rng, start, end),
            "network": network,
        }

    def duplicate(self, p: dict) -> dict:
        """Another donor's project on the same State and some of the same articles, at the
        same time: the duplication the coordination mapper is meant to reveal."""
        rng = self.rng
        states = p["beneficiaries"]
        arts = sorted(
            set(rng.sample(p["articles"], rng.randint(1, len(p["articles"]))))
            | set(self.articles(states)[:1])
        )
        funders = self.funders(states, exclude=p["funders"])
        shift = timedelta(days=rng.randint(-180, 180))
        start = min(PERIOD_LAST_START, max(PERIOD_START, p["start"] + shift))
        start = min(start, p["end"])  # keep the periods intersecting
        end = max(start, min(PERIOD_END, start + (p["end"] - p["start"])))
        status = "completed" if end < AS_OF else "planned" if start > AS_OF else "ongoing"
        return {
            "title": self.title(states, arts, None),
            "funders": funders,
            "implementer": self.implementer(funders),
            "beneficiaries": states,
            "articles": arts,
            "forms": self.forms(states, arts),
            "start": start,
            "end": end,
            "budget_usd": _budget(rng),
            "status": status,
            "network": None,
        }


def _projects(rng: random.Random, parties, needs, networks, ref, scale: int) -> list[Project]:
    """Organic projects placed so as not to duplicate each other (RETRIES draws each; a draft
    is trimmed to the articles no live project of another funder covers at that time), then
    deliberate duplicates until OVERLAP_TARGET of projects are in an overlap."""
    with_needs = sorted({n.state for n in needs} - set(ALWAYS_PARTIES))
    orphans = set(rng.sample(with_needs, min(ORPHANS, len(with_needs))))
    drafter = _ProjectDrafter(rng, parties, needs, networks, ref, orphans)
    book = _Portfolio()
    for _ in range(PROJECTS * scale):
        for attempt in range(RETRIES):
            p = drafter.draft()
            if attempt == RETRIES - 1:  # crowded: join the donor already there as co-funder
                p["funders"] = drafter.join(p, [book.projects[j] for j in sorted(book.clashes(p))])
            taken = book.clashing_articles(p)
            if len(taken) < len(p["articles"]):  # keep the articles nobody else covers then
                if taken:
                    arts = [a for a in p["articles"] if a not in taken]
                    p |= {"articles": arts, "title": drafter.title(p["beneficiaries"], arts, p["network"])}
                break
        book.add(p)
    candidates = [i for i, p in enumerate(book.projects) if _live(p) and len(p["beneficiaries"]) == 1]
    rng.shuffle(candidates)
    while book.share() < OVERLAP_TARGET and candidates:
        i = candidates.pop()
        if i not in book.overlapping:
            book.add(drafter.duplicate(book.projects[i]))
    # Ids in order of start date, so that duplicates do not stand out by number.
    ordered = sorted(book.projects, key=lambda p: (p["start"], p["end"], p["title"], p["funders"]))
    width = max(4, len(str(len(ordered))))
    return [Project(id=f"prj-{i:0{width}d}", **p) for i, p in enumerate(ordered, 1)]


CONSENT_SHARE = 0.9  # experts who consented to be listed; the others are never shortlisted
LEVELS = ("B2", "C1", "C2")  # levels of a language not official in the expert's State
AVAILABILITY_WEIGHT = {Availability.available: 6, Availability.limited: 3, Availability.unavailable: 1}


def _experts(
    rng: random.Random,
    parties,
    implementation: list[Implementation],
    ref,
    scale: int,
    roster: random.Random | None = None,
) -> list[Expert]:
    """Experts; ``roster`` draws the CV fields (consent, experience, availability, levels) apart,
    so the other fields are the same whatever those draws are."""
    roster = roster or random.Random(0)
    compliant = defaultdict(list)
    for r in implementation:
        if r.status == "compliant":
            compliant[r.state].append(r.article)
    people = [c for g in GROUPS for c in parties[g]]
    weights = [EXPERT_GROUP_WEIGHT[ref[c].un_group] for c in people]
    aw = {g: _article_weights(g) for g in GROUPS}
    emails: set[str] = set()
    out = []
    width = max(4, len(str(EXPERTS * scale)))
    for i in range(1, EXPERTS * scale + 1):
        c = rng.choices(people, weights)[0]
        country = ref[c]
        group = country.un_group
        syl = SYLLABLES[group]
        first = "".join(rng.choices(syl, k=2)).capitalize()
        last = ("".join(rng.choices(syl, k=2)) + rng.choice(SURNAME_ENDINGS[group])).capitalize()
        arts: set[int] = set()
        wanted = rng.randint(2, 5)
        while len(arts) < wanted:
            if compliant[c] and rng.random() < 0.6:
                arts.add(rng.choice(compliant[c]))
            else:
                arts.add(rng.choices(list(aw[group]), list(aw[group].values()))[0])
        langs = set(country.official_languages[:2])
        langs |= {lang for lang, p in EXTRA_LANGUAGES.items() if rng.random() < p}
        base = f"{_ascii(first)}.{_ascii(last)}"
        email, n = f"{base}@example.org", 1
        while email in emails:
            n += 1
            email = f"{base}{n}@example.org"
        emails.add(email)
        out.append(
            Expert(
                id=f"exp-{i:0{width}d}",
                name=f"{first} {last}",
                nationality=c,
                articles=sorted(arts),
                forms=sorted(
                    set(rng.choices(list(FORM_WEIGHT), list(FORM_WEIGHT.values()), k=rng.randint(1, 3)))
                ),
                languages=sorted(langs or {"en"}),
                gender=rng.choice(("female", "male")),
                email=email,
                recommended_by=c if rng.random() < RECOMMENDED_BY_STATE else None,
                years_experience=roster.randint(3, 30),
                language_levels=[
                    f"{lang}:native"
                    if lang in country.official_languages
                    else f"{lang}:{roster.choice(LEVELS)}"
                    for lang in sorted(langs or {"en"})
                ],
                availability=roster.choices(list(AVAILABILITY_WEIGHT), list(AVAILABILITY_WEIGHT.values()))[0],
                consent=roster.random() < CONSENT_SHARE,
            )
        )
    return out


def generate(scale: int = 1, seed: int = 2009) -> Bundle:
    """The illustrative world; ``scale`` multiplies needs, projects and experts (States stay the same)."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    ref = countries()
    parties = _parties(_rng(seed, "parties"), ref)
    states = _states(_rng(seed, "states"), parties)
    needs = _restrict(_rng(seed, "visibility"), _needs(_rng(seed, "needs"), states, ref, scale))
    implementation = _implementation(_rng(seed, "implementation"), states, needs, ref)
    networks = _networks(_rng(seed, "networks"), parties, ref)
    return Bundle(
        states=states,
        providers=_providers(),
        networks=networks,
        needs=needs,
        projects=_projects(_rng(seed, "projects"), parties, needs, networks, ref, scale),
        experts=_experts(_rng(seed, "experts"), parties, implementation, ref, scale, _rng(seed, "roster")),
        implementation=implementation,
        reference_date=AS_OF,
    )
