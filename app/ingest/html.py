"""HTML fragments to plain paragraphs, with no parser beyond the standard library's.

Feeds carry their entries' text as HTML snippets; an archive stores plain
paragraphs. This is the one place that decides which markup breaks a paragraph
and which is never text a reader sees.
"""

from html.parser import HTMLParser

# Elements that end one paragraph and start the next.
BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre hr table tr "
    "section article header footer figure figcaption dl dt dd".split()
)
# Elements whose content is never text a reader sees.
DROPPED_TAGS = frozenset({"script", "style", "noscript", "template"})


class _TextCollector(HTMLParser):
    """Collects the visible text of an HTML fragment, one paragraph per block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._words: list[str] = []
        self._hidden = 0  # depth inside script/style/noscript

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_TAGS:
            self._hidden += 1
        elif tag in BLOCK_TAGS:
            self.end_paragraph()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:  # <br/>; a self-closed <script/> hides nothing
            self.end_paragraph()

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in BLOCK_TAGS:
            self.end_paragraph()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._words.append(data)

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        # The stdlib raises AssertionError on an unknown "<![keyword["; keep it as text.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.handle_data(self.rawdata[i : i + 3])
            return i + 3

    def end_paragraph(self) -> None:
        text = " ".join("".join(self._words).split())
        if text:
            self.paragraphs.append(text)
        self._words = []


def html_to_paragraphs(html: str) -> str:
    """Plain text of an HTML fragment: paragraphs joined by a blank line, no tags left.

    Block elements break paragraphs, script/style/noscript are dropped, entities
    are decoded and runs of whitespace become one space.
    """
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    collector.end_paragraph()
    return "\n\n".join(collector.paragraphs)
