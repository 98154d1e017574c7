"""Response models of the resources: the bundle's records plus provenance, with examples.

Records are the same models the bundle uses (field names match the spreadsheet columns), so
what a client reads is what an officer uploads. ``import_id`` says which import last wrote the
record (see ``GET /audit``). ``Expert.email`` is personal data: null for viewers and anonymous.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from tacmap.graph.schema.models import Expert, Need, Network, Project, Provider

PROVENANCE = Field(None, description="The import that last wrote this record (see `GET /audit`).")


def _examples(*rows: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(rows)})


PROVIDER_EXAMPLE: dict[str, Any] = {
    "id": "unodc",
    "name": "United Nations Office on Drugs and Crime",
    "kind": "un_entity",
    "country": "AUT",
    "import_id": "imp_20261127T091403_ab12cd",
}


class ProviderOut(Provider):
    model_config = _examples(PROVIDER_EXAMPLE)
    import_id: str | None = PROVENANCE


class NetworkOut(Network):
    model_config = _examples(
        {
            "id": "eaaaca",
            "name": "East African Association of Anti-Corruption Authorities",
            "members": ["KEN", "TZA", "UGA"],
            "import_id": "imp_20261127T091403_ab12cd",
        }
    )
    import_id: str | None = PROVENANCE


class NeedOut(Need):
    model_config = _examples(
        {
            "id": "need-KEN-006-capacity_building",
            "state": "KEN",
            "article": 6,
            "form": "capacity_building",
            "priority": "high",
            "identified_on": "2008-03-14",
            "source": "self-assessment",
            "import_id": "imp_20261127T091403_ab12cd",
        }
    )
    import_id: str | None = PROVENANCE


class ProjectOut(Project):
    model_config = _examples(
        {
            "id": "prj-0001",
            "title": "Strengthening the Ethics and Anti-Corruption Commission",
            "funders": ["dfid"],
            "implementer": "unodc",
            "beneficiaries": ["KEN"],
            "articles": [6, 36],
            "forms": ["capacity_building"],
            "start": "2008-01-01",
            "end": "2010-12-31",
            "budget_usd": 1250000.0,
            "status": "ongoing",
            "network": None,
            "import_id": None,
        }
    )
    import_id: str | None = PROVENANCE


class ExpertOut(Expert):
    model_config = _examples(
        {
            "id": "exp-0042",
            "name": "Amina Odhiambo",
            "nationality": "KEN",
            "articles": [46, 48],
            "forms": ["legal_advice"],
            "languages": ["en", "sw"],
            "gender": "female",
            "email": None,
            "recommended_by": "KEN",
            "import_id": None,
        }
    )
    email: str | None = Field(None, description="Personal data: only editors and admins see it.")
    import_id: str | None = PROVENANCE


class ImplementationOut(BaseModel):
    article: int
    status: str


STATE_EXAMPLE: dict[str, Any] = {
    "iso3": "KEN",
    "iso2": "KE",
    "name": "Kenya",
    "region": "Africa",
    "subregion": "Sub-Saharan Africa",
    "un_group": "african",
    "un_group_name": "African Group",
    "income_group": "Lower middle",
    "dac_member": False,
    "party_since": "2005-12-14",
    "self_assessment_on": "2008-03-14",
    "need_count": 14,
    "project_count": 6,
}


class StateOut(BaseModel):
    """A State from reference data, with what the bundle says about it."""

    model_config = _examples(STATE_EXAMPLE)
    iso3: str
    iso2: str | None = None
    name: str = Field(description="M49 name, in the language of the response (`lang`).")
    region: str | None = Field(None, description="M49 region, in the language of the response.")
    subregion: str | None = Field(None, description="M49 subregion, in the language of the response.")
    un_group: str | None = Field(None, description="Primary UN regional group (code).")
    un_group_name: str | None = Field(None, description="That group's name, in the language of the response.")
    income_group: str | None = None
    dac_member: bool | None = None
    party_since: str | None = Field(None, description="Date it became a State party (ISO 8601).")
    self_assessment_on: str | None = Field(None, description="Date of its self-assessment, if any.")
    need_count: int = Field(0, description="Needs recorded for it.")
    project_count: int = Field(0, description="Projects that benefit it.")


class StateDetail(StateOut):
    """A State with its needs, projects, providers, networks and implementation reports."""

    model_config = _examples(
        {
            **STATE_EXAMPLE,
            "needs": [],
            "projects": [],
            "providers": [],
            "networks": [],
            "implementation": [],
            "regional_programmes": [],
        }
    )
    needs: list[NeedOut] = Field(default_factory=list, description="Its needs.")
    projects: list[ProjectOut] = Field(default_factory=list, description="Projects that benefit it.")
    regional_programmes: list[ProjectOut] = Field(
        default_factory=list,
        description="Regional and global programmes that include it: projects reaching a region it is a "
        "member of (reference data), without naming it as a beneficiary.",
    )
    providers: list[ProviderOut] = Field(
        default_factory=list, description="Providers funding or implementing its projects, or based in it."
    )
    networks: list[NetworkOut] = Field(default_factory=list, description="Networks it is a member of.")
    implementation: list[ImplementationOut] = Field(default_factory=list)


class ProviderDetail(ProviderOut):
    """A provider with the projects it funds and implements."""

    model_config = _examples(
        {
            **PROVIDER_EXAMPLE,
            "funds": [],
            "implements": [],
        }
    )
    funds: list[ProjectOut] = Field(default_factory=list)
    implements: list[ProjectOut] = Field(default_factory=list)
