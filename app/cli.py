"""The `newsarchive` command: serve, ingest, delete, reindex, migrate, compact, follow, check,
stats, search, export.

Every command and option has help text (a test holds us to it). Messages go to
stderr, results to stdout, and exit codes say whether anything went wrong.
"""

import json
import logging
import os
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager, nullcontext
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from sqlalchemy.engine import make_url

from app.archive import Archive
from app.archive import migrate as migrate_store
from app.errors import STORE_AWAY, STORE_LOGGER, QueryError, SchemaBehind, said_by_driver
from app.ingest import IngestReport, Source, total_bytes
from app.ingest import ingest as ingest_sources
from app.ingest.formats import formats_help, is_url
from app.node import follower
from app.node.beside import COMPACT, FOLLOW, RESTART_SECONDS, running_beside
from app.processes import die_with, mark_server
from app.search import printed, queries
from app.search.export import csv_chunks, matching_articles, ndjson_chunks
from app.search.params import parse_params
from app.settings import get_settings
from app.web.urls import article_url

cli = typer.Typer(
    help="A news archive: ingest article files, search them, serve them on the web.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
STORE_AWAY_EXIT = 3  # exit codes: 0 done, 1 done but items refused or differences found,
# 2 the command cannot run as asked (usage, settings, a store behind this release's schema),
# 3 the store is not answering
DEBUG = {"on": False}


LOGGING_COMMANDS = ("serve", "follow", "compact")  # long-running: the store's outages logged


@cli.callback()
def options(
    context: typer.Context,
    debug: Annotated[
        bool, typer.Option("--debug", help="On a failure, print its traceback, not one line.")
    ] = False,
) -> None:
    """A news archive: ingest article files, search them, serve them on the web."""
    DEBUG["on"] = debug
    if context.invoked_subcommand not in LOGGING_COMMANDS:  # a command's failure is its line
        store_log = logging.getLogger(STORE_LOGGER)
        store_log.disabled = True
        context.call_on_close(lambda: setattr(store_log, "disabled", False))


err = Console(stderr=True)
CORES = os.cpu_count() or 1
WORKER_APP = "app.web.app:worker_app"
NICENESS = 10  # of `compact --beside`: below the server's own processes
Chosen = TypeVar("Chosen")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Server processes; default: one a core. 1 serves in-process."),
    ] = None,
) -> None:
    """Serve the archive on the web; an empty archive first ingests the seeds.

    Beside the server run its follower, which keeps this node's index following the
    store (and fills it, if new, while the server answers), and its compactor."""
    import uvicorn

    from app.web.app import create_app

    settings = get_settings()
    with _opened() as archive:
        if not archive.article_count() and settings.seeds_dir.is_dir():
            typer.echo(f"Empty archive: ingesting the seeds in {settings.seeds_dir}", err=True)
            _print_report(_ingest(archive, [settings.seeds_dir]))
    processes = workers or CORES
    mark_server()  # the node's processes end with it and share its readiness
    with (
        running_beside(FOLLOW, RESTART_SECONDS, "follower"),
        running_beside(COMPACT, settings.compact_seconds, "compactor"),
    ):
        if processes == 1:
            uvicorn.run(create_app(settings, catch_up=False), host=host, port=port)
        else:  # each worker imports the app by name and reads the settings from the environment
            uvicorn.run(WORKER_APP, factory=True, host=host, port=port, workers=processes)


@cli.command()
def ingest(
    sources: Annotated[
        list[str],
        typer.Argument(
            help=f"Files ({formats_help()}), directories to walk, or http(s) URLs of feeds "
            "and pages.",
            show_default=False,
        ),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the counts and every rejection as JSON.")
    ] = False,
) -> None:
    """Add articles to the archive; exits 1 if anything was rejected, after storing the rest."""
    with _opened() as archive:
        report = _ingest(archive, [_source(text) for text in sources])
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        _print_report(report)
    raise typer.Exit(1 if report.rejected else 0)


@cli.command()
def delete(
    ids: Annotated[list[str], typer.Argument(help="Ids of stored articles.", show_default=False)],
) -> None:
    """Delete articles (and their duplicates' ids) from the store and every node's index.

    Exits 1 if an id was not stored."""
    with _opened() as archive:
        deleted = archive.delete(ids)
    for article_id in ids:
        typer.echo(f"{'deleted' if article_id in deleted else 'not stored'}\t{article_id}")
    raise typer.Exit(0 if len(set(deleted)) == len(set(ids)) else 1)


@cli.command()
def reindex() -> None:
    """Clean the stored text again, thread older articles, rebuild the index from the store.

    Cleaning follows today's rules (a new rule applies to what is stored); articles stored
    before story threads were get theirs, oldest first."""
    with _opened() as archive:
        cleaned, joined = archive.reclean()
        count = archive.reindex()
    typer.echo(
        f"cleaned {cleaned} stored articles again; {joined} joined a story thread; "
        f"reindexed {count} articles"
    )


@cli.command()
def migrate() -> None:
    """Bring the store's schema up to this release's (back up the database first)."""
    with _store_failures():
        before, after = migrate_store(get_settings())
    if before == after:
        typer.echo(f"the store's schema is up to date (revision {after})")
    else:
        typer.echo(f"the store's schema went from revision {before} to {after}")


@cli.command()
def compact(
    smallest: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Merge segments of at least this many documents; default: those no commit merges.",
        ),
    ] = None,
    beside: Annotated[
        int | None,
        typer.Option(help="Run at low priority, and stop when this process (a server) ends."),
    ] = None,
) -> None:
    """Merge the index's large segments, ten at a time; searches and writes go on meanwhile.

    `serve` runs it by itself, every NEWSARCHIVE_COMPACT_SECONDS."""
    if beside is not None:
        os.nice(NICENESS)
        die_with(beside)
    with _opened() as archive:
        options = {} if smallest is None else {"smallest": smallest}
        while merged := archive.compact(**options):
            typer.echo(f"merged {merged} segments into one", err=True)
        typer.echo(f"the index has {archive.segment_count()} segments")


@cli.command()
def follow(
    beside: Annotated[
        int | None, typer.Option(help="Stop when this process (a server) ends.")
    ] = None,
) -> None:
    """Keep this node's index following the store's changes until stopped.

    It looks every NEWSARCHIVE_FOLLOW_SECONDS; `serve` runs it by itself."""
    if beside is not None:
        die_with(beside)
    logging.basicConfig(format="follower: %(message)s")
    logging.getLogger(follower.__name__).setLevel(logging.INFO)
    with _opened() as archive:
        try:
            follower.follow(archive, archive.settings.follow_seconds, threading.Event())
        except KeyboardInterrupt:
            typer.echo("stopped", err=True)


@cli.command()
def check(
    repair: Annotated[bool, typer.Option(help="Mend the index from the store.")] = False,
) -> None:
    """Check that the store and the index hold the same articles; exits 1 if not."""
    with _opened() as archive:
        found = archive.repair() if repair else archive.differences()
    for name in ("missing", "extra", "stale", "doubled"):
        for article_id in getattr(found, name):
            typer.echo(f"{name}\t{article_id}")
    if not found:
        typer.echo("ok: the store and the index hold the same articles")
        return
    typer.echo("repaired" if repair else "differences found; `check --repair` mends them")
    raise typer.Exit(0 if repair else 1)


@cli.command()
def stats() -> None:
    """Print the archive's stories and articles, dates, sources, places and topics.

    A story's versions count once; each source, place and topic counts its stories."""
    with _opened() as archive:
        found = queries.stats(archive)
    typer.echo(f"stories\t{found.stories}")
    typer.echo(f"articles\t{found.articles}")
    typer.echo(f"first\t{found.first_published or '-'}")
    typer.echo(f"last\t{found.last_published or '-'}")
    for label, counts in found.named.items():
        for name, count in counts.items():
            typer.echo(f"{label}\t{name}\t{count}")


QUERY_HELP = 'Words to find, as on the web (quotes, OR, -word, place:…); "" for every story.'
PARAMS_HELP = (
    "NAME=VALUE, as the web's query string names them: place=TOKYO, source=Reuters, "
    "topic=oil, from=1987-03-01, to=1987-03-31, sort=newest, collapse=false; repeatable."
)


@cli.command()
def search(
    query: Annotated[str, typer.Argument(help=QUERY_HELP)] = "",
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help=PARAMS_HELP)] = None,
    output: Annotated[
        str, typer.Option("--format", help="text (date, id, headline a line), json or csv.")
    ] = "text",
) -> None:
    """Search the archive as /search does, a page of results at a time.

    The count goes to stderr; page= and per_page= choose the page. Exits 2 if the search
    cannot be run, saying why."""
    printer = _chosen(output, printed.PRINTERS)
    with _opened() as archive, _refusals():
        found = queries.search(archive, parse_params(printed.raw_params(query, param or [])))
    typer.echo(printed.heading(found), err=True)
    typer.echo(printer(found), nl=False)


@cli.command()
def export(
    query: Annotated[str, typer.Argument(help=QUERY_HELP)] = "",
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help=PARAMS_HELP)] = None,
    output: Annotated[str, typer.Option("--format", help="csv or ndjson.")] = "csv",
    to: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; default: stdout.")
    ] = None,
) -> None:
    """Write every match of a search, as /api/export does: CSV or NDJSON.

    No page limit; a story's versions once unless collapse=false. Exits 2 if the search
    cannot be run, saying why."""
    write = _chosen(output, {"csv": csv_chunks, "ndjson": ndjson_chunks})
    with _opened() as archive, _refusals():
        records = matching_articles(archive, parse_params(printed.raw_params(query, param or [])))
        base = (archive.settings.public_url or "").rstrip("/")
        chunks = write(records, url_of=lambda article_id: base + article_url(article_id))
        with open(to, "w", encoding="utf-8", newline="") if to else nullcontext(sys.stdout) as out:
            out.writelines(chunks)
    if to:
        typer.echo(f"wrote {to}", err=True)


def _chosen(name: str, choices: Mapping[str, Chosen]) -> Chosen:
    if name not in choices:
        typer.echo(f"error: --format: must be one of {', '.join(choices)}", err=True)
        raise typer.Exit(2)
    return choices[name]


@contextmanager
def _refusals() -> Iterator[None]:
    """A search that cannot be run ends the command with why (exit code 2), not a traceback."""
    try:
        yield
    except QueryError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None


@contextmanager
def _opened() -> Iterator[Archive]:
    """The archive the settings name, opened for a command (see `_store_failures`)."""
    with _store_failures(), closing(Archive(get_settings())) as archive:
        yield archive


@contextmanager
def _store_failures() -> Iterator[None]:
    """A store behind this release's schema is refused with what to do about it (exit code
    2), a store that does not answer, at the start or later, with one line saying so (exit
    code 3): not a traceback, unless --debug asks for it."""
    try:
        yield
    except SchemaBehind as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    except STORE_AWAY as error:
        if DEBUG["on"]:
            raise
        where, said = _where(get_settings().database_url), said_by_driver(error)
        typer.echo(f"error: the store at {where} is not answering: {said}", err=True)
        raise typer.Exit(STORE_AWAY_EXIT) from None


def _where(url: str) -> str:
    """A store's address without its password: "127.0.0.1:5432/news", a SQLite file."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        return parsed.database or "memory"
    return f"{parsed.host}:{parsed.port or 5432}/{parsed.database}"


def main() -> None:
    """Entry point of the `newsarchive` script and of `python -m app`."""
    try:
        get_settings()
    except ValidationError as error:
        for problem in error.errors():
            name = "NEWSARCHIVE_" + "_".join(str(part) for part in problem["loc"]).upper()
            typer.echo(f"error: {name}: {problem['msg']}", err=True)
        sys.exit(2)
    cli()


def _source(text: str) -> Source:
    return text if is_url(text) else Path(text)


def _ingest(archive: Archive, sources: list[Source]) -> IngestReport:
    """Ingest with a progress bar (bytes, articles a second, time left) on a terminal."""
    if not err.is_terminal:
        return ingest_sources(archive, sources)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[articles]:,} articles · {task.fields[rate]:,.0f}/s"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task(
            "ingesting", total=total_bytes(sources) or None, articles=0, rate=0
        )
        counts = {"articles": 0}

        def advance(read_bytes: int, articles: int) -> None:
            counts["articles"] += articles
            elapsed = progress.tasks[task].elapsed or 1e-9
            rate = counts["articles"] / elapsed
            progress.update(task, advance=read_bytes, articles=counts["articles"], rate=rate)

        return ingest_sources(archive, sources, on_progress=advance)


def _print_report(report: IngestReport) -> None:
    """One line a rejected file, never wrapped, so that logs can be searched."""
    for rejection in report.rejected:
        typer.echo(f"rejected {rejection.path}: {rejection.reason}", err=True)
    typer.echo(report.summary(), err=True)
