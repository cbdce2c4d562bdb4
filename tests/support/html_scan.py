"""Reading served HTML as a browser would: its elements, their attributes and its text.

Shared by the XSS suite and the security-header tests: a page is inert when nothing in it
can run script (no inline script, handler, `javascript:` URL, frame or plugin) and when it
needs nothing the Content-Security-Policy forbids (no inline style, no foreign script).
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from app.web.urls import NAMES_PATH
from support.stories import ROOT

# Attributes whose value a browser loads or navigates to.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href", "srcset"}
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")
# Every element the app itself writes: the templates' tags, the timeline's SVG, and <mark>
# in snippets. Anything else in a page came from data.
_TAG = re.compile(r"<([a-z][a-z0-9]*)\b")
APP_ELEMENTS = frozenset(
    {"mark"}
    | {
        tag
        for path in (ROOT / "templates").glob("*.html")
        for tag in _TAG.findall(path.read_text())
    }
    | set(_TAG.findall((ROOT / "app" / "web" / "chart.py").read_text()))
)
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20]")  # browsers drop controls and spaces at the start


@dataclass
class Element:
    tag: str
    attributes: dict[str, str]


class Page(HTMLParser):
    """One parsed page: `elements` in document order and its `text`, references resolved."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def find(self, tag: str) -> list[Element]:
        return [element for element in self.elements if element.tag == tag]


def parse_page(markup: str) -> Page:
    page = Page()
    page.feed(markup)
    page.close()
    return page


def script_url(value: str) -> bool:
    """Whether a URL attribute's value would run script (or load a document) when followed."""
    return _IGNORED_IN_URLS.sub("", value).lower().startswith(SCRIPT_SCHEMES)


FORM_ACTIONS = ("/search", *NAMES_PATH.values())  # the search, and the lists' filter boxes


def _site_path(url: str) -> str:
    """`url` if it is a path on this site, else ""."""
    return url if url.startswith("/") and not url.startswith(("//", "/\\")) else ""


def assert_inert(markup: str) -> Page:
    """Nothing in `markup` can run script, and everything in it renders under the CSP.

    Only the elements the app writes may appear, and of scripts only its own files under
    /static/.
    """
    page = parse_page(markup)
    for element in page.elements:
        where = f"<{element.tag} {element.attributes}>"
        assert element.tag in APP_ELEMENTS, where
        if element.tag == "script":
            assert _site_path(element.attributes.get("src", "")).startswith("/static/"), where
        if element.tag == "link" and "stylesheet" in element.attributes.get("rel", ""):
            assert _site_path(element.attributes.get("href", "")), where
        if element.tag == "meta":
            assert "http-equiv" not in element.attributes, where
        if element.tag == "form":
            assert element.attributes.get("action") in FORM_ACTIONS, where
        for name, value in element.attributes.items():
            assert not name.startswith("on"), where
            assert name not in ("style", "srcdoc"), where
            assert not (name in URL_ATTRIBUTES and script_url(value)), where
    return page
