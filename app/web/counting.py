"""How a count is said, the same way on every page: a count of stories (a story's versions
once, the archive's rule) unless the reader asked for every version, when it counts
articles; each number with its noun, one or many."""

from app.search.params import SearchParams

Noun = tuple[str, str]  # one, many
STORY: Noun = ("story", "stories")
ARTICLE: Noun = ("article", "articles")


def noun_of(params: SearchParams) -> Noun:
    """What a list's count counts: its stories, or every version's articles."""
    return STORY if params.collapse else ARTICLE


def counted(number: int, noun: Noun = STORY) -> str:
    """ "1 story", "18,313 stories", "2 sources"."""
    return f"{number:,} {noun[0] if number == 1 else noun[1]}"
