"""The `newsarchive` command (app/cli.py): help for everything, exit codes, what it prints.

Commands run in-process through typer's CliRunner against a data directory in
tmp_path (settings come from NEWSARCHIVE_* variables, so the cached settings are
cleared around each test); the console script itself runs as a subprocess.
"""

import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
import typer.main
from sqlalchemy.exc import OperationalError
from support.helpers import make, search_params, stored_as_before_cleaning, wait_for
from support.stories import ROOT, SEED, SEED_ID, story, write_story
from typer.testing import CliRunner

from app.archive import Archive
from app.cli import cli
from app.engine.compacting import WIDTH
from app.engine.schema import document
from app.errors import ParseError
from app.ingest.text import parse_article
from app.node.beside import COMPACT, running_beside
from app.search.queries import search
from app.settings import get_settings

COMMANDS = {
    "serve",
    "ingest",
    "delete",
    "reindex",
    "migrate",
    "compact",
    "follow",
    "check",
    "stats",
    "search",
    "export",
}


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """NEWSARCHIVE_* pointing into tmp_path, with the settings cache cleared around the test."""
    directory = tmp_path / "data"
    monkeypatch.setenv("NEWSARCHIVE_DATA_DIR", str(directory))
    monkeypatch.setenv("NEWSARCHIVE_SEEDS_DIR", str(ROOT / "seeds"))
    monkeypatch.setenv("NEWSARCHIVE_MAX_ARTICLE_BYTES", str(64 * 1024))
    monkeypatch.delenv("NEWSARCHIVE_DATABASE_URL", raising=False)
    monkeypatch.delenv("NEWSARCHIVE_INDEX_DIR", raising=False)
    get_settings.cache_clear()
    yield directory
    get_settings.cache_clear()


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, (args, result.output, result.exception)
    return result


def good_files(directory: Path, count: int) -> list[Path]:
    return [
        write_story(directory, f"{n:03d}_{n:016x}.txt", f"Good story number {n} about kestrels.")
        for n in range(1, count + 1)
    ]


def stats_lines(result) -> list[str]:
    return result.stdout.splitlines()


# --- Help ----------------------------------------------------------------------------------------


def test_every_command_and_option_has_help():
    group = typer.main.get_command(cli)
    assert hasattr(group, "commands")  # a group (typer may vendor its own click)
    assert (group.help or "").strip()
    assert set(group.commands) >= COMMANDS
    for name, command in group.commands.items():
        assert (command.help or "").strip(), f"command {name} has no help"
        for param in command.params:
            assert (getattr(param, "help", None) or "").strip(), f"{name} {param.name}: no help"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help_of_each_command(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    help_text = typer.main.get_command(cli).commands[command].help
    assert help_text.split(";")[0].split(".")[0] in " ".join(result.output.split())


def test_no_arguments_shows_help():
    result = CliRunner().invoke(cli, [])
    assert result.exit_code in (0, 2)
    for command in COMMANDS:
        assert command in result.output


def test_serve_refuses_zero_workers_before_touching_the_archive(data_dir):
    result = run("serve", "--workers", "0", code=2)
    assert "--workers" in result.output
    assert not data_dir.exists()


# --- ingest --------------------------------------------------------------------------------------


def test_ingest_good_files(data_dir, tmp_path):
    files = good_files(tmp_path / "in", 3)
    result = run("ingest", *map(str, files))
    assert "added 3, updated 0, unchanged 0, rejected 0" in result.stderr
    assert "articles\t3" in stats_lines(run("stats"))


def test_ingest_a_directory(data_dir, tmp_path):
    good_files(tmp_path / "in" / "nested", 2)
    result = run("ingest", str(tmp_path / "in"))
    assert "added 2, updated 0, unchanged 0, rejected 0" in result.stderr


def test_ingest_twice_is_unchanged(data_dir, tmp_path):
    files = good_files(tmp_path / "in", 2)
    run("ingest", *map(str, files))
    again = run("ingest", *map(str, files))
    assert "added 0, updated 0, unchanged 2, rejected 0" in again.stderr


def test_ingest_a_changed_file_updates(data_dir, tmp_path):
    (path,) = good_files(tmp_path / "in", 1)
    run("ingest", str(path))
    path.write_text(story("An amended text about kestrels."), encoding="utf-8")
    result = run("ingest", str(path))
    assert "added 0, updated 1, unchanged 0, rejected 0" in result.stderr


@pytest.fixture
def mixed_directory(tmp_path: Path) -> tuple[Path, Path]:
    """Two good files and one without a date header; returns (directory, bad file)."""
    directory = tmp_path / "mixed"
    good_files(directory, 2)
    bad = directory / "002_bad.txt"
    bad.write_text("No header and no dateline, just words.", encoding="utf-8")
    return directory, bad


def rejection_reason(path: Path) -> str:
    with pytest.raises(ParseError) as reason:
        parse_article(path.read_bytes(), filename=path.name)
    return str(reason.value)


def test_ingest_with_a_bad_file_exits_1_and_keeps_the_good(data_dir, mixed_directory):
    directory, bad = mixed_directory
    result = run("ingest", str(directory), code=1)
    assert "added 2, updated 0, unchanged 0, rejected 1" in result.stderr
    assert bad.name in result.stderr
    assert rejection_reason(bad) in " ".join(result.stderr.split())
    assert bad.name not in result.stdout  # messages go to stderr
    assert "articles\t2" in stats_lines(run("stats"))


def test_ingest_json_gives_counts_and_each_rejection(data_dir, mixed_directory):
    directory, bad = mixed_directory
    result = run("ingest", "--json", str(directory), code=1)
    report = json.loads(result.stdout)
    assert (report["added"], report["updated"], report["unchanged"]) == (2, 0, 0)
    assert report["rejected"] == [{"path": str(bad), "reason": rejection_reason(bad)}]


def test_rejection_names_file_and_reason_on_one_line(data_dir, mixed_directory):
    """One line a file, whatever the terminal width, so that logs can be grepped."""
    directory, bad = mixed_directory
    result = run("ingest", str(directory), code=1)
    assert f"rejected {bad}: {rejection_reason(bad)}" in result.stderr.splitlines()


def test_ingest_a_missing_path(data_dir, tmp_path):
    missing = tmp_path / "nothing-here.txt"
    result = run("ingest", str(missing), code=1)
    assert "nothing-here.txt" in result.stderr
    assert "rejected 1" in result.stderr


def test_ingest_an_oversized_file(data_dir, tmp_path):
    big = write_story(tmp_path / "in", "big.txt", "word " * (20 * 1024))  # over 64 KiB
    result = run("ingest", str(big), code=1)
    assert "big.txt" in result.stderr and "limit" in result.stderr


# --- check, reindex, stats -----------------------------------------------------------------------


def lag_the_index(tmp_path: Path) -> str:
    """Store an article without indexing it (as a crash between the two would); its id."""
    path = write_story(tmp_path / "lag", "001_00000000000000ff.txt", "Lagging ospreys nest.")
    article = parse_article(path.read_bytes(), filename=path.name)
    archive = Archive(get_settings())
    try:
        archive.store.upsert([article], source_paths=[str(path)])
    finally:
        archive.close()
    return article.id


def indexed_ids() -> set[str]:
    archive = Archive(get_settings())
    try:
        return {article_id for article_id, _hash in archive.index.documents()}
    finally:
        archive.close()


def finds(word: str) -> list[str]:
    archive = Archive(get_settings())
    try:
        return [item.id for item in search(archive, search_params(q=word)).items]
    finally:
        archive.close()


def test_check_is_ok_after_ingest(data_dir):
    run("ingest", str(SEED))
    result = run("check")
    assert result.stdout.startswith("ok")


def test_check_finds_and_repair_mends_a_lagging_index(data_dir, tmp_path):
    run("ingest", str(SEED))
    lagging = lag_the_index(tmp_path)
    assert finds("ospreys") == []
    found = run("check", code=1)
    assert f"missing\t{lagging}" in found.stdout.splitlines()
    assert f"missing\t{SEED_ID}" not in found.stdout
    repaired = run("check", "--repair")
    assert f"missing\t{lagging}" in repaired.stdout.splitlines()
    assert finds("ospreys") == [lagging]
    assert run("check").stdout.startswith("ok")


def test_delete_takes_articles_from_store_and_index_and_names_what_was_not_stored(
    data_dir, tmp_path
):
    files = good_files(tmp_path / "in", 3)
    run("ingest", str(SEED), *map(str, files))
    result = run("delete", f"{1:016x}", "no-such-id", code=1)
    assert result.stdout.splitlines() == [f"deleted\t{1:016x}", "not stored\tno-such-id"]
    assert sorted(finds("kestrels")) == [f"{2:016x}", f"{3:016x}"]
    assert run("delete", f"{2:016x}").stdout == f"deleted\t{2:016x}\n"
    assert run("stats").stdout.startswith("stories\t2\narticles\t2")
    assert run("check").stdout.startswith("ok")


def test_follow_applies_what_another_node_writes_until_stopped(data_dir, tmp_path):
    """`follow` for this node's index while another node (its own index, the same store)
    ingests; Ctrl-C stops it."""
    run("ingest", str(SEED))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSARCHIVE_FOLLOW_SECONDS": "0.1"}
    follower = subprocess.Popen(
        [sys.executable, "-m", "app", "follow"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        other = {**env, "NEWSARCHIVE_INDEX_DIR": str(tmp_path / "other-index")}
        files = good_files(tmp_path / "in", 2)
        ingested = subprocess.run(
            [sys.executable, "-m", "app", "ingest", *map(str, files)], env=other, timeout=120
        )
        assert ingested.returncode == 0
        deadline = time.monotonic() + 10
        while len(finds("kestrels")) < 2:
            assert time.monotonic() < deadline, "the follower did not apply the other node's"
            time.sleep(0.1)
    finally:
        follower.send_signal(signal.SIGINT)
        _, errors = follower.communicate(timeout=30)
    assert follower.returncode == 0, errors
    assert "applied 2 changes" in errors and "stopped" in errors
    assert run("check").stdout.startswith("ok")


# A stand-in for `serve`: it starts `follow --beside` itself (the follower is its child, as
# `serve`'s is), says the follower's pid, and waits
SERVER = """
import os, subprocess, sys, time
command = [sys.executable, "-m", "app", "follow", "--beside", str(os.getpid())]
print(subprocess.Popen(command).pid, flush=True)
time.sleep(60)
"""


def test_follow_beside_a_process_ends_with_it(data_dir):
    run("ingest", str(SEED))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-c", SERVER], env=env, stdout=subprocess.PIPE)
    follower = int(server.stdout.readline())
    wait_for(lambda: "follow" in Path(f"/proc/{follower}/cmdline").read_text(), 10, "start")
    time.sleep(2)  # longer than the follower takes to start and open the archive
    assert Path(f"/proc/{follower}").exists()  # still following
    server.kill()
    server.wait()
    server.stdout.close()
    wait_for(lambda: not _running(follower), 30, "the follower's end with its server")


def _running(pid: int) -> bool:
    """Whether `pid` is a live process (a dead child of a dead parent is reaped by init)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_reindex_rebuilds_the_same_ids(data_dir, tmp_path):
    files = good_files(tmp_path / "in", 4)
    run("ingest", str(SEED), *map(str, files))
    before = indexed_ids()
    assert len(before) == 5
    result = run("reindex")
    assert "5" in result.stdout.split()
    assert indexed_ids() == before
    assert finds("kestrels") and set(finds("kestrels")) <= before


def test_reindex_cleans_stored_junk_by_today_s_rules_and_indexes_the_clean_text(data_dir):
    archive = Archive(get_settings())
    junky = stored_as_before_cleaning("wire", ["Gannets dived offshore.", "They fed. REUTER"])
    archive.add([junky], source_paths=[None])
    archive.close()
    assert finds("REUTER") == ["wire"]

    result = run("reindex")
    assert result.stdout.strip() == (
        "cleaned 1 stored articles again; 0 joined a story thread; reindexed 1 articles"
    )
    assert finds("REUTER") == [] and finds("fed") == ["wire"]
    assert run("check").stdout.startswith("ok")
    assert run("reindex").stdout.startswith("cleaned 0 stored articles again")


def test_reindex_drops_what_the_store_lacks_and_adds_what_it_holds(data_dir, tmp_path):
    run("ingest", str(SEED))
    lagging = lag_the_index(tmp_path)
    run("reindex")
    assert indexed_ids() == {SEED_ID, lagging}
    assert run("check").stdout.startswith("ok")


def split_the_index(segments: int) -> None:
    """Store `segments` new stories and index each in a segment of its own, as Whoosh's
    writer leaves them when told not to merge (a commit of the archive would merge them)."""
    archive = Archive(get_settings())
    try:
        for n in range(segments):
            article = make(f"split-{n}", f"Split story {n} of gannets.")
            archive.store.upsert([article], source_paths=[None])
            writer = archive.index._ix.writer()
            writer.add_document(**document(article))
            writer.commit(merge=False)
    finally:
        archive.close()


def segment_count() -> int:
    archive = Archive(get_settings())
    try:
        return archive.index.segment_count()
    finally:
        archive.close()


def test_compact_merges_segments_and_the_archive_stays_whole(data_dir):
    run("ingest", str(SEED))
    split_the_index(WIDTH)
    before = sorted(finds("gannets"))
    assert len(before) == WIDTH and segment_count() == WIDTH + 1
    result = run("compact", "--smallest", "1")
    assert f"merged {WIDTH} segments into one" in result.stderr
    assert result.stdout.strip() == "the index has 2 segments"
    assert sorted(finds("gannets")) == before
    assert run("check").stdout.startswith("ok")


def test_compact_with_nothing_due_changes_nothing(data_dir):
    run("ingest", str(SEED))
    split_the_index(3)
    result = run("compact")  # the default: only segments too large for a commit to merge
    assert result.stderr == "" and result.stdout.strip() == "the index has 4 segments"


@pytest.mark.e2e
def test_a_server_compacts_beside_itself_until_told_to_stop(data_dir):
    """`serve`'s compactor: the real `compact` command, run again and again at low
    priority while the block runs, and no process of it left once the block is done."""
    run("ingest", str(SEED))
    split_the_index(WIDTH)
    command = [*COMPACT, "--smallest", "1"]
    with running_beside(command, 0.2, "compactor"):
        deadline = time.monotonic() + 60
        while segment_count() > 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert segment_count() == 2
        assert [t for t in threading.enumerate() if t.name == "compactor"]
    assert not [t for t in threading.enumerate() if t.name == "compactor"]
    assert run("check").stdout.startswith("ok")


def test_a_compactor_every_0_seconds_never_runs(data_dir):
    with running_beside(COMPACT, 0, "compactor"):
        assert not [t for t in threading.enumerate() if t.name == "compactor"]


def test_stats_prints_counts_and_sources(data_dir, tmp_path):
    run("ingest", str(SEED))
    write_story(tmp_path / "in", "001_0000000000000001.txt", "Kestrels.", agency="Reuters")
    write_story(tmp_path / "in", "002_0000000000000002.txt", "Ospreys.", agency="Reuters")
    run("ingest", str(tmp_path / "in"))
    tagged = tmp_path / "tagged.jsonl"
    tagged.write_text('{"published": "2024-05-02", "body": "Terns.", "tags": "Birds, Sea"}\n')
    run("ingest", str(tagged))
    lines = stats_lines(run("stats"))
    assert "articles\t4" in lines
    assert "topic\tbirds\t1" in lines and "topic\tsea\t1" in lines
    assert "source\tReuters\t2" in lines
    assert "source\tTASS\t1" in lines
    assert "place\tWASHINGTON\t1" in lines
    assert "first\t2024-03-05" in lines and "last\t2025-10-17" in lines


def test_stats_of_an_empty_archive(data_dir):
    lines = stats_lines(run("stats"))
    assert "articles\t0" in lines


# --- Search and export, on the query layer the web uses -----------------------------------------


@pytest.fixture
def opec(data_dir):
    """Five OPEC stories in March and April 2024, one sent in capitals, and one of wheat."""
    with closing(Archive(get_settings())) as archive:
        stories = [
            make(f"o{n}", f"OPEC ministers met, meeting {n}.", date(2024, 3 + n % 2, 1 + n))
            for n in range(4)
        ]
        stories.append(
            make("caps", "The OPEC talks went on.", date(2024, 3, 20), title="OPEC TALKS CONTINUE")
        )
        stories.append(make("w", "Wheat prices rose.", date(2024, 3, 2), place="TOKYO"))
        archive.add(stories, source_paths=[None] * len(stories))
        yield archive


def test_search_prints_a_page_as_the_query_layer_finds_it(opec):
    result = run("search", "opec", "-p", "sort=oldest", "-p", "per_page=2", "-p", "page=2")
    found = search(opec, search_params(q="opec", sort="oldest", per_page=2, page=2))
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert [line[1] for line in lines] == [item.id for item in found.items]
    assert [line[0] for line in lines] == [item.published.isoformat() for item in found.items]
    assert "5 stories for 'opec', page 2 of 3" in result.stderr


def test_search_as_json_and_csv_gives_the_headline_as_shown_and_as_sent(opec):
    answer = json.loads(run("search", "talks", "--format", "json").stdout)
    assert (answer["total"], answer["pages"]) == (1, 1)
    (item,) = answer["items"]
    assert (item["id"], item["title"], item["headline"]) == (
        "caps",
        "OPEC TALKS CONTINUE",
        "OPEC Talks Continue",
    )
    rows = list(csv.DictReader(io.StringIO(run("search", "talks", "--format", "csv").stdout)))
    assert [(row["id"], row["headline"]) for row in rows] == [("caps", "OPEC Talks Continue")]


def test_search_filters_by_the_web_s_parameter_names(opec):
    result = run("search", "", "-p", "place=TOKYO", "--format", "json")
    assert [item["id"] for item in json.loads(result.stdout)["items"]] == ["w"]
    march = run("search", "opec", "-p", "from=2024-03-01", "-p", "to=2024-03-31")
    assert {line.split("\t")[1] for line in march.stdout.splitlines()} == {"o0", "o2", "caps"}


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["-p", "pag=2"], "--param: 'pag=2' is not NAME=VALUE"),
        (["-p", "place"], "--param: 'place' is not NAME=VALUE"),
        (["-p", "from=2024-13-01"], "from: '2024-13-01' is not a date"),
        (["-p", "page=9"], "page: must be 1: there is 1 page of 5 stories"),
        (["--format", "xml"], "--format: must be one of text, json, csv"),
    ],
)
def test_a_search_that_cannot_run_exits_2_saying_why(opec, args, said):
    result = run("search", "opec", *args, code=2)
    assert said in result.stderr and not result.stdout


def test_export_writes_every_match_as_the_api_does(opec, tmp_path):
    target = tmp_path / "opec.csv"
    result = run("export", "opec", "-p", "sort=oldest", "--output", str(target))
    assert f"wrote {target}" in result.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    found = search(opec, search_params(q="opec", sort="oldest", per_page=100))
    assert [row["id"] for row in rows] == [item.id for item in found.items] and len(rows) == 5
    assert rows[0]["url"] == "/articles/o0"
    lines = run("export", "opec", "-p", "from=2024-04-01", "--format", "ndjson").stdout
    assert {json.loads(line)["id"] for line in lines.splitlines()} == {"o1", "o3"}


def test_export_links_in_full_behind_a_public_address(opec, monkeypatch):
    monkeypatch.setenv("NEWSARCHIVE_PUBLIC_URL", "https://news.example/")
    get_settings.cache_clear()
    (line,) = run("export", "talks", "--format", "ndjson").stdout.splitlines()
    assert json.loads(line)["url"] == "https://news.example/articles/caps"


# --- The store away: one line and exit code 3 -------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["stats"],
        ["check"],
        ["ingest", str(SEED)],
        ["migrate"],
        ["search", "grain"],
        ["export", "grain"],
        ["delete", "some-id"],
        ["reindex"],
        ["compact"],
    ],
    ids=lambda command: command[0],
)
def test_a_command_with_the_store_away_says_so_in_one_line_and_exits_3(
    data_dir, monkeypatch, command
):
    with socket.socket() as unused:  # a port nothing listens on: the connection is refused
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    monkeypatch.setenv("NEWSARCHIVE_DATABASE_URL", f"postgresql://postgres@127.0.0.1:{port}/test")
    get_settings.cache_clear()
    result = run(*command, code=3)
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: the store at 127.0.0.1:{port}/test is not answering: ")
    assert "refused" in line.lower() and "Traceback" not in result.output


def test_debug_shows_the_traceback_of_a_failure(data_dir, monkeypatch):
    monkeypatch.setenv("NEWSARCHIVE_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/test")
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["--debug", "stats"])
    assert result.exit_code != 3 and isinstance(result.exception, OperationalError)


# --- The console script, as a subprocess -------------------------------------------------------


def subprocess_env(tmp_path: Path, **variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSARCHIVE_")}
    env.update(NEWSARCHIVE_DATA_DIR=str(tmp_path / "data"), **variables)
    return env


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("NEWSARCHIVE_MAX_ARTICLE_BYTES", "0"),
        ("NEWSARCHIVE_MAX_ARTICLE_BYTES", "-1"),
        ("NEWSARCHIVE_MAX_ARTICLE_BYTES", "lots"),
        ("NEWSARCHIVE_DATABASE_URL", "mysql://somewhere/db"),
    ],
)
def test_bad_settings_are_refused_at_start(tmp_path, variable, value):
    result = subprocess.run(
        [sys.executable, "-m", "app", "stats"],
        env=subprocess_env(tmp_path, **{variable: value}),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert variable in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # refused before anything was opened


@pytest.mark.e2e
@pytest.mark.parametrize(
    "command",
    [[sys.executable, "-m", "app"], [str(Path(sys.executable).with_name("newsarchive"))]],
    ids=["python-m-app", "console-script"],
)
def test_console_script_runs(tmp_path, command):
    help_run = subprocess.run(
        [*command, "--help"], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert help_run.returncode == 0, help_run.stderr
    for name in COMMANDS:
        assert name in help_run.stdout
    ingest = subprocess.run(
        [*command, "ingest", str(SEED)],
        env=subprocess_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert ingest.returncode == 0, ingest.stderr
    assert "added 1, updated 0, unchanged 0, rejected 0" in ingest.stderr
