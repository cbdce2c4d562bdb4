"""What tests/web/test_browser.py needs: Chromium, axe-core, a corpus, and watched pages.

Chromium (Debian's `chromium`) and axe-core (the npm package) are installed by .ci/run. On a
machine without them the browser tests skip and say why; with NEWSARCHIVE_REQUIRE_BROWSER=1
(set by .ci/run) a missing one fails the run instead, so CI cannot pass by skipping.

The corpus is written here, not shipped: 116 stories over three years, seven places,
three sources and six topics, with a burst of Moscow grain stories in one week of March
2025 so that a search narrowed by place and by that month's timeline bar still has two
pages of results.

`tab()` opens a watched page: requests that would leave the server's origin are refused
before they are sent, and each response carries the Content-Security-Policy (the server's
own where it sends one), so an inline script or style shows as a console error.
"""

import json
import os
import re
import shutil
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Protocol

import pytest
from playwright.sync_api import Browser, Page, Route
from playwright.sync_api import Error as PlaywrightError

from support.helpers import Server, server_env, serving
from support.stories import ROOT

AXE_DEFAULT = ROOT / ".cache" / "axe-core" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS_DEFAULT = ROOT / "test-artifacts" / "screenshots"
# Flags for a closed network: no background fetches that would only be refused.
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _missing(reason: str) -> None:
    """Skip, or fail where CI requires the browser tests to run."""
    if os.environ.get("NEWSARCHIVE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (NEWSARCHIVE_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str:
    """Debian's Chromium, or the executable NEWSARCHIVE_CHROMIUM names."""
    path = os.environ.get("NEWSARCHIVE_CHROMIUM") or shutil.which("chromium")
    if not path or not Path(path).is_file():
        _missing("no Chromium: `apt-get install chromium` or set NEWSARCHIVE_CHROMIUM")
    return str(path)


def axe_path() -> Path:
    """axe.min.js from NEWSARCHIVE_AXE_JS, else where .ci/run's `npm install` puts it."""
    path = Path(os.environ.get("NEWSARCHIVE_AXE_JS") or AXE_DEFAULT)
    if not path.is_file():
        _missing(
            f"no axe-core at {path}: `npm install --prefix .cache/axe-core axe-core` "
            "or set NEWSARCHIVE_AXE_JS"
        )
    return path


def screenshots_dir() -> Path:
    path = Path(os.environ.get("NEWSARCHIVE_SCREENSHOTS_DIR") or SCREENSHOTS_DEFAULT)
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- The corpus -------------------------------------------------------------------------------

PLACES = [
    "MOSCOW",
    "WASHINGTON",
    "UNITED NATIONS",
    "ST. PETERSBURG",
    "BEIJING",
    "SÃO PAULO",
    "BERLIN",
]
SOURCES = ["TASS", "Reuters", "AP"]
QUERY = "grain"  # the word the flows search for: in every grain story, in no other
BURST_PLACE = "MOSCOW"
BURST_MONDAY = date(2025, 3, 10)  # five stories a day, Monday to Friday
LONG_ID = "long-words"  # a story whose words and link could overflow a phone's width
ORDINALS = ["second", "third", "fourth", "fifth", "sixth"]


@dataclass(frozen=True)
class Story:
    id: str
    published: date
    place: str
    source: str
    title: str
    paragraphs: tuple[str, ...]
    topics: tuple[str, ...] = ()

    @property
    def is_grain(self) -> bool:
        return QUERY in " ".join((self.title, *self.paragraphs)).lower()

    def record(self) -> dict[str, str]:
        """A JSON Lines record as `newsarchive ingest` reads it."""
        return {
            "id": self.id,
            "published": self.published.isoformat(),
            "title": self.title,
            "body": "\n\n".join(self.paragraphs),
            "source": self.source,
            "place": self.place,
            "topics": list(self.topics),
        }


# a grain story's second topic, by a word of its title ("grain" is its first)
GRAIN_TOPICS = {
    "exports": "Exports",
    "harvest": "Harvest",
    "prices": "Prices",
    "cargoes": "Shipping",
}


def _topics(title: str) -> tuple[str, ...]:
    """A story's subject tags, as a wire would give them: grain and its kind, or energy."""
    if QUERY in title.lower():
        return ("Grain", next(t for word, t in GRAIN_TOPICS.items() if word in title.lower()))
    return ("Energy",)


def _grain(n: int, place: str) -> tuple[str, tuple[str, ...]]:
    where = place.title()
    titles = [
        f"Grain exports from {where} rise for the {ORDINALS[n % len(ORDINALS)]} month running",
        f"Farmers near {where} expect a larger grain harvest after a wet spring",
        f"Grain prices hold steady in {where} as buyers wait for the new crop",
        f"Port officials in {where} report record grain cargoes this week",
    ]
    paragraphs = (
        f"Traders in {where} said on the day that grain shipments had grown by {n % 17 + 3} "
        "per cent compared with the same period last year, helped by lower freight costs "
        "and a steady flow of wagons from the southern regions.",
        GRAIN_SECOND[n % len(GRAIN_SECOND)],
        f"The ministry of agriculture is expected to publish its revised forecast on story "
        f"{n}, together with new rules for export quotas.",
    )
    return titles[n % len(titles)], paragraphs


# a grain story's second paragraph: five stories of one day differ in more than a figure
# (stories that did not would be versions of one story, `app.threads`)
GRAIN_SECOND = [
    "Analysts cautioned that the weather in the coming weeks would decide whether the "
    "harvest could match last season's figures, and that storage was already scarce at "
    "several inland elevators.",
    "Millers complained that the quality of the wheat arriving by barge had slipped, with "
    "more broken kernels and moisture than their contracts allow.",
    "A shortage of lorry drivers kept part of the crop on farms, and cooperatives asked the "
    "regional government to open its reserve depots for a month.",
    "Buyers from the Gulf and North Africa booked most of the cargoes on offer, paying a "
    "premium for early loading before the autumn storms close the straits.",
    "Rail operators added night trains to the coast, but said the line through the hills "
    "could carry no more until its bridges are repaired next year.",
]


def _energy(n: int, place: str) -> tuple[str, tuple[str, ...]]:
    where = place.title()
    titles = [
        f"Talks on gas deliveries resume in {where}",
        f"Power grid operator in {where} warns of a tight winter",
        f"New pipeline section opens near {where} ahead of schedule",
    ]
    paragraphs = (
        f"Officials in {where} said the negotiations on energy supplies, number {n}, would "
        "continue next week after both sides agreed on a timetable.",
        "Industry groups welcomed the move but warned that prices would remain volatile "
        "until storage levels recover.",
    )
    return titles[n % len(titles)], paragraphs


def _long_words() -> Story:
    return Story(
        id=LONG_ID,
        published=date(2024, 6, 3),
        place="BERLIN",
        source="Reuters",
        title="Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft "
        "files its report",
        paragraphs=(
            "The report, published at https://example.org/reports/2024/annual-review/"
            "energy-and-transport/appendix-c/tables-and-figures-for-the-whole-year.pdf, "
            "covers the company's river fleet.",
            "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz was cited as the "
            "reason for the delay.",
        ),
    )


def corpus() -> list[Story]:
    """90 stories every 12 days from 5 Jan 2023, 25 in the Moscow burst, one long one, and a
    story with its update."""
    stories = []
    for n in range(90):
        place, source = PLACES[n % len(PLACES)], SOURCES[n // 2 % len(SOURCES)]
        title, paragraphs = (_energy if n % 3 == 2 else _grain)(n, place)
        day = date(2023, 1, 5) + timedelta(days=12 * n)
        stories.append(Story(f"bg-{n:03d}", day, place, source, title, paragraphs, _topics(title)))
    for n in range(25):
        title, paragraphs = _grain(100 + n, BURST_PLACE)
        day = BURST_MONDAY + timedelta(days=n // 5)
        stories.append(
            Story(
                f"burst-{n:02d}",
                day,
                BURST_PLACE,
                SOURCES[n % 2],
                title,
                paragraphs,
                _topics(title),
            )
        )
    stories.append(_long_words())
    return stories + _versions()


THREAD = ("gas-first", "gas-update")  # one story sent twice: the second adds a paragraph


def _versions() -> list[Story]:
    """A story and its update of the same day: versions of one story (`app.threads`)."""
    paragraphs = (
        "Gas deliveries through the northern corridor stopped for six hours overnight after "
        "a compressor station failed, the operator said, and resumed at half the usual rate.",
        "Engineers expected full pressure to return by the evening, and buyers downstream "
        "drew on storage meanwhile.",
    )
    update = (
        "Prices for next-day gas rose by a tenth on the news before easing in the afternoon.",
    )
    day, title = date(2024, 11, 5), "Gas deliveries halted by a compressor failure"
    return [
        Story(THREAD[0], day, "BERLIN", "Reuters", title, paragraphs, ("Energy",)),
        Story(
            THREAD[1],
            day,
            "BERLIN",
            "Reuters",
            f"UPDATE 1-{title}",
            paragraphs + update,
            ("Energy",),
        ),
    ]


def stories_of(stories: list[Story]) -> int:
    """How many stories these are as the archive counts them: a story's versions once."""
    return len({THREAD[0] if story.id in THREAD else story.id for story in stories})


class Recorded(Protocol):
    """A story a corpus file holds: `Story` here, `support.capitals.Wire`."""

    def record(self) -> dict[str, object]: ...


def write_corpus(path: Path, stories: Sequence[Recorded]) -> Path:
    lines = (json.dumps(story.record(), ensure_ascii=False) for story in stories)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@contextmanager
def served(home: Path, stories: Sequence[Recorded]) -> Iterator[Server]:
    """A real `newsarchive serve` holding `stories` alone (no seeds), ingested with the CLI."""
    (home / "no-seeds").mkdir()
    env = server_env(home, NEWSARCHIVE_SEEDS_DIR=str(home / "no-seeds"))
    with serving(home, env, ready="/api/stats") as server:
        done = server.ingest(write_corpus(home / "corpus.jsonl", stories), timeout=120)
        assert done.returncode == 0, done.stderr
        assert server.http.get("/api/stats").json()["articles"] == len(stories)
        yield server


# --- Watched pages and the keyboard -------------------------------------------------------------

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'"
)


@dataclass
class Tab:
    """A page and what it did: every request URL, those refused, and console errors."""

    page: Page
    origin: str
    requested: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def goto(self, path: str) -> None:
        self.page.goto(self.origin + path)

    def assert_stayed_home(self) -> None:
        """No request left the server's origin and the console shows no error (CSP included)."""
        assert self.requested, "no request was seen"
        foreign = [url for url in self.requested if not url.startswith(self.origin + "/")]
        assert foreign == [] and self.refused == []
        assert self.errors == []


@contextmanager
def tab(browser: Browser, site: Server, *, csp: bool = True, **options) -> Iterator[Tab]:
    """A new context and page; requests off the origin are refused (never sent), and with
    `csp` every response carries the policy the server is to send (its own, where it does)."""
    context = browser.new_context(locale="en-US", timezone_id="UTC", **options)
    page = context.new_page()
    watched = Tab(page, site.url)
    page.on("request", lambda request: watched.requested.append(request.url))
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    page.on("console", lambda msg: msg.type == "error" and watched.errors.append(msg.text))
    closing = threading.Event()

    def guard(route: Route) -> None:
        if not route.request.url.startswith(site.url + "/"):
            watched.refused.append(route.request.url)
            return route.abort()
        if not csp:
            return route.continue_()
        try:
            response = route.fetch()
            headers = {"content-security-policy": CSP, **response.headers}
            return route.fulfill(response=response, headers=headers)
        except PlaywrightError:
            if closing.is_set():  # a script's request (related stories, terms) cut short by the end
                return None
            raise

    context.route("**/*", guard)
    try:
        yield watched
    finally:
        closing.set()
        context.close()


def serious_violations(page: Page, axe_script: Path) -> list[tuple]:
    """axe-core's serious and critical findings on the page as it is, details opened so that
    what they fold is checked too. Injecting axe is an inline script: the page's context
    must bypass the CSP (`tab(..., csp=False, bypass_csp=True)`)."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.add_script_tag(path=str(axe_script))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        (v["id"], v["impact"], v["help"], [node["target"] for node in v["nodes"]][:5])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


# Whether the focused element shows it: focus-within counts for a date field, whose
# calendar button (inside the field) takes the focus on its own Tab stop.
FOCUS = """target => { const el = document.activeElement, s = getComputedStyle(el);
    return {target: el === target, tag: el.outerHTML.slice(0, 80),
            visible: el.matches(':focus-visible, input[type=date]:focus-within')
                     && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2}; }"""


def tab_to(page: Page, selector: str, limit: int = 120) -> None:
    """Press Tab until the first match of `selector` has the focus; every element the focus
    passes on the way must show it (an outline of 2 px or more)."""
    target = page.locator(selector).first
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = target.evaluate(FOCUS)
        assert focus["visible"], focus["tag"]
        if focus["target"]:
            return
    pytest.fail(f"{limit} presses of Tab did not reach {selector}")


def luminance(css_color: str) -> float:
    """Relative luminance (WCAG) of an `rgb(r, g, b)` colour."""
    channels = [int(part) / 255 for part in re.findall(r"\d+", css_color)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def assert_focus_visible(page: Page) -> None:
    focus = page.locator("body").evaluate(FOCUS)
    assert focus["visible"], focus["tag"]
