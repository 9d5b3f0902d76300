"""Editors in a real browser: reordering steps (dragging and keyboard), live Markdown preview,
and previewing a draft's article and guided fix."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP
from troubleshooting.models import FixStep, Status, Symptom

SYMPTOM = "delivered-no-reply"


@pytest.fixture
def editor(site, new_page, django_user_model):
    """A desktop browser signed in to the admin as a superuser."""
    django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-for-tests-1")
    page = new_page(viewport=DESKTOP)
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("pw-for-tests-1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    return page


def step_titles(symptom: Symptom) -> list[str]:
    return list(symptom.symptom_steps.order_by("position").values_list("step__title", flat=True))


def open_symptom(page, site, symptom):
    page.goto(site + reverse("admin:troubleshooting_symptom_change", args=[symptom.pk]))
    return page.locator("fieldset.sortable").first.locator("tbody tr.has_original")


def test_keyboard_moves_a_step_down_and_the_order_is_saved(editor, site):
    symptom = Symptom.objects.get(slug=SYMPTOM)
    before = step_titles(symptom)
    open_symptom(editor, site, symptom)
    move_down = editor.get_by_role("button", name=f"Move down: {before[0]}", exact=False)
    move_down.focus()
    editor.keyboard.press("Enter")
    expect(editor.get_by_role("status").filter(has_text="is now number 2")).to_have_count(1)
    expect(move_down).to_be_focused()
    # The buttons answer the mouse too (nothing covers them), and moving back works.
    editor.get_by_role("button", name=f"Move up: {before[0]}", exact=False).click()
    expect(editor.get_by_role("status").filter(has_text="is now number 1")).to_have_count(1)
    move_down.focus()
    editor.keyboard.press("Enter")
    editor.get_by_role("button", name="Save", exact=True).first.press("Enter")
    expect(editor.locator(".messagelist .success")).to_be_visible()
    assert step_titles(symptom) == [before[1], before[0], *before[2:]]


def test_dragging_a_step_reorders_it(editor, site):
    symptom = Symptom.objects.get(slug=SYMPTOM)
    before = step_titles(symptom)
    rows = open_symptom(editor, site, symptom)
    # In small moves, as a hand drags: one jump to the target was now and then missed by the
    # sortable list on a busy machine, and the rows stayed as they were.
    rows.nth(0).locator("td.original p").drag_to(rows.nth(1).locator("td.original p"), steps=10)
    expect(rows.nth(1).locator("select").first).to_have_value(
        str(FixStep.objects.get(title=before[0]).pk)
    )
    editor.get_by_role("button", name="Save", exact=True).first.click()
    expect(editor.locator(".messagelist .success")).to_be_visible()
    assert step_titles(symptom)[:2] == [before[1], before[0]]


def test_markdown_preview_follows_the_typing(editor, site):
    step = FixStep.objects.order_by("pk").first()
    editor.goto(site + reverse("admin:troubleshooting_fixstep_change", args=[step.pk]))
    preview = editor.locator("#id_instructions-preview")
    expect(preview.locator("ol, ul, p").first).to_be_visible()  # rendered on load
    editor.locator("#id_instructions").fill("Open **Settings** now <script>alert(1)</script>")
    expect(preview).to_contain_text("Open Settings now")
    expect(preview.locator("strong")).to_have_text("Settings")
    expect(preview).to_contain_text("was left out")
    assert preview.locator("script").count() == 0


def test_editor_previews_a_draft_guided_fix_then_stops(editor, site):
    symptom = Symptom.objects.get(slug=SYMPTOM)
    symptom.status = Status.DRAFT
    symptom.save()
    editor.goto(site + reverse("admin:troubleshooting_symptom_change", args=[symptom.pk]))
    editor.get_by_role("link", name="Preview the guided fix").click()
    expect(editor).to_have_url(re.compile(f"/{SYMPTOM}/fix/1/$"))
    banner = editor.get_by_role("complementary", name="Preview of unpublished content")
    expect(banner).to_contain_text("This page is a draft")
    editor.get_by_role("button", name="No, still not working").click()
    expect(editor.get_by_text("Step 2 of")).to_be_visible()
    expect(banner).to_be_visible()
    editor.get_by_role("button", name="Stop previewing").click()
    expect(editor).to_have_url(f"{site}/")
    expect(editor.get_by_role("button", name="Stop previewing")).to_have_count(0)
