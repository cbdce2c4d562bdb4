"""What a search's matches talk about: the words and two-word names most over-represented in
them against the whole archive, as Media Cloud's "top words" or Elasticsearch's
significant_terms aggregation list them.

Pure: the query layer hands over the text of a sample of the matches and, for the
candidates counted here, how many of the archive's documents hold each (the index's
document frequencies). Everything is counted in documents, not occurrences: a story that
says "OPEC" ten times is one story about OPEC.

A word is a term as the index cuts and folds it (`indexed_form`), counted where the
narrowed search finds it: in the title or the body. A name is two capitalised words side
by side ("Saudi Arabia"), found where they are written so at least once in the sample, and
then counted, as a phrase search finds it, wherever the two words stand side by side.
The archive's figures are the body's (the index keeps its statistics a field): a word
found only in headlines looks rarer in the archive than it is, a small bias for them.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from math import log

from app.engine import COMMON_WORDS, WORD, Rates, indexed_form

TOP_TERMS = 20
# A term in fewer documents of the sample is left out, however rare in the archive: one or
# two stories sharing an odd word is chance, not what the matches are about.
MIN_DOCUMENTS = 3
# Text read of each story: a news story says what it is about long before this; a
# 5 MiB document would otherwise cost seconds.
MAX_CHARS = 20_000
# Listed only above this G²: χ² with one degree of freedom passes it by chance one time in
# twenty. Below it a term is no commoner in the sample than luck would often make it.
MIN_SCORE = 3.84
BATCH = 100  # candidates whose archive rates are read at once (see `significant`)
# Function words and the verbs of reporting: frequent everywhere, about nothing. Whoosh's
# own list (COMMON_WORDS) is a few dozen; this is the usual English list besides.
STOP_WORDS = COMMON_WORDS | frozenset(
    """
    about above after again against all also am among any anyone because been before being
    below between both but could did do does doing down during each either else ever every
    few further had has having he her here hers herself him himself his how however i into
    its itself just last least less like made make many me more most much must my myself
    neither next no nor now off once one only other others our ours ourselves out over own
    per rather said same say says she should since so some still such than their theirs them
    themselves then there these they those though through thus too told under until up upon
    very was were what whatever where whether which while who whom whose why would yes
    yesterday you yours yourself yourselves s t don mr mrs ms shall
    """.split()
)
# Two words side by side, each an initial capital then at least one small letter ("Saudi
# Arabia", not "OPEC SAYS"), nothing but spaces between: the lookahead lets the pairs of
# "Saudi Arabian Oil" overlap.
_CAPITAL = r"[A-ZÀ-ÖØ-Þ][^\W\d_]*[a-zß-öø-ÿ][^\W\d_]*"
NAME = re.compile(rf"(?<![\w.*])({_CAPITAL})[ \t]+(?=({_CAPITAL})(?![\w*]))")
_LETTER = re.compile(r"[^\W\d_]")

Pair = tuple[str, str]


@dataclass
class Counted:
    """A sample's documents, and how many of them hold each word and each pair of words
    side by side (indexed forms); how each pair was written where it was capitalised."""

    documents: int = 0
    words: Counter[str] = field(default_factory=Counter)
    pairs: Counter[Pair] = field(default_factory=Counter)
    spellings: dict[Pair, Counter[str]] = field(default_factory=dict)


def count_documents(texts: Iterable[tuple[str, str]]) -> Counted:
    """Count the words and word pairs of each (title, body), a document at a time. Title and
    body are apart, as the index keeps them: no pair spans the two."""
    counted = Counted()
    spellings: defaultdict[Pair, Counter[str]] = defaultdict(Counter)
    for title, whole in texts:
        body = whole[:MAX_CHARS]
        heading = list(map(indexed_form, WORD.findall(title)))
        tokens = list(map(indexed_form, WORD.findall(body)))
        counted.words.update({*heading, *tokens})
        counted.pairs.update({*pairwise(heading), *pairwise(tokens)})
        for match in NAME.finditer(body):
            pair = (indexed_form(match[1]), indexed_form(match[2]))
            spellings[pair][f"{match[1]} {match[2]}"] += 1
        counted.documents += 1
    counted.spellings.update(spellings)
    return counted


def is_word(term: str, excluded: frozenset[str]) -> bool:
    """Whether an indexed term may be listed: not a stop word, not one of `excluded` (the
    query's words and their forms), two characters or more with a letter (no number alone,
    no code of digits), no wildcard character (the query language would read it)."""
    return (
        len(term) > 1
        and term not in STOP_WORDS
        and term not in excluded
        and "*" not in term
        and _LETTER.search(term) is not None
    )


@dataclass(frozen=True)
class Candidate:
    """A word (its indexed form) or a name (a pair of them) in enough of the sample."""

    key: str | Pair
    count: int  # documents of the sample holding it


def candidates(counted: Counted, excluded: frozenset[str]) -> list[Candidate]:
    """The words and names (capitalised pairs) in enough of the sample's documents to be
    listed, the query's own words and the stop words left out; the commonest first."""
    words = [
        Candidate(word, n)
        for word, n in counted.words.items()
        if n >= MIN_DOCUMENTS and is_word(word, excluded)
    ]
    names = [
        Candidate(pair, counted.pairs[pair])
        for pair in counted.spellings
        if counted.pairs[pair] >= MIN_DOCUMENTS and all(is_word(w, excluded) for w in pair)
    ]
    return sorted(words + names, key=lambda candidate: -candidate.count)


def log_likelihood(held: int, sample: int, frequency: int, documents: int) -> float:
    """Dunning's G² of a term held by `held` of the sample's `sample` documents and by
    `frequency` of the archive's `documents` (the sample among them), against the rest of
    the archive; 0 unless the sample holds it more often than the rest.

    Chosen over significant_terms' JLH, (fg − bg)·fg/bg, which grows without bound as the
    background rate falls and so ranks a word in 3 stories and nowhere else above one in
    half the matches and a tenth of the archive. G² is a test statistic (χ² with one degree
    of freedom: above 10.8 one chance in a thousand), it weighs how far the counts are from
    what the rates predict by how much evidence they rest on, and it stays meaningful for
    rare words (Dunning 1993; Rayson and Garside's "keyness" of corpus linguistics).
    """
    rest = documents - sample
    rest_held = min(max(frequency - held, 0), rest)  # the body's rate: a headline-only word
    if rest <= 0 or held * rest <= rest_held * sample:
        return 0.0
    table = ((held, sample - held), (rest_held, rest - rest_held))
    share = (held + rest_held) / documents
    total = 0.0
    for observed, size in zip(table, (sample, rest), strict=True):
        for value, rate in zip(observed, (share, 1 - share), strict=True):
            if value:
                total += value * log(value / (size * rate))
    return 2 * total


@dataclass(frozen=True)
class Term:
    """A listed term: how it is shown and searched, and its figures over the sample."""

    text: str  # a word as indexed ("opec"); a name as most often written ("Saudi Arabia")
    name: bool
    count: int  # documents of the sample holding it
    expected: float  # what the archive's rate predicts for the sample's documents
    score: float  # G²

    def narrowing(self, q: str) -> str:
        """The query `q` with this term added: in quotes, so that exactly the documents
        counted are found (a plain word would find its forms too). A query with OR is
        bracketed first, or the term would bind to its last word only; an open quote is
        closed, as the query language reads it."""
        quoted = f'"{self.text}"'
        if not q:
            return quoted
        q += '"' if q.count('"') % 2 else ""
        return f"({q}) {quoted}" if re.search(r"\bOR\b", q) else f"{q} {quoted}"


RatesOf = Callable[[list[str], list[Pair]], Rates]  # words, names → the archive's rates


def significant(
    counted: Counted, chosen: list[Candidate], rates_of: RatesOf, *, top: int = TOP_TERMS
) -> list[Term]:
    """The `top` of the candidates (commonest first) most over-represented in the sample
    against the archive, best first; `rates_of` reads the archive's rates of some of them.

    Rates are read a batch of candidates at a time, and no more once the list is certain: a
    term's G² can be no higher than if no other document held it, a bound that falls with
    its count, and most candidates are in a few documents only.
    """
    found: list[Term] = []
    documents = 0
    for start in range(0, len(chosen), BATCH):
        batch = chosen[start : start + BATCH]
        most = batch[0].count
        if len(found) == top and found[-1].score >= log_likelihood(
            most, counted.documents, most, documents
        ):
            break
        words = [c.key for c in batch if isinstance(c.key, str)]
        names = [c.key for c in batch if isinstance(c.key, tuple)]
        rates = rates_of(words, names)
        documents = rates.documents
        found = _best(found + _terms(counted, rates), top)
    return found


def _terms(counted: Counted, rates: Rates) -> list[Term]:
    """The terms of the words and names `rates` gives rates of."""
    sample, documents = counted.documents, rates.documents
    terms = [
        _term(word, False, counted.words[word], frequency, sample, documents)
        for word, frequency in rates.words.items()
    ]
    terms += [
        _term(_spelling(counted, pair), True, counted.pairs[pair], frequency, sample, documents)
        for pair, frequency in rates.phrases.items()
    ]
    return terms


def _best(terms: list[Term], top: int) -> list[Term]:
    """The `top` terms over-represented beyond chance, the highest score first (then the
    commonest)."""
    kept = [term for term in terms if term.score > MIN_SCORE]
    return sorted(kept, key=lambda term: (-term.score, -term.count, term.text))[:top]


def _term(text: str, name: bool, held: int, frequency: int, sample: int, documents: int) -> Term:
    expected = sample * frequency / documents if documents else 0.0
    score = log_likelihood(held, sample, frequency, documents)
    return Term(text, name, held, expected, score)


def _spelling(counted: Counted, pair: Pair) -> str:
    """A name as the sample most often writes it (the first in order on a tie)."""
    written = counted.spellings[pair]
    most = max(written.values())
    return min(spelling for spelling, n in written.items() if n == most)
