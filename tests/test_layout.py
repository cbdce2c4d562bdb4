"""The house's shape, held by tests: floors whose imports run one way, Whoosh behind one door,
typed errors raised by routes, nothing done at import, the filters spelled in one place."""

import ast
import os
import re
import subprocess
import sys

from support.stories import ROOT

from app.facets import FACETS

APP = ROOT / "app"
ENGINE = APP / "engine"
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
        "from app.engine import forks\n"
        "assert not forks.is_registered()\n"
        "import os; assert not os.listdir('.')\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True, env=THIS_CHECKOUT)


def test_a_bulk_writer_registers_the_fork_hook(tmp_path):
    code = (
        "from pathlib import Path\n"
        "from app.engine import forks\n"
        "from app.engine.index import SearchIndex\n"
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
    assert spelled == ["filters.py"]


# Where a facet's name is an article's field rather than the facet: the article, the readers
# of formats, the store, the command line's rows, and the query language's own fields
# (`place:TOKYO`) in the examples of /help. Templates: an article's own fields, linked.
ARTICLE_FIELDS_ARE_NAMED = ("article.py", "ingest/", "store/", "search/printed.py")
QUERY_LANGUAGE_EXAMPLES = ("search/examples.py",)
TEMPLATES_OF_AN_ARTICLE = ("article.html", "_result.html")


def facet_words() -> set[str]:
    return {word for facet in FACETS for word in (facet.name, facet.plural, facet.field)}


def named_in(path) -> set[str]:
    """The facets' names a module holds as text, docstrings aside."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and id(node) not in docstrings
    } & facet_words()


def test_no_module_outside_the_registry_names_a_facet():
    allowed = ("facets.py", *ARTICLE_FIELDS_ARE_NAMED, *QUERY_LANGUAGE_EXAMPLES)
    naming = {
        path.relative_to(APP).as_posix(): sorted(named_in(path))
        for path in python_files()
        if not path.relative_to(APP).as_posix().startswith(allowed) and named_in(path)
    }
    assert naming == {}


def test_no_template_names_a_facet_but_to_link_an_article_s_own_fields():
    quoted = re.compile(r"""['"](%s)['"]|\.by_(%s)\b""" % (("|".join(facet_words()),) * 2))
    naming = [
        path.name
        for path in sorted((ROOT / "templates").glob("*.html"))
        if path.name not in TEMPLATES_OF_AN_ARTICLE and quoted.search(path.read_text())
    ]
    assert naming == []


def test_the_rest_of_the_app_enters_the_engine_by_its_front_door():
    """Outside the engine, only `app.engine` itself is imported, never its modules."""
    inner = re.compile(r"^from app\.engine\.\w+ import", re.M)
    reaching_in = [
        path.relative_to(APP).as_posix()
        for path in python_files()
        if not path.is_relative_to(ENGINE) and inner.search(path.read_text())
    ]
    assert reaching_in == []


# Each floor imports only from the floors below it (and itself): plain values at the bottom,
# then the store and the engine, the archive over both, the layers that use the archive, and
# the faces (the web and the command line) at the top.
FLOORS = (
    {"errors", "settings", "article", "cleaning", "counting", "filters", "spellings", "threads"}
    | {"processes", "facets"},
    {"store", "engine"},
    {"archive"},
    {"ingest", "search", "node"},
    {"web", "cli", "__main__"},
)


def floor_of(module: str) -> int:
    """The floor of `app.x.y` (by `x`)."""
    top = module.split(".")[1]
    return next(number for number, names in enumerate(FLOORS) if top in names)


def imported(path) -> set[str]:
    """The `app` modules a file imports, wherever in it (a function's imports too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("app.")}


def modules() -> list[tuple[str, int, set[str]]]:
    """Each module of the app (but the package's own `__init__`): its path, floor and imports."""
    found = []
    for path in python_files():
        parts = path.relative_to(APP).with_suffix("").parts
        if parts != ("__init__",):
            name = ".".join(("app", *parts))
            found.append((path.relative_to(APP).as_posix(), floor_of(name), imported(path)))
    return found


def test_no_import_runs_up_a_floor():
    upward = [
        f"{path} imports {name}"
        for path, floor, names in modules()
        for name in sorted(names)
        if floor_of(name) > floor
    ]
    assert upward == []


def test_the_faces_read_and_write_through_the_archive_or_the_query_layer():
    """The web and the command line never reach the store or the engine themselves."""
    reaching = [
        f"{path} imports {name}"
        for path, floor, names in modules()
        if floor == len(FLOORS) - 1
        for name in sorted(names)
        if floor_of(name) == 1
    ]
    assert reaching == []


def test_the_faces_never_reach_through_the_archive_to_its_parts():
    """`archive.store.…` or `archive.index.…` in a route or a command: the archive's own
    method or the query layer answers instead."""
    reaching = re.compile(r"\barchive\.(store|index)\b")
    faces = [APP / "cli.py", *sorted((APP / "web").glob("*.py"))]
    assert [path.name for path in faces if reaching.search(path.read_text())] == []
