"""Search in a real browser: results as you type, announced, and the plain form without JS."""

import re

from playwright.sync_api import expect

from tests.e2e.helpers import forgive_replaced_searches, mark_page, url_re
from tests.e2e.test_accessibility import assert_accessible


def test_results_appear_as_you_type_and_are_announced(page, site, console):
    page.goto(site + "/")
    mark_page(page)
    box = page.get_by_label("Describe the problem in your own words")
    box.press_sequentially("says delivred but", delay=30)  # typos and all, typed quickly
    results = page.locator("#search-results")
    expect(results.locator(".result").first).to_contain_text("Delivered")
    expect(results).to_contain_text("Showing results for")
    expect(page.locator("#search-status")).to_have_text(re.compile(r"^\d+ results? for "))
    expect(page).to_have_url(re.compile(r"/search/\?q=says(%20|\+)delivred(%20|\+)but$"))
    assert page.evaluate("window.__sameDocument === true"), "typing must not reload the page"
    expect(box).to_be_focused()  # the caret stays where the person is typing
    assert_accessible(page)

    box.fill("green bubble")
    expect(results.locator(".result-title").first).to_have_text(
        "Sent as Text Message (green bubble)"
    )
    expect(results.locator("mark").first).to_have_text(re.compile("green", re.IGNORECASE))
    results.get_by_role("link", name="Sent as Text Message (green bubble)", exact=True).click()
    expect(page).to_have_url(re.compile(r"/messages/sent-as-text-message/$"))
    expect(page.locator("h1")).to_be_focused()
    forgive_replaced_searches(console)


def test_nothing_found_offers_common_problems(page, site):
    page.goto(site + "/search/")
    page.get_by_label("What do you see on your screen?").fill("xyzzy")
    expect(page.locator("#search-results")).to_contain_text("Nothing matched")
    expect(page.locator("#search-results")).to_contain_text("Common problems")
    assert_accessible(page)


def test_search_without_javascript(new_page, site):
    page = new_page(java_script_enabled=False)
    page.goto(site + "/messages/")
    page.get_by_label("Search the guides").fill("red exclamation mark")
    page.get_by_label("Search the guides").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=red\+exclamation\+mark$"))
    expect(page.locator(".result-title").first).to_have_text("Not Delivered")
    page.get_by_role("link", name=re.compile(r"^Fix it step by step\s*: Not Delivered$")).click()
    expect(page).to_have_url(url_re(r"/messages/not-delivered/fix/1/$"))


def test_header_search_from_an_article_announces_the_count(page, site):
    """The header's box has no results area of its own: the count still reaches a live region."""
    page.goto(site + "/messages/not-delivered/")
    mark_page(page)
    page.get_by_label("Search the guides").fill("green bubble")
    page.get_by_label("Search the guides").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=green(%20|\+)bubble$"))
    expect(page.locator(".result-title").first).to_have_text("Sent as Text Message (green bubble)")
    status = page.locator("#search-status")
    expect(status).to_have_text(re.compile(r"^\d+ results?$"))
    expect(status).to_have_attribute("aria-live", "polite")
    assert page.evaluate("window.__sameDocument === true")
    # The `page` fixture fails the test on htmx:oobErrorNoTarget, which htmx logs as an error.


def test_spanish_search_as_you_type_leads_to_the_step_in_the_spanish_article(page, site, console):
    page.goto(site + "/es/search/")
    mark_page(page)
    box = page.locator("#search-page")
    # The answer to the whole query, not an earlier one for a few letters, before clicking.
    with page.expect_response(lambda response: "reinicio" in response.url):
        box.press_sequentially("forzar reinicio", delay=30)  # no accents, as people type
    results = page.locator("#search-results")
    expect(results.locator(".result").first).to_contain_text("Fuerza el reinicio")
    assert page.evaluate("window.__sameDocument === true"), "typing must not reload the page"
    assert_accessible(page)
    results.locator(".result-step .result-title a").first.click()
    expect(page).to_have_url(re.compile(r"/es/[^/]+/[^/]+/#step-forzar-reinicio$"))
    expect(page.locator("#step-forzar-reinicio")).to_be_visible()
    forgive_replaced_searches(console)
