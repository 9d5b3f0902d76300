"""The outcome dashboards read per language in a real browser: by keyboard, and clean under axe
in both colour schemes."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_admin_home import PASSWORD, assert_axe_clean, count_of, sign_in
from troubleshooting.models import ArticleVote, FlowSession, Outcome, SearchMiss, Symptom
from troubleshooting.outcomes import recording


def started_in(language: str, count: int) -> None:
    symptom = Symptom.objects.visible().order_by("pk").first()
    when = timezone.now() - timedelta(days=1)
    for _ in range(count):
        FlowSession.objects.create(
            key=recording.new_key(),
            symptom=symptom,
            started_at=when,
            last_active_at=when,
            outcome=Outcome.ENDED,
            language=language,
        )


def started(page) -> str:
    return (
        page.locator("dt", has_text="Started").locator("xpath=following-sibling::dd").inner_text()
    )


# The counts come from the database; the other scheme and size re-check the look.
@pytest.mark.parametrize("scheme", ["light", pytest.param("dark", marks=pytest.mark.visual)])
@pytest.mark.parametrize(
    "viewport", [DESKTOP, pytest.param(PHONE, marks=pytest.mark.visual)], ids=["desktop", "phone"]
)
def test_choosing_a_language_by_keyboard(site, new_page, django_user_model, viewport, scheme):
    django_user_model.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    started_in("es", 3)
    started_in("en", 5)
    page = new_page(viewport=viewport, color_scheme=scheme)
    sign_in(page, site, "admin")
    page.goto(f"{site}/admin/troubleshooting/symptom/outcomes/")
    assert started(page) == "8"
    language = page.get_by_label("Language", exact=True)
    language.focus()
    language.select_option("es")
    page.keyboard.press("Tab")  # the form's button comes next
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Guided fixes in Español")).to_be_visible()
    assert started(page) == "3"
    assert "language=es" in page.url
    assert_axe_clean(page)

    page.goto(f"{site}/admin/troubleshooting/symptom/outcomes/?language=xx")
    expect(page.get_by_text("Choose a language from the list.")).to_be_visible()
    assert_axe_clean(page)


def test_the_home_counts_the_language_chosen(site, new_page, django_user_model):
    django_user_model.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    SearchMiss.objects.create(query="mensaje verde", language="es", count=3)
    SearchMiss.objects.create(query="green bubble", language="en", count=1)
    symptom = Symptom.objects.visible().order_by("pk").first()
    ArticleVote.objects.create(
        symptom=symptom, voter=recording.new_key(), helpful=False, version="x", language="fr"
    )
    page = new_page(viewport=DESKTOP, color_scheme="dark")
    sign_in(page, site, "admin")
    assert (count_of(page, "searches"), count_of(page, "votes")) == (2, 1)
    page.get_by_label("Count what visitors did in").select_option("es")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("1 search found nothing.", exact=False)).to_be_visible()
    expect(page.get_by_text("Counted in Español only.", exact=False).first).to_be_visible()
    assert (count_of(page, "searches"), count_of(page, "votes")) == (1, 0)
    assert_axe_clean(page)
    page.get_by_role("link", name="See every search").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
