"""``/health`` (the process answers) and ``/ready`` (the store answers): for load balancers and
orchestrators, so neither needs a key nor returns anything but status."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from tacmap.api.deps import ServicesDep
from tacmap.api.errors import error_responses

router = APIRouter(tags=["operations"])
log = logging.getLogger("tacmap.api")


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class Ready(BaseModel):
    status: str = Field(examples=["ready"])
    store: str = Field(examples=["embedded"])


@router.get(
    "/health",
    response_model=Health,
    responses={200: {"content": {"application/json": {"example": {"status": "ok"}}}}},
    summary="The process is up",
)
def health() -> Health:
    return Health(status="ok")


@router.get(
    "/ready",
    response_model=Ready,
    responses={
        200: {"content": {"application/json": {"example": {"status": "ready", "store": "embedded"}}}},
        **error_responses(503),
    },
    summary="The store is reachable",
)
def ready(services: ServicesDep) -> Ready | JSONResponse:
    """200 when the store answers a query and holds its reference data; 503 otherwise."""
    kind = services.settings.store_kind
    try:
        ok = services.store._reference_loaded()  # one cheap query on either store
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; the reason goes to the log
        log.warning("store not ready: %s", exc)
        ok = False
    if not ok:
        return JSONResponse(
            {"detail": f"the {kind} store cannot be reached or is not initialised"}, status_code=503
        )
    return Ready(status="ready", store=kind)
