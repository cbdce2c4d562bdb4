"""The seed and small literal stories that many tests write and ingest."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_fa15abbc2923d210.txt"
SEED_ID = "fa15abbc2923d210"
SMALL_LIMIT = 64 * 1024  # bytes: small, so that the size limit is exercised


def story(
    body: str,
    *,
    day: str = "2024-03-05",
    place: str = "MOSCOW",
    month_day: str = "March 5",
    agency: str = "TASS",
) -> str:
    """The text of a seed-format file."""
    return f"date {day} {place}, {month_day}. /{agency}/. {body}"


def write_story(directory: Path, name: str, body: str, **parts: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(story(body, **parts), encoding="utf-8")
    return path
