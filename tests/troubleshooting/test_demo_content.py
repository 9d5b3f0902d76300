"""The shipped iMessage guide: complete, reachable, safely ordered and faithful to its sources."""

import json
import re

import pytest
from django.core.management import call_command

from troubleshooting.management.commands.load_demo import DEMO_FIXTURE
from troubleshooting.markdown import render_markdown
from troubleshooting.models import (
    Cause,
    FixStep,
    Severity,
    Status,
    Symptom,
    Topic,
    TriageQuestion,
)

pytestmark = pytest.mark.django_db


def reachable_symptoms(topic) -> set[str]:
    """Walk the published triage graph from the topic's start question."""
    start = TriageQuestion.objects.visible().get(topic=topic, is_start=True)
    seen_questions, found, pending = set(), set(), [start]
    while pending:
        question = pending.pop()
        seen_questions.add(question.pk)
        for choice in question.choices.select_related("next_question", "symptom"):
            if choice.symptom is not None and choice.symptom.is_published:
                found.add(choice.symptom.slug)
            elif choice.next_question is not None and choice.next_question.is_published:
                assert choice.next_question.pk not in seen_questions, "triage loop"
                pending.append(choice.next_question)
    return found


def test_every_published_symptom_is_reachable_from_the_guided_fix(demo_content):
    for topic in Topic.objects.visible():
        published = set(topic.symptoms.visible().values_list("slug", flat=True))
        assert published, topic
        assert reachable_symptoms(topic) == published


def test_every_symptom_has_steps_ordered_safe_first(demo_content):
    for symptom in Symptom.objects.visible():
        steps = [link.step for link in symptom.symptom_steps.order_by("position")]
        assert len(steps) >= 3, symptom
        assert all(step.is_published for step in steps)
        severities = [step.severity for step in steps]
        assert severities == sorted(severities), f"{symptom}: a riskier step comes first"


def test_destructive_steps_carry_warnings_and_come_last(demo_content):
    destructive = FixStep.objects.filter(severity=Severity.DESTRUCTIVE)
    assert {step.slug for step in destructive} == {
        "delete-stuck-messages",
        "delete-whole-conversation",
    }
    for step in destructive:
        assert step.warning.strip() and step.warning_html
        for link in step.symptom_steps.select_related("symptom"):
            later = link.symptom.symptom_steps.filter(position__gt=link.position)
            assert all(other.step.is_destructive for other in later), link
    # Deleting only the stuck messages comes before deleting the whole history.
    for symptom in Symptom.objects.filter(steps__slug="delete-whole-conversation"):
        order = list(symptom.symptom_steps.values_list("step__slug", flat=True))
        assert order.index("delete-stuck-messages") < order.index("delete-whole-conversation")


def test_every_cause_and_step_is_used_and_published(demo_content):
    for cause in Cause.objects.all():
        assert cause.is_published and cause.symptoms.exists(), cause
    for step in FixStep.objects.all():
        assert step.is_published and step.symptoms.exists(), step


def test_stored_html_matches_the_markdown(demo_content):
    for model in (Topic, Cause, FixStep, Symptom, TriageQuestion):
        for obj in model.objects.all():
            for source, target in model.markdown_fields:
                assert getattr(obj, target) == render_markdown(getattr(obj, source)), (obj, source)


def test_loading_twice_changes_nothing(demo_content):
    counts = [model.objects.count() for model in (Topic, Cause, FixStep, Symptom)]
    call_command("loaddata", str(DEMO_FIXTURE), verbosity=0)
    assert [model.objects.count() for model in (Topic, Cause, FixStep, Symptom)] == counts


def test_fixture_uses_natural_keys_only():
    data = json.loads(DEMO_FIXTURE.read_text())
    assert all("pk" not in obj for obj in data)
    assert all(
        obj["fields"]["status"] == Status.PUBLISHED for obj in data if "status" in obj["fields"]
    )


def text_of(model, slug) -> str:
    obj = model.objects.get(slug=slug)
    return " ".join(str(value) for value in vars(obj).values() if isinstance(value, str))


# The facts and warnings the guide must keep, whatever an editor rewrites: (model, slug, patterns).
FACTS = [
    (FixStep, "toggle-airplane-mode", [r"ten seconds|10 seconds"]),
    (FixStep, "turn-imessage-off-and-on", [r"Settings > Messages|\*\*Messages\*\*"]),
    (FixStep, "turn-on-send-as-sms", [r"Send as SMS"]),
    (FixStep, "resend-as-text-message", [r"exclamation"]),
    (FixStep, "set-date-time-automatically", [r"Set Automatically"]),
    (FixStep, "sign-out-of-imessage-and-back-in", [r"Send & Receive", r"Sign Out"]),
    (FixStep, "update-ios", [r"Software Update", r"photos or messages"]),
    (
        FixStep,
        "force-restart",
        [r"Apple logo", r"(not|n't)\W+(delete|erase|lose)"],
    ),
    (FixStep, "swap-sim-card", [r"24 hours", r"free"]),
    (
        FixStep,
        "reset-all-settings",
        [
            r"Erase All Content and Settings",
            r"last resort",
            r"(not|n't)\W+(delete|erase|lose)",
        ],
    ),
    (FixStep, "delete-stuck-messages", [r"Copy|screenshot"]),
    (
        FixStep,
        "delete-whole-conversation",
        [r"last resort", r"(whole|entire|all).{0,40}(history|conversation)"],
    ),
    (FixStep, "call-twice-within-three-minutes", [r"three minutes|3 minutes", r"Do Not Disturb"]),
    (FixStep, "check-read-receipts", [r"Send Read Receipts"]),
    (FixStep, "ask-about-other-devices", [r"iPad|Mac"]),
    (Symptom, "delivered-no-reply", [r"Read", r"Do Not Disturb"]),
    (Symptom, "delivered-not-received", [r"blocked", r"Apple ID"]),
    (Symptom, "not-delivered", [r"internet"]),
    (Symptom, "sent-as-text-message", [r"green", r"Android|Apple (device|product)"]),
    (Cause, "wrong-date-time", [r"certificate"]),
    (Cause, "blocked", [r"Delivered"]),
]


@pytest.mark.parametrize(("model", "slug", "patterns"), FACTS, ids=[f[1] for f in FACTS])
def test_the_guide_keeps_its_facts_and_warnings(demo_content, model, slug, patterns):
    text = text_of(model, slug)
    for pattern in patterns:
        assert re.search(pattern, text, re.IGNORECASE), f"{slug} lost: {pattern}"


def test_the_end_of_the_flow_points_to_people_who_can_help(demo_content):
    escalation = Topic.objects.get(slug="messages").escalation
    assert "support.apple.com" in escalation
    assert re.search(r"carrier", escalation, re.IGNORECASE)
