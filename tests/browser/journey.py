"""Steps of the user journey shared by the browser tests (all through the real pages)."""

from __future__ import annotations

from typing import Any

OTHER_NO = ("first_episode", "cancer_history", "infection_risk", "fragility_risk",
            "blood_thinners", "inflammatory_features__over_3_months", "recent_spinal_surgery",
            "spinal_fusion", "severe_not_coping")


def pass_safety_check(page: Any, base: str, duration_weeks: str = "1") -> None:
    """Answer the full check with no red flag and land on the result page (pain lasting more
    than 6 weeks makes it a "see a professional" result, exercise still allowed)."""
    page.goto(base + "/check")
    page.check("input[name=leg_weakness][value=none]")  # no answer is chosen for you
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()
    for name in OTHER_NO:
        page.check(f"input[name={name}][value=no]")
    page.fill("input[name=age]", "40")
    page.fill("input[name=duration_weeks]", duration_weeks)
    page.locator(".pain-scale label").filter(has_text="4").first.click()
    page.get_by_role("button", name="Continue").click()
    page.check("input[name=pregnant][value=no]")  # asked after the age, below 60
    page.get_by_role("button", name="Continue").click()  # a yes would ask the weeks
    page.wait_for_url("**/check/result/*")


def build_routine(page: Any, minutes: str = "5") -> str:
    """From the result page, build a routine; returns the preview's URL (nothing stored yet)."""
    page.get_by_role("link", name="Build my routine").click()
    page.wait_for_url("**/build")
    page.locator(".segmented label").filter(has_text=minutes).first.click()
    page.get_by_role("button", name="Show my routine").click()
    page.wait_for_url("**/preview?*")
    return str(page.url)


def start_player(page: Any) -> None:
    """From the preview, start the session (stored now), open the player and press Start."""
    page.get_by_role("button", name="Start the session").first.click()
    page.wait_for_url("**/play")
    page.wait_for_selector("#p-begin:not([disabled])")
    page.click("#p-begin")
    page.wait_for_selector("#player[data-state=playing]")


def cue_index(page: Any) -> int:
    """Index of the last cue the player showed (-1 before the first)."""
    value = page.evaluate("document.getElementById('player').dataset.cue ?? '-1'")
    return int(value)
