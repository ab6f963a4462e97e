"""Helpers for browser tests: accessibility checks, screenshots and signing in."""

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

from onestory.workforce.tests.factories import PASSWORD

SCREENSHOTS = Path("test-results") / "screenshots"
# axe-core impacts that fail a test; "minor" and "moderate" are reviewed by people.
FAILING_IMPACTS = {"serious", "critical"}

_axe = Axe()


def _govuk_conditional_reveal(violation: dict, node: dict) -> bool:
    """GOV.UK Frontend sets aria-expanded on radios and checkboxes that reveal more questions.
    axe reports it; GOV.UK keeps it on purpose after testing with screen reader users (a known
    issue, alphagov/govuk-frontend#979). Only that attribute on those inputs is let through."""
    return (
        violation["id"] == "aria-allowed-attr"
        and re.search(r'class="govuk-(radios|checkboxes)__input"', node.get("html", "")) is not None
        and "aria-controls=" in node.get("html", "")
        and re.findall(r"aria-[a-z]+(?==)", node.get("failureSummary", "")) == ["aria-expanded"]
    )


def check_accessibility(page, name: str = "") -> None:
    """Run axe-core on the page as it is now; fail on serious or critical violations."""
    results = _axe.run(page)
    failing = []
    for violation in results.response["violations"]:
        nodes = [n for n in violation["nodes"] if not _govuk_conditional_reveal(violation, n)]
        if violation.get("impact") in FAILING_IMPACTS and nodes:
            failing.append({**violation, "nodes": nodes})
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


def download_with_purpose(
    page, start, name: str, purpose: str = "Checking the data is right", timeout: float = 30_000
):
    """Start a download (`start` is the link or button), say why on the page that asks (checked
    with axe), take the file and go back to the page the download started from."""
    start.click()
    page.wait_for_load_state("load")
    visit(page, f"why download {name}")
    page.get_by_label(purpose).check()
    with page.expect_download(timeout=timeout) as downloaded:
        page.get_by_role("button", name="Download").click()
    page.go_back()
    page.wait_for_load_state("load")
    return downloaded.value
