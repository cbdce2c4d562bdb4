"""How a story's own text writes its words: the evidence a headline sent in capitals is
shown by, its abbreviations kept (`app/search/headlines.py`).

A wire headline in capitals hides which of its words are abbreviations (ICCO, NYMEX, GM)
and which are words; the story under it does not: it writes "the ICCO Council", "NYMEX
said", "20 mln dlrs". Only plain text counts: a paragraph mostly in capitals (a table, a
heading) says nothing, nor does a ticker (`<GM.N>`) or a label (`NOTE:`).

The index keeps, for every article, the words its text writes in capitals and the wire
shorthand (a word without a vowel: mln, dlrs, pct) it writes in lower case (`schema.py`),
so that the archive can be asked about a word a story's own text never writes
(`rates.archive_cases`): the story that names the New York Mercantile Exchange in full
is shown NYMEX as the others write it.

Both run often (every article indexed, every headline of a results page), so the text is
searched with the string methods and two prefiltering patterns, never a pattern made per
headline: a page of twenty costs well under a millisecond.
"""

import re
from collections import Counter
from collections.abc import Collection, Iterator, Mapping

UPPER, LOWER = "upper", "lower"
VOWELS = frozenset("AEIOUYaeiouy")
_TICKER = re.compile(r"<[^<>\s]{1,16}>")
_EDGE = r"[^\W_]"  # a letter or a digit: what may not stand right before or after a word
# candidates, each checked in full after: a run of letters none of them a to z, and a run
# of lower-case consonants (Unicode's capitals and shorthand are a subset of these)
_CAPITALS = re.compile(rf"(?<!{_EDGE})[^\W\d_a-z]{{2,}}(?!{_EDGE})")
_SHORTHAND = re.compile(rf"(?<!{_EDGE})[b-df-hj-np-tv-xz]{{2,}}(?!{_EDGE})")
_A_TO_Z, _a_to_z = bytes(range(ord("A"), ord("Z") + 1)), bytes(range(ord("a"), ord("z") + 1))

Forms = Mapping[str, int]  # how often a text writes a word each way ("ICCO", "Icco", "dlr")


def is_shorthand(word: str) -> bool:
    """Letters without a vowel (MLN, DLR, PCT, QTR): wire shorthand, never a word."""
    return word.isalpha() and not VOWELS.intersection(word)


def plain_paragraphs(text: str) -> Iterator[str]:
    """The paragraphs of `text` whose case means something (letters mostly in lower case),
    tickers blanked out."""
    for paragraph in text.split("\n\n"):
        paragraph = _TICKER.sub(" ", paragraph) if "<" in paragraph else paragraph
        if _mostly_lower_case(paragraph):
            yield paragraph


def _mostly_lower_case(paragraph: str) -> bool:
    """More of its letters a to z are in lower case than in capitals (letters outside
    them are not counted: a table or a heading is told apart by the ones that are, with
    two byte translations rather than a question to each character)."""
    raw = paragraph.encode()
    capitals = len(raw) - len(raw.translate(None, _A_TO_Z))
    return capitals < len(raw) - len(raw.translate(None, _a_to_z))


def written(text: str, words: Collection[str]) -> dict[str, Forms]:
    """How the plain text of `text` writes each of `words` (given in capitals, letters
    only), keyed by the word. A word it writes in capitals anywhere is said so at once (a
    count of 1); one it writes only in lower case or capitalised is said to be in lower
    case (the string methods tell, no occurrence read, so that a word met only inside
    others in lower case, gm in paradigm, counts too: it is then title-cased, as with no
    evidence at all); only the others (McDonnell,
    shorthand) are read occurrence by occurrence: most headline words cost a few searches
    of the text. A plural in lower case counts as its word's lower case (`dlrs` for DLR);
    a label (`NOTE:`) is not a word of the text."""
    capitals = text.upper()
    if len(capitals) != len(text):  # a letter whose capital is longer (ß): left unread
        return {}
    reading = _Reading(text, capitals)
    return {word: forms for word in words if word in capitals and (forms := reading.forms(word))}


class _Reading:
    """A text read for the forms of a few words: its paragraphs judged and its tickers
    found once, and only where an occurrence asks."""

    def __init__(self, text: str, capitals: str) -> None:
        self.text, self.capitals = text, capitals
        self.tickers = [m.span() for m in _TICKER.finditer(text)] if "<" in text else []
        self.plain: dict[int, bool] = {}  # by a paragraph's start

    def forms(self, word: str) -> Forms:
        if word in self.text and any(self._counts(at, word) for at in _starts(self.text, word)):
            return {word: 1}
        lower, title = word.lower(), word.capitalize()
        cased = self.text.count(lower) + self.text.count(title)
        if cased == self.capitals.count(word) and not is_shorthand(word):
            return {lower: 1}  # in lower case or capitalised alone: nothing to read further
        return Counter(
            form for at in _starts(self.capitals, word) if (form := self._form(at, word))
        )

    def _form(self, at: int, word: str) -> str:
        """The form of the occurrence of `word` at `at` if it counts, else ""."""
        form = self.text[at : at + len(word)]
        return form if self._counts(at, form) else ""

    def _counts(self, at: int, form: str) -> bool:
        """Whether `form` at `at` is a whole word of plain text (a lower-case plural too), not
        a label nor in a ticker."""
        end = at + len(form)
        if form.islower() and self.text.startswith("s", end):
            end += 1
        before, after = self.text[at - 1 : at] if at else "", self.text[end : end + 1]
        if before.isalnum() or after.isalnum() or "_" in (before, after):
            return False
        if form.isupper() and after == ":":
            return False
        return not any(start <= at < stop for start, stop in self.tickers) and self._plain(at)

    def _plain(self, at: int) -> bool:
        found = self.text.rfind("\n\n", 0, at)
        start = found + 2 if found >= 0 else 0
        if start not in self.plain:
            stop = self.text.find("\n\n", at)
            paragraph = self.text[start : stop if stop >= 0 else None]
            self.plain[start] = _mostly_lower_case(_TICKER.sub(" ", paragraph))
        return self.plain[start]


def _starts(text: str, word: str) -> Iterator[int]:
    """Where `word` begins in `text`, each place."""
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


def cased_words(text: str) -> dict[str, set[str]]:
    """The words of two letters or more `text` writes in capitals (UPPER, in capitals), and
    its shorthand it writes in lower case (LOWER, in capitals too)."""
    found: dict[str, set[str]] = {UPPER: set(), LOWER: set()}
    for paragraph in plain_paragraphs(text):
        for match in _CAPITALS.finditer(paragraph):
            word = match.group()
            if word.isupper() and not paragraph.startswith(":", match.end()):
                found[UPPER].add(word)
        found[LOWER].update(word.upper() for word in _SHORTHAND.findall(paragraph))
    return found
