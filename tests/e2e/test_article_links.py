"""Links into an article land on their place, even on a cause folded away."""

from playwright.sync_api import expect


def test_a_link_to_a_folded_cause_opens_it(page, site):
    page.goto(site + "/messages/stuck-on-sending/#cause-outdated-ios")
    cause = page.locator("#cause-outdated-ios")
    expect(cause).to_be_visible()
    expect(cause).to_be_in_viewport()
    expect(page.locator("details.more-causes")).to_have_attribute("open", "")


def test_a_search_result_for_a_cause_leads_to_it(page, site):
    page.goto(site + "/search/?q=blocked+me")
    page.locator("#search-results .result a").first.click()
    expect(page.locator("h1")).not_to_have_text("Search")
    target = page.evaluate("decodeURIComponent(location.hash.slice(1))")
    assert target.startswith(("cause-", "step-")), page.url
    expect(page.locator(f"[id='{target}']")).to_be_in_viewport()
