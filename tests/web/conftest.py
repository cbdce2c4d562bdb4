"""The browser tests' server and browser, shared by every browser test module: a real
`newsarchive serve` holding the corpus of tests/support/browser.py, ingested with the CLI,
and Debian's Chromium driven by Playwright (see tests/support/browser.py for what is
skipped where)."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright
from support.browser import CHROMIUM_ARGS, chromium_path, corpus, served
from support.helpers import Server

STORIES = corpus()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The shared corpus served; a module with stories of its own overrides this fixture."""
    with served(tmp_path_factory.mktemp("browser"), STORIES) as server:
        yield server


@pytest.fixture(scope="module")
def browser(site: Server) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()
