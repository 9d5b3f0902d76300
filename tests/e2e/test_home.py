"""The home page on a phone and a desktop, light and dark, as a new visitor sees it."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.helpers import url_re

# Where the photographs go: SCREENSHOT_DIR=/some/dir to keep them somewhere else.
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "test-results/screenshots"))
# Layout and photographs only: CI's PostgreSQL pass leaves them out.
pytestmark = pytest.mark.visual


def test_placeholder_fits_the_box_on_a_phone(page, site):
    page.goto(site + "/")
    box = page.get_by_label("Describe the problem in your own words")
    fits = box.evaluate(
        """el => {
            const s = getComputedStyle(el);
            const ctx = document.createElement('canvas').getContext('2d');
            ctx.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
            const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
            return ctx.measureText(el.placeholder).width <= room;
        }"""
    )
    assert fits, "the placeholder is cut off at 390 px"


def test_the_whole_card_opens_its_article(page, site):
    page.goto(site + "/")
    card = page.locator(".card").filter(has_text="Sent as Text Message (green bubble)")
    card.scroll_into_view_if_needed()
    box = card.locator("p").first.bounding_box()  # the summary, not the title
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page).to_have_url(url_re(r"/messages/sent-as-text-message/$"))
    page.go_back()
    card = page.locator(".card").filter(has_text="Not Delivered").first
    card.get_by_role("link", name="Fix it step by step").click()  # still its own target
    expect(page).to_have_url(url_re(r"/messages/not-delivered/fix/1/$"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_screenshots(new_page, site, scheme, size, viewport):
    """Photographs for a person to look at; they assert nothing beyond loading."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = new_page(viewport=viewport, color_scheme=scheme)
    for name, path in [("home", "/"), ("article", "/messages/stuck-on-sending/")]:
        page.goto(site + path)
        page.screenshot(path=SHOTS / f"{name}-{size}-{scheme}.png", full_page=True)
    page.locator("#next-heading").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / f"article-ways-on-{size}-{scheme}.png")
