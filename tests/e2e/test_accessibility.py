"""Accessibility in a real browser: axe-core (WCAG 2.x A and AA), heading order, motion."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.helpers import assert_swapped, flow_url, mark_page, public_pages

AXE = Axe()
# axe-core is half a megabyte of script: sent and compiled once per document, not once per audit
# (an htmx swap, a second colour scheme or size keeps the document, and with it axe).
AXE_AGAIN = Axe(axe_script="void 0")
AXE_LOADED = "typeof window.axe === 'object' && typeof window.axe.run === 'function'"
WCAG_A_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"],
    },
    # Only violations fail a check: axe then stops listing every element that passed.
    "resultTypes": ["violations"],
}

HEADING_LEVELS = """() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
    .filter(h => h.offsetParent !== null)
    .map(h => Number(h.tagName[1]))"""


# axe-core runs inside the page and waits on timers, which never fire where scripts are off; and
# Playwright's evaluate has no timeout. So axe on a page opened without JavaScript waits forever
# (dequelabs/axe-core-npm#529): such a page is audited as a copy, below.
SCRIPTS_OFF = """() => {
    // Where scripts are off, HTML parses <noscript> content as elements, not as text.
    const probe = document.createElement('div');
    probe.innerHTML = '<noscript><i></i></noscript>';
    return probe.querySelector('noscript i') !== null;
}"""
PREFERS_DARK = "matchMedia('(prefers-color-scheme: dark)').matches"
SCRIPT_ELEMENT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)
ORIGIN = re.compile(r"^https?://[^/]+")
# One page per browser, size and colour scheme, kept for the session: a context per audit would
# fetch the styles anew each time.
_copies: dict[tuple, Page] = {}


def copy_with_scripts(page: Page) -> Page:
    """Show the page's HTML, as it stands, where axe can run: the same styles, size and colour
    scheme, none of the site's scripts (they would change what a visitor without them sees)."""
    browser, size = page.context.browser, page.viewport_size
    scheme = "dark" if page.evaluate(PREFERS_DARK) else "light"
    key = (browser, size["width"], size["height"], scheme)
    copy = _copies.get(key)
    if copy is None or copy.is_closed():
        # Reduced motion: audit the settled page, not a frame of its entrance animation.
        context = browser.new_context(viewport=size, color_scheme=scheme, reduced_motion="reduce")
        copy = _copies[key] = context.new_page()
    origin = ORIGIN.match(page.url)[0]
    if not copy.url.startswith(origin + "/"):
        copy.goto(origin + "/robots.txt")  # the site's origin, and its Content Security Policy
    copy.set_content(SCRIPT_ELEMENT.sub("", page.content()))
    return copy


def assert_accessible(page: Page) -> None:
    """Assert axe finds no WCAG A/AA violation and no heading level is skipped, scripts or not."""
    audited = copy_with_scripts(page) if page.evaluate(SCRIPTS_OFF) else page
    size, scheme = page.viewport_size, "dark" if page.evaluate(PREFERS_DARK) else "light"
    _assert_accessible(audited, f"{page.url} ({size['width']}x{size['height']}, {scheme})")


def run_axe(page: Page):
    """Run axe-core's WCAG A/AA rules on the page, sending axe only where it is not loaded yet."""
    return (AXE_AGAIN if page.evaluate(AXE_LOADED) else AXE).run(page, options=WCAG_A_AA)


def _assert_accessible(page: Page, address: str) -> None:
    results = run_axe(page)
    assert results.violations_count == 0, f"{address}\n{results.generate_report()}"
    levels = page.evaluate(HEADING_LEVELS)
    assert levels and levels[0] == 1 and levels.count(1) == 1, (address, levels)
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"{address}: heading level jumps from h{before} to h{after}"


# Contrast problems differ between the colour schemes, so every check runs in both. The dark one
# re-checks only the look, the same on any database: CI's PostgreSQL pass leaves it out.
SCHEMES = pytest.mark.parametrize(
    "scheme", ["light", pytest.param("dark", marks=pytest.mark.visual)]
)


def swept_pages(site: str) -> list[tuple[str, str | None]]:
    """Every public page of the demo guide, and the error pages with the heading each shows."""
    return [(url, None) for url in public_pages(site)] + [
        (site + "/no-such-page/", "We can't find that page"),
        (site + "/messages/not-delivered/fix/3/?r=zz", "This link to the guided fix doesn't work"),
    ]


# The sweep is cut in parts that run side by side; each page is loaded once per size and audited
# in both colour schemes there (switching the scheme restyles the page as loading it would: the
# site's styles have no transitions, and its one entrance animation runs on insertion only).
SWEEP_PARTS = 4


@pytest.mark.visual
@pytest.mark.parametrize("part", range(SWEEP_PARTS), ids=lambda part: f"part{part + 1}")
def test_every_public_page_passes_axe(new_page, site, console, part):
    sized = [new_page(viewport=PHONE), new_page(viewport=DESKTOP)]
    for url, heading in swept_pages(site)[part::SWEEP_PARTS]:
        for page in sized:
            page.goto(url)
            if heading:
                expect(page.locator("h1")).to_have_text(heading)
            for scheme in ["light", "dark"]:
                page.emulate_media(color_scheme=scheme)
                assert page.evaluate(PREFERS_DARK) is (scheme == "dark"), (url, scheme)
                assert_accessible(page)
    # An error page's status is the point, so its console message is expected.
    console.errors = [error for error in console.errors if "status of 40" not in error]


@SCHEMES
def test_every_htmx_swap_leaves_an_accessible_page(new_page, site, scheme):
    page = new_page(color_scheme=scheme)
    page.goto(site + "/")
    mark_page(page)
    assert_accessible(page)
    page.get_by_role("link", name="Not sure? Answer a question").click()
    assert_swapped(page, r"/messages/fix/$", re.compile(".+"))
    assert_accessible(page)
    page.get_by_role("link", name="Not Delivered").click()
    assert_swapped(page, r"/fix/not-delivered-to-whom/(\?via=[\w-]+)?$", re.compile(".+"))
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Everyone")).click()
    assert_swapped(page, r"/fix/1/(\?via=[\w-]+)?$", re.compile(".+"))
    assert_accessible(page)
    page.goto(site + flow_url("only-one-contact", 10, "n" * 9))
    mark_page(page)
    page.get_by_role("button", name="No, still not working").click()
    assert_swapped(page, r"/fix/11/", re.compile(".+"))  # the destructive step's warning
    assert_accessible(page)
    page.get_by_label("I've read the warning and understand what I could lose.").check()
    page.get_by_role("button", name="Show me how").click()
    assert_swapped(page, r"confirm=1", re.compile(".+"))
    assert_accessible(page)
    page.get_by_role("button", name="No, still not working").click()
    assert_swapped(page, r"/fix/12/", re.compile(".+"))
    page.get_by_role("button", name="Skip this step").click()
    assert_swapped(page, r"/fix/end/", re.compile(".+"))
    assert_accessible(page)


MOTION = """() => {
    const content = document.querySelector('#main > *');
    return {
        animation: getComputedStyle(content).animationName,
        scroll: getComputedStyle(document.documentElement).scrollBehavior,
    };
}"""


@pytest.mark.visual
def test_reduced_motion_is_respected(new_page, site):
    moving = new_page()
    moving.goto(site + "/messages/not-delivered/")
    assert moving.evaluate(MOTION) == {"animation": "appear", "scroll": "smooth"}
    still = new_page(reduced_motion="reduce")
    still.goto(site + "/messages/not-delivered/")
    assert still.evaluate(MOTION) == {"animation": "none", "scroll": "auto"}


def test_swapped_content_is_announced_by_moving_focus(page, site):
    """Screen readers announce the focused heading of the new content after each swap."""
    page.goto(site + "/messages/not-delivered/fix/1/")
    mark_page(page)
    page.get_by_role("button", name="No, still not working").click()
    expect(page.locator("h1")).to_be_focused()
    expect(page.locator("h1")).to_have_attribute("tabindex", "-1")
    # The offline notice is a polite live region, so it is read out when it appears.
    expect(page.locator("#connection-status")).to_have_attribute("aria-live", "polite")


@pytest.mark.visual
def test_the_checks_catch_real_problems(page, site):
    """Guard the guard: a missing label, poor contrast or a skipped heading level must fail."""
    page.goto(site + "/messages/")
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend', '<input type="text"><p>faint</p>');
            // Through the CSSOM: the Content Security Policy blocks style attributes.
            Object.assign(main.lastElementChild.style, {color: '#bbb', background: '#fff'});
        }"""
    )
    try:
        assert_accessible(page)
    except AssertionError as error:
        assert "label" in str(error) and "color-contrast" in str(error)
    else:
        raise AssertionError("axe found nothing wrong with an unlabelled field")
    page.goto(site + "/messages/")
    page.evaluate("document.querySelector('h1').insertAdjacentHTML('afterend', '<h3>x</h3>')")
    try:
        assert_accessible(page)
    except AssertionError as error:
        assert "heading level jumps from h1 to h3" in str(error)
    else:
        raise AssertionError("a skipped heading level went unnoticed")


def test_cant_do_a_step_and_tell_whether_the_article_helped(new_page, site):
    page = new_page()
    page.goto(site + "/messages/not-delivered/fix/")
    mark_page(page)
    page.get_by_text("I can't do this step").click()
    page.get_by_label("I don't know the password or passcode it asks for").check()
    page.get_by_role("button", name="Go on without this step").click()
    assert_swapped(
        page, r"/not-delivered/fix/2/\?r=c&v=\w+(&via=[\w-]+)?$", "Turn Airplane Mode on and off"
    )
    assert_accessible(page)

    page.goto(site + "/messages/not-delivered/")
    feedback = page.locator("#feedback")
    feedback.scroll_into_view_if_needed()
    expect(feedback.get_by_role("button", name="No")).to_be_visible()  # loaded when revealed
    feedback.get_by_role("button", name="No").click()
    heading = page.get_by_role("heading", name="Sorry it didn't help")
    expect(heading).to_be_focused()
    page.get_by_label("It was hard to follow").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thanks, this helps us improve")).to_be_focused()
    expect(page).to_have_url(re.compile(r"/messages/not-delivered/$"))  # no history entry
    assert_accessible(page)


def test_pages_without_javascript_are_audited_too(new_page, site):
    """axe needs scripts: a page without them is audited as a copy, and must not wait forever."""
    page = new_page(java_script_enabled=False, color_scheme="dark")
    page.goto(site + "/messages/not-delivered/fix/1/")
    assert page.evaluate(SCRIPTS_OFF)
    copy = copy_with_scripts(page)
    assert not copy.evaluate(SCRIPTS_OFF)
    assert copy.evaluate(PREFERS_DARK)
    assert copy.evaluate("typeof window.htmx") == "undefined"  # the page as served, unscripted
    assert copy.locator("h1").inner_text() == page.locator("h1").inner_text()
    assert copy.evaluate("getComputedStyle(document.body).backgroundColor") == page.evaluate(
        "getComputedStyle(document.body).backgroundColor"
    )  # its styles too
    assert_accessible(page)
    # What the audit sees is the page as it stands, so a problem in it fails the check.
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input>')")
    try:
        assert_accessible(page)
    except AssertionError as error:
        assert "label" in str(error) and "/messages/not-delivered/fix/1/" in str(error)
    else:
        raise AssertionError("axe found nothing wrong with an unlabelled field without JavaScript")
