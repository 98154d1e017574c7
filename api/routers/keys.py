"""``/keys``: admins list, create and revoke API keys over HTTP (``tacmap keys`` does the same
locally). The key text is in the creation response only, never again."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field
from tacmap.api.auth import ApiKey, Role
from tacmap.api.deps import Admin, ServicesDep, client_address
from tacmap.api.errors import error_responses, invalid
from tacmap.api.listing import example_of
from tacmap.graph.errors import TacmapError

router = APIRouter(prefix="/keys", tags=["audit and keys"], responses=error_responses(401, 403))


class NewKey(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"role": "viewer", "name": "Kenya focal point", "state": "KEN"}]}
    )
    role: Role
    name: str = Field("", max_length=200, description="Who or what uses it.")
    state: str | None = Field(
        None,
        max_length=60,
        description="Viewer keys only: the State (ISO3) whose restricted needs the key may also see.",
    )


class CreatedKey(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key": "tm_3f9c2a71b0d4_Jq0…",
                    "info": example_of(ApiKey),
                }
            ]
        }
    )
    key: str = Field(description="The full key: shown this once only.")
    info: ApiKey


@router.get(
    "",
    response_model=list[ApiKey],
    responses={200: {"content": {"application/json": {"example": [example_of(ApiKey)]}}}},
    summary="List keys",
)
def list_keys(services: ServicesDep, who: Admin) -> Any:
    return services.keys.list()


@router.post(
    "", response_model=CreatedKey, status_code=201, responses=error_responses(422), summary="Create a key"
)
def create_key(request: Request, body: NewKey, services: ServicesDep, who: Admin) -> CreatedKey:
    try:
        info, key = services.keys.create(body.role, body.name, body.state)
    except TacmapError as exc:  # an unusable State scope: a 422 on the body's field, like FastAPI's own
        raise invalid("state", str(exc), where="body") from None
    services.audit.record(
        actor=who.actor,
        action="key.create",
        client=client_address(request),
        request_id=getattr(request.state, "request_id", None),
        message=f"{info.id} ({info.role.value}{f', {info.state}' if info.state else ''})",
    )
    return CreatedKey(key=key, info=info)


@router.delete(
    "/{key_id}", response_model=ApiKey, responses=error_responses(404, 409), summary="Revoke a key"
)
def revoke_key(
    request: Request,
    services: ServicesDep,
    who: Admin,
    key_id: Annotated[str, Path(description="The key's public id.", examples=["3f9c2a71b0d4"])],
) -> ApiKey:
    """Refused (409) for the key making the request and for the last active admin key, so key
    management cannot lock itself out."""
    info = services.keys.revoke(key_id, by=who.key_id)
    services.audit.record(
        actor=who.actor,
        action="key.revoke",
        client=client_address(request),
        request_id=getattr(request.state, "request_id", None),
        message=info.id,
    )
    return info
