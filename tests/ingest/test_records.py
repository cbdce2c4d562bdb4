"""app.ingest.jsonl: JSON Lines files (plain and gzipped) read as ingest reads them, each
record's fields under their common names, and what each bad line reports."""

import gzip
import json
from pathlib import Path

import pytest
from support.stories import SMALL_LIMIT

from app.article import Article
from app.errors import ParseError
from app.ingest.formats import read_source

RECORD = {
    "id": "wire-1",
    "published": "2024-05-06",
    "title": "Grain exports rise",
    "body": "Grain exports rose in April.\n\nShipments doubled.",
    "source": "Wire",
    "dateline": "ODESSA, May 6 -",
    "url": "https://wire.example/1",
    "authors": ["A. Writer", "B. Writer"],
}


def jsonl(path: Path, lines: list[object | str]) -> Path:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def items(source, **kwargs) -> list[tuple[str, Article | ParseError]]:
    return list(read_source(source, max_bytes=SMALL_LIMIT, **kwargs))


@pytest.mark.parametrize("name", ["wire.jsonl", "wire.jsonl.gz", "wire.ndjson"])
def test_a_record_keeps_its_own_id_title_place_link_and_authors(tmp_path, name):
    [(where, article)] = items(jsonl(tmp_path / name, [RECORD]))
    assert where == f"{tmp_path / name}:1"
    assert (article.id, article.title, article.place) == ("wire-1", "Grain exports rise", "ODESSA")
    assert (article.source_url, article.authors) == (
        "https://wire.example/1",
        "A. Writer, B. Writer",
    )
    assert article.paragraphs == ["Grain exports rose in April.", "Shipments doubled."]


def test_aliases_of_fields_are_read(tmp_path):
    record = {"date_publish": "2024-05-06T10:20:30Z", "headline": "H", "maintext": "Text here."}
    [(_, article)] = items(jsonl(tmp_path / "a.jsonl", [record]))
    assert (str(article.published), article.title, article.body) == (
        "2024-05-06",
        "H",
        "Text here.",
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"topics": ["Cocoa", "earn", "el-salvador", "usa"], "places": ["chile"]},  # not places
        {"tags": "Cocoa, earn,  , el-salvador,USA"},  # text separated by commas
        {"keywords": ["cocoa"], "subjects": ["EARN", "Cocoa"], "tags": ["el-salvador", "usa"]},
    ],
)
def test_a_record_s_subject_tags_are_its_topics_normalised(tmp_path, fields):
    [(_, article)] = items(jsonl(tmp_path / "t.jsonl", [{**RECORD, **fields}]))
    assert sorted(article.topics) == ["cocoa", "earn", "el-salvador", "usa"]
    assert article.place == "ODESSA"  # the dateline's place, not the tags'


def test_a_record_without_tags_has_no_topics_and_bad_tags_are_named(tmp_path):
    path = jsonl(
        tmp_path / "t.jsonl", [RECORD, {**RECORD, "tags": {"a": 1}}, {**RECORD, "topics": []}]
    )
    [(_, plain), (_, bad), (_, empty)] = items(path)
    assert plain.topics == empty.topics == ()
    assert str(bad) == "field 'tags' must be a list or text, not dict"


def test_an_id_that_is_not_url_safe_is_replaced_by_a_derived_one(tmp_path):
    [(_, article)] = items(jsonl(tmp_path / "a.jsonl", [{**RECORD, "id": "a/b?c"}]))
    assert article.id != "a/b?c"
    assert article.id == article.content_hash[:16]


BAD_LINES = {
    "{not json": "invalid JSON",
    "[1, 2]": "expected a JSON object",
    json.dumps({**RECORD, "body": ""}): "no body text",
    json.dumps({**RECORD, "published": "2024-13-45"}): "does not exist",
    json.dumps({**RECORD, "published": None, "date": None}): "no date",
    json.dumps({**RECORD, "title": {"nested": 1}}): "must be text",
    "[" * 50_000: "nested too deeply",
}


def test_each_bad_line_is_named_with_its_number_and_reason_and_good_lines_are_kept(tmp_path):
    lines = [RECORD, *BAD_LINES, {**RECORD, "id": "wire-2", "body": "Another story."}]
    found = items(jsonl(tmp_path / "mixed.jsonl", lines))
    good = [article.id for _, article in found if isinstance(article, Article)]
    bad = {where: str(error) for where, error in found if isinstance(error, ParseError)}
    assert good == ["wire-1", "wire-2"]
    for number, reason in enumerate(BAD_LINES.values(), start=2):
        assert reason in bad[f"{tmp_path / 'mixed.jsonl'}:{number}"]


def test_a_line_that_is_not_utf8_is_rejected_alone(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(json.dumps(RECORD).encode() + b'\n{"body": "caf\xe9"}\n')
    found = items(path)
    assert isinstance(found[0][1], Article)
    assert "not UTF-8" in str(found[1][1])


def test_an_endless_line_is_cut_at_the_limit_not_read_whole(tmp_path):
    path = tmp_path / "huge.jsonl"
    path.write_bytes(
        b'{"body": "' + b"x" * (20 * SMALL_LIMIT) + b'"}\n' + json.dumps(RECORD).encode()
    )
    found = items(path)
    assert "over the limit" in str(found[0][1])
    assert found[1][1].id == "wire-1"


def test_a_corrupt_gzip_file_is_reported_after_its_good_lines(tmp_path):
    whole = gzip.compress((json.dumps(RECORD) + "\n").encode() * 2000)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    found = items(path)
    assert isinstance(found[0][1], Article)
    assert "gzip stream is corrupt or cut short" in str(found[-1][1])


def test_bytes_read_add_up_to_the_file_size(tmp_path):
    path = jsonl(tmp_path / "a.jsonl.gz", [RECORD] * 50)
    counted = []
    items(path, on_bytes=counted.append)
    assert sum(counted) == path.stat().st_size
