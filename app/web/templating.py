"""The Jinja2 environment every page renders with: the templates, autoescaping on, and the
helpers and names the templates call (links, headlines, counts, dates)."""

from datetime import timedelta
from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from app.counting import ARTICLE, counted, noun_of
from app.facets import FACETS
from app.filters import long_date
from app.search.diff import changes_html
from app.search.headlines import headline_html, highlighted, lead_under
from app.search.periods import label as period_label
from app.search.periods import month_end
from app.search.timeline import percent
from app.web.urls import (
    NAMES_PATH,
    article_json_url,
    article_url,
    day_url,
    example_url,
    first_page_url,
    link,
    name_url,
    narrowed_url,
    page_numbers,
    period_url,
    related_url,
    result_url,
    search_url,
    terms_url,
    version_anchor,
    versions_url,
)

ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = ROOT / "static"
TOP_ON_HOME = 12  # sources and places the home page lists, the commonest
# A query that finds nothing shows its respelling's results, unless the reader asked for
# the words as typed (the page's "search instead for" link)
AS_TYPED = "as_typed"

environment = Environment(
    loader=FileSystemLoader(ROOT / "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=environment)


for helper in (
    search_url,
    terms_url,
    example_url,
    first_page_url,
    article_url,
    related_url,
    versions_url,
    version_anchor,
    article_json_url,
    period_url,
    day_url,
    link,
    name_url,
    narrowed_url,
    result_url,
    page_numbers,
    headline_html,
    highlighted,
    changes_html,
    lead_under,
    month_end,
    counted,
    noun_of,
):
    templates.env.globals[helper.__name__] = helper
templates.env.globals["FACETS"] = FACETS
# every filter set to nothing: a link that keeps the words and drops the filters
templates.env.globals["NO_FILTERS"] = {"from": "", "to": "", **{f.name: "" for f in FACETS}}
templates.env.globals["ARTICLE"] = ARTICLE
templates.env.globals["AS_TYPED"] = AS_TYPED
templates.env.globals["NAMES_PATH"] = NAMES_PATH
templates.env.globals["TOP_ON_HOME"] = TOP_ON_HOME
templates.env.globals["one_day"] = timedelta(days=1)
templates.env.globals["period_label"] = period_label
templates.env.filters["long_date"] = long_date
templates.env.filters["percent"] = percent
