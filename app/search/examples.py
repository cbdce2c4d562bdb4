"""Examples of the query language drawn from the archive itself, so that they find something.

/help and the home page once showed "Putin Trump", "source:TASS" and "Budapest": the seed
story's words, which find nothing in an archive of other news. Here each example is made
of the archive's own commonest words, names, place, source and month, and is checked to
find stories (or built so that it must: a place among the matches of the word it is shown
with). They are worked out once an index generation: a few searches, some tens of ms.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from itertools import islice

from app.archive import Archive
from app.engine import MIN_WILDCARD_LETTERS
from app.search.generations import once_a_generation
from app.search.params import parse_params
from app.search.queries import highlighted_words, search
from app.search.significant import NAME, STOP_WORDS

COMMON = 40  # the commonest words looked at
SHORTEST = 5  # letters: "dlrs", "pct", "mln" are common and no example
SAMPLE = 100  # stories read at each end of the archive for a two-word name...
LEAD = 1_500  # ...their first characters only
SORTS = ("newest", "oldest")  # the archive's two ends
UNLIKE_TRIED = 8  # common words tried for "not"
VOWELS = "aeiou"


@dataclass(frozen=True)
class Examples:
    """Queries that find stories in this archive, one for each part of the language."""

    word: str  # its commonest word (of five letters or more) that has other forms
    forms: tuple[str, ...]  # other words a search for it finds ("billions")
    other: str  # a second common word, found with `word`
    third: str  # a third, for "either"
    unlike: str | None  # a common word some stories of `word` lack (`other` if it is one)
    phrase: str  # two words side by side, as most often written ("New York")
    title: str  # a word found in headlines
    place: str | None  # the commonest place among the matches of `word`
    source: str | None  # the commonest source among them
    month: date | None  # the month with most of them

    @property
    def both(self) -> str:
        return f"{self.word} {self.other}"

    @property
    def either(self) -> str:
        return f"{self.word} OR {self.third}"

    @property
    def without(self) -> str | None:
        return f"{self.word} NOT {self.unlike}" if self.unlike else None

    @property
    def grouped(self) -> str:
        return f"({self.word} OR {self.third}) {self.other}"

    @property
    def in_place(self) -> str:
        return f"place:{_quoted(self.place or '')} {self.word}"

    @property
    def from_source(self) -> str:
        return f"source:{_quoted(self.source or '')}"

    @property
    def prefix(self) -> str:
        """The word's beginning and a wildcard: "compan*"."""
        return self.word[: max(MIN_WILDCARD_LETTERS, len(self.word) - 3)] + "*"

    @property
    def one_letter(self) -> str:
        """The word with a vowel (not its first letter) as `?`: "comp?ny"."""
        at = next((n for n, c in enumerate(self.word) if c in VOWELS and n), len(self.word) - 1)
        return self.word[:at] + "?" + self.word[at + 1 :]


# The syntax with words in its place, for an archive without any (shown unlinked)
PLACEHOLDER = Examples(
    word="word",
    forms=(),
    other="another",
    third="other",
    unlike="another",
    phrase="two words",
    title="word",
    place="PLACE NAME",
    source="Source",
    month=None,
)


def examples(archive: Archive) -> Examples | None:
    """The archive's examples (None while it holds no words), worked out once a generation."""
    return once_a_generation(archive, "examples", lambda: _examples(archive))


def _examples(archive: Archive) -> Examples | None:
    words = [
        word
        for word, _count in archive.index.common_words(COMMON, shortest=SHORTEST)
        if word not in STOP_WORDS
    ]
    if len(words) < 3 or not _finds(archive, words[0]):
        return None
    word = next((w for w in words if len(highlighted_words(archive, w)) > 1), words[0])
    rest = [w for w in words if w != word]
    other = next((w for w in rest if _finds(archive, f"{word} {w}")), rest[0])
    found = search(archive, parse_params({"q": word, "per_page": 1}), facets=True)
    facets = found.facets
    assert facets is not None, "asked for"
    busiest = max(facets.months, key=lambda pair: pair[1], default=None)
    return Examples(
        word=word,
        forms=tuple(sorted(highlighted_words(archive, word) - {word})),
        other=other,
        third=next(w for w in rest if w != other),
        unlike=_unlike(archive, word, [other, *rest[:UNLIKE_TRIED]]),
        phrase=_phrase(archive) or f"{word} {other}",
        title=next((w for w in words if _finds(archive, f"title:{w}")), word),
        place=_first(facets.named["place"]),
        source=_first(facets.named["source"]),
        month=busiest[0] if busiest else None,
    )


def _finds(archive: Archive, q: str) -> int:
    return search(archive, parse_params({"q": q, "per_page": 1})).total


def _unlike(archive: Archive, word: str, tried: list[str]) -> str | None:
    """The first of `tried` that some stories holding `word` lack (none, when one story
    holds them all)."""
    return next((w for w in tried if w != word and _finds(archive, f"{word} NOT {w}")), None)


def _phrase(archive: Archive) -> str | None:
    """The two-word name (two capitalised words side by side, no stop word) in most of the
    newest and oldest stories' leads; None if they hold none that a phrase search finds."""
    ends = (search(archive, parse_params({"sort": end, "per_page": SAMPLE})) for end in SORTS)
    rows = archive.store.listed([item.id for found in ends for item in found.items]).values()
    names: Counter[str] = Counter()
    for row in rows:
        text = f"{row.title}\n{row.body[:LEAD]}"
        names.update({f"{found[1]} {found[2]}" for found in NAME.finditer(text)})
    plain = (name for name, _count in names.most_common() if not _stop(name))
    return next((name for name in islice(plain, 5) if _finds(archive, f'"{name}"')), None)


def _stop(name: str) -> bool:
    return any(word.casefold() in STOP_WORDS for word in name.split())


def _quoted(name: str) -> str:
    """A field's value as the query language takes it: in quotes if it holds a space."""
    return f'"{name}"' if " " in name else name


def _first(values: list[tuple[str, int]]) -> str | None:
    return values[0][0] if values else None
