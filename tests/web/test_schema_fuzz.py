"""Schema fuzzing: schemathesis sends every operation of /openapi.json generated requests.

In process, against the ASGI app over a fresh archive holding the seed, with the API
token so that the write operation is reached. Every check schemathesis has runs: no 5xx,
every status code, content type, header and body as the schema declares, schema-invalid
requests refused, schema-valid ones accepted. The app's lifespan is started once by
schemathesis and ended with the module.
"""

from collections.abc import Iterator

import pytest
import schemathesis
from pydantic import SecretStr
from schemathesis.python import asgi
from support.stories import SEED, SEED_ID, SMALL_LIMIT

from app.ingest import ingest
from app.settings import Settings
from app.web.app import create_app

pytestmark = pytest.mark.slow

TOKEN = "a-fuzzing-token-of-some-length"
AUTHORIZATION = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLES_PER_OPERATION = 100
# Schema-valid requests the API may still refuse, each with a declared response:
# 400, a value it cannot serve for a reason OpenAPI cannot state (page × per_page past the
# paging depth, `from` after `to`, a query that does not parse or is over a limit);
# 401 to 404 and 413, as declared; 422 on POST only, an object holding no storable article.
ACCEPTED = ["2xx", "3xx", "400", "401", "403", "404", "413"]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    data = tmp_path_factory.mktemp("fuzz") / "data"
    settings = Settings(
        data_dir=data,
        max_article_bytes=SMALL_LIMIT,
        max_request_bytes=SMALL_LIMIT,
        api_token=SecretStr(TOKEN),
    )
    app = create_app(settings)
    yield app
    asgi.shutdown_lifespans()  # closes the archive schemathesis opened


def load(app, *, accepted: list[str]) -> schemathesis.BaseSchema:
    """The app's schema, set up to fuzz: bounded, the token sent, `accepted` as valid."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)  # starts the lifespan
    if not app.state.archive.store.get(SEED_ID):
        ingest(app.state.archive, [SEED])
    schema.config.generation.update(max_examples=EXAMPLES_PER_OPERATION, database="none")
    schema.config.update(headers=AUTHORIZATION)
    schema.config.checks.positive_data_acceptance.expected_statuses = accepted
    return schema


@pytest.fixture(scope="module")
def reads(app) -> schemathesis.BaseSchema:
    return load(app, accepted=ACCEPTED)


@pytest.fixture(scope="module")
def writes(app) -> schemathesis.BaseSchema:
    return load(app, accepted=[*ACCEPTED, "422"])


read_schema = schemathesis.pytest.from_fixture("reads").include(method="GET")
write_schema = schemathesis.pytest.from_fixture("writes").include(method=["POST", "DELETE"])


@read_schema.parametrize()
def test_every_read_operation_conforms(case):
    case.call_and_validate()


@write_schema.parametrize()
def test_every_write_operation_conforms(case):
    case.call_and_validate()


def test_the_schema_holds_every_api_operation(reads):
    operations = [result.ok() for result in reads.get_all_operations()]
    assert {(operation.method.upper(), operation.path) for operation in operations} == {
        ("GET", "/api/search"),
        ("GET", "/api/articles"),
        ("GET", "/api/timeline"),
        ("GET", "/api/terms"),
        ("GET", "/api/places"),
        ("GET", "/api/sources"),
        ("GET", "/api/topics"),
        ("GET", "/api/export"),
        ("GET", "/api/articles/{article_id}"),
        ("GET", "/api/articles/{article_id}/related"),
        ("GET", "/api/articles/{article_id}/versions"),
        ("GET", "/api/stats"),
        ("POST", "/api/articles"),
        ("DELETE", "/api/articles/{article_id}"),
        ("GET", "/healthz"),
        ("GET", "/livez"),
    }


def test_the_fuzzer_reaches_a_stored_article_and_a_write(writes):
    """The token and the seed are in place: real successes conform, not only refusals."""
    read = writes["/api/articles/{article_id}"]["GET"].Case(path_parameters={"article_id": SEED_ID})
    assert read.call_and_validate().json()["id"] == SEED_ID
    body = {"id": "fuzz-1", "published": "2024-01-02", "title": "Fuzzed", "body": "Text."}
    write = writes["/api/articles"]["POST"].Case(body=body, media_type="application/json")
    added = write.call_and_validate(headers=AUTHORIZATION).json()
    assert added["added"] + added["unchanged"] == 1
