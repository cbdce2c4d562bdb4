"""The SQL store, the archive's truth: its tables, its writes with the numbered change log,
its reads, the threads its writes give, and its schema's migrations."""

from app.store.reads import Change, Changes
from app.store.store import Store
from app.store.writes import Outcome

__all__ = ["Change", "Changes", "Outcome", "Store"]
