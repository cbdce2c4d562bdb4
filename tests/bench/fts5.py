"""The baseline: the same rows written with plain sqlite3 into a table with an FTS5 index."""

import gzip
import json
import sqlite3
import time
from pathlib import Path


def write(corpus_path: Path, database: Path) -> float:
    """Seconds to write the same rows with sqlite3 into a table, its FTS5 index and a date index."""
    started = time.perf_counter()
    db = sqlite3.connect(database)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(
        "CREATE TABLE articles (id TEXT PRIMARY KEY, published TEXT, title TEXT, body TEXT,"
        " place TEXT, source TEXT)"
    )
    db.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='articles',"
        " content_rowid='rowid')"
    )
    with gzip.open(corpus_path, "rt", encoding="utf-8") as lines, db:
        rows = (json.loads(line) for line in lines)
        db.executemany(
            "INSERT OR IGNORE INTO articles VALUES (?, ?, ?, ?, ?, ?)",
            (
                (r["id"], r["published"], r["title"], r["body"], r.get("place"), r["source"])
                for r in rows
            ),
        )
        db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
        db.execute("CREATE INDEX articles_published ON articles(published)")
    db.close()
    return time.perf_counter() - started
