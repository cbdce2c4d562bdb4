"""A facet is one declaration (`app/facets.py`): a registry extended by one (`region`, which
the store and `Article` hold already, so no migration is due) puts it on every surface.

The registry is extended in a process of its own before the rest of the app is imported,
as a new declaration in `FACETS` would be; the process reports what each surface shows
and the test holds it to the stories it stored.
"""

import json
import subprocess
import sys
import textwrap

from support.stories import ROOT

REGIONS = {"Ontario": 3, "Quebec": 2}  # stories of each region, all holding "harvest"

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from datetime import date, timedelta

    import app.facets as registry

    REGION = registry.Facet("region", "regions", "Region of the dateline, any case.",
                            beside=("place",))
    registry.FACETS = (*registry.FACETS, REGION)

    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from app.article import new_article
    from app.cli import cli
    from app.settings import Settings
    from app.web.app import create_app

    regions = json.loads(sys.argv[1])
    stories = [
        new_article(id=f"{region}-{n}", title=None, published=date(2024, 5, 1) + timedelta(n),
                    place="TORONTO", region=region, source="CP", body=f"{region}: harvest {n}.")
        for region, count in regions.items() for n in range(count)
    ]
    settings = Settings(data_dir="data", seeds_dir="nothing")
    seen = {}
    with TestClient(create_app(settings)) as web:
        web.app.state.archive.add(stories, source_paths=[None] * len(stories))
        found = web.get("/api/search", params={"q": "harvest", "region": "ontario"}).json()
        seen["filtered"] = sorted(item["id"] for item in found["items"])
        facets = web.get("/api/search", params={"q": "harvest"}).json()["facets"]
        seen["facet"] = facets["region"]
        seen["listed"] = web.get("/api/regions").json()
        seen["stats"] = web.get("/api/stats").json()["by_region"]
        seen["documented"] = [
            p["description"] for p in web.get("/openapi.json").json()["paths"]["/api/search"]
            ["get"]["parameters"] if p["name"] == "region"
        ]
        page = web.get("/regions")
        seen["names_page"] = [page.status_code, "Quebec" in page.text]
        page = web.get("/regions/Quebec")
        seen["name_page"] = [page.status_code, "2 stories" in page.text]
        page = web.get("/search", params={"q": "harvest"}).text
        seen["search_page"] = ["<summary>Region</summary>" in page, 'href="/regions"' in page]
        page = web.get("/search", params={"q": "harvest", "region": "Quebec"}).text
        seen["chosen"] = "Region: Quebec" in page
    import os
    os.environ["NEWSARCHIVE_DATA_DIR"] = "data"
    printed = CliRunner().invoke(cli, ["stats"]).stdout.splitlines()
    seen["cli"] = sorted(line for line in printed if line.startswith("region\\t"))
    print(json.dumps(seen))
    """
)


def test_a_facet_declared_once_is_on_every_surface(tmp_path):
    ran = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(REGIONS)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    seen = json.loads(ran.stdout.splitlines()[-1])
    assert seen["filtered"] == [f"Ontario-{n}" for n in range(REGIONS["Ontario"])]
    by_count = [{"value": name, "count": count} for name, count in REGIONS.items()]
    assert seen["facet"] == by_count
    assert seen["listed"] == {"total": len(REGIONS), "values": by_count}
    assert seen["stats"] == REGIONS
    assert seen["documented"] == ["Region of the dateline, any case."]
    assert seen["names_page"] == [200, True]
    assert seen["name_page"] == [200, True]
    assert seen["search_page"] == [True, True]
    assert seen["chosen"] is True
    assert seen["cli"] == [f"region\t{name}\t{count}" for name, count in REGIONS.items()]
