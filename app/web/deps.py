"""Request dependencies, as `Annotated` aliases the routes declare.

They are coroutines because they never block: FastAPI runs a plain function in its
thread pool, a hand-over each way per dependency per request (seen in a profile of the
server: a tenth of a search's time).
"""

import secrets
from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.archive import Archive
from app.errors import Forbidden, Unauthorized

bearer = HTTPBearer(auto_error=False, description="NEWSARCHIVE_API_TOKEN, sent as a bearer token.")


async def get_archive(request: Request) -> Archive:
    """The archive the application opened at start-up."""
    return cast(Archive, request.app.state.archive)  # Starlette's app state is untyped


async def require_writer(
    archive: Annotated[Archive, Depends(get_archive)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """Let a request write only with the configured token; with none configured, nobody may."""
    token = archive.settings.api_token
    if token is None:
        raise Forbidden("writes are disabled: the server has no NEWSARCHIVE_API_TOKEN")
    given = credentials.credentials if credentials else ""
    if not secrets.compare_digest(given.encode(), token.get_secret_value().encode()):
        raise Unauthorized("a valid bearer token is needed to add articles")


ArchiveDep = Annotated[Archive, Depends(get_archive)]
WriterDep = Annotated[None, Depends(require_writer)]
