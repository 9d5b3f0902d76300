"""Small helpers shared by the browser tests."""

import re

from playwright.sync_api import Page, expect

from troubleshooting.flow import Flow
from troubleshooting.models import Symptom

# A guided fix's address ends with its anonymous outcomes session key, which is random.
SESSION_KEY = r"(?:[?&]s=[\w-]{22})?"


def url_re(pattern: str) -> re.Pattern:
    """Compile an address pattern; one that ends with $ may also end with the session key."""
    return re.compile(pattern[:-1] + SESSION_KEY + "$" if pattern.endswith("$") else pattern)


def mark_page(page: Page) -> None:
    """Tag the loaded document, so a later check can tell an htmx swap from a full page load."""
    page.evaluate("window.__sameDocument = true")


def assert_swapped(page: Page, url_pattern: str, heading: str | re.Pattern) -> None:
    """Assert htmx swapped in the new state: address pushed, same document, focus on the heading."""
    expect(page).to_have_url(url_re(url_pattern))
    expect(page.locator("h1")).to_have_text(heading)
    assert page.evaluate("window.__sameDocument === true"), "expected an htmx swap, got a page load"
    expect(page.locator("h1")).to_be_focused()
    assert page.locator("header.site-header").count() == 1


# What htmx logs when a newer search replaces one still on its way (hx-sync="this:replace").
REPLACED_REQUEST = ["htmx:afterRequest", "htmx:sendAbort"]


def forgive_replaced_searches(console) -> None:
    """Drop the errors htmx logs for searches that typing replaced before they were answered.

    Replacing them is the design: only the latest words count. On a busy machine the pauses
    between keystrokes outlast the debounce, so some tests' typing sends several searches.
    """
    errors, kept = console.errors, []
    while errors:
        pair = [error.split(",")[0] for error in errors[:2]]
        if pair == REPLACED_REQUEST:
            errors = errors[2:]
        else:
            kept.append(errors[0])
            errors = errors[1:]
    console.errors[:] = kept


def focused_text(page: Page) -> str:
    return page.evaluate("(document.activeElement.innerText || '').trim()")


def tab_to(page: Page, text: str, *, limit: int = 60) -> None:
    """Press Tab until the focused element's text starts with `text`, like a keyboard user."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_text(page).startswith(text):
            assert_focus_visible(page)
            return
    raise AssertionError(f"could not reach {text!r} with the Tab key")


def assert_focus_visible(page: Page) -> None:
    """The focused element shows a visible focus indicator."""
    style = page.evaluate(
        """() => {
            const el = document.activeElement;
            const s = getComputedStyle(el);
            return {visible: el.matches(':focus-visible'), outline: s.outlineStyle,
                    width: parseFloat(s.outlineWidth)};
        }"""
    )
    assert style["visible"] and style["outline"] != "none" and style["width"] >= 2, style


SYMPTOMS = [
    "stuck-on-sending",
    "not-delivered",
    "no-delivered-status",
    "delivered-not-received",
    "delivered-no-reply",
    "sent-as-text-message",
    "only-one-contact",
]


def public_pages(base: str) -> list[str]:
    """One of every kind of public page of the demo guide, and every article."""
    paths = ["/", "/messages/", "/messages/fix/", "/messages/fix/sending-to-whom/"]
    for slug in SYMPTOMS:
        paths += [f"/messages/{slug}/", f"/messages/{slug}/fix/1/"]
    flow = Flow.for_symptom(Symptom.objects.get(slug="only-one-contact"))
    paths += [
        "/messages/fix/not-delivered-to-whom/",
        flow.step_url(11, "n" * 10, confirm="1"),
        flow.end_url("n" * len(flow)),
        flow.fixed_url("ny"),
    ]
    return [base + path for path in paths]


def flow_url(symptom_slug: str, number: int, results: str, **extra: str) -> str:
    """The path of a step of a demo symptom's guided fix, after the given answers."""
    flow = Flow.for_symptom(Symptom.objects.get(slug=symptom_slug))
    return flow.step_url(number, results, **extra)
