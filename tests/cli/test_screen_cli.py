"""`backrelief screen` and `backrelief check`, run as the real CLI in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backrelief.core.screening import default_screen
from tests.conftest import RunCli
from tests.core.test_screening import ALICE, alice

SCREEN = default_screen()
EMERGENCY_COUNT = len(SCREEN.in_group("emergency"))
# Piped answers for `check`: no to both lists, then Alice's other answers one by one: age,
# pregnant, first episode, weeks, cancer, infection risk, thin bones, blood thinners, the first
# part of the inflammatory pattern (a no there answers it), recent surgery, fusion, not coping,
# pain now.
ALICE_OTHER = ["35", "n", "n", "1", "n", "n", "n", "n", "n", "n", "n", "n", "3"]
ORDER = [q.id for q in SCREEN.in_group("other")]


def piped(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def write_answers(tmp_path: Path, answers: object) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    return str(path)


# ---- screen --------------------------------------------------------------------------------------


def test_screen_json_for_a_clean_file_keeps_the_contract(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("screen", "--answers", write_answers(tmp_path, ALICE), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["tier"] == "self_care"
    assert document["exercise_allowed"] is True
    assert document["reasons"] == []
    assert "doesn't rule everything out" in document["advice"]


def test_screen_reads_stdin_and_reports_each_reason(run_cli: RunCli) -> None:
    answers = alice(saddle_numbness=True, weight_loss=True)
    result = run_cli("screen", "--answers", "-", "--json", input=json.dumps(answers))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["tier"] == "emergency"
    assert document["exercise_allowed"] is False
    assert [(r["rule"], r["question"], r["tier"]) for r in document["reasons"]] == [
        ("ces-saddle-numbness", ["saddle_numbness"], "emergency"),
        ("unexplained-weight-loss", ["weight_loss"], "same_day"),
    ]
    for reason in document["reasons"]:
        assert set(reason) == {"rule", "question", "tier", "text", "sources"}
        assert reason["sources"]
    assert "999" in document["advice"]


@pytest.mark.parametrize(
    ("changes", "tier", "exercise"),
    [
        ({"fever": True, "leg_weakness": "one_leg"}, "emergency", False),
        ({"infection_risk": True, "night_pain": True}, "same_day", False),
        ({"age": 15}, "see_professional", False),
        ({"duration_weeks": 13}, "see_professional", True),
        ({"sudden_tummy_back_pain": True}, "emergency", False),
        ({"blood_thinners": True, "both_legs": True}, "emergency", False),
        ({"blood_thinners": True, "sudden_onset_minor_trauma": True}, "same_day", False),
        ({"infection_risk": True, "leg_weakness": "one_leg"}, "emergency", False),
        ({"first_episode": True, "age": 18}, "see_professional", True),
        ({"spinal_fusion": True}, "see_professional", False),
        ({"spinal_fusion": True, "cleared_for_exercise": True}, "see_professional", True),
        ({"blood_thinners": True}, "self_care", True),
    ],
    ids=str,
)
def test_screen_combinations_through_the_cli(
    run_cli: RunCli, changes: dict[str, object], tier: str, exercise: bool
) -> None:
    result = run_cli("screen", "--answers", "-", "--json", input=json.dumps(alice(**changes)))
    document = json.loads(result.stdout)
    assert (document["tier"], document["exercise_allowed"]) == (tier, exercise)


def test_screen_with_missing_answers_is_incomplete(run_cli: RunCli) -> None:
    answers = {key: value for key, value in ALICE.items() if key != "pain_now"}
    document = json.loads(run_cli("screen", "--answers", "-", "--json",
                                  input=json.dumps(answers)).stdout)
    assert document["tier"] == "incomplete"
    assert document["exercise_allowed"] is False
    assert document["missing"] == ["pain_now"]


def test_screen_recheck_needs_only_the_recheck_questions(run_cli: RunCli) -> None:
    recheck = {q.id: q.none_value for q in SCREEN.recheck_questions()}
    result = run_cli("screen", "--answers", "-", "--recheck", "--json", input=json.dumps(recheck))
    assert json.loads(result.stdout)["tier"] == "self_care"


def test_screen_without_json_is_readable_and_urgent_results_stand_out(run_cli: RunCli) -> None:
    result = run_cli("screen", "--answers", "-", input=json.dumps(alice(tearing_pain=True)))
    assert result.returncode == 0, result.stderr
    assert "GET EMERGENCY HELP NOW" in result.stdout
    assert "999" in result.stdout and "112" in result.stdout
    assert "HSE Ireland" in result.stdout  # the source, cited in full


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (json.dumps(alice(sadle_numbness=True)), "sadle_numbness"),
        (json.dumps(alice(age=True)), "age"),
        (json.dumps(alice(fever=1)), "fever"),
        (json.dumps(alice(age=130)), "age"),
        (json.dumps(alice(pain_now=-1)), "pain_now"),
        (json.dumps(alice(leg_weakness="left")), "leg_weakness"),
        (json.dumps(alice(pregnancy_weeks=50)), "pregnancy_weeks"),
        (json.dumps(alice(blood_thinners="yes")), "blood_thinners"),
        (json.dumps(alice(sudden_tummy_back_pain=1)), "sudden_tummy_back_pain"),
        (json.dumps(alice(spinal_fusion=[True])), "spinal_fusion"),
        (json.dumps(alice(cleared_for_exercise="cleared")), "cleared_for_exercise"),
        (json.dumps(alice(inflammatory_features__over_3_months=True)),
         "inflammatory_features__over_3_months"),
        (json.dumps(alice(blood_thinner=True)), "blood_thinner"),
        ("{not json", "--answers"),
        ("[true, false]", "--answers"),
        ('"yes"', "--answers"),
        ("", "--answers"),
    ],
    ids=["unknown-id", "bool-as-int", "int-as-bool", "age-range", "pain-range", "bad-enum",
         "weeks-range", "thinners-text", "tummy-int", "fusion-list", "cleared-text",
         "part-is-not-an-answer", "thinners-typo", "bad-json", "array", "string", "empty"],
)
def test_bad_answers_exit_2_naming_the_field_with_nothing_on_stdout(
    run_cli: RunCli, payload: str, field: str
) -> None:
    result = run_cli("screen", "--answers", "-", "--json", input=payload)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"{field}: " in lines[0]


def test_unreadable_answers_file_exits_2(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("screen", "--answers", str(tmp_path / "nope.json"), "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "--answers: cannot read" in result.stderr


# ---- check ---------------------------------------------------------------------------------------


def test_check_with_clean_answers_gives_self_care(run_cli: RunCli) -> None:
    result = run_cli("check", "--json", input=piped("n", "n", *ALICE_OTHER))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)  # prompts went to stderr: stdout is only the JSON
    assert document["tier"] == "self_care"
    assert document["exercise_allowed"] is True
    assert document["missing"] == []
    assert "Do any of these apply?" in result.stderr


def test_check_shows_the_emergency_questions_first_as_one_list(run_cli: RunCli) -> None:
    result = run_cli("check", "--json", input=piped("n", "n", *ALICE_OTHER))
    first_list = result.stderr.split("Do any of these apply?")[0]
    for question in SCREEN.in_group("emergency"):
        assert question.label[:40] in " ".join(first_list.split())
    assert "How old are you?" not in first_list


def test_check_emergency_answer_ends_the_flow_prominently(run_cli: RunCli) -> None:
    # Yes to the list, then one by one: no chest pain, no tearing pain, no tummy pain, yes to
    # saddle numbness.
    result = run_cli("check", input=piped("y", "n", "n", "n", "y", *ALICE_OTHER))
    assert result.returncode == 3, result.stderr
    assert "GET EMERGENCY HELP NOW" in result.stdout
    assert "999" in result.stdout and "emergency department" in result.stdout
    assert "How old are you?" not in result.stdout  # the flow ended: no more questions
    flat = " ".join(result.stdout.split())
    assert SCREEN.question("saddle_numbness").text[:60] in flat
    assert SCREEN.question("bladder_change").text[:60] not in flat  # next item never asked
    assert "backrelief plan" not in result.stdout  # no routine offered


def test_check_emergency_json(run_cli: RunCli) -> None:
    result = run_cli("check", "--json", input=piped("o", "y"))
    document = json.loads(result.stdout)
    assert document["tier"] == "emergency"
    assert document["reasons"][0]["question"] == ["chest_symptoms"]
    assert "GET EMERGENCY HELP NOW" in result.stderr


def test_check_same_day_asks_what_could_make_it_an_emergency_then_ends(run_cli: RunCli) -> None:
    no_to_all_but_leg = ["n"] * (EMERGENCY_COUNT - 2)
    # one leg weak (choice 2), no major trauma, then fever: yes -> emergency.
    result = run_cli("check", "--json", input=piped("y", *no_to_all_but_leg, "2", "n", "y"))
    document = json.loads(result.stdout)
    assert document["tier"] == "emergency"
    assert "fever-with-nerve-symptoms" in [r["rule"] for r in document["reasons"]]
    assert "How old are you?" not in result.stderr

    # fever, cancer, infection risk and blood thinners could each make it an emergency
    calm = run_cli("check", "--json",
                   input=piped("y", *no_to_all_but_leg, "2", "n", "n", "n", "n", "n"))
    document = json.loads(calm.stdout)
    assert document["tier"] == "same_day"
    assert document["exercise_allowed"] is False
    assert "Have you ever had cancer?" in calm.stderr  # asked before ending: it could escalate
    assert SCREEN.question("blood_thinners").text[:40] in " ".join(calm.stderr.split())
    assert "How old are you?" not in calm.stderr

    bleed = run_cli("check", "--json",
                    input=piped("y", *no_to_all_but_leg, "2", "n", "n", "n", "n", "y"))
    document = json.loads(bleed.stdout)
    assert document["tier"] == "emergency"
    assert "blood-thinners-with-nerve-symptoms" in [r["rule"] for r in document["reasons"]]


def test_same_day_finishes_only_with_questions_that_could_still_make_it_an_emergency(
    run_cli: RunCli,
) -> None:
    # No to every warning sign, then night pain: no emergency rule can still match, so the
    # check ends without asking about cancer or blood thinners.
    result = run_cli("check", "--json", input=piped("n", "o", "n", "n", "y"))
    assert json.loads(result.stdout)["tier"] == "same_day"
    assert "Have you ever had cancer?" not in result.stderr
    assert "A last question or two" not in result.stderr


def test_check_same_day_list_answer_ends_the_flow(run_cli: RunCli) -> None:
    # No to the emergency list; yes to the same-day list; first item (fever) yes.
    result = run_cli("check", input=piped("n", "y", "y", "n"))
    assert "CONTACT A DOCTOR TODAY" in result.stdout
    assert "How old are you?" not in result.stdout
    assert "backrelief plan" not in result.stdout


def test_check_can_show_each_item_before_answering(run_cli: RunCli) -> None:
    result = run_cli("check", "--json", input=piped("4", "n", "n", *ALICE_OTHER))
    assert SCREEN.question("saddle_numbness").help[:40] in " ".join(result.stderr.split())
    assert json.loads(result.stdout)["tier"] == "self_care"


def test_check_reasks_after_a_bad_reply_and_offers_help(run_cli: RunCli) -> None:
    other = list(ALICE_OTHER)
    other[0:1] = ["?", "old", "150", "35"]
    result = run_cli("check", "--json", input=piped("maybe", "n", "n", *other))
    assert json.loads(result.stdout)["tier"] == "self_care"
    assert "aged 16 and over" in result.stderr  # the help text for age
    assert "out of range 0-120" in result.stderr


def test_check_asks_pregnancy_weeks_only_when_pregnant(run_cli: RunCli) -> None:
    other = list(ALICE_OTHER)
    other[1:2] = ["y", "20"]
    result = run_cli("check", "--json", input=piped("n", "n", *other))
    document = json.loads(result.stdout)
    assert document["conditions"] == ["pregnancy"]
    assert document["pregnancy_weeks"] == 20
    clean = run_cli("check", "--json", input=piped("n", "n", *ALICE_OTHER))
    assert "weeks pregnant" not in clean.stderr


def test_check_recheck_asks_only_the_red_flag_lists(run_cli: RunCli) -> None:
    result = run_cli("check", "--recheck", "--json", input=piped("n", "n"))
    assert result.returncode == 0, result.stderr
    assert "Anything new since last time?" in result.stderr
    assert "How old are you?" not in result.stderr
    document = json.loads(result.stdout)
    assert document["tier"] == "self_care" and document["missing"] == []

    flagged = run_cli("check", "--recheck", "--json", input=piped("o", "n", "n", "n", "y"))
    assert json.loads(flagged.stdout)["tier"] == "emergency"


def test_check_input_ending_early_aborts_without_a_result(run_cli: RunCli) -> None:
    result = run_cli("check", "--json", input=piped("n"))
    assert result.returncode == 130
    assert result.stdout == ""
    assert "aborted" in result.stderr


def test_help_lists_both_commands(run_cli: RunCli) -> None:
    result = run_cli("--help")
    assert "check" in result.stdout and "screen" in result.stdout
    assert "--recheck" in run_cli("check", "--help").stdout


# ---- the answers the guided session stores -------------------------------------------------------


def test_ask_screen_returns_the_answers_its_result_rests_on() -> None:
    from click.testing import CliRunner

    from backrelief.cli.screening import ask_screen
    from backrelief.core.screening import evaluate

    with CliRunner().isolation(input=piped("n", "n", *ALICE_OTHER)):
        result, answers = ask_screen(show=False)
    assert result.tier == "self_care"
    assert set(SCREEN.required_ids()) <= set(answers)
    assert evaluate(answers) == result


def test_a_recheck_returns_the_new_answers_not_the_old_ones() -> None:
    from click.testing import CliRunner

    from backrelief.cli.screening import ask_screen

    first = SCREEN.in_group("emergency")[0].id
    assert ALICE[first] is False
    with CliRunner().isolation(input=piped("o", "y")):
        result, answers = ask_screen(recheck=True, known=ALICE, show=False)
    assert result.tier == "emergency"
    assert answers[first] is True


# ---- the new questions and the exit status of `check` ----------------------------------------------


def other_answers(**changes: str | list[str]) -> list[str]:
    """ALICE_OTHER with some replies changed (a list replaces one reply with several)."""
    replies: list[str | list[str]] = list(ALICE_OTHER)
    asked = [qid for qid in ORDER if qid not in ("pregnancy_weeks", "cleared_for_exercise")]
    for question_id, reply in changes.items():
        replies[asked.index(question_id)] = reply
    flat: list[str] = []
    for reply in replies:
        flat += reply if isinstance(reply, list) else [reply]
    return flat


@pytest.mark.parametrize(("lists", "status", "tier"), [
    (["y", "y"], 3, "emergency"),  # one by one: chest symptoms yes
    (["n", "y", "y"], 4, "same_day"),  # the same-day list, one by one: fever yes
    (["n", "n"], 0, "self_care"),
])
def test_check_exit_status_says_how_urgent(run_cli: RunCli, lists: list[str], status: int,
                                           tier: str) -> None:
    result = run_cli("check", "--json", input=piped(*lists, *ALICE_OTHER))
    assert result.returncode == status, result.stderr
    assert json.loads(result.stdout)["tier"] == tier


def test_check_help_documents_the_exit_status(run_cli: RunCli) -> None:
    text = run_cli("check", "--help").stdout
    assert "3  emergency" in text and "4  same day" in text
    docs = (Path(__file__).parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "3  emergency" in docs and "4  same day" in docs


def test_check_skips_pregnancy_from_60_and_records_no() -> None:
    from click.testing import CliRunner

    from backrelief.cli.screening import ask_screen

    replies = [r for i, r in enumerate(other_answers(age="60")) if i != 1]  # no pregnancy reply
    with CliRunner().isolation(input=piped("n", "n", *replies)) as streams:
        result, answers = ask_screen(show=False)
        shown = streams[0].getvalue().decode()
    assert "How old are you?" in shown and "Are you pregnant?" not in shown
    assert answers["pregnant"] is False
    assert result.tier == "self_care"


@pytest.mark.parametrize(("cleared", "exercise"), [("y", True), ("n", False), ("", False)])
def test_check_asks_about_clearance_only_after_a_fusion(run_cli: RunCli, cleared: str,
                                                        exercise: bool) -> None:
    result = run_cli("check", "--json",
                     input=piped("n", "n", *other_answers(spinal_fusion=["y", cleared])))
    document = json.loads(result.stdout)
    assert document["tier"] == "see_professional"
    assert document["exercise_allowed"] is exercise
    assert "told you that gentle back exercises are OK" in " ".join(result.stderr.split())
    clean = run_cli("check", "--json", input=piped("n", "n", *ALICE_OTHER))
    assert "gentle back exercises are OK" not in " ".join(clean.stderr.split())


def test_check_asks_the_inflammatory_pattern_in_parts(run_cli: RunCli) -> None:
    result = run_cli("check", "--json", input=piped(
        "n", "n", *other_answers(inflammatory_features=["y", "y", "y"])))
    document = json.loads(result.stdout)
    assert "inflammatory-pattern" in [r["rule"] for r in document["reasons"]]
    for part in SCREEN.question("inflammatory_features").parts:
        assert part.text[:30] in " ".join(result.stderr.split())
    one_no = run_cli("check", "--json", input=piped(
        "n", "n", *other_answers(inflammatory_features=["y", "y", "n"])))
    assert json.loads(one_no.stdout)["tier"] == "self_care"


def test_check_blood_thinners_apply_the_anticoagulants_condition(run_cli: RunCli) -> None:
    result = run_cli("check", "--json",
                     input=piped("n", "n", *other_answers(blood_thinners="y")))
    document = json.loads(result.stdout)
    assert document["conditions"] == ["anticoagulants"]
    assert document["exercise_allowed"] is True
