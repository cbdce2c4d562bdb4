"""The web tests' shared fixtures: the seed's client with the corpus or the talk stories
added; and the browser tests' server and browser, shared by every browser test module (a
real `newsarchive serve` holding the corpus of tests/support/browser.py, ingested with
the CLI, and Debian's Chromium driven by Playwright; see tests/support/browser.py for what
is skipped where)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from support.browser import CHROMIUM_ARGS, axe_path, chromium_path, corpus, served
from support.helpers import CORPUS, TALK_NEWS, Server, add_news, corpus_rows, corpus_stories

STORIES = corpus()


@pytest.fixture(name="corpus")
def seed_and_corpus(client, add_stories) -> list[dict]:
    """The client's archive with the corpus stories added to the seed; their rows."""
    report = add_stories(client.app.state.archive, corpus_stories())
    assert report.added == len(CORPUS) and not report.rejected
    return corpus_rows()


@pytest.fixture
def talk(client):
    """The seed and stories whose terms are known: six on cocoa, ten on steel."""
    add_news(client, TALK_NEWS)
    return client


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The shared corpus served; a module with stories of its own overrides this fixture."""
    with served(tmp_path_factory.mktemp("browser"), STORIES) as server:
        yield server


@pytest.fixture(scope="module")
def axe_script() -> Path:
    """axe-core's script, or a skip (a failure where CI requires the browser tests)."""
    return axe_path()


@pytest.fixture(scope="module")
def browser(site: Server) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()
