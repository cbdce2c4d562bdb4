"""The house's shape, held by tests: Whoosh behind one door, typed errors raised by routes,
nothing done at import, the filters spelled in one place."""

import os
import re
import subprocess
import sys

from support.stories import ROOT

APP = ROOT / "app"
ENGINE = APP / "search" / "engine"
THIS_CHECKOUT = {**os.environ, "PYTHONPATH": str(ROOT)}
IMPORTS_WHOOSH = re.compile(r"^\s*(import|from) whoosh\b", re.M)


def python_files() -> list:
    return sorted(APP.rglob("*.py"))


def test_only_the_engine_imports_whoosh():
    importing = [path for path in python_files() if IMPORTS_WHOOSH.search(path.read_text())]
    assert importing, "the engine imports Whoosh"
    assert all(path.is_relative_to(ENGINE) for path in importing), importing


def test_routes_raise_typed_errors_never_http_exceptions():
    web = APP / "web"
    raising = [
        path.name
        for path in web.glob("*.py")
        if re.search(r"raise HTTPException\(", path.read_text()) and path.name != "middleware.py"
    ]
    assert raising == []  # app.errors holds the errors; handlers.py answers them


def test_importing_the_app_registers_no_fork_hook_and_opens_nothing(tmp_path):
    code = (
        "import app.cli, app.web.app\n"
        "from app.search.engine import forks\n"
        "assert not forks.is_registered()\n"
        "import os; assert not os.listdir('.')\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True, env=THIS_CHECKOUT)


def test_a_bulk_writer_registers_the_fork_hook(tmp_path):
    code = (
        "from pathlib import Path\n"
        "from app.search.engine import forks\n"
        "from app.search.engine.index import SearchIndex\n"
        "index = SearchIndex(Path('index'))\n"
        "assert not forks.is_registered()\n"
        "index.replace_all([])\n"
        "assert forks.is_registered() == (__import__('os').cpu_count() > 1)\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True, env=THIS_CHECKOUT)


def test_the_filter_names_are_spelled_in_filters_py_alone():
    """Other modules read a `Filters` value's fields (`filters.date_from`); none declares,
    passes or lists them."""
    listing = re.compile(r"(?<![.\w])date_from\b")
    spelled = [
        path.relative_to(APP).as_posix()
        for path in python_files()
        if listing.search(path.read_text())
    ]
    assert spelled == ["search/filters.py"]


def test_the_rest_of_the_app_enters_the_engine_by_its_front_door():
    """Outside the engine, only `app.search.engine` itself is imported, never its modules."""
    inner = re.compile(r"^from app\.search\.engine\.\w+ import", re.M)
    reaching_in = [
        path.relative_to(APP).as_posix()
        for path in python_files()
        if not path.is_relative_to(ENGINE) and inner.search(path.read_text())
    ]
    assert reaching_in == []
