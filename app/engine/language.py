"""The query language: Whoosh's syntax, every word required, guarded against runaway queries.

A plain word also finds its forms (meeting: meetings, met), as stemming would,
without giving up exact words in the index; words in "quotes" match as written.
`-word` excludes, as on the big engines (a hyphen inside a word stays part of it);
"+" is not special: every word is required already, and Whoosh's +word would make
the others optional. Stories whose headline holds the words rank first.
"""

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import cast

# from the defining modules: whoosh.qparser and whoosh.query re-export them implicitly, which
# mypy refuses
from whoosh.qparser import syntax
from whoosh.qparser.common import QueryParserError
from whoosh.qparser.default import MultifieldParser, QueryParser
from whoosh.qparser.plugins import PlusMinusPlugin
from whoosh.query.compound import AndMaybe, AndNot
from whoosh.query.qcore import Every, NullQuery, Query
from whoosh.query.terms import Prefix, Variations, Wildcard
from whoosh.query.wrappers import Not

from app.engine.schema import SCHEMA, TEXT_FIELDS
from app.errors import InvalidQuery

MIN_WILDCARD_LETTERS = 2
MAX_WILDCARDS = 5
MAX_QUERY_WORDS = 64
PARSED_QUERIES = 1024  # kept
TITLE_BONUS = 4.0  # weight of "every word is in the headline" in the ranking
Expand = Callable[[Query], Iterable[tuple[str, str | bytes]]]
_EXCLUDE = r"(?<![^\s(])-(?=\S)"  # a minus at the start of a word, after a space or "("


class _Exclusions(PlusMinusPlugin):
    """`-word` anywhere, brackets included.

    Whoosh sorts + and - at the query's top level only, so a minus inside brackets,
    `a (b -x)`, reached its parser as a bare marker and raised NotImplementedError (a
    500). Here every bracketed group is sorted too, innermost first, and a group of
    nothing but exclusions, `a (-x)`, excludes from the group around it, as `a -x`.
    """

    def do_plusminus(self, parser: QueryParser, group: syntax.GroupNode) -> syntax.GroupNode:
        flat = group.empty_copy()  # type: ignore[no-untyped-call]  # unannotated in Whoosh
        for node in group:
            if isinstance(node, syntax.GroupNode):
                node = self.do_plusminus(parser, node)
                if isinstance(node, syntax.AndNotGroup) and not node.nodes[0].nodes:
                    flat.extend([self.Minus(), node.nodes[1]])
                    continue
            flat.append(node)
        # unannotated in Whoosh, which returns a GroupNode
        return cast(syntax.GroupNode, super().do_plusminus(parser, flat))  # type: ignore[no-untyped-call]


def _parser(fields: list[str]) -> QueryParser:
    parser = MultifieldParser(fields, SCHEMA, termclass=Variations)
    # add_plugin and the plugin's __init__ are unannotated in Whoosh
    parser.add_plugin(_Exclusions(plusexpr=r"(?!)", minusexpr=_EXCLUDE))  # type: ignore[no-untyped-call]
    return parser


_PARSER = _parser(list(TEXT_FIELDS))
_TITLE_PARSER = _parser(["title"])


@functools.lru_cache(maxsize=PARSED_QUERIES)
def parse(text: str) -> Query:
    """The query for `text`; `InvalidQuery` says why there is none.

    The query matches title or body, and the same query on the title alone adds to
    the score where it matches. Parsed queries are kept (two parses cost about a
    millisecond; people ask the same queries again, and every page of a search asks
    its own); they are never changed once made.
    """
    words = len(re.findall(r"\w+", text))
    if words > MAX_QUERY_WORDS:
        raise InvalidQuery(f"has {words} words; the limit is {MAX_QUERY_WORDS}")
    query = _parse(_PARSER, text)
    if query is NullQuery:
        raise InvalidQuery("has no words to search for")
    _check_wildcards(query)
    _check_fields(query)
    in_title = _parse(_TITLE_PARSER, text)
    return query if in_title is NullQuery else AndMaybe(query, in_title.with_boost(TITLE_BONUS))


def matched_words(query: Query, expand: Expand) -> frozenset[str]:
    """The indexed words the query looks for in title or body, wildcards expanded by
    `expand` (a leaf of the query → its indexed (field, term) pairs)."""
    words = set()
    for leaf in _positive_leaves(query):
        for field, text in expand(leaf):
            if field in TEXT_FIELDS:
                words.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return frozenset(words)


def _parse(parser: QueryParser, text: str) -> Query:
    try:
        return cast(Query, parser.parse(text))  # Whoosh's annotation resolves to Any
    except (QueryParserError, ValueError, TypeError) as error:
        raise InvalidQuery(f"cannot be parsed ({error})") from error


def _check_wildcards(query: Query) -> None:
    wildcards = [leaf for leaf in query.leaves() if isinstance(leaf, Wildcard | Prefix | Every)]
    if len({getattr(leaf, "text", "") for leaf in wildcards}) > MAX_WILDCARDS:
        raise InvalidQuery(f"has more than {MAX_WILDCARDS} wildcard terms")
    for leaf in wildcards:
        letters = sum(char not in "*?" for char in getattr(leaf, "text", ""))
        if letters < MIN_WILDCARD_LETTERS:
            raise InvalidQuery(
                f"a wildcard needs at least {MIN_WILDCARD_LETTERS} letters besides * and ?"
            )


def _check_fields(query: Query) -> None:
    """Refuse what Whoosh's parser left without a field: a boost alone in brackets, `( ^3 )`,
    becomes a term of no field, which no index can look up."""
    for leaf in query.leaves():
        if getattr(leaf, "fieldname", "") is None:
            alone = getattr(leaf, "text", "?")
            raise InvalidQuery(f"cannot be read as words ({alone} stands alone)")


def _positive_leaves(query: Query) -> Iterator[Query]:
    """Leaves of the query tree except those under NOT: their words are not to be marked."""
    if isinstance(query, Not):
        return
    if isinstance(query, AndNot):
        yield from _positive_leaves(query.a)
    elif query.is_leaf():
        yield query
    else:
        for child in query.children():
            yield from _positive_leaves(child)
