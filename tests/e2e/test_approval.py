"""Editors in a real browser: a change to a live article waits for a publisher, and a save made
over someone else's is refused with what changed meanwhile."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP
from troubleshooting import roles
from troubleshooting.models import Symptom

SYMPTOM = "delivered-no-reply"


@pytest.fixture
def sign_in(site, new_page, django_user_model):
    """Return a function that opens a desktop browser signed in as a new staff member."""

    def signed_in(username, *groups, superuser=False):
        password = "pw-for-tests-1"
        if superuser:
            django_user_model.objects.create_superuser(username, "", password)
        else:
            # A browser test's database is emptied between tests; the flush that empties it
            # creates the roles' groups again (``roles.create_missing_groups``).
            user = django_user_model.objects.create_user(username, password=password, is_staff=True)
            user.groups.set(Group.objects.filter(name__in=groups))
        page = new_page(viewport=DESKTOP)
        page.goto(f"{site}/admin/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        return page

    return signed_in


def test_an_editors_change_waits_until_a_publisher_approves_it(site, sign_in, settings, new_page):
    settings.CONTENT_REQUIRE_REVIEW = True
    symptom = Symptom.objects.get(slug=SYMPTOM)
    editor = sign_in("sam", roles.EDITORS)
    editor.goto(site + reverse("admin:troubleshooting_symptom_change", args=[symptom.pk]))
    expect(editor.get_by_text("Your changes will wait for a publisher’s approval")).to_be_visible()
    editor.get_by_label("Title").fill("Delivered, but no reply yet")
    editor.get_by_role("button", name="Save", exact=True).first.click()
    expect(editor.get_by_text("waits for a publisher’s approval")).to_be_visible()
    expect(editor.get_by_text("Waiting for approval").first).to_be_visible()

    reader = new_page()
    reader.goto(site + symptom.get_absolute_url())
    expect(reader.get_by_role("heading", level=1)).to_have_text(symptom.title)

    publisher = sign_in("pat", roles.EDITORS, roles.PUBLISHERS)
    publisher.goto(site + reverse("admin:troubleshooting_symptom_change", args=[symptom.pk]))
    publisher.get_by_role("link", name="Compare with live").click()
    compared = publisher.get_by_role("region", name="Compared with live")
    expect(compared.locator("ins")).to_contain_text(["yet"])
    publisher.get_by_role("button", name="Approve and publish now").click()
    expect(publisher.get_by_text("Approved: live now").first).to_be_visible()

    reader.reload()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Delivered, but no reply yet")


def test_the_second_of_two_saves_is_refused_with_what_changed(site, sign_in):
    symptom = Symptom.objects.get(slug=SYMPTOM)
    url = site + reverse("admin:troubleshooting_symptom_change", args=[symptom.pk])
    sam, alex = sign_in("sam", superuser=True), sign_in("alex", superuser=True)
    sam.goto(url)
    alex.goto(url)
    sam.get_by_label("Summary").fill("Sam's clearer summary")
    sam.get_by_role("button", name="Save", exact=True).first.click()
    expect(sam.locator(".messagelist .success")).to_be_visible()

    alex.get_by_label("Title").fill("Alex's better title")
    alex.get_by_role("button", name="Save", exact=True).first.click()
    expect(alex.get_by_text("Someone else saved this after you opened it (sam,")).to_be_visible()
    meanwhile = alex.get_by_role("region", name="What changed since you opened this page")
    expect(meanwhile.locator("ins")).to_contain_text(["Sam"])
    expect(alex.get_by_label("Title")).to_have_value("Alex's better title")  # kept to merge
    symptom.refresh_from_db()
    assert symptom.title != "Alex's better title" and symptom.summary == "Sam's clearer summary"
    # Alex merges Sam's summary into the form; saving again keeps both.
    alex.get_by_label("Summary").fill("Sam's clearer summary")
    alex.get_by_role("button", name="Save", exact=True).first.click()
    expect(alex.locator(".messagelist .success")).to_be_visible()
    symptom.refresh_from_db()
    assert symptom.title == "Alex's better title" and symptom.summary == "Sam's clearer summary"
