"""Plain words and rough edges of the admin: outcomes as an editor says them, no false history
entries, the preview's notes, fields that fit what editors write."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from tests.factories import make_guide
from tests.troubleshooting.test_admin import admin_url, current_rows, symptom_form_data
from troubleshooting.admin.outcomes import fix_rate_in_words, payoff_in_words, rate_in_words
from troubleshooting.models import FixStep, Symptom
from troubleshooting.outcomes.reports import StepStats

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("rate", "words"),
    [
        (0, "nobody"),
        (0.004, "fewer than 1 in 100 people"),
        (0.2, "about 1 in 5 people"),
        (0.21, "about 1 in 5 people"),
        (0.33, "about 1 in 3 people"),
        (0.5, "about 1 in 2 people"),
        (0.7, "about 7 in 10 people"),
        (0.96, "almost everyone"),
        (1, "everyone"),
    ],
)
def test_rates_in_words(rate, words):
    assert rate_in_words(rate) == words


def test_fix_rate_and_payoff_in_words():
    stats = StepStats(step=FixStep(minutes=2), fixed=8, not_fixed=32)
    assert fix_rate_in_words(stats) == "fixes it for about 1 in 5 people (between 10 % and 35 %)"
    assert payoff_in_words(stats) == "fixes it for at least 10 % of people, in 2 min"
    assert fix_rate_in_words(StepStats(step=FixStep())) == "not tried yet"
    never = StepStats(step=FixStep(minutes=1), not_fixed=14)
    assert fix_rate_in_words(never) == "fixes it for nobody (between 0 % and 22 %)"


def test_symptom_outcomes_speak_plainly(admin_client):
    from troubleshooting.models import FlowSession, Result, StepAnswer

    _, symptom, steps, _ = make_guide(2)
    for n in range(10):
        session = FlowSession.objects.create(key=f"s{n}", symptom=symptom)
        result = Result.FIXED if n < 2 else Result.NOT_FIXED
        StepAnswer.objects.create(session=session, number=1, step=steps[0], result=result)
    url = reverse("admin:troubleshooting_symptom_outcomes", args=[symptom.pk])
    html = admin_client.get(url).content.decode()
    assert "Fixes it for about 1 in 5 people (between 6 % and 51 %)" in html
    assert "0.06" not in html and "per minute (low estimate)" not in html


def test_saving_unchanged_records_no_change(admin_client):
    _, symptom, steps, _ = make_guide(2)
    symptom.body = "Line one.\n\nLine two."
    symptom.aliases = "green bubble\nblue tick"
    symptom.next_moves = "Ask **Apple**.\n\nOr the carrier."
    symptom.save()
    data = symptom_form_data(symptom, current_rows(symptom))
    # What a browser sends: every line break as CR LF, the step text shown in its row.
    data |= {
        "body": symptom.body.replace("\n", "\r\n"),
        "aliases": symptom.aliases.replace("\n", "\r\n"),
        "next_moves": symptom.next_moves.replace("\n", "\r\n"),
    }
    for index, step in enumerate(steps):
        data[f"symptom_steps-{index}-instructions"] = step.instructions.replace("\n", "\r\n")
    response = admin_client.post(admin_url(Symptom, "change", symptom.pk), data)
    assert response.status_code == 302
    entry = LogEntry.objects.filter(object_id=str(symptom.pk)).latest("action_time")
    assert entry.get_change_message() == "No fields changed."


def test_a_reorder_records_only_the_reorder(admin_client):
    _, symptom, _steps, _ = make_guide(2)
    symptom.body = "Line one.\n\nLine two."
    symptom.save()
    rows = current_rows(symptom)
    rows[0], rows[1] = (rows[0][0], 2, rows[0][2]), (rows[1][0], 1, rows[1][2])
    data = symptom_form_data(symptom, rows) | {"body": "Line one.\r\n\r\nLine two."}
    admin_client.post(admin_url(Symptom, "change", symptom.pk), data)
    message = LogEntry.objects.filter(object_id=str(symptom.pk)).latest("action_time")
    text = message.get_change_message()
    assert "What it means" not in text and "Other words" not in text
    assert text.startswith("Changed Position for symptom step")


def test_step_text_is_edited_in_the_symptom_page(admin_client):
    _, symptom, steps, _ = make_guide(2)
    data = symptom_form_data(symptom, current_rows(symptom))
    data["symptom_steps-0-instructions"] = "1. Open **Settings**.\r\n2. Tap Messages."
    data["symptom_steps-1-instructions"] = steps[1].instructions
    response = admin_client.post(admin_url(Symptom, "change", symptom.pk), data)
    assert response.status_code == 302
    steps[0].refresh_from_db()
    assert steps[0].instructions == "1. Open **Settings**.\n2. Tap Messages."
    assert "<strong>Settings</strong>" in steps[0].instructions_html
    data["symptom_steps-0-instructions"] = "  "
    response = admin_client.post(admin_url(Symptom, "change", symptom.pk), data)
    assert "A step needs instructions" in response.content.decode()


def test_symptom_page_has_no_delete_topic_cross_one_severity_and_a_summary_box(admin_client):
    _, symptom, _steps, _ = make_guide(1, destructive_last=True)
    html = admin_client.get(admin_url(Symptom, "change", symptom.pk)).content.decode()
    assert 'id="delete_id_topic"' not in html
    assert "delete_id_symptom_steps" not in html
    assert "field-step_severity" not in html  # once, in the step's name, not again beside it
    assert '<textarea name="summary"' in html
    assert 'name="symptom_steps-0-instructions"' in html


def test_preview_names_links_it_dropped(admin_client):
    url = reverse("admin:troubleshooting_fixstep_markdown_preview") + "?field=instructions"
    text = "Tap [here](javascript:alert(1)) or [Apple](https://apple.com)"
    html = admin_client.post(url, {"instructions": text}).text
    assert "The link “here” has an address the site doesn't allow" in html
    assert '<a href="https://apple.com"' in html
    html = admin_client.post(url, {"instructions": "[a](https://a.org) [b](/b/)"}).text
    assert "doesn't allow" not in html
