"""app.ingest.text: the seed format, its real-world variants, the headline and id it gives.

Parsing is pure (bytes in, `Article` or `ParseError` out), so every case here is a
literal string; the property tests check that no input escapes as another exception.
"""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.stories import SEED, SEED_ID

from app.article import TITLE_MAX_CHARS, content_hash
from app.errors import ParseError
from app.ingest.text import file_id, parse_article

HEADER = "date 2024-03-05 MOSCOW, March 5. /TASS/. "


def parse_text(text: str, **options) -> object:
    return parse_article(text.encode("utf-8"), **options)


# --- the seed ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_article():
    return parse_article(SEED.read_bytes(), filename=SEED.name)


def test_seed_fields(seed_article):
    assert seed_article.id == SEED_ID
    assert seed_article.published == date(2025, 10, 17)
    assert seed_article.place == "WASHINGTON"
    assert seed_article.region is None
    assert seed_article.source == "TASS"
    assert seed_article.title.startswith("The upcoming meeting")
    assert len(seed_article.paragraphs) == 6


def test_seed_body_has_no_dateline(seed_article):
    assert seed_article.lead.startswith("The upcoming meeting")
    assert "/TASS/" not in seed_article.body
    assert "WASHINGTON" not in seed_article.body


def test_seed_title_is_cut_on_a_word_boundary(seed_article):
    title = seed_article.title
    assert title.endswith("…")
    assert len(title) <= TITLE_MAX_CHARS + 1
    kept = title[:-1]
    assert seed_article.lead.startswith(kept)
    assert seed_article.lead[len(kept)] == " "  # the next character starts a new word


def test_seed_counts_and_hash(seed_article):
    assert seed_article.word_count == len(seed_article.body.split())
    assert seed_article.content_hash == content_hash(
        published=seed_article.published,
        title=seed_article.title,
        body=seed_article.body,
        place=seed_article.place,
        region=seed_article.region,
        source=seed_article.source,
    )


# --- variants that must parse -----------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"\xef\xbb\xbf" + HEADER.encode() + b"First para.\n\nSecond para.", id="bom"),
        pytest.param(HEADER.encode() + b"First para.\r\n\r\nSecond para.\r\n", id="crlf"),
        pytest.param(HEADER.encode() + b"First para.\r\rSecond para.\r", id="lone-cr"),
        pytest.param(b" \n\t " + HEADER.encode() + b"First para.\n\nSecond para. \n\n ", id="ws"),
        pytest.param(HEADER.encode() + b"First para.\n\n\n\n\nSecond para.", id="blank-lines"),
        pytest.param(HEADER.encode() + b"First para.\n \t \nSecond para.", id="blank-with-ws"),
    ],
)
def test_layout_variants_parse_alike(raw):
    article = parse_article(raw)
    assert article.published == date(2024, 3, 5)
    assert article.place == "MOSCOW"
    assert article.source == "TASS"
    assert article.paragraphs == ["First para.", "Second para."]


def test_variants_hash_like_the_plain_text():
    plain = parse_text(HEADER + "First para.\n\nSecond para.")
    crlf = parse_article(b"\xef\xbb\xbf" + (HEADER + "First para.\r\n\r\nSecond para.").encode())
    assert crlf.content_hash == plain.content_hash
    assert crlf.id == plain.id


def test_line_breaks_inside_a_paragraph_are_joined():
    article = parse_text(HEADER + "One line\nand its continuation.\n\nNext.")
    assert article.paragraphs == ["One line and its continuation.", "Next."]


def test_typographic_quotes_are_kept():
    article = parse_text(HEADER + "\u201cWe agree,\u201d he said. It\u2019s done.")
    assert "\u201cWe agree,\u201d" in article.body
    assert "It\u2019s" in article.body


def test_non_ascii_names_are_kept():
    text = "date 2024-03-05 SÃO PAULO, March 5. /TASS/. João Silva spoke in São Paulo."
    article = parse_text(text)
    assert article.place == "SÃO PAULO"
    assert article.body == "João Silva spoke in São Paulo."


@pytest.mark.parametrize("place", ["UNITED NATIONS", "ST. PETERSBURG", "WASHINGTON"])
def test_places_of_one_or_more_words(place):
    article = parse_text(f"date 2024-03-05 {place}, March 5. /TASS/. Talks went on.")
    assert article.place == place
    assert article.body == "Talks went on."


def test_region_between_slashes():
    raw = b"date 2024-12-26 IGORA /Leningrad Region/, December 26. /TASS/. Snow fell."
    article = parse_article(raw)
    assert article.place == "IGORA"
    assert article.region == "Leningrad Region"
    assert article.source == "TASS"
    assert article.body == "Snow fell."


def test_agency_is_kept_as_data():
    article = parse_text("date 2024-03-05 LONDON, March 5. /Reuters/. Markets rose.")
    assert article.source == "Reuters"


def test_windows_1252_bytes_are_decoded():
    article = parse_article(HEADER.encode() + b"A caf\xe9 opened \x93today\x94.")
    assert article.body == "A café opened \u201ctoday\u201d."


# --- rejections -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        pytest.param(b"", ["empty"], id="empty"),
        pytest.param(b" \n\r\n\t  ", ["empty"], id="whitespace"),
        pytest.param(HEADER.encode() + b"Text\x00with NUL", ["binary", "NUL"], id="nul"),
        pytest.param(HEADER.encode() + bytes(range(1, 9)) * 30, ["binary", "control"], id="ctl"),
        pytest.param(b"date 2024-13-45 MOSCOW, March 5. /TASS/. Body.", ["2024-13-45", "exist"]),
        pytest.param(b"date 5.3.2024 MOSCOW, March 5. /TASS/. Body.", ["YYYY-MM-DD"], id="fmt"),
        pytest.param(b"MOSCOW, March 5. /TASS/. Body.", ["no", "date"], id="no-header"),
        pytest.param(HEADER.encode(), ["no body"], id="no-body"),
        pytest.param(HEADER.encode() + b"\n\n  \n", ["no body"], id="blank-body"),
    ],
)
def test_rejections_name_the_reason(raw, words):
    with pytest.raises(ParseError) as caught:
        parse_article(raw)
    message = str(caught.value)
    for word in words:
        assert word in message


def test_over_max_bytes_is_refused_with_the_limit():
    raw = (HEADER + "word " * 50).encode()
    with pytest.raises(ParseError, match="over the limit of 100") as caught:
        parse_article(raw, max_bytes=100)
    assert f"{len(raw):,}" in str(caught.value)


def test_exactly_max_bytes_is_accepted():
    raw = (HEADER + "word " * 50).encode()
    assert parse_article(raw, max_bytes=len(raw)).word_count == 50


# --- headline ---------------------------------------------------------------------------


def test_headline_is_the_first_sentence():
    article = parse_text(HEADER + "Talks began today. They will last a week.")
    assert article.title == "Talks began today."


# --- ids -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("000_fa15abbc2923d210.txt", "fa15abbc2923d210"),
        ("123_FA15ABBC2923D210.txt", "fa15abbc2923d210"),
        ("seeds/000_0123456789abcdef.txt", "0123456789abcdef"),
        ("story.txt", None),
        ("", None),
        ("000_fa15abbc2923d21.txt", None),  # 15 digits
        ("000_fa15abbc2923d2100.txt", None),  # 17 digits
        ("fa15abbc2923d210/story.txt", None),  # only the file's own name counts
    ],
)
def test_file_id(name, expected):
    assert file_id(name) == expected


def test_file_name_id_is_the_article_id():
    article = parse_text(HEADER + "Body.", filename="007_00000000000000ab.txt")
    assert article.id == "00000000000000ab"


def test_derived_id_is_stable_for_the_same_text():
    first = parse_text(HEADER + "The same story.", filename="a.txt")
    second = parse_text(HEADER + "The same story.", filename="b.txt")
    assert first.id == second.id
    assert len(first.id) == 16
    assert first.id == first.content_hash[:16]


def test_derived_id_differs_for_different_text():
    first = parse_text(HEADER + "One story.")
    second = parse_text(HEADER + "Another story.")
    assert first.id != second.id


def test_derived_id_differs_for_a_different_date():
    first = parse_text(HEADER + "One story.")
    second = parse_text(HEADER.replace("2024-03-05", "2024-03-06") + "One story.")
    assert first.id != second.id


# --- properties -------------------------------------------------------------------------


# Pieces of real files, so that generated bytes also reach past the header and the dateline.
FILE_PIECES = [
    b"\xef\xbb\xbf",
    b"date 2024-03-05 ",
    b"date 2024-02-30 ",
    b"date 99999-01-01 ",
    b"MOSCOW, March 5. /TASS/. ",
    b"IGORA /Leningrad Region/, December 26. /TASS/. ",
    b"ST. PETERSBURG, ",
    b"/TASS/.",
    b"\n\n",
    b"\r\n",
    b"\r",
    b"\x93quoted\x94",
    "S\u00e3o Paulo \u2014 \u201cquoted\u201d".encode(),
    "\u2028\ufeff".encode(),
    b"\x00",
    b"\xff\xfe",
    b"\xed\xa0\x80",  # a UTF-8-encoded surrogate: neither UTF-8 nor sensible Windows-1252
]
FILE_BYTES = st.one_of(
    st.binary(max_size=300),
    st.lists(st.one_of(st.sampled_from(FILE_PIECES), st.binary(max_size=20)), max_size=12).map(
        b"".join
    ),
)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, database=None)
@given(raw=FILE_BYTES, filename=st.sampled_from(["", "001_0123456789abcdef.txt", "x.txt"]))
def test_arbitrary_bytes_raise_only_parse_error(raw, filename):
    try:
        article = parse_article(raw, filename=filename, max_bytes=200)
    except ParseError as error:
        assert str(error)
    else:
        assert article.body and article.title and article.id


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(max_size=300))
def test_arbitrary_body_parses_or_is_refused(body):
    try:
        article = parse_text(HEADER + body)
    except ParseError as error:
        assert str(error)
        return
    assert article.published == date(2024, 3, 5)
    assert article.paragraphs
    for paragraph in article.paragraphs:
        assert paragraph.strip()
        assert "\n" not in paragraph
    assert "\n\n\n" not in article.body
    assert len(article.title) <= TITLE_MAX_CHARS + 1
