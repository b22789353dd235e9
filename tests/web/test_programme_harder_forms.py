"""A programme's harder forms in the library: the technique page shows them, each step with its
figure, as "Harder forms, used by a programme when you are ready"."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from fastapi.testclient import TestClient

from backrelief.core.catalog import default_catalog
from backrelief.core.planner import Profile
from backrelief.journey.defaults import remember_choices
from backrelief.journey.programme import local_today
from backrelief.store import Database, add_rating, finish_session, get_session, start_session
from backrelief.store.programme import active_programme, link_session
from backrelief.web.figures import step_figures
from tests.web.conftest import CLEAR_ANSWERS, store_screen


def test_the_technique_page_shows_its_harder_forms_with_a_figure_on_every_step(
        client: TestClient) -> None:
    page = client.get("/library/bridge").text
    assert "Harder forms, used by a programme when you are ready" in page
    harder = page[page.index("Harder forms, used by a programme"):page.index("<h2>Sources")]
    for form in default_catalog().techniques["bridge"].harder:
        assert form.name in harder
        for step in form.steps:
            assert " ".join(step.text.split())[:60] in " ".join(harder.split())
        steps = re.findall(r'<img src="/figures/bridge/(\d)\.svg\?[^"]*variant=' + form.id, harder)
        assert steps == [str(n) for n in range(1, len(form.steps) + 1)], form.id
    assert "holds up to 5 s in a programme" in harder  # the single-leg hold's limit
    assert "Not offered with" in harder and "knee problem" in harder
    # The standard bridge's own steps show their limit too.
    assert "holds up to 10 s in a programme" in page[:page.index("Harder forms, used by")]
    client.get("/library/cat-cow").text.index("<h2>Steps")
    assert "Harder forms" not in client.get("/library/cat-cow").text


def _good_weeks(database: Database, first: date, weeks: int) -> None:
    """``weeks`` weeks of two sessions each, pain low during and settled the next day (and
    falling, so the diary's advice stays self-care): each week's dose steps up."""
    with database.session(write=True) as s:
        record = active_programme(s)
        assert record is not None
        for week in range(weeks):
            for offset, before in ((0, 5), (1, 3)):
                day = first + timedelta(days=7 * week + offset)
                noon = datetime.combine(day, time(12)).astimezone()
                session_id = start_session(s, {"items": [{"technique": "cat-cow"}], "seconds": 60,
                                               "excluded": [], "advice": []}, started_at=noon)
                add_rating(s, before, kind="before", session_id=session_id, at=noon)
                add_rating(s, 2, kind="after", session_id=session_id,
                           at=noon + timedelta(minutes=20))
                finish_session(s, session_id, completed=True,
                               ended_at=noon + timedelta(minutes=20))
                link_session(s, record.id, session_id, day)
            for offset in (2, 3):
                day = first + timedelta(days=7 * week + offset)
                add_rating(s, 1, kind="daily", at=datetime.combine(day, time(12)).astimezone())


def test_a_programme_session_in_the_harder_bridge_has_a_figure_on_every_step(
        client: TestClient, database: Database) -> None:
    """Week 6 after five good weeks: the single-leg bridge, played with its own steps, each
    with its figure, in the web player."""
    with database.session(write=True) as s:
        remember_choices(s, Profile(region="lower", minutes=15))
    first = local_today() - timedelta(days=35)
    started = client.post("/programme/start", data={
        "weeks": "6", "days": [str(d) for d in range(7)], "at": "07:30",
        "start": first.isoformat()}, follow_redirects=False)
    assert started.status_code == 303, started.text
    _good_weeks(database, first, 5)
    store_screen(database, CLEAR_ANSWERS)
    # Six weeks into a bout that has not gone, the diary rightly advises being seen, which
    # pauses progression until the person says they have been.
    assert 'id="paused"' in client.get("/programme").text
    client.post("/programme/seen")
    played = client.post("/programme/today", data={"pain": "2"}, follow_redirects=False)
    assert played.status_code == 303 and played.headers["location"].endswith("/play")
    session_id = int(played.headers["location"].split("/")[2])
    with database.session() as s:
        items = get_session(s, session_id).routine["items"]
    bridge = next(item for item in items if item["technique"] == "bridge")
    assert bridge["variant"] == "bridge-single-leg", items
    player = client.get(played.headers["location"]).text
    form = default_catalog().techniques["bridge"].variant("bridge-single-leg")
    shown = re.findall(r'<img src="/figures/bridge/(\d)\.svg\?[^"]*variant=bridge-single-leg',
                       player)
    assert sorted(set(shown)) == [str(n) for n in range(1, len(form.steps) + 1)]
    for url in set(re.findall(r'/figures/bridge/\d\.svg\?[^"]*variant=bridge-single-leg[^"]*',
                              player)):
        figure = client.get(url.replace("&amp;", "&"))
        assert figure.status_code == 200 and figure.text.lstrip().startswith("<svg"), url


def test_the_player_takes_a_harder_forms_own_steps() -> None:
    """A harder form with a step more than the standard form gets a figure for that step too."""
    catalog = default_catalog()
    bridge = catalog.techniques["bridge"]
    single = bridge.variant("bridge-single-leg")
    longer = replace(single, steps=[*single.steps, single.steps[-1]])
    changed = replace(catalog, techniques={
        **catalog.techniques, "bridge": replace(bridge, harder=[bridge.harder[0], longer])})
    refs = step_figures(changed, "bridge", "bridge-single-leg", sides=True)
    # Step 2 is done on each side with a one-legged pose: a figure for each side.
    assert [(ref.step, ref.side) for ref in refs] == [
        (1, None), (2, "left"), (2, "right"), (3, None), (4, None)]
