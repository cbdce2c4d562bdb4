"""The facets, declared once: the ways the archive's stories divide by name (a source, a
place, a topic), in the order the pages list them.

Everything that spells a facet out reads it here (as Datasette's facet classes are read
from one list): the filters and their query-string names and help (`app/filters.py`), the
index's fields and columns and the engine's tallies (`app/engine/`), the stats, the browse
pages and their paths (`/places`, `/places/{name}`), the API's lists (`/api/places`), the
links, the templates and the command line. A facet whose value is a column of `Article`
(and of the store's table) needs this declaration and a migration that adds the column;
a many-valued one (topics) a table of its own too.

Other modules read `FACETS` when they are imported, never copy it before: a registry
extended first (as `tests/test_facets_declared.py` does) reaches every surface.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Facet:
    """One facet: its parameter (`place`), words, and where its values live."""

    name: str  # the query-string parameter and the filter's name: place=MOSCOW
    plural: str  # its pages' path (/places) and its count's noun (1,393 places)
    help: str  # what the parameter means, for the API's documentation
    column: str = ""  # the `Article` field, store column and index field ("" = `name`)
    many: bool = False  # a story has any number of values (topics), each a term of the index
    among: str = "from"  # how a name's stories relate to it: "from the place", "on the topic"
    beside: tuple[str, ...] = ()  # the facets a name's page lists beside its stories

    @property
    def label(self) -> str:
        """ "Place": a facet's heading."""
        return self.name.capitalize()

    @property
    def path(self) -> str:
        """ "/places": its pages, and its list in the API under /api."""
        return f"/{self.plural}"

    @property
    def noun(self) -> tuple[str, str]:
        """("place", "places"): one and many, as counts say them."""
        return (self.name, self.plural)

    @property
    def field(self) -> str:
        """Its `Article` field, store column and index field."""
        return self.column or self.name


FACETS: tuple[Facet, ...] = (
    Facet("source", "sources", "Agency or source, any case.", beside=("place",)),
    Facet("place", "places", "Dateline place, any case.", beside=("source",)),
    Facet(
        "topic",
        "topics",
        "Subject tag the source gave (cocoa, earn), any case.",
        column="topics",
        many=True,
        among="on",
        beside=("place", "source"),
    ),
)
TOP_NAMES = 20  # names a facet lists, the most frequent first


def facet_names() -> tuple[str, ...]:
    return tuple(declared.name for declared in FACETS)


def one_valued() -> tuple[Facet, ...]:
    """The facets a story has one value of (or none): a column each."""
    return tuple(declared for declared in FACETS if not declared.many)


def many_valued() -> tuple[Facet, ...]:
    return tuple(declared for declared in FACETS if declared.many)


def facet(name: str) -> Facet:
    """The facet called `name`; KeyError for any other."""
    return {declared.name: declared for declared in FACETS}[name]
