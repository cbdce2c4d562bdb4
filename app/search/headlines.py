"""Headlines as a reader should see them: in a readable case, ticker symbols marked as such,
the searched words highlighted. The stored title is never changed (the JSON keeps it).

Wire services sent headlines in capitals (Reuters-21578: `EXXON <XON> CUTS CRUDE PRICES`),
hard to scan in a list. A headline whose letters are nearly all capitals is shown in
title case: each word capitalised, short function words in lower case, and kept as they
are the words that are abbreviations (`U.S.`, a known acronym such as OPEC) and ticker
symbols (`<XON>`, shown apart, without the brackets).
"""

import re

from markupsafe import Markup

from app.article import first_sentence
from app.search.engine import highlight

SHOUTING = 0.8  # share of a headline's letters in capitals from which it is shown recased
MIN_LETTERS = 4
SMALL_WORDS = frozenset(
    "a an and as at but by for from in into of on or per the to vs with".split()
)
# Capitals that are abbreviations in wire headlines, not words: kept as they are
ACRONYMS = frozenset(
    """AG AIDS BP CEO CIA CPI EC EEC EMS FBI FDIC FED GATT GDP GNP IBM ICO IMF IRS LDC NASA
    NATO NYSE OECD OPEC PLC SEC UAW UK UN UPI US USA USDA USSR VAT""".split()
)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_TICKER = re.compile(r"&lt;((?:<mark>)?[A-Z][A-Z0-9.]{0,7}(?:</mark>)?)&gt;")
_TICKER_SPAN = re.compile(r"<[A-Z][A-Z0-9.]{0,7}>")


def readable(title: str) -> str:
    """`title` in title case if it is in capitals (see above), else as it is."""
    letters = [c for c in _TICKER_SPAN.sub("", title) if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    if len(letters) < MIN_LETTERS or upper < SHOUTING * len(letters):
        return title
    pieces = re.split(f"({_TICKER_SPAN.pattern})", title)
    recased = [
        piece if _TICKER_SPAN.fullmatch(piece) else _recased(piece, first=n == 0)
        for n, piece in enumerate(pieces)
    ]
    return "".join(recased)


def _recased(text: str, *, first: bool) -> str:
    def word(match: re.Match[str]) -> str:
        found, start, end = match.group(), match.start(), match.end()
        follows = text[end : end + 1]
        if found in ACRONYMS or (len(found) == 1 and follows == "."):  # OPEC, U.S.
            return found
        if found.lower() in SMALL_WORDS and not (first and not text[:start].strip()):
            return found.lower()
        return found[:1].upper() + found[1:].lower()

    return _WORD.sub(word, text)


def highlighted(text: str, terms: frozenset[str]) -> Markup:
    """`text` escaped, `terms` in <mark> (an article's paragraphs, opened from a search)."""
    return Markup(highlight(text, terms))  # safe: highlight() escapes the text itself


def headline_html(title: str, terms: frozenset[str] = frozenset()) -> Markup:
    """The headline to show: readable, escaped, `terms` in <mark>, tickers in a span."""
    marked = highlight(readable(title), terms)  # escaped, matches in <mark>
    # safe: a ticker's letters and marks, as escaped, moved into a span of ours
    return Markup(_TICKER.sub(r'<span class="ticker">\1</span>', marked))


def lead_under(title: str, lead: str) -> str:
    """The lead as an article shows it under its headline. A headline made from the lead
    (its first sentence, or that sentence cut with "…") is not printed twice: the lead
    goes on from where the headline ends, after "…" if it was cut."""
    if title.endswith("…") and lead.startswith(title[:-1]):
        return "…" + lead[len(title) - 1 :]
    if title == first_sentence(lead):
        return lead[len(title) :].lstrip()
    return lead
