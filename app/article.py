"""Parsing of wire-story files into articles: pure functions, bytes in, `Article` out.

No I/O and no database here, so that every rule of the seed format can be tested
on literal strings. A file that cannot be an article raises `ParseError` whose
message is the human reason (the caller adds the file name).
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from app.errors import ParseError

TITLE_MAX_CHARS = 110
CONTROL_CHAR_LIMIT = 0.01  # share of control characters above which text is "binary"

_HEADER = re.compile(r"date[ \t]+(?P<value>\S+)\s*", re.IGNORECASE)
_DATELINE = re.compile(
    r"(?P<place>[^\W\d_][^,/\n]*?)\s*"  # WASHINGTON, UNITED NATIONS, ST. PETERSBURG
    r"(?:/(?P<region>[^/\n]+)/\s*)?"  # IGORA /Leningrad Region/
    r",\s*(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2})\s*\.?\s*"  # , October 17.
    r"/(?P<agency>[^/\n]{1,40})/\.?\s*"  # /TASS/.
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_FILE_ID = re.compile(r"(?<![0-9a-f])([0-9a-f]{16})(?![0-9a-f])", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sen|Rep|Gov|Jr|Sr|No|vs)\.$")


URL_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,63}")
RECORD_FIELDS = {  # our name: the names sources use for it, in order of preference
    "id": ("id", "guid"),
    "published": ("published", "date", "date_publish", "pubdate", "published_at"),
    "title": ("title", "headline"),
    "body": ("body", "text", "maintext", "content"),
    "source": ("source", "source_domain", "agency"),
    "place": ("place", "location"),
    "dateline": ("dateline",),
    "url": ("url", "link"),
    "authors": ("authors", "author", "byline"),
}
_DATELINE_PLACE = re.compile(r"\s*([^\W\d_][^,\n]{0,80}?)\s*,")


@dataclass(frozen=True)
class Article:
    """One parsed article, ready for the store and the index."""

    id: str
    title: str
    published: date
    place: str | None
    region: str | None
    source: str | None
    lead: str
    body: str  # paragraphs separated by one blank line
    word_count: int
    content_hash: str
    source_url: str | None = None  # where the source published it, when known
    authors: str | None = None  # comma-separated, when known

    @property
    def paragraphs(self) -> list[str]:
        return self.body.split("\n\n")


def parse_article(raw: bytes, *, filename: str = "", max_bytes: int = 5 * 1024 * 1024) -> Article:
    """Parse one seed-format file (see DESIGN.md) into an `Article`."""
    text = decode_text(raw, max_bytes=max_bytes)
    published, rest = _split_header(text)
    dateline = _DATELINE.match(rest)
    place = region = source = None
    if dateline:
        place = _clean(dateline["place"]) if _is_capitals(dateline["place"]) else None
    if dateline and place:
        region = _clean(dateline["region"] or "") or None
        source = _clean(dateline["agency"]) or None
        rest = rest[dateline.end() :]
    return new_article(
        id=file_id(filename),
        title=None,
        published=published,
        place=place,
        region=region,
        source=source,
        body=rest,
    )


def parse_record(record: object) -> Article:
    """One JSON object (a JSON Lines line) into an `Article`; common field aliases accepted.

    The source's own title is kept, and its own id when it is URL-safe.
    """
    if not isinstance(record, dict):
        raise ParseError(f"expected a JSON object, got {type(record).__name__}")
    body = _text_field(record, "body")
    if body is None:
        raise ParseError(f"no body text (one of: {', '.join(RECORD_FIELDS['body'])})")
    published = _record_date(_text_field(record, "published"))
    place = _text_field(record, "place") or _dateline_place(_text_field(record, "dateline"))
    raw_id = _text_field(record, "id")
    return new_article(
        id=raw_id if raw_id and URL_SAFE_ID.fullmatch(raw_id) else None,
        title=_text_field(record, "title"),
        published=published,
        place=place,
        region=None,
        source=_text_field(record, "source"),
        body=body,
        source_url=_web_url(_text_field(record, "url")),
        authors=_authors(record),
    )


def decode_text(raw: bytes, *, max_bytes: int) -> str:
    """Bytes to text with LF line ends: UTF-8 (BOM allowed), else Windows-1252.

    Windows-1252 is the only fallback because it is what non-UTF-8 wire text
    almost always is; bytes that are neither are refused rather than guessed.
    """
    if len(raw) > max_bytes:
        raise ParseError(f"file is {len(raw):,} bytes, over the limit of {max_bytes:,}")
    if not raw.strip():
        raise ParseError("file is empty")
    if b"\x00" in raw:
        raise ParseError("binary content, not text (it holds NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as error:
            raise ParseError("text is neither UTF-8 nor Windows-1252") from error
    controls = sum(
        1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f"
    )
    if controls > CONTROL_CHAR_LIMIT * len(text):
        raise ParseError("binary content, not text (too many control characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


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
) -> Article:
    """Build an `Article` from its parts, deriving the title, lead, counts and ids."""
    paragraphs = [_clean(part) for part in _PARAGRAPH_BREAK.split(body.strip())]
    paragraphs = [part for part in paragraphs if part]
    if not paragraphs:
        raise ParseError("article has no body text")
    body = "\n\n".join(paragraphs)
    title = _clean(title or "") or headline(paragraphs[0])
    digest = content_hash(
        published=published, title=title, body=body, place=place, region=region, source=source
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
    )


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


def file_id(filename: str) -> str | None:
    """The 16 hex digits a file name carries (`000_fa15abbc2923d210.txt`), lower-cased."""
    found = _FILE_ID.search(filename.rsplit("/", 1)[-1])
    return found.group(1).lower() if found else None


def content_hash(
    *,
    published: date,
    title: str,
    body: str,
    place: str | None = None,
    region: str | None = None,
    source: str | None = None,
) -> str:
    """A digest of the normalised story: equal for the same text whatever its spacing.

    Every stored fact is in it (a corrected place or capital is an update), the
    id is not (the same story under another id is a duplicate).
    """
    parts = (published.isoformat(), place or "", region or "", source or "", title, body)
    normalised = unicodedata.normalize("NFC", " ".join("\n".join(parts).split()))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _split_header(text: str) -> tuple[date, str]:
    header = _HEADER.match(text)
    if not header:
        raise ParseError("no 'date YYYY-MM-DD' header, and the dateline carries no year")
    value = header["value"]
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ParseError(f"date header {value[:40]!r} is not of the form YYYY-MM-DD")
    try:
        published = date.fromisoformat(value)
    except ValueError as error:
        raise ParseError(f"date {value} does not exist") from error
    return published, text[header.end() :]


def _text_field(record: dict, name: str) -> str | None:
    """The first non-empty value among a field's aliases, as text."""
    for key in RECORD_FIELDS[name]:
        value = record.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if value not in (None, "", [], {}) and name != "authors":
            raise ParseError(f"field {key!r} must be text, not {type(value).__name__}")
    return None


def _record_date(value: str | None) -> date:
    """An ISO date, or the date part of an ISO date-time (`2019-01-04T10:00:00Z`)."""
    if value is None:
        raise ParseError(f"no date (one of: {', '.join(RECORD_FIELDS['published'])})")
    day = value[:10]
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) or len(value) not in (10, *range(16, 36)):
        raise ParseError(f"date {value[:40]!r} is not of the form YYYY-MM-DD")
    try:
        return date.fromisoformat(day)
    except ValueError as error:
        raise ParseError(f"date {day} does not exist") from error


def _dateline_place(dateline: str | None) -> str | None:
    found = _DATELINE_PLACE.match(dateline or "")
    return _clean(found.group(1)) if found else None


def _web_url(value: str | None) -> str | None:
    """Keep only http(s) links: anything else (javascript:, data:) is not a source URL."""
    if value and re.match(r"https?://[^\s]+$", value, re.IGNORECASE) and len(value) <= 2000:
        return value
    return None


def _authors(record: dict) -> str | None:
    for key in RECORD_FIELDS["authors"]:
        value = record.get(key)
        if isinstance(value, list):
            value = ", ".join(_clean(str(name)) for name in value if str(name).strip())
        if isinstance(value, str) and value.strip():
            return _clean(value)[:500]
    return None


def _is_capitals(place: str) -> bool:
    return place == place.upper() and any(char.isalpha() for char in place)


def _clean(text: str) -> str:
    """Collapse runs of whitespace (line breaks inside a paragraph included) to one space."""
    return " ".join(text.split())
