"""`backrelief programme`, run as the real CLI in a subprocess."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pexpect
import pytest
from icalendar import Calendar

from backrelief.config import load_config
from backrelief.core.catalog import default_catalog
from backrelief.store import add_rating, finish_session, open_database, start_session
from backrelief.store.programme import active_programme, link_session
from tests.conftest import RunCli

ROUTINE = {"items": [{"technique": "cat-cow"}], "seconds": 60, "excluded": [], "advice": []}


def show(run_cli: RunCli, *args: str) -> dict[str, Any]:
    result = run_cli("programme", "show", "--json", *args)
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def local_noon(day: date) -> datetime:
    return datetime.combine(day, time(12)).astimezone()


def test_start_and_show_json(run_cli: RunCli) -> None:
    started = run_cli("programme", "start", "--weeks", "3", "--days", "mon,wed,fri",
                      "--at", "07:15", "--start", "2026-11-02", "--minutes", "5", "--json")
    assert started.returncode == 0, started.stderr
    document = json.loads(started.stdout)
    assert (document["weeks"], document["days"], document["time"]) == (3, [0, 2, 4], "07:15")
    assert document["sessions_planned"] == 9 and document["sessions_done"] == 0
    week1 = document["schedule"][0]
    assert week1["dose"]["change"] == "start"
    assert [d["date"] for d in week1["days"] if d["kind"] == "session"] == [
        "2026-11-02", "2026-11-04", "2026-11-06"]
    assert week1["routine"]["items"] and all(i["rounds"] >= 1 for i in week1["routine"]["items"])
    assert show(run_cli, "--as-of", "2026-11-03")["current_week"] == 1


def test_a_settled_week_steps_the_next_one_up(run_cli: RunCli, data_dir: Path) -> None:
    first = date(2026, 11, 2)
    assert run_cli("programme", "start", "--start", first.isoformat()).returncode == 0
    database = open_database(config=load_config({"BACKRELIEF_DATA_DIR": str(data_dir)}))
    try:
        with database.session(write=True) as s:
            record = active_programme(s)
            assert record is not None
            for offset, before in ((0, 6), (1, 3)):  # improving, so the diary advice is self-care
                day = first + timedelta(days=offset)
                session_id = start_session(s, ROUTINE, started_at=local_noon(day))
                add_rating(s, before, kind="before", session_id=session_id, at=local_noon(day))
                add_rating(s, 3, kind="after", session_id=session_id,
                           at=local_noon(day) + timedelta(minutes=20))
                finish_session(s, session_id, completed=True,
                               ended_at=local_noon(day) + timedelta(minutes=20))
                link_session(s, record.id, session_id, day)
            add_rating(s, 1, kind="daily", at=local_noon(first + timedelta(days=2)))
            add_rating(s, 1, kind="daily", at=local_noon(first + timedelta(days=3)))
    finally:
        database.close()
    document = show(run_cli, "--as-of", "2026-11-10")
    assert document["paused"] is False, document["advice"]
    assert document["sessions_done"] == 2
    week2 = document["schedule"][1]["dose"]
    assert (week2["change"], week2["level"], week2["extra_rounds"]) == ("up", 1, 1)
    assert "settled by the next day" in week2["reasons"][0]
    assert "one more round" in week2["what"] and "one more round" in week2["reasons"][0]
    assert document["schedule"][2]["dose"]["decided"] is False
    # Dose and form per technique, and what changed from the plan.
    planned = {t["technique"]: t for t in document["schedule"][0]["techniques"]}
    assert planned and all(t["change"] == "as planned" for t in planned.values())
    stepped = document["schedule"][1]["techniques"]
    assert {t["technique"] for t in stepped} == set(planned)
    assert all(t["form"] == planned[t["technique"]]["form"] for t in stepped)
    grown = [t for t in stepped if t["rounds"] > planned[t["technique"]]["rounds"]]
    assert grown and all(f"(planned {planned[t['technique']]['rounds']})" in t["change"]
                         for t in grown)
    text = run_cli("programme", "show", "--as-of", "2026-11-10")
    assert "Stepped up" in text.stdout and "2 of 30 sessions done" in text.stdout
    assert text.stdout.count("Stepped up") == 1  # the reason's own verdict, no label before it
    assert "Not decided yet: decided after week 2" in text.stdout
    assert grown[0]["change"] in text.stdout


def test_checkin_and_calendar(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("programme", "start", "--weeks", "2").returncode == 0
    done = run_cli("programme", "checkin", "--activity", "putting on socks=4",
                   "--activity", "sitting through a meeting=6", "--sleep", "5",
                   "--confidence", "7")
    assert done.returncode == 0, done.stderr
    checkins = show(run_cli)["checkins"]
    assert [(c["function"], c["sleep"], c["confidence"]) for c in checkins] == [(5.0, 5, 7)]
    out = tmp_path / "plan.ics"
    assert run_cli("programme", "calendar", "--out", str(out)).returncode == 0
    events = list(Calendar.from_ical(out.read_bytes()).walk("VEVENT"))
    assert len([e for e in events if "session" in str(e["uid"])]) == 10
    assert len([e for e in events if "checkin" in str(e["uid"])]) == 3
    assert all(list(e.walk("VALARM")) for e in events)


def test_bad_input_exits_2_naming_the_option_and_stores_nothing(run_cli: RunCli) -> None:
    for args, option in [
        (("start", "--weeks", "0"), "--weeks"), (("start", "--weeks", "six"), "--weeks"),
        (("start", "--days", "mon,funday"), "--days"), (("start", "--at", "6pm"), "--at"),
        (("start", "--start", "tomorrow"), "--start"), (("start", "--minutes", "90"), "--minutes"),
        (("start", "--region", "neck"), "--region"), (("start", "--condition", "flu"), "--condition"),
        # digits that str.isdigit accepts but int refuses ("³") or misreads ("٣", "５")
        (("start", "--weeks", "³"), "--weeks"), (("start", "--weeks", "٣"), "--weeks"),
        (("start", "--minutes", "１５"), "--minutes"),
    ]:
        result = run_cli("programme", *args)
        assert result.returncode == 2, (args, result.stderr)
        assert option in result.stderr and len(result.stderr.strip().splitlines()) == 1, args
    missing = run_cli("programme", "show")
    assert missing.returncode == 1 and "no programme" in missing.stderr
    assert run_cli("programme", "start").returncode == 0
    for args, option in [(("--activity", "socks"), "--activity"),
                         (("--activity", "socks=11"), "--activity"),
                         (("--sleep", "loads"), "--sleep"), (("--confidence", "12"), "--confidence"),
                         ((), "--activity")]:
        result = run_cli("programme", "checkin", *args)
        assert result.returncode == 2, (args, result.stderr)
        assert option in result.stderr, args
    assert show(run_cli)["checkins"] == []


def test_report_writes_a_pdf(run_cli: RunCli, tmp_path: Path) -> None:
    from pypdf import PdfReader

    run_cli("diary", "add", "--pain", "5")
    out = tmp_path / "summary.pdf"
    result = run_cli("report", "--out", str(out))
    assert result.returncode == 0, result.stderr
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    assert "Back pain self-management summary" in reader.pages[0].extract_text()
    bad = run_cli("report", "--out", str(tmp_path / "missing" / "dir" / "x.pdf"))
    assert bad.returncode == 2 and "--out" in bad.stderr
    # With a programme, the summary shows the walking goal and log per week.
    assert run_cli("programme", "start").returncode == 0
    assert run_cli("programme", "walk", "--minutes", "14").returncode == 0
    assert run_cli("report", "--out", str(out)).returncode == 0
    text = " ".join(PdfReader(out).pages[0].extract_text().split())
    assert "Daily walking" in text and "Week 1: goal 10 min a day; 14 min logged on 1 day" in text


def test_breaks_reminds_on_time_and_refuses_bad_intervals(run_cli: RunCli) -> None:
    result = run_cli("breaks", "--every", "15", "--count", "2",
                     env={"BACKRELIEF_TIME_SCALE": "9000"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Time for a desk break") == 2
    assert "seated or standing" in result.stdout and "--no-floor" in result.stdout
    for args, option in [(("--every", "5"), "--every"), (("--every", "x"), "--every"),
                         (("--every", "181"), "--every"), (("--count", "0"), "--count")]:
        bad = run_cli("breaks", *args)
        assert bad.returncode == 2 and option in bad.stderr, args


ALL_DAYS = "mon,tue,wed,thu,fri,sat,sun"


@pytest.mark.slow
def test_the_terminal_session_plays_the_programme_day_and_records_it(
        run_cli: RunCli, data_dir: Path, tmp_path: Path) -> None:
    from tests.cli.test_session_pty import CLEAR_ANSWERS, spawn

    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(CLEAR_ANSWERS))
    assert run_cli("programme", "start", "--days", ALL_DAYS, "--minutes", "5", "--region",
                   "lower").returncode == 0
    # A one-off first: played, but not recorded against the programme.
    child = spawn(["--answers", str(answers), "--pain", "3", "--no-voice", "--yes",
                   "--no-programme", "--region", "upper", "--minutes", "3", "--equipment",
                   "none", "--condition", "none"], data_dir, scale="60")
    child.expect("Your routine")
    assert "Programme week" not in (child.before or "")
    child.expect("Session complete", timeout=90)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    document = show(run_cli)
    assert document["sessions_done"] == 0
    # The programme's day: says which week and session, plays the week's routine, links it.
    child = spawn(["--answers", str(answers), "--pain", "3", "--no-voice", "--yes"], data_dir,
                  scale="60")
    child.expect(r"Programme week 1 of 6, session \d of 7 this week")
    child.expect("This week's dose: the routine as planned for you")
    child.expect("Your routine")
    child.expect("Session complete", timeout=120)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    document = show(run_cli)
    assert document["sessions_done"] == 1
    today = document["today"]
    week1 = document["schedule"][0]
    assert [d["done"] for d in week1["days"] if d["date"] == today and d["kind"] == "session"] \
        == [True]
    database = open_database(config=load_config({"BACKRELIEF_DATA_DIR": str(data_dir)}))
    try:
        with database.session() as s:
            from backrelief.store import list_sessions

            sessions = list_sessions(s)
            programme_items = [i["technique"] for i in sessions[-1].routine["items"]]
            regions = {r for t in programme_items for r in default_catalog().technique(t).regions}
    finally:
        database.close()
    assert programme_items == [i["technique"] for i in week1["routine"]["items"]]
    assert "lower" in regions


def test_walking_is_logged_and_shown_per_week(run_cli: RunCli) -> None:
    assert run_cli("programme", "start", "--weeks", "2").returncode == 0
    today = date.fromisoformat(show(run_cli)["today"])
    first = run_cli("programme", "walk", "--minutes", "12")
    assert first.returncode == 0, first.stderr
    assert "12 that day, goal 10 (programme week 1): goal met." in first.stdout
    assert run_cli("programme", "walk", "--minutes", "8", "--date",
                   today.isoformat()).returncode == 0
    walking = show(run_cli)["walking"]
    assert walking["goal_today"] == 10 and walking["today_minutes"] == 20
    assert walking["weeks"][0] == {"week": 1, "goal_minutes": 10, "minutes": 20,
                                   "days_logged": 1, "days_met": 1}
    assert walking["weeks"][1]["goal_minutes"] == 15
    assert "uk-cmo-2019" in walking["sources"]
    text = run_cli("programme", "show").stdout
    assert "Walking: goal 10 min a day; 20 min logged on 1 day(s), goal met on 1." in text


def test_bad_walks_exit_2_naming_the_option_and_store_nothing(run_cli: RunCli) -> None:
    assert run_cli("programme", "start").returncode == 0
    tomorrow = (date.fromisoformat(show(run_cli)["today"]) + timedelta(days=1)).isoformat()
    for args, option in [
        (("--minutes", "0"), "--minutes"), (("--minutes", "601"), "--minutes"),
        (("--minutes", "ten"), "--minutes"), (("--minutes", "³"), "--minutes"),
        (("--minutes", "-5"), "--minutes"), (("--minutes", "20", "--date", "yesterday"), "--date"),
        (("--minutes", "20", "--date", tomorrow), "--date"),
    ]:
        result = run_cli("programme", "walk", *args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert option in result.stderr and len(result.stderr.strip().splitlines()) == 1, args
    assert show(run_cli)["walking"]["weeks"][0]["minutes"] == 0
