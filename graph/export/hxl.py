"""HXL hashtags for the tables tacmap writes (https://hxlstandard.org), so that HDX and other HXL
tools read its downloads without a person tagging each column.

One mapping, :data:`TAGS`: a column's hashtag with its attributes, keyed by the column's name, or by
``table:column`` where a name means different things in different tables (``name`` is a State's,
a provider's, a network's or an expert's), or by ``prefix.*`` for columns named after data (the
fragmentation question's ``shares.<provider>``). Hashtags are core HXL 1.1 ones (``#country``,
``#org``, ``#activity``, ``#date``, ``#value``, ``#indicator``, ``#meta``...); the attributes say
which one (``+funder``, ``+impl``, ``+start``, ``+usd``, ``+v_iso3``) and, where HXL has no word
for tacmap's idea, name it (``+uncac_article``). ``+list`` marks a cell holding several values
joined with ``; ``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

TAGS: dict[str, str] = {
    # States
    "iso3": "#country+code+v_iso3",
    "iso2": "#country+code+v_iso2",
    "states:name": "#country+name",
    "orphans:name": "#country+name",
    "fragmentation:name": "#country+name",
    "region": "#region+name",
    "subregion": "#region+sub+name",
    "un_group": "#region+un_group+code",
    "un_group_name": "#region+un_group+name",
    "group": "#region+un_group+code",
    "state_group": "#region+un_group+code",
    "peer_group": "#region+un_group+code+peer",
    "income_group": "#indicator+income_group+text",
    "dac_member": "#indicator+dac_member+bool",
    "party_since": "#date+uncac_party",
    "self_assessment_on": "#date+self_assessment",
    "need_count": "#indicator+needs+num",
    "project_count": "#indicator+projects+num",
    "state": "#country+code+v_iso3",
    "state_name": "#country+name",
    "states": "#country+code+v_iso3+list",
    "beneficiaries": "#country+code+v_iso3+beneficiary+list",
    "regions": "#region+beneficiary+list",
    "country": "#country+code+v_iso3",
    "nationality": "#country+code+v_iso3+nationality",
    "peer": "#country+code+v_iso3+peer",
    "peer_name": "#country+name+peer",
    # Providers and networks
    "providers:id": "#org+code",
    "providers:name": "#org+name",
    "network-metrics-providers:name": "#org+name",
    "kind": "#org+type",
    "aliases": "#org+name+alias+list",
    "provider": "#org+code",
    "provider_name": "#org+name",
    "provider_ids": "#org+code+list",
    "funders": "#org+funder+code+list",
    "funders_a": "#org+funder+code+list+a",
    "funders_b": "#org+funder+code+list+b",
    "implementer": "#org+impl+code",
    "implementer_a": "#org+impl+code+a",
    "implementer_b": "#org+impl+code+b",
    "networks:id": "#org+network+code",
    "networks:name": "#org+network+name",
    "network-metrics-networks:name": "#org+network+name",
    "network": "#org+network+code",
    "members": "#org+code+member+list",
    "shared_networks": "#org+network+code+list+shared",
    "recommended_by": "#org+code+recommended_by",
    # Needs
    "needs:id": "#activity+need+code",
    "need": "#activity+need+code",
    "article": "#sector+uncac_article+code",
    "articles": "#sector+uncac_article+code+list",
    "reciprocal_articles": "#sector+uncac_article+code+list+reciprocal",
    "article_title": "#sector+uncac_article+name",
    "chapter": "#sector+uncac_chapter+code",
    "form": "#modality+code",
    "forms": "#modality+code+list",
    "priority": "#severity+priority",
    "high_priority": "#indicator+needs+high_priority+num",
    "identified_on": "#date+reported",
    "visibility": "#meta+visibility",
    # Projects
    "projects:id": "#activity+code",
    "project_a": "#activity+code+a",
    "project_b": "#activity+code+b",
    "project_ids": "#activity+code+list",
    "title": "#activity+name",
    "title_a": "#activity+name+a",
    "title_b": "#activity+name+b",
    "description": "#description",
    "start": "#date+start",
    "end": "#date+end",
    "last_end": "#date+end+last",
    "overlap_days": "#indicator+overlap_days+num",
    "budget_usd": "#value+usd",
    "budget_source": "#meta+budget_source",
    "sector_share": "#indicator+sector_share+pct",
    "status": "#status",
    "coverage": "#status+coverage",
    "sources": "#meta+source+list",
    "source": "#meta+source",
    "selected_by": "#meta+selected_by",
    "basis_a": "#meta+basis+list+a",
    "basis_b": "#meta+basis+list+b",
    "near_misses": "#activity+near_miss+json",
    # Experts
    "experts:id": "#contact+code",
    "expert": "#contact+code",
    "experts:name": "#contact+name",
    "email": "#contact+email",
    "gender": "#contact+gender",
    "languages": "#contact+language+list",
    "shared_languages": "#contact+language+list+shared",
    "language_levels": "#contact+language+level+json",
    "years_experience": "#indicator+years_experience+num",
    "assignments": "#activity+assignment+json",
    "availability": "#status+availability",
    "consent": "#meta+consent",
    "peer_experts": "#contact+code+list+peer",
    "rank": "#indicator+rank+num",
    "over_cap": "#indicator+over_cap+bool",
    # Figures the questions compute
    "needs": "#indicator+needs+num",
    "covered": "#indicator+needs+covered+num",
    "coverage_pct": "#indicator+coverage+pct",
    "covered_stated": "#indicator+needs+covered+stated+num",
    "coverage_pct_stated": "#indicator+coverage+stated+pct",
    "projects": "#indicator+projects+num",
    "unbudgeted_projects": "#indicator+projects+unbudgeted+num",
    "funded": "#indicator+projects+funded+num",
    "implemented": "#indicator+projects+implemented+num",
    "score": "#indicator+score+num",
    "score_parts.*": "#indicator+score+num",
    "shares.*": "#indicator+share+pct",
    "hhi": "#indicator+hhi+num",
    "reciprocal": "#indicator+reciprocal+bool",
    "providers": "#indicator+providers+num",
    "links": "#indicator+links+num",
    "degree_centrality": "#indicator+degree_centrality+num",
    "betweenness": "#indicator+betweenness+num",
    "community": "#group+community+code",
    "size": "#indicator+members+num",
    "linked_members": "#indicator+members+linked+num",
    "provider_share": "#indicator+providers+share+pct",
    "network-metrics-networks:members": "#indicator+members+num",
    "network-metrics-providers:states": "#indicator+states+num",
    "network-metrics-communities:providers": "#org+code+list",
    "network-metrics-communities:size": "#indicator+members+num",
    "as_of": "#date+as_of",
    "explanation": "#description+explanation",
    # Records of the data's history
    "import_id": "#meta+import",
    "audit:id": "#meta+id",
    "at": "#date+reported",
    "actor": "#meta+actor",
    "action": "#meta+action",
    "outcome": "#status+outcome",
    "client": "#meta+client",
    "request_id": "#meta+request",
    "filename": "#meta+filename",
    "sha256": "#meta+sha256",
    "counts.*": "#indicator+records+num",
    "message": "#description+message",
}


def hashtag(table: str, column: str) -> str | None:
    """The column's hashtag in ``table``: ``table:column``, else ``column``, else its prefix's."""
    for key in (f"{table}:{column}", column, f"{column.split('.', 1)[0]}.*"):
        if key in TAGS:
            return TAGS[key]
    return None


def hashtag_row(table: str, columns: Sequence[str]) -> dict[str, Any]:
    """The HXL row for a table's columns (a column without a hashtag gets an empty cell), as a row
    to write under the header."""
    return {c: hashtag(table, c) or "" for c in columns}
