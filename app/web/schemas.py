"""The JSON API's response shapes, and their making from the query layer's answers.

Declared as pydantic models so that /docs shows them and every response is
checked against its schema.
"""

from dataclasses import fields
from datetime import date
from typing import Any

from pydantic import BaseModel, Field, create_model

from app.article import PUBLIC_FIELDS, Article
from app.facets import FACETS, TOP_NAMES
from app.ingest import IngestReport
from app.search import queries as search
from app.search.diff import Run
from app.search.facets import Facets
from app.search.queries import ArticleRecord
from app.search.timeline import Bucket, Charted
from app.search.versions import Superseded, Version
from app.web.urls import article_url, narrowed_url, versions_url

TITLE_HELP = "The headline exactly as its source sent it."
HEADLINE_HELP = (
    "The headline as the pages show it: one sent in capitals in title case, every word "
    "the archive's texts write in capitals kept so; the same as title where the server "
    "shows headlines as sent (NEWSARCHIVE_HEADLINES_AS_SENT)."
)


class ResultOut(BaseModel):
    id: str
    title: str = Field(description=TITLE_HELP)
    headline: str = Field(description=HEADLINE_HELP)
    published: date
    place: str | None
    source: str | None
    snippet: str = Field(description="HTML-safe excerpt; matched words are in <mark>.")
    url: str
    versions: int = Field(
        1, description="Versions of its story (collapsed results: this one stands for them)."
    )


class Count(BaseModel):
    value: str = Field(
        description="A source, a place, a topic, a year (YYYY) or a month (YYYY-MM)."
    )
    count: int


FACETS_HELP = (
    f"How the matches divide: by {', '.join(f.label for f in FACETS)} (the {TOP_NAMES} most "
    "frequent values of each), year and month."
)


class NamesOut(BaseModel):
    """Every value of a named filter among the matches: a facet whole."""

    total: int = Field(description="How many values there are.")
    values: list[Count] = Field(description="Each with its matches, the commonest first.")


def names_out(values: list[tuple[str, int]]) -> NamesOut:
    return NamesOut(total=len(values), values=[Count(value=v, count=n) for v, n in values])


class SearchOut(BaseModel):
    total: int = Field(
        description="How many match, over all pages: stories (a story's versions one) when "
        "`articles` is given, else articles."
    )
    articles: int | None = Field(
        None, description="How many articles match, when results are collapsed into stories."
    )
    page: int
    per_page: int
    pages: int
    items: list[ResultOut]
    facets: dict[str, list[Count]] | None = Field(None, description=FACETS_HELP)
    suggestion: str | None = Field(None, description="A respelt query that finds more.")


class TermOut(BaseModel):
    term: str = Field(description="A word as the index holds it, or a name as written.")
    kind: str = Field(description="word, or name: two capitalised words side by side.")
    count: int = Field(description="Documents of the sample holding it, in title or body.")
    expected: float = Field(
        description="What the whole archive's rate (documents holding it in the body) "
        "predicts for as many documents as the sample."
    )
    score: float = Field(description="Log-likelihood ratio G² of sample against archive.")
    url: str = Field(description="The search narrowed to it: the term added to q, quoted.")


class TermsOut(BaseModel):
    """What a search's matches talk about: the words and two-word names most over-represented
    in a sample of them against the whole archive, the most significant first."""

    matches: int = Field(description="How many articles match, as /api/search's total.")
    sample: int = Field(description="How many of them were read: the first in sampled_by order.")
    sampled_by: str = Field(description="relevance (with q), else newest or oldest.")
    terms: list[TermOut]


def terms_out(found: search.TermsFound) -> TermsOut:
    terms = [
        TermOut(
            term=term.text,
            kind="name" if term.name else "word",
            count=term.count,
            expected=round(term.expected, 2),
            score=round(term.score, 1),
            url=narrowed_url(found.params, term),
        )
        for term in found.terms
    ]
    return TermsOut(
        matches=found.total, sample=found.sample, sampled_by=found.sampled_by, terms=terms
    )


class BucketOut(BaseModel):
    start: date
    end: date
    count: int = Field(description="Matching stories published from start to end.")
    label: str
    archive: int = Field(
        description="The whole archive's stories from start to end, filters or not; 0: the "
        "archive holds nothing of these days (a gap in it, not a lack of matches)."
    )
    share: float | None = Field(
        description="count ÷ archive; null where the archive holds nothing, or where every "
        "version is counted (collapse=false: the archive's are counted as stories)."
    )
    charted: bool = Field(
        description="False for a first or last bucket gathering the matches far from the "
        "rest, which the page's chart counts apart. The others each span one unit, but for "
        "a run of periods the archive holds nothing of: one bucket (archive 0)."
    )


class TimelineOut(BaseModel):
    total: int
    unit: str | None = Field(description="day, week, month or year; null when nothing matched.")
    buckets: list[BucketOut] = Field(
        description="Consecutive, from the first match to the last; their counts sum to total."
    )


class ChangeOut(BaseModel):
    kind: str = Field(description="kept, inserted or deleted.")
    text: str = Field(description="The words, as they are (not HTML).")


class VersionOut(BaseModel):
    id: str
    title: str = Field(description=TITLE_HELP)
    headline: str = Field(description=HEADLINE_HELP)
    kind: str | None = Field(
        description="What its headline's marker says it is: corrected, updated, refiled or "
        "repeated; null without one."
    )
    published: date
    place: str | None
    source: str | None
    url: str
    inserted: int = Field(description="Words added since the version before.")
    deleted: int = Field(description="Words removed since the version before.")
    changes: list[ChangeOut] | None = Field(
        description="The text against the version before, word by word; null for the first."
    )
    headline_changes: list[ChangeOut] | None = Field(
        description="The headline (as `headline`) against the version before's, word by "
        "word; null for the first."
    )


class VersionsOut(BaseModel):
    thread: str = Field(description="The thread's id: its first article's.")
    versions: list[VersionOut] = Field(description="Oldest first.")


def versions_out(versions: list[Version]) -> VersionsOut:
    return VersionsOut(
        thread=versions[0].record.thread,
        versions=[
            VersionOut(
                id=v.record.id,
                title=v.record.title,
                headline=v.shown,
                kind=v.kind,
                published=v.record.published,
                place=v.record.place,
                source=v.record.source,
                url=article_url(v.record.id),
                inserted=v.inserted,
                deleted=v.deleted,
                changes=_runs_out(v.changes),
                headline_changes=_runs_out(v.headline_changes),
            )
            for v in versions
        ],
    )


def _runs_out(runs: list[Run] | None) -> list[ChangeOut] | None:
    return None if runs is None else [ChangeOut(**vars(run)) for run in runs]


class RelatedOut(BaseModel):
    items: list[ResultOut]


class LaterOut(BaseModel):
    """What replaced a version of a story: a later version exists."""

    kind: str = Field(
        description="corrected when a later version is a correction, else the next "
        "version's kind (updated, refiled, repeated; updated where its headline says none)."
    )
    id: str = Field(
        description="The version to read of the change: the first correction, "
        "else the next version."
    )
    url: str = Field(description="The versions page at that version: what changed.")
    latest: str = Field(description="The newest version's id.")


def _article_model() -> type[BaseModel]:
    """The API's article: every public field of `Article`, with its help, the headline as
    shown, what replaced it if a later version exists, and its address."""
    public: dict[str, Any] = {
        field.name: (field.type, Field(description=field.metadata["help"]))
        for field in fields(Article)
        if field.name in PUBLIC_FIELDS
    }
    shown: Any = (str, Field(description=HEADLINE_HELP))
    later: Any = (LaterOut | None, Field(description="Null unless a later version exists."))
    address: Any = (str, Field(description="The article's page in this archive."))
    return create_model(
        "ArticleOut",
        __doc__="One article, whole.",
        **public,
        headline=shown,
        superseded_by=later,
        url=address,
    )


ArticleOut = _article_model()


_STATS_FIELDS: dict[str, Any] = {
    "stories": (int, Field(description="Stories: a story's versions count once.")),
    "articles": (int, Field(description="The articles they stand for, every version counted.")),
    "first_published": (date | None, ...),
    "last_published": (date | None, ...),
    **{  # by_source, by_place, by_topic: a field a facet (`app.facets`)
        f"by_{f.name}": (
            dict[str, int],
            Field(description=f"Stories of each {f.name}, the commonest first."),
        )
        for f in FACETS
    },
}
StatsOut: type[BaseModel] = create_model("StatsOut", **_STATS_FIELDS)


class RejectedOut(BaseModel):
    item: str = Field(description="Which item of the request (1-based).")
    reason: str


class ErrorOut(BaseModel):
    """The one error shape: what went wrong, as a sentence or, for 422, a list of problems."""

    detail: str | list[dict[str, Any]]


class AddedOut(BaseModel):
    """What storing the request's articles did: the ingest's own report, field for field."""

    added: int
    updated: int
    unchanged: int = Field(description="Already stored: the same id and text.")
    duplicates: int = Field(
        description="The text of a stored article under another id: kept as an alias of it."
    )
    rejected: list[RejectedOut]

    @property
    def stored(self) -> int:
        """Items now in the archive, whether they were new or not."""
        return self.added + self.updated + self.unchanged + self.duplicates


def result_out(item: search.ResultItem) -> ResultOut:
    shown = {"headline": item.shown, "snippet": str(item.snippet), "url": article_url(item.id)}
    return ResultOut(**{**vars(item), **shown})


def search_out(found: search.SearchPage, *, suggestion: str | None = None) -> SearchOut:
    return SearchOut(
        total=found.total,
        articles=found.articles,
        page=found.params.page,
        per_page=found.params.per_page,
        pages=found.pages,
        items=[result_out(item) for item in found.items],
        facets=facets_out(found.facets) if found.facets else None,
        suggestion=suggestion,
    )


def facets_out(facets: Facets) -> dict[str, list[Count]]:
    counted = {
        **{name: [(value, n) for value, n in values] for name, values in facets.named.items()},
        "year": [(str(year), n) for year, n in facets.years],
        "month": [(f"{month:%Y-%m}", n) for month, n in facets.months],
    }
    return {name: [Count(value=v, count=n) for v, n in pairs] for name, pairs in counted.items()}


def timeline_out(total: int, charted: Charted | None) -> TimelineOut:
    if charted is None:
        return TimelineOut(total=total, unit=None, buckets=[])
    return TimelineOut(
        total=total,
        unit=charted.unit,
        buckets=[bucket_out(bucket, charted) for bucket in charted.every],
    )


def bucket_out(bucket: Bucket, charted: Charted) -> BucketOut:
    share = bucket.share if charted.shares else None
    return BucketOut(
        **{name: getattr(bucket, name) for name in ("start", "end", "count", "label")},
        archive=bucket.held,
        share=None if share is None else round(share, 6),
        charted=bucket is not charted.before and bucket is not charted.after,
    )


def article_out(record: ArticleRecord, shown: str, later: Superseded | None) -> BaseModel:
    public = {name: getattr(record, name) for name in PUBLIC_FIELDS}
    replaced = None
    if later is not None:
        change = later.change.id
        at = versions_url(record.id, at=change)
        replaced = LaterOut(kind=later.kind, id=change, url=at, latest=later.latest.id)
    return ArticleOut(**public, headline=shown, superseded_by=replaced, url=article_url(record.id))


def stats_out(stats: search.Stats) -> BaseModel:
    named = {f"by_{name}": counts for name, counts in stats.named.items()}
    return StatsOut(
        stories=stats.stories,
        articles=stats.articles,
        first_published=stats.first_published,
        last_published=stats.last_published,
        **named,
    )


def added_out(report: IngestReport) -> AddedOut:
    rejected = [RejectedOut(item=r.path, reason=r.reason) for r in report.rejected]
    return AddedOut.model_validate({**report.as_dict(), "rejected": rejected})
