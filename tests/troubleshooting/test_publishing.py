"""Scheduled publishing, and editors previewing drafts exactly as the public will see them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_choice, make_guide, make_question, make_step, make_symptom
from troubleshooting import search
from troubleshooting.models import FlowSession, Status, Symptom, SymptomStep, Topic, live_count

pytestmark = pytest.mark.django_db

PREVIEW = reverse("troubleshooting:preview")


def later(**delta):
    return timezone.now() + timedelta(**delta)


@pytest.fixture
def previewer(admin_client):
    """A signed-in editor who turned preview on."""
    admin_client.get(PREVIEW, {"next": "/"})
    return admin_client


def test_scheduled_symptom_stays_hidden_until_its_time(client):
    topic, symptom, _, question = make_guide()
    symptom.publish_at = later(hours=2)
    symptom.save()
    assert symptom.is_scheduled and not symptom.is_published
    assert client.get(symptom.get_absolute_url()).status_code == 404
    assert client.get(symptom.get_flow_url()).status_code == 404
    assert symptom.title not in client.get(topic.get_absolute_url()).text
    assert symptom.title not in client.get(question.get_absolute_url()).text
    assert search.search(symptom.title).hits == []

    symptom.publish_at = timezone.now() - timedelta(minutes=1)
    symptom.save()
    assert client.get(symptom.get_absolute_url()).status_code == 200
    assert symptom.title in client.get(topic.get_absolute_url()).text
    assert [hit.title for hit in search.search(symptom.title).hits][:1] == [symptom.title]


def test_scheduled_step_joins_the_article_and_flow_at_its_time(client):
    _, symptom, steps, _ = make_guide(2)
    late = make_step(title="Reset the network settings", publish_at=later(days=1))
    SymptomStep.objects.create(symptom=symptom, step=late, position=3)
    assert late.title not in client.get(symptom.get_absolute_url()).text
    assert (
        client.get(
            reverse("troubleshooting:flow_step", args=[symptom.topic.slug, symptom.slug, 3])
        ).status_code
        == 404
    )

    late.publish_at = timezone.now()
    late.save()
    assert late.title in client.get(symptom.get_absolute_url()).text


def test_scheduled_start_question_waits_too(client):
    topic, *_, question = make_guide()
    url = question.get_absolute_url()
    assert url in client.get(topic.get_absolute_url()).text
    question.publish_at = later(hours=1)
    question.save()
    assert client.get(url).status_code == 404
    assert url not in client.get(topic.get_absolute_url()).text


def test_public_never_sees_drafts_even_signed_in_without_preview(admin_client):
    _, symptom, *_ = make_guide()
    symptom.status = Status.DRAFT
    symptom.save()
    assert admin_client.get(symptom.get_absolute_url()).status_code == 404


def test_preview_shows_a_draft_article_with_a_banner_and_no_caching(previewer):
    topic, symptom, steps, _ = make_guide()
    draft_step = make_step(title="A draft step", status=Status.DRAFT)
    SymptomStep.objects.create(symptom=symptom, step=draft_step, position=4)
    symptom.status = Status.DRAFT
    symptom.save()

    response = previewer.get(symptom.get_absolute_url())
    assert response.status_code == 200
    page = response.text
    assert "This page is a draft" in page
    assert "Stop previewing" in page
    assert "A draft step" in page
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert 'id="feedback"' not in page  # votes on a draft would mislead the figures


def test_preview_says_when_a_page_is_scheduled(previewer):
    _, symptom, *_ = make_guide()
    symptom.publish_at = later(days=3)
    symptom.save()
    assert "This page is scheduled for" in previewer.get(symptom.get_absolute_url()).text


def test_preview_walks_the_guided_fix_of_a_draft_without_recording(previewer):
    topic, symptom, steps, question = make_guide(2)
    symptom.status = Status.DRAFT
    symptom.save()
    draft = make_symptom(topic=topic, steps=[make_step()], title="Draft only", status=Status.DRAFT)
    make_choice(question=question, label="Something new", symptom=draft)

    page = previewer.get(question.get_absolute_url()).text
    assert "Something new" in page and "Sending…" in page

    begin = previewer.get(symptom.get_flow_url())
    assert begin.status_code == 302 and "s=" not in begin["Location"]
    step_1 = begin["Location"]
    assert previewer.get(step_1).status_code == 200
    answered = previewer.post(step_1, {"answer": "n"})
    assert answered.status_code == 303
    assert previewer.get(answered["Location"]).status_code == 200
    end = previewer.get(reverse("troubleshooting:flow_end", args=[topic.slug, symptom.slug]))
    assert end.status_code == 200
    assert not FlowSession.objects.exists()


def test_draft_question_is_previewable(previewer, client):
    topic, *_ = make_guide()
    draft = make_question(topic=topic, status=Status.DRAFT, prompt="Which app is it?")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Which app is it?" in previewer.get(draft.get_absolute_url()).text


def test_stopping_preview_returns_to_the_public_view(previewer):
    _, symptom, *_ = make_guide()
    symptom.status = Status.DRAFT
    symptom.save()
    url = symptom.get_absolute_url()
    response = previewer.post(PREVIEW, {"next": url})
    assert response.status_code == 303 and response["Location"] == url
    assert previewer.get(url).status_code == 404


def test_only_staff_with_view_permission_can_preview(client, django_user_model):
    _, symptom, *_ = make_guide()
    symptom.status = Status.DRAFT
    symptom.save()
    response = client.get(PREVIEW, {"next": symptom.get_absolute_url()})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    user = django_user_model.objects.create_user("clerk", password="pw-123456789", is_staff=True)
    client.force_login(user)
    assert client.get(PREVIEW, {"next": "/"})["Location"].startswith("/admin/login/")
    assert client.get(symptom.get_absolute_url()).status_code == 404


def test_preview_refuses_to_redirect_elsewhere(admin_client):
    response = admin_client.get(PREVIEW, {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_public_pages_do_not_touch_the_session(client):
    _, symptom, *_ = make_guide()
    response = client.get(symptom.get_absolute_url())
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


def test_a_live_count_counts_what_the_public_sees_and_a_preview_everything():
    topic, _symptom, _, _question = make_guide()
    make_symptom(topic=topic, title="Draft", status=Status.DRAFT)
    make_symptom(topic=topic, title="Went live", publish_at=later(minutes=-1))
    make_symptom(topic=topic, title="Not yet", publish_at=later(minutes=5))
    passed = later(minutes=-1)
    make_symptom(
        topic=topic, title="Draft, its time passed", status=Status.DRAFT, publish_at=passed
    )
    counted = Topic.objects.annotate(
        public=live_count(Symptom, "topic"), preview=live_count(Symptom, "topic", preview=True)
    ).get(pk=topic.pk)
    assert counted.public == Symptom.objects.visible().filter(topic=topic).count() == 2
    assert counted.preview == topic.symptoms.count() == 5


def test_a_topic_without_symptoms_counts_none():
    topic, _symptom, _, _question = make_guide()
    empty = Topic.objects.create(title="Empty", slug="empty", summary="Nothing yet.")
    counted = Topic.objects.annotate(public=live_count(Symptom, "topic"))
    assert dict(counted.values_list("pk", "public")) == {topic.pk: 1, empty.pk: 0}
