"""axe-core finds no accessibility violations on any page, at phone and desktop width.

Every page of the journey is visited through the real server in the states a user sees them:
empty and with data, with form errors, the urgent results, the player before and during a
session and with its "this hurts" dialog open.
"""

from __future__ import annotations

from typing import Any

import pytest

from backrelief.core.catalog import default_catalog
from tests.browser.conftest import DESKTOP, PHONE, Server, new_page
from tests.browser.journey import build_routine, pass_safety_check

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# WCAG 2.x A and AA plus axe's best practices.
AXE_OPTIONS = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                     "wcag22aa", "best-practice"]}}


class Audit:
    """Runs axe on each page state and keeps every violation, to report them all at once."""

    def __init__(self, page: Any) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.page = page
        self.axe = Axe()
        self.reports: dict[str, str] = {}
        self.checked: list[str] = []

    def check(self, name: str) -> None:
        self.page.wait_for_load_state()
        results = self.axe.run(self.page, options=AXE_OPTIONS)
        self.checked.append(name)
        if results.violations_count:
            self.reports[name] = results.generate_report()


def visit(page: Any, audit: Audit, url: str, name: str) -> None:
    page.goto(url)
    audit.check(name)


def check_pages(page: Any, audit: Audit, base: str) -> None:
    catalog = default_catalog()
    visit(page, audit, base + "/", "home (new user)")
    visit(page, audit, base + "/check", "check: emergency list")
    page.get_by_role("button", name="Continue").click()
    audit.check("check: emergency list, with errors")  # the leg question has no default
    page.check("input[name=leg_weakness][value=none]")
    page.get_by_role("button", name="Continue").click()
    audit.check("check: same-day list")
    page.get_by_role("button", name="Continue").click()
    audit.check("check: about you")
    page.get_by_role("button", name="Continue").click()
    audit.check("check: about you, with errors")
    pass_safety_check(page, base)
    audit.check("result: OK to start")
    preview = build_routine(page, "5")
    audit.check("routine preview")
    visit(page, audit, base + "/build", "routine builder")
    page.fill("input[name=pregnancy_weeks]", "99")
    page.get_by_role("button", name="Show my routine").click()
    audit.check("routine builder, with errors")
    page.goto(preview)
    page.get_by_role("button", name="Start the session").first.click()
    page.wait_for_url("**/session/1/play")
    page.wait_for_selector("#p-begin:not([disabled])")
    audit.check("player: before start")
    page.click("#p-begin")
    page.wait_for_selector("#player[data-kind=hold]")
    page.click("#p-pause")
    audit.check("player: paused in a hold")
    page.click("#p-hurts")
    audit.check("player: this hurts dialog")
    page.get_by_role("button", name="Pain spreading down a leg").click()
    page.locator("#hurt-next[href^='/check/recheck']").wait_for()
    audit.check("player: stopped")
    visit(page, audit, base + "/check/recheck", "re-check")
    visit(page, audit, base + "/session/1/after", "after the session")
    page.get_by_role("button", name="Save and see my summary").click()
    audit.check("after the session, with errors")
    page.locator("#f-pain .pain-scale label").filter(has_text="3").first.click()
    page.get_by_role("button", name="Save and see my summary").click()
    page.wait_for_url("**/summary")  # after.js sends the answers, then opens the summary
    audit.check("summary")
    visit(page, audit, base + "/progress", "progress")
    visit(page, audit, base + "/", "home (with data)")
    visit(page, audit, base + "/library", "library")
    for technique in catalog.ordered():
        visit(page, audit, f"{base}/library/{technique.id}", f"technique {technique.id}")
    for education in catalog.education.values():
        visit(page, audit, f"{base}/learn/{education.id}", f"learn {education.id}")
    visit(page, audit, base + "/settings", "settings")
    visit(page, audit, base + "/check/emergency-signs", "warning signs")
    visit(page, audit, base + "/offline", "offline")
    visit(page, audit, base + "/no-such-page", "not found")
    # The urgent results last: they end the journey.
    page.goto(base + "/check")
    page.check("input[name=leg_weakness][value=none]")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Pain that is there all the time").check()
    page.get_by_role("button", name="Continue").click()
    if "/check/result/" not in page.url:
        audit.check("check: last emergency questions")
        page.get_by_role("button", name="See my result").click()
    audit.check("result: same day")
    page.goto(base + "/check")
    page.get_by_label("Numbness, tingling or pins and needles between your legs").check()
    page.get_by_role("button", name="Continue").click()
    audit.check("result: emergency")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_accessibility_violations_on_any_page(browser: Any, server: Server,
                                                 viewport: dict[str, int]) -> None:
    context, page, errors = new_page(browser, viewport)
    audit = Audit(page)
    check_pages(page, audit, server.url)
    context.close()
    assert len(audit.checked) >= 30
    assert audit.reports == {}, "\n\n".join(f"== {k}\n{v}" for k, v in audit.reports.items())
    # Expected console lines: the browser logging the deliberate 404 page and the 422 answers
    # of forms shown again with errors. Anything else (a CSP violation, a script error) fails.
    assert [m for m in errors.messages
            if "status of 404" not in m and "status of 422" not in m] == []
