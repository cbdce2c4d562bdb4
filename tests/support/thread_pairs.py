"""Labelled pairs for measuring story threads on the real corpora: true versions made by real
edits of real stories, and hard negatives that a careless grouping would merge.

Versions (same day, or the next for an update): a paragraph added (from a story of the same
day), a paragraph cut, figures and a name corrected (the same day), a new lead written over
the old one, which moves down (a write-through). Negatives, labelled by what the headlines
say rather than by the measure under test: stories about two companies (different tickers)
of one day, source and place that share wording (the wire's boilerplate, from a third of
their wording up); two reports of a series (a headline that recurs, figures aside, on
three days or more: a daily operation, a weekly review) one to three days apart, so inside
the window. (Headlines alone cannot say that two other stories of a day are different:
the wire rewrites its headlines, and real versions would be counted as false merges.)
"""

import gzip
import itertools
import json
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from app.threads import Thresholds, likeness, shingles, versions

_FIGURE = re.compile(r"\b\d+(?:[.,/]\d+)*\b")
_NAME = re.compile(r"\b[A-Z][a-z]{3,}\b")
_TICKER = re.compile(r"<([A-Z][A-Z.]{0,9})>")


@dataclass(frozen=True)
class Story:
    published: date
    place: str | None
    source: str | None
    title: str
    paragraphs: tuple[str, ...]

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Pair:
    kind: str  # what made it: an edit's name, or the kind of negative
    first: Story
    second: Story
    versions: bool  # the label


def stories(path: Path) -> list[Story]:
    """A corpus's stories of two paragraphs or more (an edit needs a paragraph to move)."""
    kept = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            paragraphs = tuple(p.strip() for p in row["body"].split("\n\n") if p.strip())
            if len(paragraphs) >= 2:
                day = date.fromisoformat(row["published"])
                kept.append(
                    Story(day, row.get("place"), row.get("source"), row["title"], paragraphs)
                )
    return kept


def labelled_pairs(corpus: list[Story], *, versions: int, seed: int) -> list[Pair]:
    """`versions` edited pairs, and as many hard negatives of each kind as the corpus has
    up to that number."""
    chosen = random.Random(seed)
    by_day: dict[date, list[Story]] = defaultdict(list)
    for story in corpus:
        by_day[story.published].append(story)
    edits = [_added, _cut, _corrected, _new_lead]
    made = []
    for story in chosen.sample(corpus, versions):
        edit = edits[len(made) % len(edits)]
        other = chosen.choice([s for s in by_day[story.published] if s is not story] or corpus)
        made.append(edit(story, other, chosen))
    return made + _same_day(corpus, versions, chosen) + _recurring(corpus, versions, chosen)


def _added(story: Story, other: Story, chosen: random.Random) -> Pair:
    at = chosen.randrange(1, len(story.paragraphs) + 1)
    paragraphs = story.paragraphs[:at] + (chosen.choice(other.paragraphs),) + story.paragraphs[at:]
    later = Story(
        story.published + timedelta(days=chosen.choice((0, 1))),
        story.place,
        story.source,
        story.title,
        paragraphs,
    )
    return Pair("paragraph added", story, later, True)


def _cut(story: Story, _other: Story, chosen: random.Random) -> Pair:
    at = chosen.randrange(1, len(story.paragraphs))
    paragraphs = story.paragraphs[:at] + story.paragraphs[at + 1 :]
    return Pair("paragraph cut", story, _with(story, paragraphs), True)


def _corrected(story: Story, other: Story, chosen: random.Random) -> Pair:
    text = story.body
    figures = _FIGURE.findall(text)
    for figure in chosen.sample(figures, min(3, len(figures))):
        text = text.replace(figure, str(int(re.sub(r"\D", "", figure)) + 7), 1)
    names, others = _NAME.findall(text), _NAME.findall(other.body)
    if names and others:
        text = text.replace(chosen.choice(names), chosen.choice(others), 1)
    return Pair(
        "figures and a name corrected", story, _with(story, tuple(text.split("\n\n"))), True
    )


def _new_lead(story: Story, other: Story, chosen: random.Random) -> Pair:
    old = story.paragraphs[0]
    lead = f"{other.paragraphs[0].split('.')[0]}, {old[0].lower()}{old[1:]}"
    later = Story(
        story.published + timedelta(days=chosen.choice((0, 1))),
        story.place,
        story.source,
        story.title,
        (lead, *story.paragraphs),
    )
    return Pair("new lead", story, later, True)


def _with(story: Story, paragraphs: tuple[str, ...]) -> Story:
    return Story(story.published, story.place, story.source, story.title, paragraphs)


def _same_day(corpus: list[Story], count: int, chosen: random.Random) -> list[Pair]:
    """Stories of one day, source and place about two companies (their headlines name
    different tickers: `<XON>`, `<MOB>`) that share wording: results, payouts, contracts
    and issues told in the wire's set phrases."""
    groups: dict[tuple, list[Story]] = defaultdict(list)
    for story in corpus:
        if _TICKER.search(story.title):
            groups[(story.published, story.place, story.source)].append(story)
    alike = []
    for group in groups.values():
        for first, second in itertools.combinations(group, 2):
            if set(_TICKER.findall(first.title)).isdisjoint(_TICKER.findall(second.title)):
                shared = likeness(shingles(first.body), shingles(second.body))
                if max(shared.jaccard, shared.containment) >= 1 / 3:
                    alike.append(Pair("same day, source and place", first, second, False))
    return chosen.sample(alike, min(count, len(alike)))


def _recurring(corpus: list[Story], count: int, chosen: random.Random) -> list[Pair]:
    """A series: a headline that recurs, its figures aside, on three days or more (a story
    sent again is sent on two at most); two of its reports 1 to 3 days apart (inside the
    window)."""
    groups: dict[str, list[Story]] = defaultdict(list)
    for story in corpus:
        groups[_FIGURE.sub("#", story.title)].append(story)
    series = [group for group in groups.values() if len({s.published for s in group}) >= 3]
    pairs = [
        Pair("the same report on another day", first, second, False)
        for group in series
        for first, second in itertools.combinations(group, 2)
        if 1 <= abs((first.published - second.published).days) <= 3
    ]
    return chosen.sample(pairs, min(count, len(pairs)))


def told(pairs: list[Pair], rule: Thresholds) -> Counter[tuple[str, bool, bool]]:
    """(kind, label, what the rule said) of each pair, counted."""
    return Counter(
        (
            pair.kind,
            pair.versions,
            versions(
                shingles(pair.first.body),
                pair.first.published,
                shingles(pair.second.body),
                pair.second.published,
                rule,
            ),
        )
        for pair in pairs
    )


def rates(counts: Counter[tuple[str, bool, bool]]) -> tuple[float, float]:
    """Recall and precision of what the rule said."""
    hits = sum(n for (_k, label, said), n in counts.items() if label and said)
    missed = sum(n for (_k, label, said), n in counts.items() if label and not said)
    wrong = sum(n for (_k, label, said), n in counts.items() if not label and said)
    return hits / max(1, hits + missed), hits / max(1, hits + wrong)
