"""How a count is said, the same way on every page, chart and message: a count of stories
(a story's versions once, the archive's rule) unless the reader asked for every version,
when it counts articles; each number with its noun, one or many."""

from typing import Protocol

Noun = tuple[str, str]  # one, many
STORY: Noun = ("story", "stories")
ARTICLE: Noun = ("article", "articles")


class Collapsing(Protocol):
    """A search's parameters, as far as what its count counts goes."""

    @property
    def collapse(self) -> bool: ...


def noun_of(params: Collapsing) -> Noun:
    """What a list's count counts: its stories, or every version's articles."""
    return STORY if params.collapse else ARTICLE


def counted(number: int, noun: Noun = STORY, kind: str = "") -> str:
    """ "1 story", "18,313 stories", "2 sources", "1 matching article"."""
    words = f"{kind} " if kind else ""
    return f"{number:,} {words}{noun[0] if number == 1 else noun[1]}"
