"""Request dependencies, as `Annotated` aliases the routes declare."""

from typing import Annotated

from fastapi import Depends, Request

from app.archive import Archive


def get_archive(request: Request) -> Archive:
    """The archive the application opened at start-up."""
    return request.app.state.archive


ArchiveDep = Annotated[Archive, Depends(get_archive)]
