"""The editors' home in a real browser: its counts match the data, it passes axe, and the triage
tree draws the demo guide."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from troubleshooting import content_checks, roles
from troubleshooting.models import FixStep, SearchMiss, Status, Topic

AXE = Axe()
PASSWORD = "pw-for-tests-1"


def sign_in(page, site, username):
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def count_of(page, key):
    return int(page.locator(f"#attention-{key} .attention-count").inner_text())


def assert_axe_clean(page):
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()


# The counts come from the database; the phone size re-checks the look.
@pytest.mark.parametrize(
    "viewport", [DESKTOP, pytest.param(PHONE, marks=pytest.mark.visual)], ids=["desktop", "phone"]
)
def test_home_counts_match_the_data(site, new_page, django_user_model, viewport):
    django_user_model.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    SearchMiss.objects.create(query="green bubble", count=3)
    SearchMiss.objects.create(query="walkie talkie", count=1)
    FixStep.objects.filter(pk=FixStep.objects.order_by("pk").first().pk).update(status=Status.DRAFT)
    problems = content_checks.check_content()
    page = new_page(viewport=viewport)
    sign_in(page, site, "admin")

    assert count_of(page, "searches") == SearchMiss.objects.count() == 2
    assert count_of(page, "problems") == len(problems)
    assert count_of(page, "drafts") == sum(
        model.objects.filter(status=Status.DRAFT).count() for model in content_checks.CONTENT_MODELS
    )
    assert count_of(page, "pending") == 0
    expect(page.get_by_text("“green bubble”")).to_be_visible()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert_axe_clean(page)

    page.get_by_role("link", name="See every search").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)


def test_editors_home_leaves_out_the_machinery(site, new_page):
    roles.create_editor(username="sam", email="sam@example.org", password=PASSWORD)
    page = new_page(viewport=DESKTOP)
    sign_in(page, site, "sam")
    expect(page.locator("#attention-problems")).to_be_visible()
    expect(page.get_by_role("heading", name="Site administration")).to_have_count(0)
    expect(page.get_by_role("link", name="Users")).to_have_count(0)


def test_triage_tree_links_to_edit_pages_and_passes_axe(site, new_page, django_user_model):
    django_user_model.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    page = new_page(viewport=DESKTOP)
    sign_in(page, site, "admin")
    topic = Topic.objects.order_by("position").first()
    page.goto(site + reverse("admin:troubleshooting_topic_triage", args=[topic.pk]))
    expect(page.locator(".triage-drawing svg")).to_be_visible()
    assert_axe_clean(page)
    page.locator(".triage-list a").first.click()
    expect(page).to_have_url(re.compile(r"/admin/troubleshooting/triagequestion/\d+/change/$"))
