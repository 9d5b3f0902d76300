"""The guided fix in a real browser: by mouse, by keyboard, without JavaScript, with history."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.helpers import (
    assert_focus_visible,
    assert_swapped,
    flow_url,
    mark_page,
    public_pages,
    tab_to,
    url_re,
)


# The answers are recorded on every database; the desktop size re-checks the look.
@pytest.mark.parametrize(
    "viewport", [PHONE, pytest.param(DESKTOP, marks=pytest.mark.visual)], ids=["phone", "desktop"]
)
def test_mouse_from_home_to_resolution(new_page, site, viewport):
    page = new_page(viewport=viewport)
    page.goto(site + "/")
    mark_page(page)
    page.get_by_role("link", name="Not sure? Answer a question").click()
    assert_swapped(page, r"/messages/fix/$", "What does it say under your message?")
    page.get_by_role("link", name="Sending…").click()
    assert_swapped(
        page, r"/messages/fix/sending-to-whom/(\?via=[\w-]+)?$", re.compile("every conversation")
    )
    page.get_by_role("link", name=re.compile("^Every conversation")).click()
    assert_swapped(
        page, r"/messages/stuck-on-sending/fix/1/(\?via=[\w-]+)?$", "Turn Airplane Mode on and off"
    )
    expect(page.get_by_text("Step 1 of 11")).to_be_visible()
    page.get_by_role("button", name="No, still not working").click()
    assert_swapped(
        page, r"/fix/2/\?r=n&v=\w+(&via=[\w-]+)?$", "Check that Wi-Fi and mobile data are on"
    )
    page.get_by_role("button", name="Skip this step").click()
    assert_swapped(page, r"/fix/3/\?r=ns&v=\w+(&via=[\w-]+)?$", re.compile("data roaming"))
    page.get_by_role("button", name="Yes, it's fixed").click()
    assert_swapped(page, r"/fix/fixed/\?r=nsy&v=\w+(&via=[\w-]+)?$", "Great, it's fixed")
    expect(page.locator("main")).to_contain_text("Check data roaming if you're abroad")
    expect(page).to_have_title(re.compile("^Fixed"))


def test_mouse_from_home_to_the_end_page(page, site):
    page.goto(site + "/")
    mark_page(page)
    page.get_by_role("link", name="Not sure? Answer a question").click()
    page.get_by_role("link", name=re.compile("^Read")).click()
    assert_swapped(page, r"/delivered-no-reply/fix/1/(\?via=[\w-]+)?$", re.compile(".+"))
    for number in range(2, 5):
        page.get_by_role("button", name="No, still not working").click()
        assert_swapped(page, rf"/fix/{number}/\?r=n+&v=\w+(&via=[\w-]+)?$", re.compile(".+"))
    page.get_by_role("button", name="No, still not working").click()
    assert_swapped(
        page,
        r"/fix/end/\?r=nnnn&v=\w+(&via=[\w-]+)?$",
        "Still not working? Here's where to go next",
    )
    main = page.locator("main")
    expect(main).to_contain_text("You tried all 4 fixes")
    expect(main.locator(".attempt-result")).to_have_text(["Didn't fix it"] * 4)
    expect(main.get_by_role("link", name="Apple Support", exact=True)).to_be_visible()
    expect(main.get_by_label("Link to the guide")).to_have_value(
        re.compile(r"/messages/delivered-no-reply/$")
    )


def test_keyboard_only(page, site):
    page.goto(site + "/")
    mark_page(page)
    tab_to(page, "Not sure? Answer a question")
    page.keyboard.press("Enter")
    assert_swapped(page, r"/messages/fix/$", "What does it say under your message?")
    tab_to(page, "Not Delivered")
    page.keyboard.press("Enter")
    assert_swapped(
        page, r"/messages/fix/not-delivered-to-whom/(\?via=[\w-]+)?$", re.compile("everyone")
    )
    tab_to(page, "Everyone")
    page.keyboard.press("Enter")
    assert_swapped(page, r"/not-delivered/fix/1/(\?via=[\w-]+)?$", "Resend it as a text message")
    tab_to(page, "No, still not working")
    page.keyboard.press("Space")
    assert_swapped(
        page, r"/not-delivered/fix/2/\?r=n&v=\w+(&via=[\w-]+)?$", "Turn Airplane Mode on and off"
    )
    tab_to(page, "Yes, it's fixed")
    page.keyboard.press("Enter")
    assert_swapped(page, r"/fix/fixed/\?r=ny&v=\w+(&via=[\w-]+)?$", "Great, it's fixed")


def test_without_javascript(new_page, site):
    page = new_page(java_script_enabled=False)
    page.goto(site + "/")
    page.get_by_role("link", name="Not sure? Answer a question").click()
    page.get_by_role("link", name="Sending…").click()
    page.get_by_role("link", name=re.compile("^Just one person")).click()
    expect(page).to_have_url(url_re(r"/only-one-contact/fix/1/(\?via=[\w-]+)?$"))
    page.get_by_role("button", name="No, still not working").click()
    expect(page).to_have_url(url_re(r"/only-one-contact/fix/2/\?r=n&v=\w+(&via=[\w-]+)?$"))
    expect(page.get_by_text("Step 2 of 12")).to_be_visible()
    page.get_by_role("link", name="← Back").click()
    expect(page).to_have_url(url_re(r"/only-one-contact/fix/1/(\?via=[\w-]+)?$"))
    page.get_by_role("button", name="Skip this step").click()
    page.get_by_role("link", name="Stop here and get help").click()
    expect(page).to_have_url(url_re(r"/fix/end/\?r=s&v=\w+(&via=[\w-]+)?$"))
    expect(page.locator(".attempt-result").first).to_have_text("Skipped")
    page.go_back()
    page.get_by_role("button", name="Yes, it's fixed").click()
    expect(page).to_have_url(url_re(r"/fix/fixed/\?r=sy&v=\w+(&via=[\w-]+)?$"))
    expect(page.locator("h1")).to_have_text("Great, it's fixed")


def test_back_forward_reload_and_a_shared_link(page, new_page, site):
    page.goto(site + "/messages/stuck-on-sending/fix/1/")
    page.get_by_role("button", name="No, still not working").click()
    expect(page).to_have_url(url_re(r"/fix/2/\?r=n&v=\w+(&via=[\w-]+)?$"))
    page.get_by_role("button", name="No, still not working").click()
    expect(page).to_have_url(url_re(r"/fix/3/\?r=nn&v=\w+(&via=[\w-]+)?$"))
    step_three = page.locator("h1").inner_text()

    page.go_back()
    expect(page).to_have_url(url_re(r"/fix/2/\?r=n&v=\w+(&via=[\w-]+)?$"))
    expect(page.get_by_text("Step 2 of 11")).to_be_visible()
    page.go_forward()
    expect(page).to_have_url(url_re(r"/fix/3/\?r=nn&v=\w+(&via=[\w-]+)?$"))
    expect(page.locator("h1")).to_have_text(step_three)
    page.reload()
    expect(page.locator("h1")).to_have_text(step_three)
    expect(page.get_by_text("Step 3 of 11")).to_be_visible()

    # The person restarts the phone and opens the link they copied: same step, same answers.
    shared = page.url
    reopened = new_page()
    reopened.goto(shared)
    expect(reopened.locator("h1")).to_have_text(step_three)
    reopened.get_by_role("link", name="Stop here and get help").click()
    expect(reopened.locator(".attempt-result")).to_have_text(
        ["Didn't fix it", "Didn't fix it"] + ["Not tried"] * 9
    )


def test_a_destructive_step_needs_its_confirmation(page, site, console):
    url = site + flow_url("only-one-contact", 11, "n" * 10)
    page.goto(url)
    expect(page.locator(".warning-strong")).to_contain_text("can delete data")
    expect(page.get_by_text("Did this fix it?")).to_have_count(0)

    page.get_by_role("button", name="Show me how").click()  # without ticking the box
    expect(page).to_have_url(url)
    expect(page.get_by_text("Did this fix it?")).to_have_count(0)

    # Forcing an answer without the confirmation is refused by the server too.
    status = page.evaluate(
        """async () => {
            const token = document.querySelector('[name=csrfmiddlewaretoken]').value;
            const body = new URLSearchParams({answer: 'n', csrfmiddlewaretoken: token});
            const response = await fetch(location.href, {method: 'POST', body});
            return response.status;
        }"""
    )
    assert status == 400
    assert console.errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    console.errors.clear()  # that refusal was the point

    page.get_by_label("I've read the warning and understand what I could lose.").check()
    page.get_by_role("button", name="Show me how").click()
    expect(page).to_have_url(url_re(r"confirm=1"))
    expect(page.get_by_text("Did this fix it?")).to_be_visible()
    expect(page.locator("h1")).to_be_focused()
    page.get_by_role("button", name="No, still not working").click()
    expect(page).to_have_url(url_re(r"/fix/12/\?r=n{11}&v=\w+(&via=[\w-]+)?$"))


@pytest.mark.visual
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_horizontal_scrolling(new_page, site, viewport):
    page = new_page(viewport=viewport)
    for url in public_pages(site):
        page.goto(url)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"


@pytest.mark.visual
def test_focus_is_visible_on_every_kind_of_control(page, site):
    page.goto(site + "/messages/stuck-on-sending/fix/1/")
    for text in ["Skip to content", "Fix it yourself", "Yes, it's fixed", "← Change my answer"]:
        tab_to(page, text)
        assert_focus_visible(page)


def test_a_stale_form_shows_the_friendly_message_not_a_silent_reload(page, site, console):
    """If the CSRF cookie is gone (cleared, expired), the answer is refused with a clear page."""
    page.goto(site + "/messages/not-delivered/fix/1/")
    mark_page(page)
    page.context.clear_cookies()
    page.get_by_role("button", name="No, still not working").click()
    assert_swapped(page, r"/not-delivered/fix/1/(\?via=[\w-]+)?$", "Please try that again")
    expect(page.locator("main")).to_contain_text("Nothing was lost")
    assert console.errors == [
        "Failed to load resource: the server responded with a status of 403 (Forbidden)"
    ]
    console.errors.clear()


def test_keyboard_only_to_the_end_page(page, site):
    page.goto(site + "/messages/")
    mark_page(page)
    tab_to(page, "Start the guided fix")
    page.keyboard.press("Enter")
    assert_swapped(page, r"/messages/fix/$", "What does it say under your message?")
    tab_to(page, "Read")
    page.keyboard.press("Enter")
    assert_swapped(page, r"/delivered-no-reply/fix/1/(\?via=[\w-]+)?$", re.compile(".+"))
    for number in range(2, 6):
        tab_to(page, "No, still not working")
        page.keyboard.press("Space")
        expected = (
            rf"/fix/{number}/\?r=n+&v=\w+(&via=[\w-]+)?$"
            if number < 5
            else r"/fix/end/\?r=nnnn&v=\w+(&via=[\w-]+)?$"
        )
        assert_swapped(page, expected, re.compile(".+"))
    expect(page.locator("h1")).to_have_text("Still not working? Here's where to go next")
    # What was tried comes first now, with its copy and share buttons: a few more stops.
    tab_to(page, "Apple Support", limit=90)
    assert_focus_visible(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_a_way_back_from_every_question_and_step_one(new_page, site, javascript):
    """Back from each triage question, and "Change my answer" from step 1, to what was asked."""
    page = new_page(java_script_enabled=javascript)
    page.goto(site + "/messages/fix/")
    page.get_by_role("link", name="Not Delivered").click()
    expect(page.locator("h1")).to_have_text(re.compile("for everyone, or just one person"))
    page.get_by_role("link", name=re.compile("^Just one person")).click()
    expect(page.locator("h1")).to_have_text("Check their number and email address")
    # Only-one-contact is also an answer after "Sending…": back goes where the person was.
    page.get_by_role("link", name="← Change my answer").click()
    expect(page).to_have_url(url_re(r"/messages/fix/not-delivered-to-whom/$"))
    expect(page.locator("h1")).to_have_text(re.compile("for everyone, or just one person"))
    page.get_by_role("link", name="← Back to the last question").click()
    expect(page).to_have_url(url_re(r"/messages/fix/$"))
    page.get_by_role("link", name="← Back to all problems in Messages and iMessage").click()
    expect(page).to_have_url(url_re(r"/messages/$"))
    if javascript:
        expect(page.locator("h1")).to_be_focused()


def test_everyone_not_delivered_offers_no_one_person_steps(page, site):
    page.goto(site + "/messages/fix/not-delivered-to-whom/")
    page.get_by_role("link", name=re.compile("^Everyone")).click()
    expect(page.get_by_text(re.compile(r"^Step 1 of 13$"))).to_be_visible()
    article = page.goto(site + "/messages/not-delivered/")
    assert article.ok
    main = page.locator("main")
    expect(main).not_to_contain_text("Check their number and email address")
    expect(main).not_to_contain_text("Delete the messages that won't send")
