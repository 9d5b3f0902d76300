"""No editor input holds a worker: Markdown too long or too slow to render is refused everywhere."""

import itertools
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from tests.factories import make_cause, make_guide, make_question, make_step
from tests.troubleshooting.test_admin import admin_url, symptom_form_data
from troubleshooting.markdown import (
    MARKDOWN_MAX_CHARACTERS,
    MARKDOWN_MAX_LENGTH,
    markdown_problem,
    render_markdown,
    validate_markdown,
)
from troubleshooting.models import Cause, FixStep, Symptom, Topic, TriageChoice, TriageQuestion


def repeated(token: str, length: int = 4_900) -> str:
    """Return ``token`` repeated to ``length`` characters: within every field's length limit."""
    return (token * (length // len(token) + 1))[:length]


# Each took from a second to a minute to render at this size (or ran out of stack): the attack's
# probes, and what a fuzz of repeated tokens found slow besides them.
SLOW = {
    "[": "Too many “[” characters",
    "[^": "Too many “[” characters",
    "![": "Too many “[” characters",
    "[a](": "Too many “[” characters",
    "`[": "Too many “[” characters",
    "<a ": "Too many “<” characters",
    "<http://a": "Too many “<” characters",
    "*a": "Too many “*” characters",
    "**": "Too many “*” characters",
    "1. \n": "Too many lines",
    "-\n": "Too many lines",
    "=\n": "Too many lines",
    "\\": "Too many “\\” characters",
    "\t": "Too many tab characters",
    "|a\n": "Too many “|” characters",
    "+ ": "nested too deeply",
    "1. ": "nested too deeply",
    "> ": "nested too deeply",
}


@pytest.mark.parametrize(("token", "problem"), SLOW.items())
def test_pathological_markdown_is_refused_with_the_reason(token, problem):
    with pytest.raises(ValidationError) as refused:
        validate_markdown(repeated(token))
    assert problem in refused.value.messages[0]


def test_the_message_counts_and_names_the_limit():
    assert (
        markdown_problem("[" * 15_000)
        == "This text is too long (15,000 characters): at most 5,000."
    )
    assert (
        markdown_problem("[" * 4_000) == "Too many “[” characters (4,000): at most 50 in one text."
    )


@pytest.mark.parametrize("token", ["[", "<a ", "+ ", "-\n"])
def test_render_markdown_never_hangs_on_text_that_got_past_validation(token):
    """Old rows or raw saves skip validation: the text is then shown escaped, not rendered."""
    text = repeated(token, 20_000)
    started = time.process_time()
    html = render_markdown(text)
    assert time.process_time() - started < 1
    assert html.startswith("<p>") and "<a " not in html


# Text just within the limits, built from what the fuzz found slowest: each renders in a few times
# what an ordinary article of the same size takes (0.25–0.45 s of CPU against 0.07 s on a quiet
# machine), never the seconds to minutes the refused ones took. Measured against that article in
# the same moments, the best of three rounds each: a loaded machine slows both alike (an absolute
# bound of a second failed so on two busy cores, at 1.24 s).
ORDINARY = (
    "1. Open **Settings**\n   - Tap [Messages](/messages/)\n> *Careful*: `code` | a\n\n"
    "Then wait a minute and try again.\n\n"
) * 50
WITHIN = [
    "[" * 50 + repeated("'\"", MARKDOWN_MAX_LENGTH - 50),
    "[" * 50 + "<" * 50 + repeated("-\n", 1_000) + repeated("a ", 3_900),
    "[" * 50 + "\\" * 100 + "\t" * 100 + repeated("*a_", 1_400) + repeated("a", 3_000),
    repeated("|a\n", 1_500) + "`" * 200 + "&#" * 1_000 + "[" * 50,
    "\n".join(["- " * 10 + "a"] * 200),
]


_renders = itertools.count()


def _cpu_seconds(text: str) -> float:
    """Return the CPU time ``text`` takes to render, made new to the renderer's memory of texts."""
    text = f"{text[:-6]}{next(_renders):06d}"  # no longer: a text past the limit is escaped
    started = time.process_time()
    render_markdown(text)
    return time.process_time() - started


@pytest.mark.parametrize("text", WITHIN)
def test_markdown_within_the_limits_renders_in_a_few_ordinary_articles_time(text):
    ordinary = ORDINARY[: len(text)]
    assert markdown_problem(text) is None
    assert markdown_problem(ordinary) is None
    worst, usual = float("inf"), float("inf")
    for _ in range(3):
        usual = min(usual, _cpu_seconds(ordinary))
        worst = min(worst, _cpu_seconds(text))
    assert worst < 20 * usual


def test_ordinary_markdown_is_within_every_limit():
    text = "1. Open **Settings**\n   - Tap [Messages](/messages/)\n> *Careful*: `code` | a\n"
    assert markdown_problem(text * 40) is None
    assert len(MARKDOWN_MAX_CHARACTERS) >= 5


# Every write path -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        (Topic, "escalation", 3_000),
        (Cause, "description", 2_000),
        (FixStep, "instructions", 4_000),
        (FixStep, "warning", 2_000),
        (Symptom, "body", 5_000),
        (Symptom, "next_moves", 3_000),
        (Symptom, "aliases", 2_000),
        (TriageQuestion, "help", 1_000),
    ],
)
def test_full_clean_refuses_text_too_long_or_too_slow(model, field, limit):
    obj = model()
    setattr(obj, field, "a" * (limit + 1))
    with pytest.raises(ValidationError) as refused:
        obj.full_clean()
    assert f"at most {limit} characters" in " ".join(refused.value.message_dict[field])
    if field != "aliases":
        setattr(obj, field, "[" * 51)
        with pytest.raises(ValidationError) as refused:
            obj.full_clean()
        assert refused.value.message_dict[field] == [
            "Too many “[” characters (51): at most 50 in one text."
        ]


@pytest.mark.django_db
def test_the_admin_refuses_the_text_with_a_form_error_and_keeps_the_old_one(admin_client):
    _, symptom, *_ = make_guide(2)
    rows = [(link.pk, link.position, link.step_id) for link in symptom.symptom_steps.all()]
    data = symptom_form_data(symptom, rows) | {"body": "[" * 4_000}
    started = time.process_time()
    response = admin_client.post(admin_url(Symptom, "change", symptom.pk), data)
    assert time.process_time() - started < 5  # the whole page, rendered in well under a minute
    assert response.status_code == 200
    assert "Too many “[” characters (4,000): at most 50 in one text." in response.text
    symptom.refresh_from_db()
    assert symptom.body != "[" * 4_000


@pytest.mark.django_db
def test_the_live_preview_says_what_is_wrong_instead_of_rendering(admin_client):
    url = reverse("admin:troubleshooting_symptom_markdown_preview") + "?field=body"
    response = admin_client.post(url, {"body": "[" * 15_000})
    assert response.status_code == 200
    assert "Ensure this value has at most 5000 characters (it has 15000)." in response.text
    assert "Too many “[” characters (15,000): at most 50 in one text." in response.text
    assert "[[[[" not in response.text
    other = reverse("admin:troubleshooting_symptom_markdown_preview") + "?field=title"
    assert "Too many “[”" in admin_client.post(other, {"title": "[" * 4_000}).text


@pytest.mark.django_db
def test_nul_characters_are_refused_by_the_model_as_by_the_admin():
    cause = make_cause()
    cause.title = "No\x00signal"
    with pytest.raises(ValidationError) as refused:
        cause.full_clean()
    assert refused.value.message_dict == {"title": ["Null characters are not allowed."]}
    question = make_question(topic=make_guide(1)[0])
    choice = TriageChoice(question=question, label="a\x00", position=9, symptom_id=None)
    with pytest.raises(ValidationError) as refused:
        choice.full_clean()
    assert refused.value.message_dict["label"] == ["Null characters are not allowed."]


@pytest.mark.django_db
def test_render_content_stays_quick_on_a_row_that_skipped_validation():
    step = make_step()
    FixStep.objects.filter(pk=step.pk).update(instructions="[" * 30_000)
    started = time.process_time()
    call_command("render_content", verbosity=0)
    assert time.process_time() - started < 5
    step.refresh_from_db()
    assert step.instructions_html.startswith("<p>[[[")
