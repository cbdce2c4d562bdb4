"""app.search.versions: what a headline's marker says its version is, and what a reader of
a version that a later one replaced is told of it."""

from datetime import date

import pytest
from support.helpers import make

from app.search.versions import marked_kind, superseded, versions


@pytest.mark.parametrize(
    ("title", "kind"),
    [  # Reuters-21578's markers, as its headlines have them
        ("(CORRECTED)-IVORY COAST CONFIRMS PRESENCE AT TALKS", "corrected"),
        ("(CORRECTED) - BANPONCE <BDEP> PLACES NOTES", "corrected"),
        ("CORRECTED - BANKAMERICA NEGOTIATING SALE OF UNITS", "corrected"),
        ("CORRECTED-NETWORK VIDEO INC <NVID> 3RD QTR", "corrected"),
        ("(RPT) U.S. SAYS TIN DISPOSALS WILL NOT AFFECT ACCORD", "repeated"),
        ("RPT - ARGENTINE GRAIN/OILSEED EXPORT PRICES ADJUSTED", "repeated"),
        ("RPT-INSITUFORM OF NORTH AMERICA INC <INSUA> NET", "repeated"),
        # and today's wires'
        ("UPDATE 1-Gas deliveries halted by a compressor failure", "updated"),
        ("REFILE-Exxon cuts crude prices", "refiled"),
        # the same words as words of a headline
        ("TWA <TWA> TO REFILE WITH U.S. AGENCY", None),
        ("USDA TO UPDATE WINTER WHEAT ACREAGE TOMORROW", None),
        ("UK EQUITIES SEEN DUE FOR DOWNWARD CORRECTION", None),
        ("Update on the talks in Budapest", None),
    ],
)
def test_a_headline_s_marker_says_what_its_version_is(title, kind):
    assert marked_kind(title) == kind


TEXT = "Cocoa growers in Ghana said the main crop was late this year after a dry spell."


def versions_of(archive, *titles):
    """Versions of one story a day apart, the same text, each with its headline."""
    stories = [
        make(f"t{n}", TEXT, date(2024, 3, 4 + n), title=title) for n, title in enumerate(titles)
    ]
    archive.add(stories, source_paths=[None] * len(stories))
    assert len(versions(archive, "t0")) == len(titles)
    return [archive.store.get(story.id) for story in stories]


def test_a_correction_anywhere_later_is_what_a_reader_is_told_first(archive):
    first, update, correction, repeat = versions_of(
        archive,
        "COCOA CROP LATE IN GHANA",
        "UPDATE 1-COCOA CROP LATE IN GHANA",
        "CORRECTED - COCOA CROP LATE IN GHANA",
        "RPT - COCOA CROP LATE IN GHANA",
    )
    told = superseded(archive, first)
    assert (told.kind, told.change.id, told.latest.id) == ("corrected", correction.id, repeat.id)
    told = superseded(archive, correction)
    assert (told.kind, told.said, told.change.id) == ("repeated", "sent again", repeat.id)
    assert superseded(archive, repeat) is None


def test_a_later_version_without_a_marker_is_an_update(archive):
    first, _second = versions_of(archive, "COCOA CROP LATE IN GHANA", "GHANA COCOA CROP LATE")
    assert superseded(archive, first).kind == "updated"
