"""One organisation, one provider, whoever publishes it.

Publishers name the same organisation in many ways: ``XM-DAC-41114``, the CRS channel code
``41114``, or only "United Nations Development Programme"; and they put placeholders where an
identifier belongs: ``N/A``, ``#``, ``;``, a five-digit CRS channel *category* such as ``22000``
("Donor country-based NGO"), a bare country code. This module tells an identifier from a
placeholder, resolves channel codes through the CRSChannelCode codelist, matches names (and
unique acronyms of codelist names) to known providers, and makes an id for the rest that
passes the bundle's id rules and never merges two different organisations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache

from tacmap.graph.ingest.iati.activity import Org
from tacmap.graph.ingest.iati.codelists import codelist
from tacmap.graph.ingest.iati.select import fold
from tacmap.graph.schema.models import Bundle, Provider, ProviderKind
from tacmap.graph.schema.reference import countries, iso2_to_iso3

# OrganisationType code -> ProviderKind (government types are refined in ``kind_of``).
ORG_KIND: dict[str, ProviderKind] = {
    "10": ProviderKind.bilateral,  # Government
    "11": ProviderKind.bilateral,  # Local Government
    "15": ProviderKind.bilateral,  # Other Public Sector
    "21": ProviderKind.ngo,  # International NGO
    "22": ProviderKind.ngo,  # National NGO
    "23": ProviderKind.ngo,  # Regional NGO
    "24": ProviderKind.ngo,  # Partner Country based NGO
    "30": ProviderKind.other,  # Public Private Partnership
    "40": ProviderKind.multilateral,  # Multilateral (un_entity for UN channel codes 41xxx)
    "60": ProviderKind.ngo,  # Foundation (non-profit; the model has no foundation kind)
    "70": ProviderKind.private,  # Private Sector
    "71": ProviderKind.private,  # Private Sector in Provider Country
    "72": ProviderKind.private,  # Private Sector in Aid Recipient Country
    "73": ProviderKind.private,  # Private Sector in Third Country
    "80": ProviderKind.other,  # Academic, Training and Research
    "90": ProviderKind.other,  # Other
}
GOVERNMENT_TYPES = frozenset({"10", "11", "15"})
IMPLEMENTING, ACCOUNTABLE, EXTENDING = "4", "2", "3"

PLACEHOLDERS = frozenset(
    {"n/a", "na", "none", "null", "nil", "unknown", "not applicable", "tbd", "tbc", "0", "x", "xx"}
)
# Channel codes that end in 000 are categories, except these, which name one organisation.
ONE_ORGANISATION = frozenset({"43000", "44000", "45000"})  # IMF, World Bank Group, WTO
_CHANNEL = re.compile(r"^(?:XM-DAC-)?(\d{5})$")
_ORG_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:()+-]*$")  # no spaces, ';' or ','
_NATIONAL = re.compile(
    r"national execution|nationally executed|recipient government|gouvernement b[eé]n[eé]ficiaire"
)
_ACRONYM_SKIP = frozenset({"of", "and", "for", "the", "on", "in", "de", "la", "des", "et", "du", "to"})


@dataclass(frozen=True)
class Ref:
    """What an ``@ref`` is: ``id`` (an organisation identifier), ``channel`` (a CRS channel code
    of one organisation), ``government`` (a bare country code, or a government category),
    ``category`` (a CRS channel category) or ``placeholder``."""

    kind: str
    value: str | None  # the id, the channel code, the ISO3 code; None otherwise


def classify(ref: str | None) -> Ref:
    text = (ref or "").strip()
    if not text or text.casefold() in PLACEHOLDERS or not any(ch.isalnum() for ch in text):
        return Ref("placeholder", None)
    channel = _CHANNEL.match(text)
    if channel:
        code = channel.group(1)
        item = codelist("CRSChannelCode").get(code)
        if code[:2] in ("11", "12", "13") and (item is None or code.endswith("000") or code[2] == "0"):
            return Ref("government", code)
        if code.endswith("000") and code not in ONE_ORGANISATION:
            return Ref("category", code)
        return Ref("channel", code) if item is not None else Ref("placeholder", None)
    if re.fullmatch(r"[A-Za-z]{2}", text) and iso2_to_iso3(text.upper()):
        return Ref("government", iso2_to_iso3(text.upper()))
    if _ORG_ID.match(text):
        return Ref("id", text)
    return Ref("placeholder", None)


@cache
def category_names() -> frozenset[str]:
    """Folded names of the CRS channel categories ("Donor Government"): never an organisation's alias."""
    return frozenset(
        fold(item.name)
        for code, item in codelist("CRSChannelCode").items()
        if classify(code).kind in ("category", "government")
    )


@cache
def channel_names() -> dict[str, str]:
    """Folded names and unique acronyms of the CRS channel organisations -> channel code."""
    out: dict[str, str] = {}
    acronyms: dict[str, set[str]] = {}
    for code, item in codelist("CRSChannelCode").items():
        if code.endswith("000") and code not in ONE_ORGANISATION:
            continue
        out.setdefault(fold(item.name), code)
        words = [w for w in re.split(r"[\s,’'()-]+", item.name) if w and w.casefold() not in _ACRONYM_SKIP]
        letters = "".join(w[0] for w in words if w[0].isalpha())
        if len(letters) >= 3:
            acronyms.setdefault(letters.casefold(), set()).add(code)
    for acronym, codes in acronyms.items():
        if len(codes) == 1:
            out.setdefault(acronym, next(iter(codes)))
    return out


def _government_of(folded_name: str, iso3: str) -> bool:
    """ "Government of Serbia", or just "Burkina Faso", in an activity for that State: its government."""
    country = countries().get(iso3)
    rest = folded_name.removeprefix("the ").removeprefix("government of ").removeprefix("the ")
    return country is not None and rest == fold(country.name)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:50] or "unnamed"


def ref_country(ref: str | None) -> str | None:
    """ISO3 of the country an organisation identifier is registered in ("GB-GOV-1" -> GBR), per
    the org-id convention (ISO 3166 prefix); XM (multilateral) and XI (IATI) prefixes have none."""
    if not ref or not re.match(r"^[A-Z]{2}-", ref) or ref[:2] in ("XM", "XI", "XX"):
        return None
    return iso2_to_iso3(ref[:2])


def kind_of(org: Org, resolved: Ref, pid: str, recipients: set[str]) -> ProviderKind:
    """Provider kind from the organisation type and the identifier: UN channel codes (41xxx)
    are UN entities, other 4xxxx channels and ``XI-IATI-EC`` multilateral; a government working in
    its own country is ``state``."""
    code = resolved.value if resolved.kind == "channel" else None
    ident = org.ref or ""
    if code and code.startswith("41") or re.match(r"^XM-DAC-41\d{3}\b", ident):
        return ProviderKind.un_entity
    if pid.startswith("gov-"):
        return ProviderKind.state if pid[4:] in recipients else ProviderKind.bilateral
    if (code and code.startswith("4")) or ident.startswith(("XM-DAC-4", "XI-IATI-EC")):
        return ProviderKind.multilateral  # the identifier says more than a "public sector" type
    home = ref_country(org.ref)
    if org.type in GOVERNMENT_TYPES and (
        (home in recipients and (org.role == IMPLEMENTING or len(recipients) == 1))
        or (resolved.kind != "id" and org.role == IMPLEMENTING)
    ):
        return ProviderKind.state  # a government body working in its own country
    kind = ORG_KIND.get(org.type or "")
    if kind is None and code:
        kind = {"2": ProviderKind.ngo, "5": ProviderKind.other, "6": ProviderKind.private}.get(code[0])
    if kind is None:
        kind = ProviderKind.bilateral if "-GOV-" in ident else ProviderKind.other
    return kind


@dataclass
class Resolution:
    """The provider an organisation is, or None with the reason."""

    id: str | None
    note: str | None = None
    kind: str = ""  # how it was resolved, for the report


@dataclass
class Providers:
    """Matches IATI organisations to providers (in the store or new), creating the missing ones.

    An existing provider is never changed by an IATI import; new providers keep every other
    identifier and name they were published under as ``aliases``."""

    existing: Bundle
    created: dict[str, Provider] = field(default_factory=dict)
    aliases: dict[str, set[str]] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)  # folded id, alias or name -> provider id

    def __post_init__(self) -> None:
        for p in self.existing.providers:
            for key in [p.id, p.name, *p.aliases]:
                self.by_key.setdefault(fold(key), p.id)

    def resolve(self, org: Org, publisher: Org, recipients: set[str]) -> Resolution:
        """The provider id for ``org`` as named by ``publisher`` (the reporting organisation)."""
        name = org.name()
        if org.ref and org.ref == publisher.ref:  # a publisher describes itself best in reporting-org
            name = publisher.name() or name
            org = replace(org, type=org.type or publisher.type)
        resolved = classify(org.ref)
        known = self._known(org, resolved, name)
        if known:
            return self._use(known, org, resolved, name, recipients)
        if resolved.kind == "id":
            return self._use(resolved.value or "", org, resolved, name, recipients, new=True)
        if resolved.kind == "channel":
            return self._use(f"XM-DAC-{resolved.value}", org, resolved, name, recipients, new=True)
        gov = self._government(org, resolved, name, publisher.ref, recipients)
        if gov:
            return self._use(gov, org, resolved, name, recipients, new=True)
        category = codelist("CRSChannelCode").get(resolved.value or "") if resolved.value else None
        if not name or (category is not None and fold(name) == fold(category.name)):
            what = (
                f"the CRS channel category {resolved.value} '{category.name}'"
                if category
                else f"'{org.ref or ''}'"
            )
            return Resolution(None, f"{what} is a kind of organisation, not one organisation", "category")
        scope = _slug(publisher.ref or publisher.name() or "unknown-publisher")
        pid = f"org-{_slug(name)}--{scope}"
        return self._use(pid, org, resolved, name, recipients, new=True, scoped=True)

    def _known(self, org: Org, resolved: Ref, name: str | None) -> str | None:
        keys = []
        if resolved.kind == "id":
            keys.append(resolved.value or "")
        if resolved.kind == "channel":
            keys += [f"XM-DAC-{resolved.value}", resolved.value or ""]
        for key in keys:
            if fold(key) in self.by_key:
                return self.by_key[fold(key)]
        if resolved.kind != "id":  # an identifier is an identifier: never merged by name
            for _, text in org.names:
                if fold(text) in self.by_key:
                    return self.by_key[fold(text)]
                code = channel_names().get(fold(text))
                if code and resolved.kind != "channel":
                    return self.by_key.get(fold(f"XM-DAC-{code}"), f"XM-DAC-{code}")
        return None

    def _government(
        self, org: Org, resolved: Ref, name: str | None, publisher: str | None, recipients: set[str]
    ) -> str | None:
        """``gov-ISO3`` for a State's government: a bare country code, a government category
        (12xxx is the recipient's, 11xxx the donor's), or a "national execution" implementer."""
        if resolved.kind == "government" and resolved.value and len(resolved.value) == 3:
            return f"gov-{resolved.value}"
        single = next(iter(recipients)) if len(recipients) == 1 else None
        code = resolved.value or ""
        if resolved.kind == "government" and code.startswith("12") and single:
            return f"gov-{single}"
        if resolved.kind == "government" and code.startswith("11"):
            donor = ref_country(publisher)
            return f"gov-{donor}" if donor else None
        if single and name and (_NATIONAL.search(fold(name)) or _government_of(fold(name), single)):
            return f"gov-{single}"
        return None

    def _use(
        self,
        pid: str,
        org: Org,
        resolved: Ref,
        name: str | None,
        recipients: set[str],
        *,
        new: bool = False,
        scoped: bool = False,
    ) -> Resolution:
        how = "scoped name" if scoped else resolved.kind
        if pid not in self.created and not any(p.id == pid for p in self.existing.providers):
            kind = kind_of(org, resolved, pid, recipients)
            self.created[pid] = Provider(
                id=pid,
                name=self._canonical_name(pid, resolved, name),
                kind=kind,
                country=self._country(pid, org),
            )
        provider = self.created.get(pid)
        if provider is not None:
            seen = self.aliases.setdefault(pid, set())
            refs = [org.ref] if org.ref and classify(org.ref).kind in ("id", "channel") else []
            for alias in [*refs, *(text for _, text in org.names)]:
                if ";" not in alias and fold(alias) not in (
                    fold(pid),
                    fold(provider.name),
                    *category_names(),
                ):
                    seen.add(alias)
            for key in [pid, provider.name, *seen]:
                self.by_key.setdefault(fold(key), pid)
        note = None
        if resolved.kind in ("placeholder", "category") and org.ref:
            note = f"organisation ref '{org.ref}' is a placeholder: provider {pid} from its name"
        return Resolution(pid, note, how)

    def _canonical_name(self, pid: str, resolved: Ref, name: str | None) -> str:
        if pid.startswith("XM-DAC-"):
            item = codelist("CRSChannelCode").get(pid[7:])
            if item:
                return item.name
        if pid.startswith("gov-"):
            country = countries().get(pid[4:])
            return (
                name
                if name and "gov" in name.casefold()
                else f"Government of {country.name if country else pid[4:]}"
            )
        return name or pid

    @staticmethod
    def _country(pid: str, org: Org) -> str | None:
        if pid.startswith("gov-"):
            return pid[4:]
        return ref_country(org.ref if classify(org.ref).kind == "id" else None)

    def providers(self) -> list[Provider]:
        """The new providers, with their aliases."""
        out = []
        for pid, p in sorted(self.created.items()):
            aliases = sorted(self.aliases.get(pid, set()))
            out.append(p.model_copy(update={"aliases": aliases}) if aliases else p)
        return out
