"""What the feed and page tests share: a size limit above their literal documents, expected ids."""

import hashlib

LIMIT = 256 * 1024  # bytes: above every literal document, so that only the limit tests reach it


def sha16(text: str) -> str:
    """The id a source's own key (guid, canonical URL) should give, worked out independently."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
