"""A step page reads its symptom and steps in one query, only the step it shows whole."""

import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_step, make_symptom, make_topic
from troubleshooting import blocks, flow_reads
from troubleshooting.flow import Flow
from troubleshooting.models import FixStep, Severity, Status, SymptomStep
from troubleshooting.prepared import logged_sql

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_blocks")]

ANSWER_BAR = "troubleshooting/includes/answer_bar.html"


def _shown(symptom, number):
    return flow_reads.public_flow(symptom.topic.slug, symptom.slug, shown=number)


def test_only_the_shown_step_is_a_model_instance_and_the_others_keep_their_ids():
    steps = [make_step(), make_step(severity=Severity.DESTRUCTIVE), make_step()]
    symptom = make_symptom(steps=steps)
    for _ in range(2):  # written, then run from the statement
        with CaptureQueriesContext(connection) as queries:
            found_symptom, found = _shown(symptom, 2)
        assert len(queries) == 1  # the symptom, its topic and its steps
        assert (found_symptom.pk, found_symptom.topic.slug) == (symptom.pk, symptom.topic.slug)
        assert [step.pk for step in found] == [step.pk for step in steps]
        assert [type(step) for step in found] == [
            flow_reads.ListedStep,
            FixStep,
            flow_reads.ListedStep,
        ]
        assert found[1].title == steps[1].title and found[1].is_destructive
        # The flow's version and progress read the ids alone: the same as the whole list's.
        assert Flow(symptom=symptom, steps=found).version == Flow.for_symptom(symptom).version


def test_a_step_number_past_the_list_makes_no_instance():
    symptom = make_symptom(steps=[make_step(), make_step()])
    _, found = _shown(symptom, 3)
    assert [type(step) for step in found] == [flow_reads.ListedStep] * 2
    assert all(type(step) is FixStep for step in flow_reads.public_steps(symptom))


def test_the_steps_come_in_the_lists_order_whatever_their_positions_and_ids():
    steps = [make_step() for _ in range(4)]
    symptom = make_symptom()
    # Positions past 9 sort as numbers, not as text; ids in another order than positions.
    for step, position in zip(steps, (10, 2, 33, 9), strict=True):
        SymptomStep.objects.create(symptom=symptom, step=step, position=position)
    expected = [step.pk for step in Flow.for_symptom(symptom).steps]
    assert expected == [steps[1].pk, steps[3].pk, steps[0].pk, steps[2].pk]
    for number in (1, 2, 3, 4, 1):
        _, found = _shown(symptom, number)
        assert [step.pk for step in found] == expected
        assert found[number - 1].pk == expected[number - 1]
        assert type(found[number - 1]) is FixStep


def test_the_shown_step_is_counted_among_the_public_steps_alone():
    draft = make_step(status=Status.DRAFT)
    scheduled = make_step(publish_at=timezone.now() + timedelta(days=1))
    shown = [make_step(), make_step(), make_step()]
    symptom = make_symptom(steps=[draft, shown[0], scheduled, shown[1], shown[2]])
    for number, step in enumerate(shown, start=1):
        _, found = _shown(symptom, number)
        assert [listed.pk for listed in found] == [step.pk for step in shown]
        assert type(found[number - 1]) is FixStep and found[number - 1].pk == step.pk
    # No step 0 (its address never matches): the list comes whole, and no step in full.
    _, found = _shown(symptom, 0)
    assert [type(listed) for listed in found] == [flow_reads.ListedStep] * 3


def test_a_step_page_reads_no_symptom_it_may_not_show_and_no_step_of_none():
    draft_step = make_step(status=Status.DRAFT)
    symptom = make_symptom(steps=[draft_step])
    found_symptom, found = _shown(symptom, 1)
    assert found_symptom.pk == symptom.pk and found == ()
    assert _shown(make_symptom(), 1)[1] == ()
    hidden = make_symptom(topic=make_topic(status=Status.DRAFT), steps=[make_step()])
    assert _shown(hidden, 1) is None
    draft = make_symptom(status=Status.DRAFT, steps=[make_step()])
    assert _shown(draft, 1) is None
    assert flow_reads.public_flow(symptom.topic.slug, "no-such-symptom", shown=1) is None
    assert flow_reads.public_flow(make_topic().slug, symptom.slug, shown=1) is None


def test_a_step_page_reads_the_instructions_and_pieces_of_the_shown_step_alone():
    steps = [
        make_step(title="Turn it “off” and on", settings_path="Settings > Wi‑Fi"),
        make_step(severity=Severity.DESTRUCTIVE, interrupts=True, warning="Back up **first**."),
        make_step(minutes=3),
    ]
    symptom = make_symptom(steps=steps)
    expected = {step.pk: step for step in FixStep.objects.all()}
    for shown in (1, 2, 3, 2):  # written once, then run from the statement with each number
        rows = flow_reads._flow_read.rows(
            topic_slug=symptom.topic.slug, symptom_slug=symptom.slug, shown=shown
        )
        # One row: the other steps send their sort values and ids, and nothing else.
        (*_, ids, values), *more = rows
        assert more == [] and len(json.loads(ids)) == 3 and len(json.loads(values)) == 10
        step = _shown(symptom, shown)[1][shown - 1]
        want = expected[step.pk]
        fields = ("slug", "title", "severity", "minutes", "settings_path", "interrupts")
        assert [getattr(step, name) for name in fields] == [getattr(want, name) for name in fields]
        assert type(step.interrupts) is bool
        assert (step.instructions_html, step.warning_html) == (
            want.instructions_html,
            want.warning_html,
        )
        assert flow_reads.with_pieces(step).pieces == want.pieces


def _bar(html: str) -> str:
    start = html.index('<fieldset class="answer-bar">')
    return html[start : html.index("</fieldset>", start) + len("</fieldset>")]


def _rendered(response) -> int:
    return [template.name for template in response.templates].count(ANSWER_BAR)


def test_the_answer_buttons_are_rendered_once_per_language_and_kind_of_step(client):
    plain, destructive = make_step(), make_step(severity=Severity.DESTRUCTIVE)
    symptom = make_symptom(steps=[plain, destructive])
    flow = Flow.for_symptom(symptom)
    first = client.get(flow.step_url(1, ""))
    assert _rendered(first) == 1
    again = client.get(flow.step_url(1, ""), headers={"HX-Request": "true"})
    assert _rendered(again) == 0
    assert _bar(again.text) == _bar(first.text)
    assert ">Skip this step</button>" in _bar(first.text)
    assert '<button type="submit" name="answer" value="y" class="button button-yes">' in (
        _bar(first.text)
    )
    # A destructive step's skip says what it spares, on its confirmed form.
    confirmed = client.get(flow.step_url(2, "n", confirm="1"))
    assert _rendered(confirmed) == 1
    assert ">Skip it, I'd rather not</button>" in _bar(confirmed.text)
    assert 'name="confirmed" value="1"' in confirmed.text
    # Another language has its own buttons, never the English ones.
    spanish = client.get(f"/es{flow.step_url(1, '')}")
    assert spanish.status_code == 200
    assert _rendered(spanish) == 1
    assert "<legend>¿Se ha arreglado?</legend>" in _bar(spanish.text)
    assert ">Sí, ya funciona</button>" in _bar(spanish.text)


def test_the_answer_form_posts_to_the_address_the_step_is_shown_at(client):
    plain = make_step()
    destructive = make_step(severity=Severity.DESTRUCTIVE, interrupts=True)
    symptom = make_symptom(steps=[plain, destructive])
    flow = Flow.for_symptom(symptom)
    step_one = flow.step_url(1, "")
    html = client.get(step_one).text
    assert f'<form class="answer" method="post" action="{step_one}" hx-post="{step_one}">' in html
    confirmed = flow.step_url(2, "n", confirm="1").replace("&", "&amp;")
    html = client.get(flow.step_url(2, "n", confirm="1")).text
    assert f'action="{confirmed}" hx-post="{confirmed}"' in html
    # Its link to come back after a restart is the confirmed form too.
    assert f'readonly value="http://testserver{confirmed}"' in html


def test_a_preview_neither_reads_nor_keeps_the_answer_buttons(admin_client):
    symptom = make_symptom(steps=[make_step()])
    admin_client.get(reverse("troubleshooting:preview"), {"next": "/"})
    url = Flow.for_symptom(symptom).step_url(1, "")
    for _ in range(2):
        assert _rendered(admin_client.get(url)) == 1
    assert len(blocks.memory) == 0


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_a_step_page_reads_its_symptom_and_steps_in_one_query(client, prefix):
    symptom = make_symptom(steps=[make_step(), make_step(), make_step()])
    # Step 2: step 1's way back looks up the triage answer that may have led here.
    url = prefix + Flow.for_symptom(symptom).step_url(2, "n")
    client.get(url)  # prepared reads written, blocks kept
    for headers in ({}, {"HX-Request": "true"}):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, headers=headers)
        assert response.status_code == 200
        # Besides the content version's look-up (the page cache's key): one read.
        sqls = [logged_sql(query["sql"]) for query in queries]
        reads = [sql for sql in sqls if "troubleshooting_contentversion" not in sql]
        assert len(reads) == 1, reads
        assert "troubleshooting_symptomstep" in reads[0]


@pytest.mark.django_db
def test_a_step_address_quotes_its_query_as_urlencode_does():
    symptom = make_symptom(steps=[make_step(), make_step()])
    flow = Flow.for_symptom(symptom).with_via("wifi-off").with_session("a" * 32)
    plain = flow.step_url(2, "n", confirm="1")
    path, query = plain.split("?")
    assert query == urlencode(
        {"r": "n", "v": flow.version, "confirm": "1", "via": "wifi-off", "s": "a" * 32}
    )
    assert flow.step_url(2, "n", confirm="a b&c=d/é") == (
        f"{path}?{urlencode({'r': 'n', 'v': flow.version, 'confirm': 'a b&c=d/é'})}"
        f"&via=wifi-off&s={'a' * 32}"
    )
