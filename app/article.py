"""The article itself: its one declaration, and the rules that derive its title, lead and ids.

Every format in `app.ingest` reads its input down to the parts of a story and
calls `new_article`, so that a title is cut, a body laid out and an id derived
the same way whatever the story arrived as. Pure functions: no I/O, no database.
"""

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Protocol

from app.cleaning import check_title, clean_paragraphs, clean_place
from app.errors import ParseError

TITLE_MAX_CHARS = 110
NUL = "\x00"
URL_MAX_CHARS = 2000
TOPIC_MAX_CHARS = 100  # a subject tag longer than this is a sentence, not a tag: dropped
MAX_TOPICS = 24  # tags kept an article, in the source's order (Reuters gives up to 20)

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sen|Rep|Gov|Jr|Sr|No|vs)\.$")
_WEB_URL = re.compile(r"https?://[^\s]+$", re.IGNORECASE)


class Headline(Protocol):
    """What a list of articles shows of each: a stored record, a row or a result has it."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def published(self) -> date: ...
    @property
    def place(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@dataclass(frozen=True)
class Article:
    """One parsed article, ready for the store and the index.

    The one declaration of an article's fields: the store's table is held to it by a
    test, and the API's article, the export's columns and the store's copying are
    derived from it (`fields(Article)`). A field's `help` is what the API says of it.
    """

    id: str = field(metadata=_help("Stable: the source's own id, or one derived from the text."))
    title: str = field(metadata=_help("The source's headline, or the lead's first sentence."))
    published: date = field(metadata=_help("The day the story was published."))
    place: str | None = field(metadata=_help("The dateline's place, as written."))
    region: str | None = field(metadata=_help("The dateline's region, when it names one."))
    source: str | None = field(metadata=_help("The agency or publication."))
    lead: str = field(metadata=_help("The first paragraph."))
    body: str = field(metadata=_help("Paragraphs separated by a blank line."))
    word_count: int = field(metadata=_help("Words in the body."))
    content_hash: str = field(metadata=_help("SHA-256 of the normalised story; not public."))
    source_url: str | None = field(
        default=None, metadata=_help("Where the source published it, when known.")
    )
    authors: str | None = field(default=None, metadata=_help("Comma-separated, when known."))
    topics: tuple[str, ...] = field(
        default=(),
        metadata=_help("The subject tags the source gave (lower case, each once), in its order."),
    )
    thread: str = field(
        default="",
        metadata=_help(
            "Its story thread: the id of the thread's first article (its own id when no "
            "other version of the story is stored)."
        ),
    )

    @property
    def paragraphs(self) -> list[str]:
        return self.body.split("\n\n")


INTERNAL_FIELDS = ("content_hash",)  # kept for dedup and the index's checks, never shown
PUBLIC_FIELDS = tuple(f.name for f in fields(Article) if f.name not in INTERNAL_FIELDS)


def new_article(
    *,
    id: str | None,
    title: str | None,
    published: date,
    place: str | None,
    region: str | None,
    source: str | None,
    body: str,
    source_url: str | None = None,
    authors: str | None = None,
    topics: Iterable[object] = (),
) -> Article:
    """Build an `Article` from its parts, cleaned of source junk (`app.cleaning`), deriving
    the title, lead, counts and ids.

    NUL characters are dropped from every part: they carry nothing in news text, and
    PostgreSQL stores no text that holds one."""
    body = body.replace(NUL, "")
    title, place, region, source, source_url, authors = (
        None if part is None else part.replace(NUL, "")
        for part in (title, place, region, source, source_url, authors)
    )
    check_title(title)
    place = clean_place(place)
    paragraphs = [collapse_whitespace(part) for part in _PARAGRAPH_BREAK.split(body.strip())]
    paragraphs = [part for part in paragraphs if part]
    if not paragraphs:
        raise ParseError("article has no body text")
    paragraphs = clean_paragraphs(paragraphs)
    if not paragraphs:
        raise ParseError("article has no story text, only its source's notices")
    body = "\n\n".join(paragraphs)
    title = collapse_whitespace(title or "") or headline(paragraphs[0])
    tags = normal_topics(topics)
    digest = content_hash(
        published=published,
        title=title,
        body=body,
        place=place,
        region=region,
        source=source,
        topics=tags,
    )
    return Article(
        id=id or digest[:16],
        title=title,
        published=published,
        place=place,
        region=region,
        source=source,
        lead=paragraphs[0],
        body=body,
        word_count=len(body.split()),
        content_hash=digest,
        source_url=source_url,
        authors=authors,
        topics=tags,
    )


def normal_topics(values: Iterable[object]) -> tuple[str, ...]:
    """Subject tags as kept: text only, whitespace collapsed, case-folded (the filter and
    the facet ignore case), empty and over-long ones dropped, each once, `MAX_TOPICS` at
    most. A kept tag holds no line break, which the store and the index join them with."""
    kept: dict[str, None] = {}
    for value in values:
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            continue
        tag = collapse_whitespace(value.replace(NUL, "")).casefold()
        if tag and len(tag) <= TOPIC_MAX_CHARS:
            kept.setdefault(tag)
    return tuple(kept)[:MAX_TOPICS]


def recleaned(article: Article) -> Article | None:
    """A stored `article` made again by today's rules (`app.cleaning`), when that changes it.

    None when nothing changes, and when nothing of it would be left: a stored story is
    kept as it is rather than lost. A title the lead gave is derived again."""
    derived = article.title == headline(article.lead)
    try:
        again = new_article(
            id=article.id,
            title=None if derived else article.title,
            published=article.published,
            place=article.place,
            region=article.region,
            source=article.source,
            body=article.body,
            source_url=article.source_url,
            authors=article.authors,
            topics=article.topics,
        )
    except ParseError:
        return None
    return None if again.content_hash == article.content_hash else again


def respelt(article: Article, **names: str | None) -> Article:
    """`article` with the columns that name something (`place=`, `source=`) spelt as given,
    its digest made again."""
    if all(getattr(article, column) == name for column, name in names.items()):
        return article
    again = replace(article, **names)  # type: ignore[arg-type]  # columns of text, each
    digest = content_hash(**{name: getattr(again, name) for name in HASHED})
    return replace(again, content_hash=digest)


def headline(lead: str, max_chars: int = TITLE_MAX_CHARS) -> str:
    """The lead's first sentence, cut on a word boundary with an ellipsis when too long."""
    sentence = first_sentence(lead)
    if len(sentence) <= max_chars:
        return sentence
    cut = sentence[: max_chars + 1].rsplit(" ", 1)[0] if " " in sentence[:max_chars] else ""
    cut = cut.rstrip(" ,;:-–—")
    return (cut or sentence[:max_chars]) + "…"


def first_sentence(text: str) -> str:
    """Text up to the first full stop that ends a sentence, not an abbreviation or initial."""
    for end in _SENTENCE_END.finditer(text):
        candidate = text[: end.start() + 1]
        if not _ABBREVIATION.search(candidate):
            return text[: end.end()].strip()
    return text.strip()


# What an article's digest is made of (`content_hash`'s parameters): its text and where it is from.
HASHED = ("published", "title", "body", "place", "region", "source", "topics")


def content_hash(
    *,
    published: date,
    title: str,
    body: str,
    place: str | None = None,
    region: str | None = None,
    source: str | None = None,
    topics: Sequence[str] = (),
) -> str:
    """A digest of the normalised story: equal for the same text whatever its spacing.

    Every stored fact is in it (a corrected place or capital is an update; so are topics
    a source adds), the id is not (the same story under another id is a duplicate). A story
    without topics has the digest it had before topics were kept, so that stored stories
    are not all taken for changed.
    """
    parts: tuple[str, ...] = (published.isoformat(), place or "", region or "", source or "")
    parts += (title, body)
    if topics:
        parts += ("topics: " + " | ".join(topics),)
    normalised = unicodedata.normalize("NFC", " ".join("\n".join(parts).split()))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def stable_id(key: str | None) -> str | None:
    """A 16-hex id from a source's own identifier (guid, canonical URL), or None."""
    key = (key or "").strip()
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16] if key else None


def web_url(value: str | None) -> str | None:
    """Keep only http(s) links: anything else (javascript:, data:) is not a source URL."""
    if value and _WEB_URL.match(value) and len(value) <= URL_MAX_CHARS:
        return value
    return None


def collapse_whitespace(text: str) -> str:
    """Collapse runs of whitespace (line breaks inside a paragraph included) to one space."""
    return " ".join(text.split())
