"""app.web.urls: the addresses the pages link to; here, where an error page leads on."""

import pytest

from app.web.urls import ways_on


@pytest.mark.parametrize(
    ("path", "ways"),
    [
        ("/archive/1987/13", [("1987", "/archive/1987")]),
        ("/archive/1987/00", [("1987", "/archive/1987")]),
        ("/archive/1987/02/30", [("February 1987", "/archive/1987/02")]),
        ("/archive/2025/10/17/1", [("October 2025", "/archive/2025/10")]),
        ("/archive/0", []),
        ("/archive/99999999999", []),
        ("/places/Nowhere", [("Every place", "/places")]),
        ("/sources/a%2Fb", [("Every source", "/sources")]),
        ("/topics/none", [("Every topic", "/topics")]),
        ("/articles/nope-123", []),
        ("/nope", []),
    ],
)
def test_an_address_that_holds_nothing_leads_to_the_page_above_it(path, ways):
    assert ways_on(path) == ways
