"""Languages in a real browser: the switcher, accessibility in Spanish and French, right to left."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.helpers import assert_swapped, flow_url, mark_page
from tests.e2e.screenshots import compare, settle, shoot
from tests.e2e.test_accessibility import PREFERS_DARK, assert_accessible
from troubleshooting.languages import address_in

ARTICLE = "/messages/not-delivered/"


def language_pages() -> list[str]:
    """The home page, a topic, an article, a step and a search's results, in each language.

    English slugs are followed to the translated ones (a 301). The guided fix's questions,
    steps, fixed and end pages are audited in both languages by test_flow_languages.
    """
    return ["/", "/messages/", ARTICLE, flow_url("stuck-on-sending", 2, "n"), "/search/?q=imessage"]


def assert_language_page(page, url: str, prefix: str) -> None:
    """Load a translated page and assert it is found, in its language."""
    response = page.goto(url)
    assert response.status == 200, url
    expect(page.locator("html")).to_have_attribute("lang", prefix.strip("/"))


# The translated pages are found on every database: audited on a phone in the light scheme.
@pytest.mark.parametrize("prefix", ["/es", "/fr"])
def test_spanish_and_french_pages_pass_axe(new_page, site, prefix):
    page = new_page(viewport=PHONE, color_scheme="light")
    for path in language_pages():
        assert_language_page(page, site + prefix + path, prefix)
        assert_accessible(page)


# The other scheme and size re-check the look alone. Each page is loaded once per size and
# audited in the schemes the test above leaves (switching restyles it as loading it would: the
# site's styles have no transitions), as the sweep of the English pages does.
@pytest.mark.visual
@pytest.mark.parametrize("prefix", ["/es", "/fr"])
def test_spanish_and_french_pages_pass_axe_in_the_other_sizes_and_schemes(new_page, site, prefix):
    sized = {"phone": new_page(viewport=PHONE), "desktop": new_page(viewport=DESKTOP)}
    for path in language_pages():
        for size, page in sized.items():
            assert_language_page(page, site + prefix + path, prefix)
            for scheme in ["dark"] if size == "phone" else ["light", "dark"]:
                page.emulate_media(color_scheme=scheme)
                assert page.evaluate(PREFERS_DARK) is (scheme == "dark"), (path, scheme)
                assert_accessible(page)


def test_the_switcher_leads_to_the_same_page_in_the_other_language(page, site):
    step = flow_url("stuck-on-sending", 2, "n")
    spanish, french = address_in(step, "es"), address_in(step, "fr")
    assert spanish.startswith("/es/mensajes/se-queda-enviando/fix/2/")  # translated slugs
    page.goto(site + spanish)
    switcher = page.locator("#language-switcher")  # "Idioma" in Spanish, "Langue" in French
    expect(switcher.get_by_role("link", name="Español")).to_have_attribute("aria-current", "page")
    switcher.get_by_role("link", name="Français").click()
    expect(page).to_have_url(site + french)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator("#language-switcher").get_by_role("link", name="English").click()
    expect(page).to_have_url(site + step)
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")


def test_the_switcher_follows_an_htmx_swap(page, site):
    page.goto(site + "/es/")
    mark_page(page)
    page.locator("main").get_by_role("link", name="No entregado", exact=True).first.click()
    assert_swapped(page, r"/es/mensajes/no-entregado/$", "No entregado")
    french = page.locator("#language-switcher").get_by_role("link", name="Français")
    expect(french).to_have_attribute("href", "/fr/messages/non-distribue/")
    expect(page.locator("#language-switcher")).to_have_count(1)
    french.click()
    expect(page).to_have_url(site + "/fr/messages/non-distribue/")
    expect(page.locator("h1")).to_have_text("Non distribué")


MIRRORING = """() => {
    const box = (selector) => document.querySelector(selector).getBoundingClientRect();
    const content = box('.breadcrumbs');
    const steps = document.querySelector('.toc ol');
    const style = getComputedStyle(steps);
    return {
        brandRight: Math.round(box('.brand').right),
        switcherLeft: Math.round(box('#language-switcher').left),
        brandLeftOfSwitcher: box('.brand').left < box('#language-switcher').left,
        headingRight: Math.round(box('h1').right),
        contentRight: Math.round(content.right),
        listPaddingRight: style.paddingRight,
        listPaddingLeft: style.paddingLeft,
        tocBorderRight: getComputedStyle(document.querySelector('.toc')).borderRightWidth,
        width: document.documentElement.clientWidth,
    };
}"""


@pytest.mark.visual
def test_a_right_to_left_page_is_mirrored(new_page, site):
    """The layout follows the writing direction: a right-to-left language would read correctly."""
    page = new_page(viewport=PHONE, color_scheme="light", reduced_motion="reduce")
    page.goto(site + ARTICLE)
    page.evaluate("document.documentElement.dir = 'rtl'")
    settle(page)
    found = page.evaluate(MIRRORING)
    # The brand starts the header on the right, the languages follow it to its left.
    assert found["brandRight"] == found["width"] - 16, found
    assert not found["brandLeftOfSwitcher"], found
    # The heading and the contents list start on the right, the list's numbers in its margin there.
    assert found["headingRight"] == found["contentRight"] == found["width"] - 16, found
    assert found["listPaddingRight"] == "20px" and found["listPaddingLeft"] == "0px", found
    assert found["tocBorderRight"] == "3px", found
    problem = compare("article-rtl-phone-light", shoot(page))
    assert problem is None, problem
