"""An editor publishes a known issue; visitors see it first; resolving it takes it down."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from troubleshooting.models import Symptom

SYMPTOM = "delivered-no-reply"
TITLE = "iMessage replies not arriving after iOS 18.2"


@pytest.fixture
def editor(site, new_page, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-for-tests-1")
    page = new_page(viewport=DESKTOP)
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("pw-for-tests-1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    return page


def publish_issue(page, site, symptom: Symptom) -> None:
    page.goto(site + reverse("admin:troubleshooting_knownissue_add"))
    page.get_by_label("Title:").fill(TITLE)
    page.get_by_label("What people see:").fill("Replies show up **hours** late, or never.")
    page.get_by_label("Workaround:").fill("Turn iMessage off and on again in Settings.")
    # The symptoms box is an autocomplete: type, then pick the match.
    page.locator(".field-symptoms .select2-selection").click()
    page.locator(".select2-search__field[aria-controls='select2-id_symptoms-results']").fill(
        symptom.title[:12]
    )
    page.locator(".select2-results__option", has_text=symptom.title).first.click()
    page.get_by_label("Status:").select_option("published")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def no_axe_violations(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_an_issue_is_published_seen_first_then_resolved(editor, site, new_page):
    symptom = Symptom.objects.select_related("topic").get(slug=SYMPTOM)
    publish_issue(editor, site, symptom)

    visitor = new_page(viewport=PHONE)
    visitor.goto(site + symptom.get_absolute_url())
    banner = visitor.get_by_role("region", name=f"Known issue: {TITLE}")
    expect(banner).to_be_visible()
    expect(banner.locator("time")).to_have_count(1)
    no_axe_violations(visitor)

    visitor.get_by_role("link", name="Start the guided fix").first.click()
    expect(visitor.get_by_text("You may not need to try these steps yet")).to_be_visible()
    no_axe_violations(visitor)
    visitor.get_by_role("region", name=f"Known issue: {TITLE}").get_by_role("link").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.get_by_text("Turn iMessage off and on again")).to_be_visible()
    no_axe_violations(visitor)

    editor.goto(site + reverse("admin:troubleshooting_knownissue_changelist"))
    editor.get_by_role("checkbox", name="Select this object for an action").first.check()
    editor.locator("select[name=action]").select_option("resolve")
    editor.locator(".actions button[name=index]").click()
    expect(editor.locator(".messagelist .success")).to_contain_text("Resolved 1 issue")

    visitor.goto(site + symptom.get_absolute_url())
    expect(visitor.get_by_role("heading", level=1)).to_have_text(symptom.title)
    expect(visitor.locator(".known-issue")).to_have_count(0)
    visitor.goto(site + reverse("troubleshooting:known_issues"))
    expect(visitor.get_by_role("heading", name="Resolved")).to_be_visible()
    expect(visitor.get_by_role("link", name=TITLE)).to_be_visible()
