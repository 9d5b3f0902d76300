"""The phone-first layout in a real browser: answers in reach, copy and share, contents."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from troubleshooting.flow import Flow
from troubleshooting.models import Symptom

# Where things sit on the screen and what the browser itself does (clipboard, sharing, folding):
# the same pages on any database, so CI's PostgreSQL pass leaves these out.
pytestmark = pytest.mark.visual

# Whether an element is on the first screen and nothing covers its middle, so one tap reaches it.
IN_REACH = """el => {
    const box = el.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight || box.height === 0) return false;
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return el === hit || el.contains(hit);
}"""


def answers(page):
    return [
        page.get_by_role("button", name="Yes, it's fixed"),
        page.get_by_role("button", name="No, still not working"),
        page.locator(".answer-bar .button-quiet"),
    ]


def every_step() -> list[tuple[str, Flow, int]]:
    """Every step of every symptom's guided fix: (the symptom's slug, its flow, the number)."""
    steps = []
    for symptom in Symptom.objects.order_by("pk"):
        flow = Flow.for_symptom(symptom)
        steps += [(symptom.slug, flow, number) for number in range(1, len(flow) + 1)]
    return steps


def assert_answers_in_reach(page, where) -> None:
    """At each size, the answers are in reach and the bar leaves most of the screen alone."""
    for viewport in [PHONE, DESKTOP]:
        page.set_viewport_size(viewport)
        for button in answers(page):
            assert button.evaluate(IN_REACH), (where, viewport, button)
        bar = page.locator(".answer-bar").bounding_box()
        assert bar["height"] < viewport["height"] * 0.25, (where, viewport, bar)


def assert_warning_in_reach(page, where) -> None:
    """At each size, a destructive step's warning can be confirmed or skipped in reach."""
    for viewport in [PHONE, DESKTOP]:
        page.set_viewport_size(viewport)
        for name in ["Show me how", "Skip this step"]:
            assert page.get_by_role("button", name=name).evaluate(IN_REACH), (where, name)
        assert page.get_by_label("I've read the warning").evaluate(IN_REACH), where


# Each step is loaded once and looked at in both sizes (the layout is styles alone: no script
# measures the window), in parts that run side by side.
STEP_PARTS = 2


@pytest.mark.parametrize("part", range(STEP_PARTS), ids=lambda part: f"part{part + 1}")
def test_every_step_has_its_answers_in_reach_without_scrolling(new_page, site, part):
    page = new_page()
    for slug, flow, number in every_step()[part::STEP_PARTS]:
        step = flow.steps[number - 1]
        extra = {"confirm": "1"} if step.is_destructive else {}
        page.goto(site + flow.step_url(number, "n" * (number - 1), **extra))
        assert_answers_in_reach(page, (slug, number))
        if step.is_destructive:  # its warning first: confirm or skip, in reach too
            page.goto(site + flow.step_url(number, "n" * (number - 1)))
            assert_warning_in_reach(page, (slug, number))


def test_the_bar_settles_after_the_instructions_at_the_end_of_the_step(page, site):
    flow = Flow.for_symptom(Symptom.objects.get(slug="only-one-contact"))
    last = flow.steps[-1]
    extra = {"confirm": "1"} if last.is_destructive else {}
    page.goto(site + flow.step_url(len(flow), "n" * (len(flow) - 1), **extra))
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    instructions = page.locator(".instructions").bounding_box()
    bar = page.locator(".answer-bar").bounding_box()
    assert bar["y"] >= instructions["y"] + instructions["height"]  # nothing left hidden under it


def end_page(site):
    flow = Flow.for_symptom(Symptom.objects.get(slug="stuck-on-sending"))
    return site + flow.end_url("nsn")


def test_the_summary_is_copied_with_one_tap(new_page, site):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    page.goto(end_page(site))
    page.get_by_role("button", name="Copy this list").click()
    expect(page.locator(".summary-status")).to_have_text(
        "Copied. Paste it into a message or an email."
    )
    copied = page.evaluate("navigator.clipboard.readText()")
    lines = copied.splitlines()
    assert lines[0] == "What I tried for “Stuck on Sending…”"
    assert lines[1] == "1. Turn Airplane Mode on and off: Didn't fix it"
    assert lines[2].endswith(": Skipped")
    assert lines[-1].startswith("The guide: http") and lines[-1].endswith("/stuck-on-sending/")


SHARE_STUB = """navigator.share = data => {
    window.__shared = data;
    return Promise.resolve();
};"""


def test_the_summary_is_shared_where_the_browser_can(new_page, site):
    plain = new_page()
    plain.goto(end_page(site))
    if plain.evaluate("'share' in navigator") is False:
        expect(plain.get_by_role("button", name="Share this list")).to_be_hidden()
    sharing = new_page()
    sharing.add_init_script(SHARE_STUB)
    sharing.goto(end_page(site))
    sharing.get_by_role("button", name="Share this list").click()
    shared = sharing.evaluate("JSON.stringify(window.__shared)")
    data = json.loads(shared)
    assert data["title"] == "What I tried for “Stuck on Sending…”"
    assert "1. Turn Airplane Mode on and off: Didn't fix it" in data["text"]


def test_without_javascript_the_list_is_there_and_no_dead_buttons(new_page, site):
    page = new_page(java_script_enabled=False)
    page.goto(end_page(site))
    expect(page.locator(".attempt-n")).to_have_count(2)
    expect(page.locator(".attempt-s")).to_have_count(1)
    expect(page.get_by_role("button", name="Copy this list")).to_be_hidden()
    expect(page.get_by_role("button", name="Share this list")).to_be_hidden()


def test_article_contents_jump_and_long_causes_fold(new_page, site):
    page = new_page(reduced_motion="reduce")  # jump at once, not in a smooth scroll
    page.goto(site + "/messages/not-delivered/")
    contents = page.get_by_role("navigation", name="On this page")
    contents.get_by_role("link", name="How to fix it").click()
    expect(page).to_have_url(site + "/messages/not-delivered/#steps-heading")
    assert page.locator("#steps-heading").evaluate(IN_REACH)
    folded = page.locator(".more-causes")
    if folded.count():
        hidden = folded.locator("li").first
        expect(hidden).to_be_hidden()
        folded.locator("summary").click()
        expect(hidden).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pictures_follow_the_colour_scheme(new_page, site, scheme):
    page = new_page(color_scheme=scheme)
    page.goto(site + "/messages/not-delivered/")
    picture = page.get_by_role("img", name="A blue message bubble with a red exclamation mark")
    expect(picture).to_be_visible()
    background = picture.evaluate("el => getComputedStyle(el).backgroundColor")
    page_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    dark = {"light": False, "dark": True}[scheme]
    assert (page_background == "rgb(18, 20, 23)") is dark, page_background
    assert (background == "rgb(0, 0, 0)") is dark, background
