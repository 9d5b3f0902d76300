"""Editors at work: live Markdown preview, history with diffs and restore, review dates, roles."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from tests.factories import make_guide, make_step
from tests.troubleshooting.test_admin import admin_url, step_order, symptom_form_data
from troubleshooting import roles
from troubleshooting.models import FixStep, Status, Symptom, SymptomStep

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    return make_guide(3)


def save_symptom(client, symptom, **changes):
    """Post the symptom's change form as an editor's browser would, with some fields changed."""
    rows = [(link.pk, link.position, link.step_id) for link in symptom.symptom_steps.all()]
    data = symptom_form_data(symptom, changes.pop("step_rows", rows)) | changes
    response = client.post(admin_url(Symptom, "change", symptom.pk), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    return response


# Live Markdown preview ---------------------------------------------------------------------


def test_markdown_fields_come_with_a_live_preview(admin_client, guide):
    _, symptom, *_ = guide
    page = admin_client.get(admin_url(Symptom, "change", symptom.pk)).text
    preview_url = reverse("admin:troubleshooting_symptom_markdown_preview")
    assert f'hx-post="{preview_url}?field=body"' in page
    assert 'id="id_body-preview"' in page
    assert "htmx-2.0.11.min.js" in page


def test_preview_renders_with_the_site_sanitizer(admin_client):
    url = reverse("admin:troubleshooting_fixstep_markdown_preview") + "?field=instructions"
    text = "1. Open **Settings**\n2. Tap [Messages](/messages/)\n\n<script>alert(1)</script>"
    response = admin_client.post(url, {"instructions": text})
    assert response.status_code == 200
    html = response.text
    assert "<strong>Settings</strong>" in html and "<ol>" in html
    assert '<a href="/messages/"' in html
    assert "<script>" not in html
    assert "was left out" in html  # the editor learns why the script is missing


def test_preview_needs_an_editor_a_post_and_csrf(client, admin_user):
    url = reverse("admin:troubleshooting_symptom_markdown_preview") + "?field=body"
    signed_out = client.post(url, {"body": "hi"})  # the preview says so, not the login page
    assert signed_out.status_code == 200 and "You were signed out" in signed_out.text
    assert "<form" not in signed_out.text and "hi" not in signed_out.text
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    assert strict.post(url, {"body": "hi"}).status_code == 403
    assert strict.get(url).status_code == 405


# Preview links ------------------------------------------------------------------------------


def test_change_pages_link_to_previews_of_the_article_and_the_flow(admin_client, guide):
    _, symptom, steps, question = guide
    page = admin_client.get(admin_url(Symptom, "change", symptom.pk)).text
    assert "Preview the article" in page and "Preview the guided fix" in page
    assert "/preview/?next=" + symptom.get_absolute_url().replace("/", "%2F") in page
    step_page = admin_client.get(admin_url(FixStep, "change", steps[0].pk)).text
    assert "/preview/?next=" + symptom.get_absolute_url().replace("/", "%2F") in step_page


# History, diff and restore ----------------------------------------------------------------


def history_versions(symptom):
    return list(Version.objects.get_for_object(symptom))


def test_every_admin_save_is_kept_with_who_and_a_readable_diff(admin_client, guide, admin_user):
    _, symptom, *_ = guide
    save_symptom(admin_client, symptom, summary="Messages stay on Sending for ever.")
    save_symptom(admin_client, symptom, summary="Messages stay on Sending for minutes.")
    versions = history_versions(symptom)
    assert len(versions) == 2
    assert versions[0].revision.user == admin_user

    history = admin_client.get(admin_url(Symptom, "history", symptom.pk)).text
    assert history.count(">What changed</a>") == 2

    url = reverse("admin:troubleshooting_symptom_changes", args=[symptom.pk, versions[0].pk])
    page = admin_client.get(url).text
    assert "<del>ever</del><ins>minutes</ins>" in page
    assert "Restore this version" in page


def test_the_diff_shows_a_new_step_order(admin_client, guide):
    _, symptom, steps, _ = guide
    FixStep.objects.filter(pk=steps[0].pk).update(title="Restart")
    FixStep.objects.filter(pk=steps[1].pk).update(title="Reinstall")
    save_symptom(admin_client, symptom)
    links = list(symptom.symptom_steps.order_by("position"))
    swapped = [(links[0].pk, 2, links[0].step_id), (links[1].pk, 1, links[1].step_id)] + [
        (link.pk, link.position, link.step_id) for link in links[2:]
    ]
    save_symptom(admin_client, symptom, step_rows=swapped)
    latest = history_versions(symptom)[0]
    page = admin_client.get(
        reverse("admin:troubleshooting_symptom_changes", args=[symptom.pk, latest.pk])
    ).text
    assert "Fix steps" in page
    assert "1. <del>Restart</del><ins>Reinstall</ins>" in page
    assert "2. <del>Reinstall</del><ins>Restart</ins>" in page


def test_restoring_an_earlier_version_brings_back_text_and_step_order(admin_client, guide):
    _, symptom, steps, _ = guide
    original_order = step_order(symptom)
    save_symptom(admin_client, symptom)  # the version to go back to
    first = history_versions(symptom)[0]
    links = list(symptom.symptom_steps.order_by("position"))
    swapped = [(links[0].pk, 2, links[0].step_id), (links[1].pk, 1, links[1].step_id)] + [
        (link.pk, link.position, link.step_id) for link in links[2:]
    ]
    save_symptom(admin_client, symptom, step_rows=swapped, title="Renamed by mistake")
    assert step_order(symptom) != original_order

    restore_url = admin_url(Symptom, "revision", symptom.pk, first.pk)
    form = admin_client.get(restore_url)
    assert form.status_code == 200
    assert symptom.title in form.text
    symptom.refresh_from_db()
    assert symptom.title == "Renamed by mistake"  # looking changes nothing

    rows = [(link.pk, link.position, link.step_id) for link in links]
    data = symptom_form_data(symptom, rows) | {"title": first.field_dict["title"]}
    assert admin_client.post(restore_url, data).status_code == 302
    symptom.refresh_from_db()
    assert symptom.title == first.field_dict["title"]
    assert step_order(symptom) == original_order
    assert "Reverted" in history_versions(symptom)[0].revision.get_comment()


def test_a_deleted_symptom_can_be_recovered(admin_client, guide):
    _, symptom, *_ = guide
    save_symptom(admin_client, symptom)
    assert "Recover deleted symptoms" in admin_client.get(admin_url(Symptom, "changelist")).text
    pk, title = symptom.pk, symptom.title
    symptom.triage_choices.all().delete()  # answers leading to it would protect it
    admin_client.post(admin_url(Symptom, "delete", pk), {"post": "yes"})
    assert not Symptom.objects.filter(pk=pk).exists()
    version = Version.objects.get_deleted(Symptom).get(object_id=str(pk))
    recover = reverse("admin:troubleshooting_symptom_recover", args=[version.pk])
    assert title in admin_client.get(recover).text


def test_publishing_from_the_list_is_in_the_history(admin_client, guide):
    _, symptom, *_ = guide
    symptom.status = Status.DRAFT
    symptom.save()
    admin_client.post(
        admin_url(Symptom, "changelist"),
        {"action": "publish", "_selected_action": [symptom.pk]},
    )
    assert history_versions(symptom)[0].revision.get_comment() == "Published."


# Drag-and-drop ordering ------------------------------------------------------------------


def test_step_and_answer_lists_are_sortable_with_keyboard_buttons(admin_client, guide):
    _, symptom, _, question = guide
    for url in (
        admin_url(Symptom, "change", symptom.pk),
        reverse("admin:troubleshooting_triagequestion_change", args=[question.pk]),
    ):
        page = admin_client.get(url).text
        assert "sortable" in page and "adminsortable2" in page
        assert "js/admin-order.js" in page
        assert 'class="_reorder_"' in page  # the order travels in hidden fields


def test_a_new_step_without_a_position_goes_last(admin_client, guide):
    _, symptom, steps, _ = guide
    extra = make_step(title="Update iOS")
    rows = [(link.pk, link.position, link.step_id) for link in symptom.symptom_steps.all()]
    save_symptom(admin_client, symptom, step_rows=[*rows, ("", "", extra.pk)])
    assert step_order(symptom)[-1] == extra.title


# Scheduling and review -----------------------------------------------------------------------


def test_the_list_says_when_something_is_scheduled(admin_client, guide):
    _, symptom, *_ = guide
    symptom.publish_at = timezone.now() + timedelta(days=2)
    symptom.save()
    assert "Scheduled:" in admin_client.get(admin_url(Symptom, "changelist")).text


def test_content_not_reviewed_for_a_while_is_flagged(admin_client, guide, settings):
    settings.CONTENT_REVIEW_AFTER_DAYS = 30
    _, symptom, steps, _ = guide
    FixStep.objects.filter(pk=steps[0].pk).update(
        reviewed_on=timezone.localdate(), checked_on_ios="18.1"
    )
    FixStep.objects.filter(pk=steps[1].pk).update(
        reviewed_on=timezone.localdate() - timedelta(days=31)
    )
    due = admin_client.get(admin_url(FixStep, "changelist"), {"review": "due"}).text
    assert steps[0].title not in due
    assert steps[1].title in due and steps[2].title in due
    listing = admin_client.get(admin_url(FixStep, "changelist")).text
    assert "(iOS 18.1)" in listing and "Never: due" in listing


def test_mark_as_reviewed_action(admin_client, guide):
    _, symptom, *_ = guide
    admin_client.post(
        admin_url(Symptom, "changelist"),
        {"action": "mark_reviewed", "_selected_action": [symptom.pk]},
    )
    symptom.refresh_from_db()
    assert symptom.reviewed_on == timezone.localdate()


# Roles --------------------------------------------------------------------------------------


def test_the_groups_exist_with_their_permissions():
    editors = Group.objects.get(name=roles.EDITORS)
    publishers = Group.objects.get(name=roles.PUBLISHERS)
    editor_perms = set(editors.permissions.values_list("codename", flat=True))
    assert {"change_symptom", "add_fixstep", "delete_symptomstep"} <= editor_perms
    assert not editor_perms & {"delete_symptom", "publish_symptom"}
    assert "publish_symptom" in set(publishers.permissions.values_list("codename", flat=True))


def test_create_editor_command(django_user_model, monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "a-long-enough-passphrase")
    call_command("create_editor", "sam", "--email", "sam@example.org", "--no-input")
    sam = django_user_model.objects.get(username="sam")
    assert sam.is_staff and not sam.is_superuser
    assert sam.check_password("a-long-enough-passphrase")
    assert [group.name for group in sam.groups.all()] == [roles.EDITORS]

    monkeypatch.delenv("DJANGO_EDITOR_PASSWORD")
    call_command("create_editor", "pat", "--publisher", "--no-input")
    pat = django_user_model.objects.get(username="pat")
    assert {group.name for group in pat.groups.all()} == {roles.EDITORS, roles.PUBLISHERS}
    assert pat.has_perm("troubleshooting.publish_symptom")


def test_create_editor_refuses_a_taken_name_or_a_weak_password(admin_user, monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "a-long-enough-passphrase")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_editor", admin_user.username, "--no-input")
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError, match="too short"):
        call_command("create_editor", "kim", "--no-input")


def signed_in(django_user_model, username, *groups):
    user = django_user_model.objects.create_user(username, password="x", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=groups))
    client = Client()
    client.force_login(user)
    return client


def test_editors_may_publish_when_the_site_does_not_require_review(django_user_model, guide):
    _, symptom, *_ = guide
    editor = signed_in(django_user_model, "ed", roles.EDITORS)
    page = editor.get(admin_url(Symptom, "changelist")).text
    assert 'value="publish"' in page
    assert editor.get(admin_url(Symptom, "change", symptom.pk)).status_code == 200
    assert editor.post(admin_url(Symptom, "delete", symptom.pk)).status_code == 403


def test_with_review_only_publishers_publish_or_change_live_content(
    django_user_model, guide, settings
):
    settings.CONTENT_REQUIRE_REVIEW = True
    topic, symptom, steps, _ = guide
    editor = signed_in(django_user_model, "ed", roles.EDITORS)
    publisher = signed_in(django_user_model, "pub", roles.EDITORS, roles.PUBLISHERS)

    listing = editor.get(admin_url(Symptom, "changelist")).text
    assert 'value="publish"' not in listing
    assert 'value="publish"' in publisher.get(admin_url(Symptom, "changelist")).text

    # An editor's change to a live symptom waits for approval: the live one stays as it was.
    page = editor.get(admin_url(Symptom, "change", symptom.pk)).text
    assert 'name="title"' in page
    rows = [(link.pk, link.position, link.step_id) for link in symptom.symptom_steps.all()]
    data = symptom_form_data(symptom, rows) | {"title": "A change to approve"}
    assert editor.post(admin_url(Symptom, "change", symptom.pk), data).status_code == 302
    symptom.refresh_from_db()
    assert symptom.title != "A change to approve"

    # A draft they write stays a draft, even if they try to publish it.
    draft = Symptom.objects.create(
        topic=topic, title="New", slug="new", summary="s", body="b", status=Status.DRAFT
    )
    SymptomStep.objects.create(symptom=draft, step=steps[0], position=1)
    data = symptom_form_data(draft, [(draft.symptom_steps.get().pk, 1, steps[0].pk)])
    response = editor.post(admin_url(Symptom, "change", draft.pk), data | {"status": "published"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT

    # A publisher can publish it.
    publisher.post(
        admin_url(Symptom, "changelist"), {"action": "publish", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_publish_permission_is_one_per_content_model():
    codenames = set(
        Permission.objects.filter(codename__startswith="publish_").values_list(
            "codename", flat=True
        )
    )
    assert codenames == {f"publish_{model}" for model in roles.CONTENT_MODELS}


# Content check in the admin --------------------------------------------------------------------


def test_saving_shows_the_problems_it_leaves(admin_client, guide):
    _, symptom, *_ = guide
    rows = [
        (link.pk, link.position, link.step_id, "delete") for link in symptom.symptom_steps.all()
    ]
    data = symptom_form_data(symptom, rows)
    response = admin_client.post(admin_url(Symptom, "change", symptom.pk), data, follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert any("is published but it has no fix steps" in m for m in messages), messages


def test_lists_link_to_the_content_check(admin_client, guide):
    page = admin_client.get(admin_url(Symptom, "changelist")).text
    assert f'href="{reverse("admin:content_check")}"' in page
    assert admin_client.get(reverse("admin:content_check")).status_code == 200


# Found by trying it as an editor -------------------------------------------------------------


def test_with_review_an_editor_cannot_restore_over_live_content(django_user_model, settings):
    settings.CONTENT_REQUIRE_REVIEW = True
    _, symptom, *_ = make_guide(2)
    publisher = signed_in(django_user_model, "pub", roles.EDITORS, roles.PUBLISHERS)
    save_symptom(publisher, symptom, status=Status.DRAFT)
    draft_version = history_versions(symptom)[0]
    save_symptom(publisher, symptom, status=Status.PUBLISHED)
    editor = signed_in(django_user_model, "ed", roles.EDITORS)
    url = admin_url(Symptom, "revision", symptom.pk, draft_version.pk)
    assert editor.get(url).status_code == 403
    assert editor.post(url, symptom_form_data(symptom, [])).status_code == 403
    symptom.refresh_from_db()
    assert symptom.status == Status.PUBLISHED


def test_with_review_an_editor_cannot_renumber_live_items_in_the_list(django_user_model, settings):
    settings.CONTENT_REQUIRE_REVIEW = True
    _, symptom, *_ = make_guide(2)
    editor = signed_in(django_user_model, "ed", roles.EDITORS)
    page = editor.get(admin_url(Symptom, "changelist")).text
    assert 'name="form-0-position"' not in page
    assert (
        "Your changes will wait for a publisher’s approval"
        in editor.get(admin_url(Symptom, "change", symptom.pk)).text
    )


def test_a_version_using_a_deleted_step_is_refused_with_a_message(admin_client):
    _, symptom, steps, _ = make_guide(2)
    save_symptom(admin_client, symptom)
    with_both = history_versions(symptom)[0]
    rows = [(link.pk, link.position, link.step_id) for link in symptom.symptom_steps.all()]
    save_symptom(admin_client, symptom, step_rows=[rows[0], (*rows[1], "delete")])
    steps[1].delete()
    url = admin_url(Symptom, "revision", symptom.pk, with_both.pk)
    response = admin_client.get(url, follow=True)
    assert response.status_code == 200
    messages = " ".join(str(message) for message in response.context["messages"])
    assert "can't be restored: it uses a fix step" in messages


def test_a_new_safer_step_lands_ahead_of_the_destructive_ones(admin_client):
    _, symptom, steps, _ = make_guide(2, destructive_last=True)
    extra = make_step(title="Update iOS")
    rows = [(link.pk, link.position, link.step_id) for link in symptom.symptom_steps.all()]
    save_symptom(admin_client, symptom, step_rows=[*rows, ("", "", extra.pk)])
    assert step_order(symptom) == [steps[0].title, steps[1].title, "Update iOS", steps[2].title]


def test_line_breaks_from_browsers_are_stored_as_newlines(admin_client):
    _, symptom, *_ = make_guide(1)
    save_symptom(admin_client, symptom, body="One.\r\n\r\nTwo.", aliases="red\r\nstuck")
    symptom.refresh_from_db()
    assert symptom.body == "One.\n\nTwo." and symptom.aliases == "red\nstuck"


def test_demo_content_starts_with_a_version_to_go_back_to():
    call_command("load_demo", verbosity=0)
    symptom = Symptom.objects.get(slug="stuck-on-sending")
    assert history_versions(symptom)[0].revision.get_comment() == "Demo content loaded."


def test_publishing_from_the_list_reports_problems(admin_client):
    _, symptom, *_ = make_guide(1)
    symptom.symptom_steps.all().delete()
    symptom.status = Status.DRAFT
    symptom.save()
    response = admin_client.post(
        admin_url(Symptom, "changelist"),
        {"action": "publish", "_selected_action": [symptom.pk]},
        follow=True,
    )
    assert "is published but it has no fix steps" in response.text
