"""Browser tests: pytest-playwright driving Debian's Chromium against a live test server.

`playwright install` cannot download browsers on these machines, so the tests use the system
Chromium (Debian package `chromium`; `make browsers` installs it). Without it the browser tests
are skipped with a message saying so; CI installs it, so there they always run.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the main thread for the whole session,
# which Django takes for async code and refuses database calls from (test set-up, the flush
# after each transactional test). Every database call here is synchronous, so the check is
# lifted. It stays lifted for the rest of the process: `make test` therefore runs the browser
# tests in their own pytest call, so the rest of the suite keeps Django's check.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("ONESTORY_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BROWSER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `browser`; skip them all, saying why, without Chromium."""
    skip = None
    if not CHROMIUM.exists() and os.environ.get("ONESTORY_REQUIRE_BROWSERS") == "1":
        raise pytest.UsageError(
            f"Chromium not found at {CHROMIUM}, and ONESTORY_REQUIRE_BROWSERS=1 "
            "(CI) does not allow the browser tests to be skipped"
        )
    if not CHROMIUM.exists():
        skip = pytest.mark.skip(
            reason=f"Chromium not found at {CHROMIUM}: run `make browsers` "
            "(Debian package chromium) to run the browser tests"
        )
    for item in items:
        if BROWSER_DIR in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if skip is not None:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture
def site(live_server, page):
    """The live server's address, with the page's navigation timeout kept short."""
    page.set_default_timeout(10_000)
    return live_server.url
