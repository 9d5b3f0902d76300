"""The flow pages' prepared reads give what the ORM's querysets give, in one query each."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_step, make_symptom, make_topic
from troubleshooting import flow_reads
from troubleshooting.flow import Flow
from troubleshooting.models import FixStep, Severity, Status, Symptom, Topic
from troubleshooting.prepared import Instances, logged_sql

pytestmark = pytest.mark.django_db


def test_the_symptom_is_read_with_its_topic_in_one_query_as_the_orm_reads_them():
    topic = make_topic(escalation="Call **us**.")
    symptom = make_symptom(topic=topic, next_moves="Ask *them*.")
    expected = Symptom.objects.select_related("topic").get(pk=symptom.pk)
    for _ in range(2):  # written, then run from the statement
        with CaptureQueriesContext(connection) as queries:
            found = flow_reads.public_symptom(topic.slug, symptom.slug)
            # Everything the flow pages show, without another query.
            shown = (
                found.pk,
                found.slug,
                found.title,
                found.summary,
                found.next_moves_html,
                found.topic_id,
                found.topic.pk,
                found.topic.slug,
                found.topic.title,
                found.topic.escalation_html,
                found.get_absolute_url(),
                found.get_flow_url(),
            )
        assert len(queries) == 1
        assert shown == (
            expected.pk,
            expected.slug,
            expected.title,
            expected.summary,
            expected.next_moves_html,
            expected.topic_id,
            expected.topic.pk,
            expected.topic.slug,
            expected.topic.title,
            expected.topic.escalation_html,
            expected.get_absolute_url(),
            expected.get_flow_url(),
        )
        assert found._state.db == connection.alias and not found._state.adding


def test_only_a_public_symptom_of_a_public_topic_at_its_own_topic_is_found():
    topic, other = make_topic(), make_topic()
    public = make_symptom(topic=topic)
    draft = make_symptom(topic=topic, status=Status.DRAFT)
    hidden = make_symptom(topic=make_topic(status=Status.DRAFT))
    assert flow_reads.public_symptom(topic.slug, public.slug).pk == public.pk
    assert flow_reads.public_symptom(other.slug, public.slug) is None
    assert flow_reads.public_symptom(topic.slug, draft.slug) is None
    assert flow_reads.public_symptom(hidden.topic.slug, hidden.slug) is None
    assert flow_reads.public_symptom(topic.slug, "no-such-symptom") is None


def test_a_scheduled_symptom_is_found_once_the_databases_clock_passes_its_time():
    symptom = make_symptom()
    soon = timezone.now() + timedelta(seconds=60)
    Symptom.objects.filter(pk=symptom.pk).update(publish_at=soon)
    assert flow_reads.public_symptom(symptom.topic.slug, symptom.slug) is None
    Symptom.objects.filter(pk=symptom.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert flow_reads.public_symptom(symptom.topic.slug, symptom.slug).pk == symptom.pk


def test_the_steps_are_the_orms_in_order_with_what_pages_and_answers_read():
    steps = [
        make_step(severity=Severity.QUICK, minutes=2, settings_path="Settings > Messages"),
        make_step(severity=Severity.MODERATE, interrupts=True),
        make_step(severity=Severity.DESTRUCTIVE, title="Delete it"),
    ]
    symptom = make_symptom(steps=steps)
    expected = Flow.for_symptom(symptom).steps
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            found = flow_reads.public_steps(symptom)
            shown = [
                (
                    step.pk,
                    step.slug,
                    step.title,
                    step.severity,
                    step.minutes,
                    step.settings_path,
                    step.interrupts,
                    step.instructions_html,
                    step.warning_html,
                    step.is_destructive,
                    step.time_estimate,
                    step.get_severity_display(),
                )
                for step in found
            ]
        assert len(queries) == 1
        assert shown == [
            (
                step.pk,
                step.slug,
                step.title,
                step.severity,
                step.minutes,
                step.settings_path,
                step.interrupts,
                step.instructions_html,
                step.warning_html,
                step.is_destructive,
                step.time_estimate,
                step.get_severity_display(),
            )
            for step in expected
        ]
        assert [type(step.interrupts) for step in found] == [bool, bool, bool]


def test_a_steps_pieces_are_decoded_only_when_its_page_shows_it():
    symptom = make_symptom(steps=[make_step(), make_step()])
    expected = {step.pk: step.pieces for step in FixStep.objects.all()}
    first, second = flow_reads.public_steps(symptom)
    assert "pieces" in first.get_deferred_fields()
    with CaptureQueriesContext(connection) as queries:
        assert flow_reads.with_pieces(first).pieces == expected[first.pk]
        assert flow_reads.with_pieces(first).pieces == expected[first.pk]  # once is enough
    assert len(queries) == 0
    assert "pieces" in second.get_deferred_fields()


def test_only_live_steps_are_read_and_a_scheduled_one_goes_live_with_the_databases_clock():
    shown, draft, scheduled = make_step(), make_step(status=Status.DRAFT), make_step()
    symptom = make_symptom(steps=[shown, draft, scheduled])
    later = timezone.now() + timedelta(seconds=60)
    FixStep.objects.filter(pk=scheduled.pk).update(publish_at=later)
    assert [step.pk for step in flow_reads.public_steps(symptom)] == [shown.pk]
    FixStep.objects.filter(pk=scheduled.pk).update(publish_at=timezone.now() - timedelta(1))
    assert [step.pk for step in flow_reads.public_steps(symptom)] == [shown.pk, scheduled.pk]
    assert flow_reads.public_steps(make_symptom()) == ()


def test_instances_take_plain_columns_in_any_order_and_defer_the_rest():
    topic = make_topic(title="Messages")
    build = Instances(Topic, ("title", "id"))
    made = build(("Messages", topic.pk))
    assert (made.pk, made.title) == (topic.pk, "Messages")
    assert {"slug", "summary"} <= made.get_deferred_fields()
    with pytest.raises(ImproperlyConfigured, match="not a plain column"):
        Instances(FixStep, ("id", "pieces"))
    with pytest.raises(ImproperlyConfigured, match="not a plain column"):
        Instances(FixStep, ("id", "publish_at"))


def _step_path(symptom, number: int) -> str:
    return f"{symptom.get_absolute_url()}fix/{number}/"


def test_a_step_page_and_its_fragment_read_what_they_show_once_and_render_no_piece(
    client, settings, monkeypatch, live_renders
):
    settings.PAGE_CACHE_SECONDS = 0  # every request renders the page
    steps = [make_step(), make_step(severity=Severity.DESTRUCTIVE), make_step(interrupts=True)]
    symptom = make_symptom(steps=steps)
    client.get(_step_path(symptom, 1))  # the frame's once-a-version reads done

    def refused(self, *args, **kwargs):
        raise AssertionError(f"a deferred field of {self!r} was read")

    for model in (Symptom, Topic, FixStep):
        monkeypatch.setattr(model, "refresh_from_db", refused)
    results = {1: "", 2: "n", 3: "ns"}
    flow = Flow.for_symptom(symptom)
    for number, step in enumerate(steps, start=1):
        url = flow.step_url(number, results[number], **({"confirm": "1"} if number == 2 else {}))
        for headers in ({}, {"HX-Request": "true"}):
            with CaptureQueriesContext(connection) as queries:
                page = client.get(url, headers=headers)
            assert page.status_code == 200
            assert f'<h1 id="page-heading" tabindex="-1">{step.title}</h1>' in page.text
            sqls = [logged_sql(query["sql"]) for query in queries.captured_queries]
            # The symptom and the steps once each; step 1 asks the way back (triage), and the
            # content version is checked: no query for a field the reads left out.
            assert sum('FROM "troubleshooting_symptomstep"' in sql for sql in sqls) == 1
            assert len(sqls) <= 5
    assert live_renders == []


def test_a_steps_piece_without_a_stored_block_is_rendered_live_from_the_read_fields(
    client, live_renders
):
    step = make_step(settings_path="Settings > Messages", instructions="Turn it **off**.")
    symptom = make_symptom(steps=[step])
    FixStep.objects.filter(pk=step.pk).update(pieces={})  # as a row written raw
    page = client.get(_step_path(symptom, 1)).text
    assert "Turn it <strong>off</strong>." in page
    assert (step.slug, "body") in live_renders


def test_drafts_are_not_found_and_an_editor_previews_them(client, admin_client):
    draft = make_symptom(status=Status.DRAFT, steps=[make_step(status=Status.DRAFT)])
    assert client.get(_step_path(draft, 1)).status_code == 404
    assert client.get(f"{draft.get_absolute_url()}fix/end/").status_code == 404
    admin_client.get(reverse("troubleshooting:preview"), {"next": "/"})
    assert admin_client.get(_step_path(draft, 1)).status_code == 200


@pytest.mark.parametrize("model", [Symptom, Topic, FixStep])
def test_an_instance_of_its_primary_key_alone_defers_every_other_field(model):
    build = Instances(model, ("id",))
    instance = build([7])
    assert instance.pk == 7
    assert instance.get_deferred_fields() == {
        field.attname for field in model._meta.concrete_fields if field.attname != "id"
    }


@pytest.mark.django_db
def test_instances_are_the_rows_values_in_any_order_the_rest_deferred():
    step = make_step(settings_path="Settings > Wi-Fi", interrupts=True)
    build = Instances(FixStep, ("title", "interrupts", "id", "severity"))
    instance = build((step.title, 1, step.pk, step.severity))
    assert (instance.pk, instance.title, instance.severity) == (step.pk, step.title, step.severity)
    assert instance.interrupts is True
    assert instance.get_deferred_fields() >= {"settings_path", "instructions_html"}
    assert instance.settings_path == "Settings > Wi-Fi"  # a deferred field is read on demand
