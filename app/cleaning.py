"""Source junk out of story text: what a wire or a wiki adds around a story, never the story.

Each rule undoes one source's convention and was drawn from that source's real pages
(`../shared/corpora`: Wikinews, Reuters-21578); the tests hold each rule to literal text
from them. A rule matches only its source's exact boilerplate, so it is safe on any
text: every format's articles pass through here (`app.article.new_article`), and stored
ones again when the rules change (`Store.reclean`).
"""

import re

from app.errors import ParseError

_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)"
)

# Wikinews: the review box of an unreviewed draft, and its revision line.
_NOTICE = re.compile(
    r"This article requires pre-publication review by an uninvolved reviewer\b.*"
    r"|-?Article last amended:.*Please check the talk page history before reviewing\.?",
    re.DOTALL,
)
# Wikinews: the page's own date heading ("Sunday, October 18, 2020"), before the lead.
_DATE_HEADING = re.compile(rf"{_WEEKDAY}, {_MONTH} \d{{1,2}}, \d{{4}}")
# Wikinews: a quotation's language tag, `((hi))Hindi language: ` before the original words.
_LANGUAGE_TAG = re.compile(
    r"\(\([a-z]{2,3}\)\)\s*(?P<language>[^\W\d_][^\W\d_ ]*(?: [^\W\d_]+)??)"
    r"(?: language)?:\s*\u200d?"
)
# Wikinews interviews: the speaker's label, `((WN))` or `((Sara Seager)) :`.
_SPEAKER = re.compile(r"\(\((?P<speaker>[^()\n]{1,60})\)\)\s*:?\s*")
# Reuters: the wire's sign-off at the story's end ("… no further details. REUTER"), in
# capitals after anything, with the desk's initials or a stray carriage return ("REUTER
# TAW", "REUTER^M"); in lower case only after a sentence's end, where it is no word of it.
_SIGN_OFF = re.compile(
    r"(?:\s+-)?(?:\s+|^)REUTERS?(?:\.{3})?(?:\^M)?(?: [A-Z]{1,3})?$"
    r"|(?:(?<=[.!?\"'”)])\s+|^)[Rr]euters?(?:\.{3})?(?:\^M)?$"
)
# Reuters datelines: what the wire's dateline carries around its place (`c    CHICAGO`,
# `FARMINGTON Conn.`, `FRESCalif.`). The wire's one-letter priority code before it:
_PRIORITY = re.compile(r"[a-z]\s+(?=[^\W\d_][^\W\d_])")
# A US state's or a Canadian province's abbreviation as the wire writes it: with its full
# stop (`Conn.`, `N.Y.`), or a long one without (`Calif`); never in capitals alone, nor a
# short one without its stop, which could be a word of the place's name (Isle of Man).
_STATE = (
    r"(?:(?:Ala|Ariz|Ark|Calif|Colo|Conn|Del|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|Mass|Mich|Minn|Miss"
    r"|Mo|Mont|Neb|Nev|Okla|Ore|Pa|Penn|Tenn|Tex|Vt|Va|Wash|Wis|Wyo|Alta|Man|Ont|Que|Sask"
    r"|Nfld|[NSRW]\. ?[A-Z][a-z]?)\.)"
    r"|Ariz|Calif|Colo|Conn|Mass|Mich|Minn|Okla|Penn|Tenn"
)
_STATE_AFTER = re.compile(rf"\s+(?:{_STATE})$")
# ...and one run into the place's capitals, its stop kept: the end of the name was lost
_STATE_IN = re.compile(r"(?<=[A-Z])(?:Ala|Ariz|Ark|Calif|Colo|Conn|Fla|Mass|Mich|Minn|Tenn)\.$")
MOSTLY_CAPITALS = 0.6  # a place whose letters are this much capitals was meant in capitals

# Wikinews: a page of the test namespace, which is no story at all.
_TEST_PAGE = re.compile(r"TEST PAGE\s*:", re.IGNORECASE)


def clean_paragraphs(paragraphs: list[str]) -> list[str]:
    """A story's paragraphs without its source's notices, markup and sign-off."""
    kept = [_inline(part) for part in paragraphs if not _NOTICE.fullmatch(part)]
    while kept and _DATE_HEADING.fullmatch(kept[0]):
        kept.pop(0)
    if kept:
        kept[-1] = _SIGN_OFF.sub("", kept[-1]).rstrip()
    return [part for part in kept if part]


def check_title(title: str | None) -> None:
    """Refuse what the title shows is no story (a wiki's test page)."""
    if title and _TEST_PAGE.match(title):
        raise ParseError("a Wikinews test page, not a story")


def clean_place(place: str | None) -> str | None:
    """A dateline's place without what the wire carried around it: its priority code
    (`c CHICAGO`), a state's abbreviation (`FARMINGTON Conn.`), a stray lower-case
    letter in a name in capitals (`WALtHAM`, `BALDWIN Park`); a name all in lower case
    (`dodge city`, a weather report's) in the dateline's capitals. A place whose name ran
    into its state's (`FRESCalif.`: Fresno's end was lost) is no place: None."""
    if not place:
        return place
    place = _PRIORITY.sub("", place, count=1) if _PRIORITY.match(place) else place
    if _STATE_IN.search(place):
        return None
    place = _STATE_AFTER.sub("", place)
    letters = [c for c in place if c.isalpha()]
    capitals = sum(c.isupper() for c in letters)
    if letters and (not capitals or capitals >= MOSTLY_CAPITALS * len(letters)):
        place = place.upper()
    return place or None


def _inline(paragraph: str) -> str:
    paragraph = _LANGUAGE_TAG.sub(lambda tag: f"{tag['language']}: ", paragraph)
    return _SPEAKER.sub(lambda label: f"{label['speaker'].strip()}: ", paragraph)
