"""Snippets: an HTML-safe excerpt of an article around the words a search matched.

Every piece of text is escaped here and matched words are wrapped in <mark>, so the
result may be shown as markup as it is.
"""

from collections.abc import Iterable, Iterator

from markupsafe import escape
from whoosh import highlight
from whoosh.analysis.acore import Token  # whoosh.analysis re-exports it implicitly

from app.search.engine.schema import WORD, indexed_form


class _MarkFormatter(highlight.Formatter):
    """Escapes every piece of text and wraps matched words in <mark>."""

    between = " … "

    def _text(self, text: str) -> str:
        return str(escape(text))

    def format_token(self, text: str, token: Token, replace: bool = False) -> str:
        return f"<mark>{escape(highlight.get_text(text, token, replace))}</mark>"


def snippet(text: str, terms: Iterable[str], *, max_chars: int = 240) -> str:
    """HTML-safe excerpt of `text` around the matched terms, or its escaped start.

    Fragments are widened to whole words so that punctuation next to a match
    (an opening quote, a full stop) is kept; "…" marks text left out.
    """
    if terms:
        tokens = _marked_tokens(text, frozenset(terms))
        fragmenter = highlight.ContextFragmenter(maxchars=max_chars, surround=60)
        fragments = highlight.top_fragments(
            fragmenter.fragment_tokens(text, tokens),
            2,
            highlight.BasicFragmentScorer(),
            highlight.FIRST,
            1,
        )
        if fragments:
            for fragment in fragments:
                _widen_to_words(fragment, text)
            marked = " … ".join(_MarkFormatter().format_fragment(f) for f in fragments)
            before = "… " if fragments[0].startchar > 0 else ""
            after = " …" if fragments[-1].endchar < len(text) else ""
            return before + marked + after
    if len(text) > max_chars:
        return str(escape(text[:max_chars].rsplit(" ", 1)[0])) + " …"
    return str(escape(text))


def _marked_tokens(text: str, terms: frozenset[str]) -> Iterator[Token]:
    """The tokens ANALYZER makes of `text`, each `matched` when its indexed form is in `terms`.

    The same as running ANALYZER over the text, at a third of the cost: each word's
    indexed form is worked out once (`indexed_form`), not once a time it occurs.
    """
    for found in WORD.finditer(text):
        token = Token(positions=False, chars=True, text=found.group())
        token.startchar, token.endchar = found.span()
        # Whoosh's Token takes any attribute (the highlighter reads `matched`); its types omit it
        token.matched = indexed_form(token.text) in terms  # type: ignore[attr-defined]
        yield token


def _widen_to_words(fragment: highlight.Fragment, text: str) -> None:
    """Move a fragment's ends out to the nearest whitespace (or the ends of the text)."""
    start = max(text.rfind(space, 0, fragment.startchar) for space in " \n")
    ends = [end for end in (text.find(space, fragment.endchar) for space in " \n") if end >= 0]
    fragment.startchar, fragment.endchar = start + 1, min(ends, default=len(text))
