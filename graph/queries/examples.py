"""An example answer of each question, taken from the illustrative seed (not official data): the
registry (``spec.py``) gives each to its question, and the API documents it, so a reader of ``/docs``
sees a real answer for every endpoint.
"""

from __future__ import annotations

from typing import Any

OVERLAP: dict[str, Any] = {
    "project_a": "prj-0276",
    "project_b": "prj-0281",
    "title_a": "Strengthening international cooperation in Burkina Faso (illustrative)",
    "title_b": "Strengthening international cooperation in Burkina Faso (illustrative)",
    "states": ["BFA"],
    "articles": [43, 44],
    "forms": [],
    "start": "2011-01-14",
    "end": "2011-12-08",
    "overlap_days": 329,
    "funders_a": ["ec"],
    "funders_b": ["norad"],
    "implementer_a": "ec",
    "implementer_b": "unodc",
    "score": 0.7803,
    "score_parts": {"articles": 0.6667, "text": 1.0, "states": 1.0, "period": 0.9014, "forms": 0.0},
    "basis_a": ["stated", "stated"],
    "basis_b": ["stated", "stated"],
    "explanation": "prj-0276 (funded by ec) and prj-0281 (funded by norad) both benefit BFA: article 43 stated by "
    "both; article 44 stated by both; descriptions 1.00 alike; 329 days in common (2011-01-14 to 2011-12-08); forms "
    "named by both: none; no common funder; score 0.78",
}

PAIRING: dict[str, Any] = {
    "need": "need-KEN-005-technology",
    "state": "KEN",
    "state_name": "Kenya",
    "state_group": "african",
    "article": 5,
    "article_title": "Preventive anti-corruption policies and practices",
    "form": "technology",
    "priority": "high",
    "peer": "UGA",
    "peer_name": "Uganda",
    "peer_group": "african",
    "score": 0.7833,
    "score_parts": {"same_group": 1.0, "networks": 0.6667, "language": 1.0, "experts": 0.3333},
    "shared_networks": ["eaaaca", "iaaca"],
    "shared_languages": ["sw", "en"],
    "peer_experts": ["exp-0072"],
    "reciprocal": False,
    "reciprocal_articles": [],
    "explanation": "UGA reported compliant on article 5 and has no need of its own on it; same UN regional group "
    "(African Group); 2 shared networks (eaaaca, iaaca); shared official language (sw, en); 1 expert of UGA "
    "nationality on article 5",
}

SHORTLIST_ENTRY: dict[str, Any] = {
    "need": "need-KEN-006-good_practices",
    "state": "KEN",
    "article": 6,
    "form": "good_practices",
    "expert": "exp-0060",
    "name": "Batu Lambeni",
    "nationality": "CMR",
    "group": "african",
    "languages": ["en", "es", "fr"],
    "forms": ["good_practices", "legal_advice"],
    "shared_languages": ["en"],
    "score": 1.0,
    "score_parts": {"form": 1.0, "language": 1.0, "same_group": 1.0},
    "rank": 1,
    "over_cap": False,
    "explanation": "expertise on article 6 listing good_practices; national of CMR, not of KEN; speaks en, "
    "official in KEN; same UN regional group (African Group)",
}

BROKER_METRICS: dict[str, Any] = {
    "provider_nodes": 25,
    "state_nodes": 106,
    "edges": 427,
    "providers": [
        {
            "provider": "usaid",
            "name": "United States Agency for International Development (USAID)",
            "kind": "bilateral",
            "projects": 38,
            "states": 44,
            "links": 53,
            "degree_centrality": 0.4151,
            "betweenness": 0.167,
            "community": 2,
        }
    ],
    "networks": [
        {
            "network": "iaaca",
            "name": "International Association of Anti-Corruption Authorities (IAACA)",
            "members": 82,
            "linked_members": 63,
            "providers": 25,
            "links": 289,
            "provider_share": 1.0,
            "betweenness": 0.4185,
        }
    ],
    "communities": [
        {"community": 1, "size": 3, "providers": ["danida", "dfid", "unodc"], "states": ["KEN", "TZA", "UGA"]}
    ],
}


GAP: dict[str, Any] = {
    "need": "need-ALB-010-capacity_building",
    "state": "ALB",
    "state_name": "Albania",
    "group": "eastern_european",
    "article": 10,
    "article_title": "Public reporting",
    "chapter": "II",
    "form": "capacity_building",
    "priority": "high",
    "identified_on": "2009-06-11",
    "as_of": "2009-09-01",
    "near_misses": [
        {
            "project": "prj-0269",
            "title": "Support to public reporting in 5 States (illustrative)",
            "reason": "form",
            "forms": ["legal_advice"],
            "start": "2010-09-30",
            "end": "2011-03-31",
            "days_since_end": 0,
            "basis": "stated",
        }
    ],
    "coverage": "gap",
    "explanation": "ALB needs capacity_building on article 10 (Public reporting), high priority; no live project "
    "covers it on 2009-09-01; nearest: prj-0269 misses on form",
}

ORPHAN: dict[str, Any] = {
    "state": "KIR",
    "name": "Kiribati",
    "group": "asia_pacific",
    "needs": 16,
    "high_priority": 4,
    "last_end": None,
    "as_of": "2009-09-01",
    "explanation": "KIR has 16 needs (4 high priority) and no live project on 2009-09-01; no live project has "
    "ever benefited it",
}

FRAGMENTATION: dict[str, Any] = {
    "state": "IDN",
    "name": "Indonesia",
    "group": "asia_pacific",
    "chapter": None,
    "providers": 7,
    "provider_ids": ["ausaid", "danida", "dfid"],
    "projects": 6,
    "unbudgeted_projects": 0,
    "budget_usd": 6922900.0,
    "hhi": 2053.62,
    "shares": {"ausaid": 35.8, "danida": 9.48, "dfid": 9.48},
    "as_of": "2009-09-01",
    "explanation": "IDN: 7 providers on 6 live projects, USD 6,922,900; HHI 2,054",
}

MATRIX: dict[str, Any] = {
    "rows": "article",
    "cols": "group",
    "as_of": "2009-09-01",
    "totals": {
        "needs": 713,
        "covered_stated": 159,
        "covered": 159,
        "coverage_pct_stated": 22.3,
        "coverage_pct": 22.3,
        "projects": 195,
        "budget_usd": 205211000.0,
    },
    "total": 196,
    "limit": 50,
    "offset": 0,
    "items": [
        {
            "article": 5,
            "group": "african",
            "needs": 9,
            "covered_stated": 0,
            "covered": 0,
            "coverage_pct_stated": 0.0,
            "coverage_pct": 0.0,
            "projects": 3,
            "budget_usd": 5433750.0,
        }
    ],
}

NETWORK_MEMBERS: dict[str, Any] = {
    "network": "eaaaca",
    "name": "East African Association of Anti-Corruption Authorities (EAAACA)",
    "members": ["BDI", "KEN", "RWA", "TZA", "UGA"],
    "size": 5,
}

PRESENCE: dict[str, Any] = {
    "provider": "cida",
    "provider_name": "Canadian International Development Agency (CIDA)",
    "state": "KEN",
    "state_name": "Kenya",
    "group": "african",
    "projects": 1,
    "funded": 1,
    "implemented": 0,
    "budget_usd": 1506000.0,
    "unbudgeted_projects": 0,
    "project_ids": ["prj-0217"],
    "as_of": "2009-09-01",
    "explanation": "cida funds 1 live project benefiting KEN on 2009-09-01; its part of their budgets: USD 1,506,000",
}
