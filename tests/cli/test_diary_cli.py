"""`backrelief diary`, `diary add`, `advice` and `history`, run as the real CLI in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backrelief.config import load_config
from backrelief.store import open_database, record_screen
from tests.conftest import RunCli


def ratings(run_cli: RunCli) -> list[dict[str, object]]:
    result = run_cli("diary", "--json")
    assert result.returncode == 0, result.stderr
    listed: list[dict[str, object]] = json.loads(result.stdout)
    return listed


def days_ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


def test_add_then_list_as_json_and_as_a_table(run_cli: RunCli) -> None:
    added = run_cli("diary", "add", "--pain", "6", "--where", "lower back")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("Recorded pain 6/10 (daily)")
    run_cli("diary", "add", "--pain", "4", "--kind", "before")
    listed = ratings(run_cli)
    assert [(r["pain"], r["kind"], r["where"]) for r in listed] == [
        (6, "daily", "lower back"), (4, "before", None)]
    assert all(str(r["at"]).endswith("+00:00") for r in listed)
    table = run_cli("diary")
    assert table.returncode == 0
    assert "6/10" in table.stdout and "lower back" in table.stdout


def test_add_json_prints_the_stored_rating(run_cli: RunCli) -> None:
    result = run_cli("diary", "add", "--pain", "0", "--json", "--at", "2025-01-02T03:04:05Z")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "id": 1, "at": "2025-01-02T03:04:05+00:00", "pain": 0, "kind": "daily", "where": None,
        "session_id": None, "spread": False}


def test_at_with_an_offset_is_stored_in_utc(run_cli: RunCli) -> None:
    run_cli("diary", "add", "--pain", "3", "--at", "2025-03-01T08:30:00+05:30")
    assert ratings(run_cli)[0]["at"] == "2025-03-01T03:00:00+00:00"


def test_naive_at_is_read_as_local_time(run_cli: RunCli) -> None:
    # POSIX TZ "XYZ-02" is UTC+2 and needs no time-zone database.
    result = run_cli("diary", "add", "--pain", "3", "--at", "2025-03-01T08:30",
                     env={"TZ": "XYZ-02"})
    assert result.returncode == 0, result.stderr
    assert ratings(run_cli)[0]["at"] == "2025-03-01T06:30:00+00:00"
    shown = run_cli("diary", env={"TZ": "XYZ-02"})
    assert "08:30" in shown.stdout and "XYZ" in shown.stdout


def test_last_keeps_the_most_recent(run_cli: RunCli) -> None:
    for pain, age in ((1, 3), (2, 2), (3, 1)):
        run_cli("diary", "add", "--pain", str(pain), "--at", days_ago(age))
    result = run_cli("diary", "--json", "--last", "2")
    assert [r["pain"] for r in json.loads(result.stdout)] == [2, 3]


def test_the_table_shows_a_page_and_pages_go_back(run_cli: RunCli, data_dir: Path) -> None:
    from backrelief.store import add_rating

    database = open_database(config=load_config({"BACKRELIEF_DATA_DIR": str(data_dir)}))
    start = datetime.now(UTC) - timedelta(days=120)
    try:
        with database.session(write=True) as session:
            for day in range(120):
                add_rating(session, day % 11, at=start + timedelta(days=day))
    finally:
        database.close()
    first = run_cli("diary", env={"COLUMNS": "200"})
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("/10") == 50
    assert "Showing 1-50 of the 120 ratings" in first.stdout and "--page 2" in first.stdout
    third = json.loads(run_cli("diary", "--json", "--last", "50", "--page", "3").stdout)
    assert [r["pain"] for r in third] == [day % 11 for day in range(20)]
    assert len(json.loads(run_cli("diary", "--json").stdout)) == 120  # JSON: all, as before
    assert run_cli("diary", "--page", "0").returncode == 2


BAD_ADDS = [
    (["--pain", "11"], "--pain"),
    (["--pain", "-1"], "--pain"),
    (["--pain", "x"], "--pain"),
    (["--pain", "3.5"], "--pain"),
    (["--pain", ""], "--pain"),
    (["--pain", "3", "--kind", "weekly"], "--kind"),
    (["--pain", "3", "--at", "yesterday"], "--at"),
    (["--pain", "3", "--at", "2025-02-30T10:00"], "--at"),
    (["--pain", "3", "--at", "2999-01-01T00:00:00Z"], "--at"),
    (["--pain", "3", "--at", (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")],
     "--at"),
    (["--pain", "3", "--at", "1969-12-31T00:00Z"], "--at"),
    (["--pain", "3", "--where", "x" * 81], "--where"),
    (["--pain", "3", "--session", "abc"], "--session"),
    (["--pain", "3", "--session", "0"], "--session"),
    (["--pain", "3", "--spread=yes"], "--spread"),
    (["--pain", "3", "--kind", "before", "--spread"], "--spread"),
]


@pytest.mark.parametrize(("args", "field"), BAD_ADDS)
def test_bad_values_exit_2_naming_the_field_and_write_nothing(
    run_cli: RunCli, data_dir: Path, args: list[str], field: str
) -> None:
    result = run_cli("diary", "add", *args)
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0], result.stderr
    assert result.stdout == ""
    assert not (data_dir / "backrelief.db").exists()  # checked before the diary is opened


def test_missing_pain_exits_2_naming_it(run_cli: RunCli) -> None:
    result = run_cli("diary", "add")
    assert result.returncode == 2 and "--pain" in result.stderr


def test_unknown_session_exits_2_and_writes_nothing(run_cli: RunCli) -> None:
    result = run_cli("diary", "add", "--pain", "3", "--session", "99")
    assert result.returncode == 2 and "--session" in result.stderr
    assert ratings(run_cli) == []


def test_bad_last_exits_2(run_cli: RunCli) -> None:
    result = run_cli("diary", "--last", "0")
    assert result.returncode == 2 and "--last" in result.stderr


def test_bad_database_settings_are_reported(run_cli: RunCli, tmp_path: Path) -> None:
    bad_url = run_cli("diary", env={"BACKRELIEF_DATABASE_URL": "no-scheme"})
    assert bad_url.returncode == 2 and "BACKRELIEF_DATABASE_URL" in bad_url.stderr
    unreachable = run_cli("diary", env={
        "BACKRELIEF_DATABASE_URL": "postgresql://alice:pw@127.0.0.1:1/x?connect_timeout=2"})
    assert unreachable.returncode == 1
    assert len(unreachable.stderr.strip().splitlines()) == 1
    assert "database" in unreachable.stderr and ":pw@" not in unreachable.stderr


def test_spread_is_stored_listed_and_refers(run_cli: RunCli) -> None:
    run_cli("diary", "add", "--pain", "4", "--at", days_ago(2))
    added = run_cli("diary", "add", "--pain", "4", "--kind", "after", "--spread")
    assert added.returncode == 0, added.stderr
    assert "spread down a leg" in added.stdout
    assert [r["spread"] for r in ratings(run_cli)] == [False, True]
    assert "down a leg" in run_cli("diary").stdout
    document = json.loads(run_cli("advice", "--json").stdout)
    assert document["tier"] == "see_professional"
    spreading = [r for r in document["reasons"] if r["rule"] == "spreading"]
    assert len(spreading) == 1 and spreading[0]["tier"] == "see_professional"
    assert spreading[0]["sources"] and "leg" in spreading[0]["text"]


# ---- advice ------------------------------------------------------------------------------------


def test_advice_json_on_an_empty_diary(run_cli: RunCli) -> None:
    result = run_cli("advice", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {"tier", "reasons", "advice"}
    assert document["tier"] == "self_care"
    assert all({"rule", "tier", "text", "sources"} <= set(r) for r in document["reasons"])


def test_advice_escalates_when_pain_does_not_improve_for_two_weeks(run_cli: RunCli) -> None:
    for age, pain in ((20, 5), (15, 5), (10, 5), (5, 5), (0.1, 5)):
        run_cli("diary", "add", "--pain", str(pain), "--at", days_ago(age))
    document = json.loads(run_cli("advice", "--json").stdout)
    assert document["tier"] == "see_professional"
    assert "no_improvement_14_days" in {r["rule"] for r in document["reasons"]}
    human = run_cli("advice")
    assert "See a GP or physiotherapist" in human.stdout and "Sources:" in human.stdout
    assert "ostelo-2008-mic" in human.stdout


def test_advice_says_worse_when_pain_rises(run_cli: RunCli) -> None:
    for age, pain in ((3, 2), (2, 4), (1, 5)):
        run_cli("diary", "add", "--pain", str(pain), "--at", days_ago(age))
    assert json.loads(run_cli("advice", "--json").stdout)["tier"] == "see_professional"


def test_a_red_flag_screen_overrides_the_diary(run_cli: RunCli, data_dir: Path) -> None:
    for age, pain in ((6, 7), (3, 4), (0.1, 2)):
        run_cli("diary", "add", "--pain", str(pain), "--at", days_ago(age))
    database = open_database(config=load_config({"BACKRELIEF_DATA_DIR": str(data_dir)}))
    try:
        with database.session(write=True) as session:
            record_screen(session, answers={"bladder_change": True}, tier="emergency",
                          exercise_allowed=False, advice="Call 999 now.",
                          reasons=[{"rule": "ces", "tier": "emergency", "question": ["x"],
                                    "text": "New trouble peeing.", "sources": ["nhs-back-pain"]}])
    finally:
        database.close()
    document = json.loads(run_cli("advice", "--json").stdout)
    assert document["tier"] == "emergency"
    assert document["advice"] == "Call 999 now."
    human = run_cli("advice")
    assert "EMERGENCY" in human.stdout


# ---- history -----------------------------------------------------------------------------------


def test_history_draws_a_chart_with_trend_and_advice(run_cli: RunCli) -> None:
    for age, pain in ((9, 7), (6, 6), (3, 4), (0.1, 3)):
        run_cli("diary", "add", "--pain", str(pain), "--at", days_ago(age))
    run_cli("diary", "add", "--pain", "1", "--kind", "after")
    result = run_cli("history")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    chart = [line for line in out.splitlines() if "│" in line]
    assert len(chart) == 11  # pain 10 down to 0
    assert chart[3].startswith("  7 │●")  # the first rating, leftmost
    assert sum(line.count("●") for line in chart) == 4  # after-session rating left out
    assert "1 after-session left out" in out
    assert "Trend: Improving: recent level 4/10 against 7/10 at your first rating" in out
    assert "Advice: Keep going" in out


@pytest.mark.parametrize(("pains", "words"), [
    ((3, 3, 4, 4), "Worse: recent level 4/10 against 3/10 at your first rating (+1 points, "
                   "+33.3%; a meaningful change is 2 points, or 30% and at least 1 point)"),
    ((8, 2, 6), "Flare-up: recent level 6/10 against 8/10"),
    ((2, 1, 2), "Settling: your last 3 ratings are 2/10 or less"),
])
def test_history_words_agree_with_the_numbers_and_advice(
    run_cli: RunCli, pains: tuple[int, ...], words: str
) -> None:
    for index, pain in enumerate(pains):
        run_cli("diary", "add", "--pain", str(pain), "--at", days_ago(len(pains) - index))
    out = " ".join(run_cli("history", env={"COLUMNS": "200"}).stdout.split())
    assert words in out
    document = json.loads(run_cli("advice", "--json").stdout)
    rule = {"Worse": "worsening", "Flare-up": "flare_up", "Settling": "settling"}[
        words.split(":")[0]]
    assert rule in {r["rule"] for r in document["reasons"]}


def test_history_json_and_days(run_cli: RunCli) -> None:
    run_cli("diary", "add", "--pain", "5", "--at", days_ago(30))
    run_cli("diary", "add", "--pain", "4", "--at", days_ago(1))
    document = json.loads(run_cli("history", "--json", "--days", "7").stdout)
    assert [r["pain"] for r in document["ratings"]] == [4]
    assert document["trend"]["first"] == 5  # the trend still reads the whole diary
    assert {"tier", "reasons", "advice", "trend", "flagged_techniques"} <= set(document)
    assert run_cli("history", "--days", "x").returncode == 2


def test_history_of_an_empty_diary(run_cli: RunCli) -> None:
    result = run_cli("history")
    assert result.returncode == 0 and "no ratings" in result.stdout.lower()


def test_long_diaries_fit_the_terminal(run_cli: RunCli, data_dir: Path) -> None:
    from backrelief.store import add_rating

    database = open_database(config=load_config({"BACKRELIEF_DATA_DIR": str(data_dir)}))
    start = datetime.now(UTC) - timedelta(days=400)
    try:
        with database.session(write=True) as session:
            for day in range(400):
                add_rating(session, (day // 40) % 11, at=start + timedelta(days=day))
    finally:
        database.close()
    result = run_cli("history", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "one column = 6 days" in result.stdout


def test_diary_help_stays_light() -> None:
    code = ("import sys\nfrom backrelief.cli import main\n"
            "try:\n    main(['diary', '--help'])\nexcept SystemExit:\n    pass\n"
            "print([m for m in ('sqlalchemy', 'rich', 'alembic') if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip().endswith("[]")


def test_history_charts_the_whole_diary_from_day_means(run_cli: RunCli) -> None:
    # Issue 15: without --days the chart is drawn from per-day totals, not every rating, and
    # looks as it did from every rating: a day's point is its mean, and the dotted line still
    # marks the real first rating, not its day's mean.
    day = (datetime.now(UTC) - timedelta(days=3)).replace(hour=11, minute=0, second=0,
                                                          microsecond=0)
    for at, pain in ((day, 2), (day + timedelta(hours=2), 8), (day + timedelta(days=1), 3)):
        assert run_cli("diary", "add", "--pain", str(pain), "--at", at.isoformat()).returncode == 0
    out = run_cli("history", env={"TZ": "UTC"}).stdout
    chart = {line[:3].strip(): line[5:] for line in out.splitlines() if "│" in line}
    assert chart["5"].startswith("●")  # the mean of 2 and 8, one point for the day
    assert "●" not in chart["2"] and "●" not in chart["8"]
    assert "your first rating (2/10)" in out
