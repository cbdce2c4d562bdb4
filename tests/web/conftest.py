"""The browser tests' server and browser, shared by every browser test module: a real
`newsarchive serve` holding the corpus of tests/support/browser.py, ingested with the CLI,
and Debian's Chromium driven by Playwright (see tests/support/browser.py for what is
skipped where)."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright
from support.browser import CHROMIUM_ARGS, chromium_path, corpus, write_corpus
from support.helpers import Server, server_env, serving

STORIES = corpus()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("browser")
    (home / "no-seeds").mkdir()
    env = server_env(home, NEWSARCHIVE_SEEDS_DIR=str(home / "no-seeds"))
    with serving(home, env, ready="/api/stats") as server:
        done = server.ingest(write_corpus(home / "corpus.jsonl", STORIES), timeout=120)
        assert done.returncode == 0, done.stderr
        assert server.http.get("/api/stats").json()["articles"] == len(STORIES)
        yield server


@pytest.fixture(scope="module")
def browser(site: Server) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()
