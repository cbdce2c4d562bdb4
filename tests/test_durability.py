"""Durability end to end: `kill -9` in the middle of an ingest, and two writers at once.

The store is the truth and the index is derived from it, so after any crash the
store must be intact, `check --repair` must bring the index back to exactly the
store's articles, and running the same ingest again must complete it. And the
one-writer rule must hold across processes: a CLI ingest and the API's POSTs
write the same data directory at the same time without an error or a lost article.

Every subprocess runs in its own session (process group), so that a writer's
worker processes can be found, and cleaned up, after their parent is killed.
"""

import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from support.helpers import search_params
from support.processes import children, group_members, live_processes

from app.archive import Archive
from app.search.queries import search
from app.settings import Settings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CLI_TIMEOUT = 120.0  # seconds for any one CLI run: a hang is a failure, not a stuck suite
EXIT_GRACE = 5.0  # seconds a killed ingest's worker processes get to go away
START_TIMEOUT = 30.0
FIND_TIMEOUT = 10.0
TOKEN = "durability-test-token-0123456789"
AUTHORIZATION = {"Authorization": f"Bearer {TOKEN}"}
HTTP_TIMEOUT = 90.0  # over the index's 60 s lock timeout: a stuck write answers 500 first

VOCABULARY = (
    "grain harvest market summit talks minister border treaty energy pipeline election court "
    "budget railway port drought flood vaccine bank currency tariff festival museum satellite "
    "launch reactor strike protest coalition parliament embassy refinery wheat airline bridge "
    "glacier volcano orchestra stadium shipyard copper cobalt lithium census parade monsoon"
).split()
PLACES = ("MOSCOW", "WASHINGTON", "BUDAPEST", "VIENNA", "UNITED NATIONS", "ST. PETERSBURG")
SOURCES = ("TASS", "Reuters", "AP", "AFP")

# Kill rounds: every round's file holds the same BASE ids in a new edition (updates) and a
# fresh block of BLOCK ids (additions), shuffled together and cut into BATCHES batches, each
# a store transaction and an index commit of its own, big enough for the multi-process writer.
BASE = 2400
BLOCK = 600
BATCHES = 3
TIMED_ROUNDS = 9  # killed at a time drawn from the whole length of a full ingest
# Killed this long after the bulk writer's worker processes appear: at once (while the
# writer still feeds them documents, the moment a kill is most likely to orphan them) and
# a little later, during their work or the commit.
WORKER_DELAYS = ((0.0, 0.0), (0.0, 0.15), (0.15, 0.6))
LATEST = 1.15  # timed kills fall in [0, LATEST × a full ingest]: some come after the end
KILL_SEED = 20251017

# Two writers: a CLI ingest of CLI_ARTICLES (in CLI_BATCHES commits) while the test POSTs
# POSTED_ARTICLES, 1 to 20 a request, a request every POST_EVERY seconds at most, so that
# the requests are spread over the whole ingest rather than all sent while it starts.
CLI_ARTICLES = 6000
CLI_BATCHES = 6
POSTED_ARTICLES = 400
POST_EVERY = 0.1


# --- Test data -------------------------------------------------------------------------------


def article(article_id: str, edition: int) -> dict:
    """One JSON Lines record, its text a function of its id and edition only."""
    rng = random.Random(f"{article_id}/{edition}")
    tag = article_id.replace("-", "")  # one word, found in this article only
    words = rng.sample(VOCABULARY, 3)
    sentences = [
        " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(6, 12))).capitalize() + "."
        for _ in range(rng.randint(2, 5))
    ]
    return {
        "id": article_id,
        "published": f"{rng.randint(1995, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "title": f"{words[0].title()} {words[1]} and {words[2]}: {tag}, edition {edition}",
        "body": f"Report {tag}, edition {edition}. " + " ".join(sentences),
        "source": rng.choice(SOURCES),
        "place": rng.choice(PLACES),
    }


def write_jsonl(path: Path, records: list[dict]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def base_ids() -> list[str]:
    return [f"k-{n:05d}" for n in range(BASE)]


def block_ids(round_number: int) -> list[str]:
    return [f"r{round_number:02d}-{n:04d}" for n in range(BLOCK)]


def round_records(round_number: int) -> list[dict]:
    """Round n: the base ids in edition n and block n's new ids, shuffled, in BATCHES batches."""
    records = [article(i, round_number) for i in base_ids() + block_ids(round_number)]
    random.Random(round_number).shuffle(records)
    return in_batches(records, BATCHES)


def in_batches(records: list[dict], batches: int) -> list[dict]:
    """The records as lines that ingest stores in `batches` batches (of up to BATCH_SIZE).

    Each batch after the first starts by repeating the first record of the one before:
    an id seen again ends a batch, and the same id and text is stored once (unchanged).
    """
    size = -(-len(records) // batches)
    lines = records[:size]
    for start in range(size, len(records), size):
        lines += [records[start - size], *records[start : start + size]]
    return lines


# --- Processes -------------------------------------------------------------------------------


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSARCHIVE_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(
        NEWSARCHIVE_DATA_DIR=str(data_dir),
        NEWSARCHIVE_SEEDS_DIR=str(data_dir.parent / "no-seeds"),
        **extra,
    )
    return env


def start_cli(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    """`python -m app ARGS` in a session of its own, stdout and stderr into `log`."""
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "app", *args],
            env=env,
            cwd=log.parent,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def run_cli(args: list[str], env: dict, log: Path, timeout: float = CLI_TIMEOUT) -> tuple[int, str]:
    """Run `python -m app ARGS` to its end; a run that outlasts `timeout` fails the test."""
    process = start_cli(args, env, log)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        others = describe(group_members(process.pid))
        kill_group(process)
        pytest.fail(
            f"`newsarchive {' '.join(args)}` did not finish within {timeout:.0f} s: most likely "
            f"it waits for the index's write lock. Processes in its group: {others}. Live "
            f"processes left by earlier writers: {describe(stray_writers())}.\n"
            f"{log.read_text(errors='replace')[-3000:]}"
        )
    finally:
        kill_group(process)
    return process.returncode, log.read_text(errors="replace")


def stray_writers() -> list[int]:
    """Live `python -m app` processes, other than pytest itself (for failure messages)."""
    mine = os.getpid()
    return [pid for pid, _ppid, _pgrp in live_processes() if pid != mine and "-m app" in cmd(pid)]


def cmd(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return "?"


def describe(pids: list[int]) -> str:
    return ", ".join(f"{pid} ({cmd(pid)})" for pid in pids) or "none"


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL whatever is left in the process's session (cleanup only)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def wait_until(check, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return check()


# --- The store, read directly ----------------------------------------------------------------


def integrity(database: Path) -> str:
    with closing(sqlite3.connect(database, timeout=30)) as connection:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(row[0]) for row in rows)


def stored_titles(database: Path) -> dict[str, str]:
    with closing(sqlite3.connect(database, timeout=30)) as connection:
        total, distinct = connection.execute(
            "select count(*), count(distinct id) from articles"
        ).fetchone()
        assert total == distinct, f"{total - distinct} ids are stored more than once"
        return dict(connection.execute("select id, title from articles"))


def assert_store_holds(database: Path, records: list[dict]) -> None:
    """The store holds exactly these records' ids, each with its title: no more, no less."""
    expected = {record["id"]: record["title"] for record in records}
    titles = stored_titles(database)
    extra, lost = sorted(titles.keys() - expected.keys()), sorted(expected.keys() - titles.keys())
    assert not extra, f"the store holds {len(extra)} ids that were never sent, e.g. {extra[:5]}"
    assert not lost, f"{len(lost)} articles were not stored, e.g. {lost[:5]}"
    stale = sorted(i for i in expected if titles[i] != expected[i])
    assert not stale, f"{len(stale)} articles are stored in an older edition, e.g. {stale[:5]}"


# --- 1. kill -9 at random moments --------------------------------------------------------------


@dataclass
class Round:
    number: int
    planned: str  # "at 2.31 s" or "with workers + 0.20 s"
    killed_at: float = 0.0  # seconds after the start
    workers: int = 0  # worker processes the ingest had when it was killed
    finished: bool = False  # it ended before the kill came
    drift: Counter[str] | None = None  # what `check --repair` mended, once it has run

    def __str__(self) -> str:
        end = "finished first" if self.finished else f"killed at {self.killed_at:.2f} s"
        text = f"round {self.number} ({self.planned}): {end}, {self.workers} workers"
        if self.drift is not None:
            mended = ", ".join(f"{n} {kind}" for kind, n in sorted(self.drift.items()))
            text += f"; repaired: {mended or 'nothing'}"
        return text


def kill_plan(full: float, rng: random.Random) -> list[tuple[str, float]]:
    """When to kill each round: ("time", seconds) or ("workers", delay after they appear).

    Timed kills are one a stratum of [0, LATEST × a full ingest], the first very early
    (before or while Python starts), so that every phase is hit: start-up, parsing,
    the store's transactions, the index's bulk writes and commits, and the end.
    """
    strata = [(n + rng.random()) / TIMED_ROUNDS * LATEST * full for n in range(TIMED_ROUNDS)]
    strata[0] = rng.uniform(0.01, 0.1) * full
    plan = [("time", at) for at in strata]
    plan += [("workers", rng.uniform(low, high)) for low, high in WORKER_DELAYS]
    rng.shuffle(plan)
    return plan


def kill_ingest(number: int, process: subprocess.Popen, how: str, value: float) -> Round:
    """Wait as planned, SIGKILL the ingest (not its group), and note what it was doing."""
    started = time.monotonic()
    planned = f"at {value:.2f} s" if how == "time" else f"with workers + {value:.2f} s"
    done = Round(number, planned)
    if how == "workers":
        appeared = wait_until(lambda: children(process.pid) or process.poll() is not None, 60, 0.01)
        assert appeared, "the ingest neither started index workers nor ended within 60 s"
        time.sleep(value)
    else:
        time.sleep(max(0.0, started + value - time.monotonic()))
    done.workers = len(children(process.pid))
    done.finished = process.poll() is not None
    process.kill()  # SIGKILL to the ingest process alone, as `kill -9 PID` or the OOM killer
    done.killed_at = time.monotonic() - started
    process.wait(timeout=10)
    return done


@pytest.mark.e2e
def test_kill_9_at_random_moments_never_corrupts_or_loses(tmp_path: Path) -> None:
    data = tmp_path / "data"
    database = data / "archive.sqlite3"
    env = cli_env(data)
    known: set[str] = set()  # every id written to any file so far

    def ingest(round_number: int) -> subprocess.Popen:
        records = round_records(round_number)
        known.update(record["id"] for record in records)
        path = write_jsonl(tmp_path / f"round-{round_number:02d}.jsonl", records)
        return start_cli(["ingest", str(path)], env, tmp_path / f"ingest-{round_number:02d}.log")

    # Round 0 runs to its end: the base is stored, and it measures a full ingest.
    started = time.monotonic()
    first = ingest(0)
    try:
        first.wait(timeout=CLI_TIMEOUT)
    finally:
        kill_group(first)
    full = time.monotonic() - started
    assert first.returncode == 0, (tmp_path / "ingest-00.log").read_text()

    rounds: list[Round] = []
    plan = kill_plan(full, random.Random(KILL_SEED))
    for number, (how, value) in enumerate(plan, start=1):
        process = ingest(number)
        try:
            done = kill_ingest(number, process, how, value)
            rounds.append(done)
            gone = wait_until(lambda p=process: not group_members(p.pid), EXIT_GRACE)
            left = describe(group_members(process.pid))
        finally:
            kill_group(process)
        history = "\n".join(map(str, rounds))
        if not gone:
            pytest.fail(
                f"{done}: {EXIT_GRACE:.0f} s after SIGKILL of the ingest, processes it started "
                f"were still alive: {left}. The bulk index writer's workers inherit its Whoosh "
                "write lock; left alive, they hold it for ever, and every later writer "
                f"(`check --repair`, ingest, POST) waits 60 s and fails with LockError.\n{history}"
            )
        if done.finished:
            assert process.returncode == 0, (tmp_path / f"ingest-{number:02d}.log").read_text()
        verify_after_crash(database, env, tmp_path, done, known, history)

    # The last round's file, the newest edition of everything, run to its end.
    final = [article(i, len(plan)) for i in base_ids()]
    final += [article(i, n) for n in range(len(plan) + 1) for i in block_ids(n)]
    path = write_jsonl(tmp_path / "final.jsonl", final)
    began = time.monotonic()
    code, output = run_cli(["ingest", str(path)], env, tmp_path / "final.log")
    assert code == 0, output
    last = time.monotonic() - began
    assert integrity(database) == "ok"
    assert_store_holds(database, final)
    code, output = run_cli(["check"], env, tmp_path / "final-check.log")
    assert code == 0, output
    assert_found(data, [final[n] for n in random.Random(1).sample(range(len(final)), 25)])
    print(f"\nfull ingest {full:.2f} s, {len(rounds)} rounds, final ingest {last:.2f} s:")
    print("\n".join(map(str, rounds)))


def verify_after_crash(
    database: Path, env: dict, tmp_path: Path, done: Round, known: set[str], history: str
) -> None:
    """The store is intact and holds only ids from the files; the index can be mended."""
    assert database.exists(), f"{done}: the store is gone"
    assert (result := integrity(database)) == "ok", f"{done}: integrity_check says {result}"
    assert stored_titles(database).keys() <= known, f"{done}: the store holds unknown ids"
    log = tmp_path / f"repair-{done.number:02d}.log"
    code, output = run_cli(["check", "--repair"], env, log)
    assert code == 0, f"{done}: `check --repair` exited {code}:\n{output}\n{history}"
    done.drift = Counter(line.split("\t")[0] for line in output.splitlines() if "\t" in line)
    code, output = run_cli(["check"], env, tmp_path / f"check-{done.number:02d}.log")
    assert code == 0, f"{done}: after `check --repair`, `check` says:\n{output}\n{history}"


def assert_found(data: Path, records: list[dict]) -> None:
    """Each record is found by its own word through the query layer, with its title."""
    settings = Settings(data_dir=data, database_url="", index_dir=None)  # not the environment's
    with closing(Archive(settings)) as archive:
        for record in records:
            word = record["id"].replace("-", "")
            found = search(archive, search_params(q=word))
            titles = [(item.id, item.title) for item in found.items]
            assert titles == [(record["id"], record["title"])], f"searching {word}: {titles}"


# --- 2. The CLI and the API writing at once --------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[httpx.Client, dict, subprocess.Popen]]:
    """A real `serve` process with a token, on a free port, its data directory in tmp_path."""
    env = cli_env(tmp_path / "data", NEWSARCHIVE_API_TOKEN=TOKEN)
    port = free_port()
    log = tmp_path / "server.log"
    process = start_cli(["serve", "--host", "127.0.0.1", "--port", str(port)], env, log)
    http = httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=HTTP_TIMEOUT)

    def answers() -> bool:
        if process.poll() is not None:
            pytest.fail(f"the server exited ({process.returncode}):\n{log.read_text()}")
        try:
            return http.get("/api/stats").status_code == 200
        except httpx.TransportError:
            return False

    try:
        if not wait_until(answers, START_TIMEOUT, 0.1):
            pytest.fail(f"the server did not answer within {START_TIMEOUT:.0f} s")
        yield http, env, process
    finally:
        http.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        kill_group(process)


def posted_article(n: int) -> dict:
    """An article for the API, with a word of its own ("zqa", "zqb", ...) to find it by."""
    return {**article(f"p-{n:04d}", 0), "body": f"Posted note {unique_word(n)}. Text {n}."}


def unique_word(n: int) -> str:
    letters = ""
    while True:
        n, digit = divmod(n, 26)
        letters += chr(ord("a") + digit)
        if not n:
            return "zq" + letters


@dataclass
class Answer:
    status: int
    text: str
    seconds: float
    while_ingesting: bool  # the ingest process was running when the answer came
    while_indexing: bool  # its bulk index writer's workers were running when it was sent


@pytest.mark.e2e
def test_cli_and_server_write_at_once_without_losing_anything(server, tmp_path: Path) -> None:
    http, env, serving = server
    database = tmp_path / "data" / "archive.sqlite3"
    records = [article(f"c-{n:05d}", 0) for n in range(CLI_ARTICLES)]
    path = write_jsonl(tmp_path / "cli.jsonl", in_batches(records, CLI_BATCHES))
    posts = [posted_article(n) for n in range(POSTED_ARTICLES)]
    rng = random.Random(7)
    batches, start = [], 0
    while start < len(posts):
        size = rng.randint(1, 20)
        batches.append(posts[start : start + size])
        start += size

    ingest = start_cli(["ingest", str(path)], env, tmp_path / "ingest.log")
    answers: list[Answer] = []
    try:
        # From its first write on: its index workers at work, or its first batch stored.
        wait_until(
            lambda: children(ingest.pid) or has_rows(database) or ingest.poll() is not None,
            60,
            0.01,
        )
        for batch in batches:
            sent = time.monotonic()
            indexing = bool(children(ingest.pid))
            try:
                response = http.post("/api/articles", json=batch, headers=AUTHORIZATION)
            except httpx.HTTPError as error:
                pytest.fail(f"POST {len(answers)}: {error!r}\nserver log:\n{server_log(tmp_path)}")
            answer = Answer(
                response.status_code,
                response.text,
                time.monotonic() - sent,
                ingest.poll() is None,
                indexing,
            )
            answers.append(answer)
            if answer.status != 200 or response.json() != stored_all(batch):
                break
            time.sleep(max(0.0, sent + POST_EVERY - time.monotonic()))
        ingest.wait(timeout=CLI_TIMEOUT)
    finally:
        kill_group(ingest)
    output = (tmp_path / "ingest.log").read_text(errors="replace")
    bad = [(n, a.status, a.text[:500]) for n, a in enumerate(answers) if a.status != 200]
    assert not bad, f"POSTs answered other than 200: {bad}\nserver log:\n{server_log(tmp_path)}"
    assert len(answers) == len(batches), f"a POST did not store its batch: {answers[-1].text}"
    assert ingest.returncode == 0, output
    assert "LockError" not in output and "Traceback" not in output, output
    during = sum(a.while_ingesting for a in answers)
    indexing = sum(a.while_indexing for a in answers)
    assert during > 0, "every POST was answered after the ingest had ended: nothing ran at once"

    assert integrity(database) == "ok"
    assert_store_holds(database, records + posts)
    code, checked = run_cli(["check"], env, tmp_path / "check.log")
    assert code == 0, checked

    def found(word: str) -> list[str]:
        return [item["id"] for item in http.get("/api/search", params={"q": word}).json()["items"]]

    def all_found() -> bool:
        missing[:] = [p["id"] for n, p in enumerate(posts) if found(unique_word(n)) != [p["id"]]]
        return not missing

    missing: list[str] = []
    assert wait_until(all_found, FIND_TIMEOUT, 0.2), f"POSTed, not found by search: {missing}"
    for record in random.Random(3).sample(records, 20):
        assert found(record["id"].replace("-", "")) == [record["id"]]
    assert serving.poll() is None, "the server died"
    slowest = max(a.seconds for a in answers)
    print(
        f"\n{len(answers)} POSTs, {during} answered during the ingest, {indexing} sent while it "
        f"indexed; slowest {slowest:.2f} s"
    )


def has_rows(database: Path) -> bool:
    try:
        with closing(sqlite3.connect(database, timeout=30)) as connection:
            return connection.execute("select count(*) from articles").fetchone()[0] > 0
    except sqlite3.OperationalError:  # no file or no table yet
        return False


def stored_all(batch: list[dict]) -> dict:
    return {"added": len(batch), "updated": 0, "unchanged": 0, "duplicates": 0, "rejected": []}


def server_log(tmp_path: Path) -> str:
    return (tmp_path / "server.log").read_text(errors="replace")[-5000:]
