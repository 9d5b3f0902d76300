"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Skipped, with the reason printed, where no Chromium is installed; CI installs it so they run there.
"""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.demo_data import load_demo

# Playwright's sync API runs an event loop in this thread; Django's ORM must be allowed beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if Path(str(item.fspath)).is_relative_to(HERE)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if browser_items and not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER"):
            raise pytest.UsageError(
                f"REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM}"
            )
        reason = (
            f"no Chromium at {CHROMIUM}: browser tests skipped. Install it with "
            "`apt-get install chromium` (or set CHROMIUM_PATH) to run them."
        )
        for item in browser_items:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """Start from empty tables on a test database kept from an earlier run (``--reuse-db``).

    CI's PostgreSQL pass runs the browser tests on the databases its unit tests just made, not
    migrating them again; whatever those left behind is gone before the first browser test.
    """
    if request.config.getoption("reuse_db"):
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def site(live_server, transactional_db):
    """The live site with the demo guide loaded; returns its base URL."""
    load_demo()
    return live_server.url


class ConsoleWatch:
    """Collect console errors and uncaught exceptions of every page a test opens."""

    def __init__(self):
        self.errors: list[str] = []

    def watch(self, page):
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        return page


@pytest.fixture
def console():
    return ConsoleWatch()


@pytest.fixture
def page(page, console):
    """Playwright's page, failing the test on any console error."""
    console.watch(page)
    yield page
    assert console.errors == [], console.errors


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.failed_in_call = report.failed
    return report


@pytest.fixture
def new_page(browser, console, request, pytestconfig):
    """Open a page in a context of its own (no JavaScript, another size, a second visitor),
    watched for console errors and photographed if the test fails, like the default page."""
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(**{"viewport": PHONE, **context_options})
        contexts.append(context)
        return console.watch(context.new_page())

    yield open_page
    if getattr(request.node, "failed_in_call", False):
        output = Path(pytestconfig.getoption("--output"))
        output.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^\w.-]+", "-", request.node.nodeid)
        for number, context in enumerate(contexts):
            for index, opened in enumerate(context.pages):
                opened.screenshot(
                    path=output / f"{slug}-context{number}-{index}.png", full_page=True
                )
    for context in contexts:
        context.close()
    assert console.errors == [], console.errors
