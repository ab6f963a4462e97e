"""Helpers for browser tests: accessibility checks, screenshots and signing in."""

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

from onestory.workforce.tests.factories import PASSWORD

SCREENSHOTS = Path("test-results") / "screenshots"
# axe-core impacts that fail a test; "minor" and "moderate" are reviewed by people.
FAILING_IMPACTS = {"serious", "critical"}

_axe = Axe()


def check_accessibility(page, name: str = "") -> None:
    """Run axe-core on the page as it is now; fail on serious or critical violations."""
    results = _axe.run(page)
    failing = [v for v in results.response["violations"] if v.get("impact") in FAILING_IMPACTS]
    if failing:
        lines = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(", ".join(n["target"]) for n in v["nodes"][:5])
            for v in failing
        ]
        raise AssertionError(f"Accessibility problems on {name or page.url}:\n" + "\n".join(lines))


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under test-results/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


def visit(page, name: str) -> None:
    """Record a page the journey reached: check it for accessibility and keep a screenshot."""
    page.wait_for_load_state("load")
    screenshot(page, name)
    check_accessibility(page, name)


def sign_in(page, site: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{site}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def sign_out(page) -> None:
    page.get_by_role("button", name=re.compile("^Sign out")).click()
    page.wait_for_load_state("load")
