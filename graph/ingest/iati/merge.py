"""Selected activities -> projects: the same work once, each figure with its source.

Activities that declare a link to each other (a funder's activity and the implementer's
activity of it; a parent and its components) are one piece of work and become **one** project
(``iati_mapping.md``, "The same work"), so no budget is counted twice and no pair is reported as
an overlap of itself. Each group is mapped in named steps: where, when, who, what, how much.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from networkx.utils import UnionFind
from tacmap.graph.ingest.iati import money
from tacmap.graph.ingest.iati.activity import OECD_DAC_REGIONS, UN_M49_REGIONS, Activity, Org, preferred
from tacmap.graph.ingest.iati.articles import activity_articles, record_basis
from tacmap.graph.ingest.iati.codelists import codelist
from tacmap.graph.ingest.iati.orgs import ACCOUNTABLE, EXTENDING, IMPLEMENTING, Providers
from tacmap.graph.ingest.iati.report import IatiReport, Note, ProjectEntry
from tacmap.graph.ingest.iati.select import Selection
from tacmap.graph.schema import reference
from tacmap.graph.schema.models import Bundle, Project, ProjectStatus
from tacmap.graph.schema.regions import regions

# ActivityStatus code -> ProjectStatus (all six codes of the codelist; iati_mapping.md says why).
STATUS: dict[str, ProjectStatus] = {
    "1": ProjectStatus.planned,  # Pipeline/identification
    "2": ProjectStatus.ongoing,  # Implementation
    "3": ProjectStatus.completed,  # Completion (physical work done or final disbursement made)
    "4": ProjectStatus.completed,  # Post-completion (only audits and evaluations left)
    "5": ProjectStatus.cancelled,  # Cancelled
    "6": ProjectStatus.ongoing,  # Suspended: still committed, may resume; flagged in the report
}
FUNDING = "1"
INCOMING = frozenset({"1", "11"})  # TransactionType: incoming funds, incoming commitment
RELATED_UP, RELATED_DOWN = "1", "2"  # parent, child
RELATED_SAME = frozenset({"4", "5"})  # co-funded, third party; sibling (3) is other work


@dataclass(frozen=True)
class Link:
    upstream: str
    downstream: str
    via: str
    directed: bool = True


def activity_links(act: Activity) -> list[Link]:
    """The links one activity declares to others (see iati_mapping.md, "the same work")."""
    out: list[Link] = []
    for t in act.transactions:
        if t.provider and t.provider.activity_id and t.provider.activity_id != act.id:
            out.append(Link(t.provider.activity_id, act.id, "transaction/provider-org/@provider-activity-id"))
        if t.receiver and t.receiver.activity_id and t.receiver.activity_id != act.id:
            out.append(Link(act.id, t.receiver.activity_id, "transaction/receiver-org/@receiver-activity-id"))
    for o in act.orgs:
        if not o.activity_id or o.activity_id == act.id:
            continue
        if o.role in (FUNDING, EXTENDING):
            out.append(Link(o.activity_id, act.id, "participating-org/@activity-id"))
        elif o.role == IMPLEMENTING:
            out.append(Link(act.id, o.activity_id, "participating-org/@activity-id"))
    for kind, ref in act.related:
        if not ref or ref == act.id:
            continue
        if kind == RELATED_UP:
            out.append(Link(ref, act.id, "related-activity type 1 (parent)"))
        elif kind == RELATED_DOWN:
            out.append(Link(act.id, ref, "related-activity type 2 (child)"))
        elif kind in RELATED_SAME:
            out.append(Link(act.id, ref, f"related-activity type {kind}", directed=False))
    return out


@dataclass(frozen=True)
class Options:
    selection: Selection
    since: date | None = None
    rates: Mapping[str, float] | None = None
    articles: tuple[int, ...] = ()  # for activities that name none (``--articles``)


def pick_duplicates(activities: list[Activity], report: IatiReport) -> list[Activity]:
    """One activity per iati-identifier: the publisher's own over a secondary reporter's, then
    the most recently updated, then the first read."""
    by_id: dict[str, list[Activity]] = defaultdict(list)
    for a in activities:
        by_id[a.id].append(a)
    out = []
    for ident, found in by_id.items():
        ranked = sorted(
            enumerate(found),
            key=lambda p: (p[1].secondary_reporter, tuple(-ord(c) for c in p[1].last_updated or ""), p[0]),
        )
        out.append(ranked[0][1])
        for _, other in ranked[1:]:
            report.skip(
                f"same iati-identifier read again; kept the copy in {ranked[0][1].file}",
                f"{ident} ({other.file})",
            )
    return out


def to_bundle(activities: list[Activity], existing: Bundle, options: Options, report: IatiReport) -> Bundle:
    """Map selected activities to a bundle of projects and the providers they need.

    ``existing`` is what the store holds: providers are matched against it, and a project
    already in the store keeps what IATI cannot say (forms, network, an officer's articles)."""
    kept = {a.id: a for a in pick_duplicates(activities, report)}
    stored = {p.id: p for p in existing.projects}
    groups: UnionFind[str] = UnionFind()
    links: list[Link] = []
    for act in kept.values():
        groups[act.id]
        for link in activity_links(act):
            if all(x in kept or x in stored for x in (link.upstream, link.downstream)):
                links.append(link)
                groups.union(link.upstream, link.downstream)
    funded = {link.downstream for link in links if link.directed}
    providers = Providers(existing)
    projects: list[Project] = []
    for ids in sorted((sorted(g) for g in groups.to_sets()), key=min):
        group = _Group(ids, kept, stored, funded, options, providers)
        project = group.project()
        if project is None:
            report.left_out.append(group.left_out)  # type: ignore[arg-type]
            continue
        if options.since and project.end < options.since:
            report.skip(f"ended before {options.since.isoformat()}", project.id)
            continue
        projects.append(project)
        report.projects.append(group.entry(project))
    report.providers_created = sorted(providers.created)
    return Bundle(projects=projects, providers=providers.providers())


@dataclass
class _Group:
    """One group of activities describing the same work, mapped step by step."""

    ids: list[str]
    kept: dict[str, Activity]
    stored: dict[str, Project]
    funded: set[str]
    options: Options
    providers: Providers
    notes: list[str] = field(default_factory=list)
    left_out: Note | None = None

    def __post_init__(self) -> None:
        self.acts = [self.kept[i] for i in self.ids if i in self.kept]
        self.roots = [i for i in self.ids if i not in self.funded] or self.ids[:1]
        in_store = [i for i in self.ids if i in self.stored]
        if in_store:
            self.rep_id = next((r for r in self.roots if r in in_store), in_store[0])
            if len(in_store) > 1:
                self.notes.append(
                    f"projects {', '.join(in_store)} already in the store describe the same work: keep one and delete the others"
                )
        else:
            self.rep_id = next((r for r in self.roots if r in self.kept), self.acts[0].id)
        self.old = self.stored.get(self.rep_id)
        self.rep = self.kept.get(self.rep_id)  # None: the project is in the store and not in these files
        self.first = self.rep or self.acts[0]
        self.sources = [i for i in self.ids if i != self.rep_id]
        if self.rep is None:
            self.notes.append(f"merged into project {self.rep_id}, already in the store (the same work)")
        self.recipients: set[str] = set()
        self.shares: dict[str, float] = {}
        self.regions: list[str] = []
        self.funders: list[str] = []
        self.implementer: str | None = None
        self.articles: dict[int, str] = {}
        self.evidence: dict[int, str] = {}  # article -> the record's basis (``sector:15113``)
        self.hits: list[str] = []
        self.budget = money.Budgeted(None, "", [], [])

    def leave_out(self, kind: str, message: str) -> None:
        label = self.rep_id if not self.sources else f"{self.rep_id} (with {', '.join(self.sources)})"
        self.left_out = Note(kind, self.first.file, self.first.line, label, None, None, message)

    def project(self) -> Project | None:
        for step in (self.where, self.when, self.who, self.what, self.how_much):
            if step() is False:
                return None
        rep, old = self.rep, self.old
        if rep is None:
            assert old is not None
            status, title = ProjectStatus(old.status), old.title
        else:
            status, title = self.status_and_title(rep)
        budget = self.budget.usd
        if rep is None or (budget is None and old is not None):
            budget = old.budget_usd if old else None  # what IATI cannot say does not erase the store's
        return Project(
            id=self.rep_id,
            title=title,
            description=(preferred(rep.descriptions) if rep else None) or (old.description if old else None),
            funders=sorted(self.funders),
            implementer=self.implementer,
            beneficiaries=sorted(self.recipients),
            regions=sorted(self.regions),
            shares=dict(sorted(self.shares.items())),
            articles=sorted(self.articles),
            basis=self.basis(),
            forms=list(old.forms) if old else [],
            start=self.start,
            end=self.end,
            budget_usd=budget,
            budget_source=self.budget.source or (old.budget_source if old else None),
            sector_share=self.options.selection.share(self.first.all_sectors()),
            sources=sorted(set(self.sources) | set(old.sources if old else [])),
            selected_by=sorted({r for a in self.acts for r in a.selected_by}),
            status=status,
            network=old.network if old else None,
        )

    def entry(self, project: Project) -> ProjectEntry:
        shares: dict[str, float | None] = {s: self.shares.get(s) for s in project.beneficiaries}
        return ProjectEntry(
            id=project.id,
            title=project.title,
            file=self.first.file,
            line=self.first.line,
            sources=self.sources,
            selected_by=list(project.selected_by),
            articles=dict(self.articles),
            matched=self.hits,
            funders=list(project.funders),
            implementer=project.implementer,
            beneficiaries=shares,
            regions=list(project.regions),
            budget_usd=project.budget_usd,
            budget_source=project.budget_source,
            budget_original=self.budget.original,
            sector_share=project.sector_share,
            notes=self.notes + self.budget.notes,
        )

    # -- the steps ------------------------------------------------------------------------------

    def where(self) -> bool:
        """Beneficiary States (with their country percentages) and regions."""
        known_regions = regions()
        for act in self.acts:
            for code, pct in act.countries:
                iso3 = reference.iso2_to_iso3(code)
                if iso3 is None:
                    item = codelist("Country").get(code)
                    self.notes.append(
                        f"recipient country '{code}'"
                        + (f" ({item.name})" if item else " (not an IATI Country code)")
                        + f" of {act.id} is not a State in tacmap's reference data: not recorded"
                    )
                    continue
                self.recipients.add(iso3)
                if act is self.first and pct is not None and pct > 0:
                    self.shares[iso3] = round(self.shares.get(iso3, 0.0) + pct, 6)
            for vocab, code, _ in act.regions:
                rid = {OECD_DAC_REGIONS: f"dac-{code}", UN_M49_REGIONS: f"m49-{code}"}.get(vocab)
                if rid and rid in known_regions:
                    if rid not in self.regions:
                        self.regions.append(rid)
                else:
                    self.notes.append(
                        f"recipient-region {code} (vocabulary {vocab}) of {act.id} is not a known region: not recorded"
                    )
        if len(self.acts) > 1 or sum(self.shares.values()) > 100.5 or set(self.shares) != self.recipients:
            self.shares = {}  # merged activities' percentages do not add up: not stated
        if self.old is not None and self.rep is None:
            self.recipients |= set(self.old.beneficiaries)
            self.regions = sorted(set(self.regions) | set(self.old.regions))
        if not self.recipients and not self.regions:
            self.leave_out(
                "no beneficiary",
                "no recipient country or known region: add the States it benefits to import it",
            )
            return False
        return True

    def when(self) -> bool:
        starts, ends = [], []
        for act in self.acts:
            start = act.dates.get("2") or act.dates.get("1")
            end = act.dates.get("4") or act.dates.get("3")
            prefix = f"{act.id}: " if self.sources else ""
            planned = act.dates.get("1")
            if start and end and start > end and planned and planned <= end:
                self.notes.append(
                    f"{prefix}actual start {start} is after the end {end}: the planned start {planned} is used"
                )
                start = planned
            if start is None and act.budgets:
                start = min(b.start for b in act.budgets)
                self.notes.append(
                    prefix + "start date taken from the first budget period (no activity-date of type 1 or 2)"
                )
            if end is None and act.budgets:
                end = max(b.end for b in act.budgets)
                self.notes.append(
                    prefix + "end date taken from the last budget period (no activity-date of type 3 or 4)"
                )
            starts += [start] if start else []
            ends += [end] if end else []
        if self.old is not None and self.rep is None:
            starts.append(self.old.start)
            ends.append(self.old.end)
        if not starts or not ends:
            missing = " and ".join(w for w, v in (("start", starts), ("end", ends)) if not v)
            self.leave_out("no dates", f"no {missing} date (activity-date or budget period)")
            return False
        self.start, self.end = min(starts), max(ends)
        if self.start > self.end:
            self.leave_out("start after end", f"starts on {self.start} after it ends on {self.end}")
            return False
        return True

    def _resolve(self, org: Org, act: Activity) -> str | None:
        found = self.providers.resolve(org, act.reporting_org, self.recipients)
        if found.note and found.note not in self.notes:
            self.notes.append(f"{act.id}: {found.note}" if self.sources else found.note)
        return found.id

    def who(self) -> bool:
        """Funders (role 1, else incoming funds, else the reporting organisation) and the
        implementer (role 4; where role 4 holds only a category, the role 2 or 3 partner)."""
        implementers: list[str] = []
        for act in sorted(self.acts, key=lambda a: a is not self.rep):
            own = [o for o in act.orgs if o.role == FUNDING]
            if not own:
                own = [
                    t.provider
                    for t in act.transactions
                    if t.type in INCOMING and t.provider is not None and (t.provider.ref or t.provider.names)
                ]
                if own:
                    self.notes.append(
                        f"{act.id}: no funding participating-org; funder taken from its incoming funds"
                    )
            if not own and (act.reporting_org.ref or act.reporting_org.names):
                r = act.reporting_org
                own = [Org(r.ref, r.type, FUNDING, r.names)]
                self.notes.append(
                    f"{act.id}: no funding organisation named; its reporting organisation is taken as funder"
                )
            for o in own:
                pid = self._resolve(o, act)
                if pid and pid not in self.funders:
                    self.funders.append(pid)
            found = [pid for o in act.orgs if o.role == IMPLEMENTING and (pid := self._resolve(o, act))]
            if not found and any(o.role == IMPLEMENTING for o in act.orgs):
                partners = [o for role in (ACCOUNTABLE, EXTENDING) for o in act.orgs if o.role == role]
                publisher = self.providers.resolve(act.reporting_org, act.reporting_org, self.recipients).id
                for o in partners:  # a partner, not the donor's own agency
                    pid = self._resolve(o, act)
                    if pid and pid not in self.funders and pid != publisher:
                        found = [pid]
                        self.notes.append(
                            f"{act.id}: the implementer is given only as a category; the role {o.role} partner {pid} is taken"
                        )
                        break
            implementers += [p for p in found if p not in implementers]
        if not self.funders:
            self.leave_out(
                "no funder", "no funding, reporting or incoming-funds organisation that is one organisation"
            )
            return False
        old = self.old
        if old is not None and self.rep is None:
            self.funders += [f for f in old.funders if f not in self.funders]
        self.implementer = implementers[0] if implementers else (old.implementer if old else None)
        if old is not None and self.rep is None and old.implementer:
            self.implementer = old.implementer
        if len(implementers) > 1:
            self.notes.append(
                f"several implementing organisations ({', '.join(implementers)}): only {self.implementer} is recorded"
            )
        return True

    def what(self) -> bool:
        """Articles and their basis; articles in the store are never replaced by inferred ones."""
        found: dict[int, str] = {}
        for act in self.acts:
            arts, hits, evidence = activity_articles(act, self.options.selection)
            self.hits += [h for h in hits if h not in self.hits]
            for a, basis in arts.items():
                if a not in found:
                    found[a] = basis
                    self.evidence[a] = record_basis(basis, evidence.get(a))
        specific = {a: b for a, b in found.items() if b in ("stated", "keywords")}
        if specific:
            found = specific
        if self.old is not None and (self.rep is None or not specific):
            found = {a: "store" for a in self.old.articles} | (specific if self.rep is None else {})
        if not found and self.options.articles:
            found = dict.fromkeys(self.options.articles, "given")
            self.hits.append("--articles")
        if not found:
            why = "; ".join(sorted({r for a in self.acts for r in a.selected_by}))
            self.leave_out(
                "no article",
                f"selected by {why}, but no UNCAC article found (no tag, article keyword, SDG target or sector "
                "with default articles): if it is anti-corruption work, add its articles to import it",
            )
            return False
        self.articles = found
        bases = set(found.values())
        if bases <= {"sector", "sdg", "given"} and bases != {"given"}:
            self.notes.append(
                f"articles {', '.join(map(str, sorted(found)))} inferred from {'; '.join(self.hits)} only: confirm or correct them"
            )
        return True

    def basis(self) -> dict[int, str]:
        """Each article's basis on the record; an article kept from the store keeps the store's."""
        old = self.old.basis if self.old else {}
        out = {
            a: old.get(a, "stated") if b == "store" else self.evidence.get(a, "stated")
            for a, b in self.articles.items()
        }
        return {a: b for a, b in sorted(out.items()) if b != "stated"}

    def how_much(self) -> bool:
        """The budget of the tops of the funding chain only: money passed down is not added."""
        if self.rep is None:
            return True
        roots = [self.kept[r] for r in self.roots if r in self.kept] or [self.rep]
        parts = [money.activity_budget(a, self.options.rates) for a in roots]
        known = [p for p in parts if p.usd is not None]
        if len(parts) == 1:
            self.budget = parts[0]
        elif len(known) == len(parts):
            self.budget = money.Budgeted(
                round(sum(p.usd or 0.0 for p in known), 2),
                "; ".join(p.source for p in parts),
                [o for p in parts for o in p.original],
                [n for p in parts for n in p.notes],
            )
        else:
            self.budget = money.Budgeted(
                None,
                "unknown: " + "; ".join(p.source for p in parts),
                [o for p in parts for o in p.original],
                [n for p in parts for n in p.notes],
            )
        if self.budget.usd is None:
            downstream = [
                money.activity_budget(self.kept[i], self.options.rates)
                for i in self.ids
                if i in self.kept and i not in self.roots
            ]
            best = max((d for d in downstream if d.usd is not None), key=lambda d: d.usd or 0.0, default=None)
            if best is not None:
                self.budget = money.Budgeted(
                    best.usd,
                    f"largest budget of the merged activities: {best.source}",
                    best.original,
                    best.notes,
                )
                self.notes.append(
                    "budget taken from the largest budget of the merged activities (the funder's is unknown)"
                )
        return True

    def status_and_title(self, rep: Activity) -> tuple[ProjectStatus, str]:
        status = STATUS.get(rep.status or "")
        if status is None:
            today = date.today()
            status = (
                ProjectStatus.planned
                if self.start > today
                else (ProjectStatus.completed if self.end < today else ProjectStatus.ongoing)
            )
            self.notes.append(
                f"activity-status '{rep.status or '(none)'}' is not an ActivityStatus code: status '{status}' inferred from the dates"
            )
        elif rep.status == "6":
            self.notes.append("suspended (activity-status 6): recorded as ongoing")
        title = preferred(rep.titles) or (self.old.title if self.old else self.rep_id)
        if not rep.titles:
            self.notes.append("no title narrative: the identifier is used as title")
        elif not any(lang in ("en", None) for lang, _ in rep.titles):
            self.notes.append("the title has no English version: kept in its own language")
        return status, title
