"""`/healthz`: whether this node's searches are up to date, for load balancers and people;
`/livez`: whether its process answers at all, for a supervisor that restarts it.

A node answers searches from its own index, which follows the store (`Archive.catch_up`);
a load balancer should send searches only to nodes that answer 200 at /healthz. /livez
asks nothing of the store or the index: a node whose store is away is alive, not ready.
"""

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError

from app.web.deps import ArchiveDep


class HealthOut(BaseModel):
    status: Literal["ok", "filling", "catching up", "behind", "store unreachable"] = Field(
        description="ok; filling (the index is being filled from the store for the first "
        "time); catching up (not up to date yet since the node started); behind (it has "
        "lacked a change for longer than NEWSARCHIVE_MAX_LAG_SECONDS); store unreachable."
    )
    applied: int | None = Field(description="The last of the store's changes the index applied.")
    latest: int | None = Field(description="The store's latest change.")
    behind: int | None = Field(description="Changes the index has not applied yet.")
    lag_seconds: float | None = Field(
        description="How long the index has lacked the first change it has not applied."
    )


class LiveOut(BaseModel):
    status: Literal["alive"] = Field(description="The process answers.")


router = APIRouter(tags=["health"])


@router.get("/livez", response_model=LiveOut)
def live() -> LiveOut:
    """200 while the process answers, whatever the store and the index (readiness is
    /healthz's): restart the node only when this fails."""
    return LiveOut(status="alive")


@router.get(
    "/healthz",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "Not ok: `status` says why."}},
)
def health(archive: ArchiveDep) -> JSONResponse:
    """This node's index against the store: 200 when it is up to date (within
    NEWSARCHIVE_MAX_LAG_SECONDS), else 503."""
    try:
        replica = archive.replica()
    except SQLAlchemyError:
        applied = archive.applied_change()  # read here only: replica() reads it too
        answer = HealthOut(
            status="store unreachable", applied=applied, latest=None, behind=None, lag_seconds=None
        )
    else:
        answer = HealthOut(
            status=replica.status(archive.settings.max_lag_seconds),  # type: ignore[arg-type]
            applied=replica.applied,
            latest=replica.latest,
            behind=replica.behind,
            lag_seconds=round(replica.lag_seconds, 3),
        )
    code = 200 if answer.status == "ok" else 503
    return JSONResponse(
        answer.model_dump(), status_code=code, headers={"Cache-Control": "no-store"}
    )
