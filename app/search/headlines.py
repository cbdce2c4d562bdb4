"""Headlines as a reader should see them: in a readable case without a word changed,
ticker symbols marked as such, the searched words highlighted. The stored title is never
changed (the JSON keeps it beside the form shown, and pages show it on hover).

Wire services sent headlines in capitals (Reuters-21578: `ICCO TO EXAMINE BUFFER STOCK
PROPOSAL`), hard to scan in a list. A headline whose letters are nearly all capitals is
shown in title case (each word capitalised, short function words in lower case), except
where the archive itself says how a word is written (`app.engine.written`):

- in capitals when its own story's plain text writes it so anywhere (ICCO, LME, GM);
  else as that text writes it most often when that is with a capital inside (McDonnell)
  or, for shorthand without a vowel, in lower case (mln, dlr, pct);
- else as the archive's texts mostly write it (NYMEX, in a story that names the New York
  Mercantile Exchange in full): the query layer asks the index (`Reading.asks`).

Abbreviations with dots (`U.S.`) and ticker symbols (`<XON>`, shown apart, without the
brackets) are kept as they are.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial

from markupsafe import Markup

from app.archive import Archive
from app.article import first_sentence
from app.engine import UPPER, Cache, Forms, highlight, is_shorthand, written
from app.store.tables import Listed

SHOUTING = 0.8  # share of a headline's letters in capitals from which it is shown recased
MIN_LETTERS = 4
SMALL_WORDS = frozenset(
    "a an and as at but by for from in into of on or per the to vs with".split()
)
_WORD = re.compile(r"([^\W_]+)('[^\W_]+)?")  # a word, and what an apostrophe adds ('S)
_TICKER = re.compile(r"&lt;((?:<mark>)?[A-Z][A-Z0-9.]{0,7}(?:</mark>)?)&gt;")
_TICKER_SPAN = re.compile(r"(<[A-Z][A-Z0-9.]{0,7}>)")
_CAPITALS = re.compile(r"(?<![^\W_])[^\W\d_a-z]{2,}(?![^\W_])")  # then checked: isupper
# Reading a story for its headline costs about as much as its snippet; the same stories are
# listed again and again (the latest, a feed polled, a search paged back and forth)
READINGS_KEPT = 10_000  # a reading is a headline and a few counts


@dataclass(frozen=True)
class Reading:
    """A headline in capitals, with what its own story says of how its words are written."""

    title: str
    words: frozenset[str]  # those evidence can keep in capitals or lower case (`_words`)
    own: Mapping[str, Forms]  # how its story writes them, those it writes
    _shown: dict[tuple[tuple[str, str], ...], str] = field(
        default_factory=dict, compare=False, repr=False
    )  # by what the archive said of `asks`

    @property
    def asks(self) -> frozenset[str]:
        """The words its story says nothing of: the archive is asked about them."""
        return self.words - set(self.own)

    def shown(self, archive: Mapping[str, str]) -> str:
        """The headline in title case, each word its story or `archive` (a word of `asks`
        → UPPER or LOWER, as `SearchIndex.archive_cases` answers) says how to write kept so."""
        said = tuple(sorted((word, archive[word]) for word in self.asks if word in archive))
        if said not in self._shown:
            pieces = _TICKER_SPAN.split(self.title)
            self._shown[said] = "".join(
                piece if n % 2 else self._recased(piece, dict(said), first=n == 0)
                for n, piece in enumerate(pieces)
            )
        return self._shown[said]

    def _recased(self, text: str, archive: Mapping[str, str], *, first: bool) -> str:
        opening = len(text) - len(text.lstrip()) if first else -1  # where the first word is

        def word(match: re.Match[str]) -> str:
            found, suffix = match.group(1), (match.group(2) or "").lower()
            if len(found) == 1 and text.startswith(".", match.end()):  # U.S.
                return found + suffix
            return self._written(found, archive, opening=match.start() == opening) + suffix

        return _WORD.sub(word, text)

    def _written(self, word: str, archive: Mapping[str, str], *, opening: bool) -> str:
        forms = self.own.get(word)
        if forms:
            if word in forms:  # written in capitals
                return word
            commonest = max(forms, key=forms.__getitem__)
            if _inner_capital(commonest) or (commonest.islower() and is_shorthand(word)):
                return commonest
        elif word in archive:
            return word if archive[word] == UPPER else word.lower()
        if word.lower() in SMALL_WORDS and not opening:
            return word.lower()
        return word[:1].upper() + word[1:].lower()


def reading(title: str, body: str) -> Reading | None:
    """What `body` says of the words of `title`; None for a headline not in capitals.
    Remembered by the title and the text's length and hash."""
    letters = [c for c in _TICKER_SPAN.sub("", title) if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    if len(letters) < MIN_LETTERS or upper < SHOUTING * len(letters):
        return None
    return _readings.get_or_make((title, len(body), hash(body)), partial(_read, title, body))


def _read(title: str, body: str) -> Reading:
    words = _words(title)
    return Reading(title, words, written(body, words))


_readings: Cache[tuple[str, int, int], Reading] = Cache(READINGS_KEPT)


def shown_titles(archive: Archive, rows: Iterable[Listed]) -> dict[str, str]:
    """Each row's headline as every page, feed and JSON answer shows it, by id: recased
    by its story's evidence and, for the words it leaves open, the archive's (one question
    to the index for them all); as sent where the settings say so."""
    rows = list(rows)
    if archive.settings.headlines_as_sent:
        return {row.id: row.title for row in rows}
    readings = [(row, reading(row.title, row.body)) for row in rows]
    asked = frozenset().union(*(found.asks for _row, found in readings if found))
    cases = archive.index.archive_cases(asked) if asked else {}
    return {row.id: found.shown(cases) if found else row.title for row, found in readings}


def readable(title: str, body: str = "", archive: Mapping[str, str] | None = None) -> str:
    """`title` as shown: recased if it is in capitals (see above), else as it is."""
    found = reading(title, body)
    return title if found is None else found.shown(archive or {})


def _words(title: str) -> frozenset[str]:
    """The words of a headline that evidence can keep in capitals or lower case: of two
    letters or more, all capitals, and not the small words title case keeps in lower case."""
    found = _CAPITALS.findall(_TICKER_SPAN.sub(" ", title))
    return frozenset(w for w in found if w.isupper() and w.lower() not in SMALL_WORDS)


def _inner_capital(form: str) -> bool:
    """Written with a capital after its first letter, and not in capitals (McDonnell)."""
    rest = form[1:]
    return rest != rest.lower() and not form.isupper()


def highlighted(text: str, terms: frozenset[str]) -> Markup:
    """`text` escaped, `terms` in <mark> (an article's paragraphs, opened from a search)."""
    return Markup(highlight(text, terms))  # safe: highlight() escapes the text itself


def headline_html(shown: str, terms: frozenset[str] = frozenset()) -> Markup:
    """A headline as shown (`readable`), escaped, `terms` in <mark>, tickers in a span."""
    marked = highlight(shown, terms)  # escaped, matches in <mark>
    # safe: a ticker's letters and marks, as escaped, moved into a span of ours
    return Markup(_TICKER.sub(r'<span class="ticker">\1</span>', marked))


def lead_under(title: str, lead: str) -> str:
    """The lead as an article shows it under its headline. A headline made from the lead
    (its first sentence, or that sentence cut with "…") is not printed twice: the lead
    goes on from where the headline ends, after "…" if it was cut."""
    if title.endswith("…") and lead.startswith(title[:-1]):
        return "…" + lead[len(title) - 1 :]
    if title == first_sentence(lead):
        return lead[len(title) :].lstrip()
    return lead
