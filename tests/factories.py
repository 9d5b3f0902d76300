"""Small factories: each test builds just the content it needs."""

from itertools import count

from troubleshooting.models import (
    Cause,
    FixStep,
    Severity,
    Status,
    Symptom,
    SymptomCause,
    SymptomStep,
    Topic,
    TriageChoice,
    TriageQuestion,
)

_seq = count(1)


def _n() -> int:
    return next(_seq)


def make_topic(**fields) -> Topic:
    n = _n()
    defaults = {
        "title": f"Topic {n}",
        "slug": f"topic-{n}",
        "summary": f"Summary of topic {n}.",
        "escalation": "Contact **support**.",
        "status": Status.PUBLISHED,
    }
    return Topic.objects.create(**{**defaults, **fields})


def make_cause(**fields) -> Cause:
    n = _n()
    defaults = {
        "title": f"Cause {n}",
        "slug": f"cause-{n}",
        "description": f"Why it happens, reason {n}.",
        "status": Status.PUBLISHED,
    }
    return Cause.objects.create(**{**defaults, **fields})


def make_step(**fields) -> FixStep:
    n = _n()
    defaults = {
        "title": f"Fix step {n}",
        "slug": f"fix-step-{n}",
        "instructions": f"1. Do thing {n}.\n2. Check again.",
        "severity": Severity.QUICK,
        "minutes": 1,
        "status": Status.PUBLISHED,
    }
    if fields.get("severity") == Severity.DESTRUCTIVE:
        defaults["warning"] = "This **deletes** your messages."
    return FixStep.objects.create(**{**defaults, **fields})


def make_symptom(*, topic=None, steps=(), causes=(), **fields) -> Symptom:
    n = _n()
    defaults = {
        "topic": topic or make_topic(),
        "title": f"Symptom {n}",
        "slug": f"symptom-{n}",
        "summary": f"What symptom {n} looks like.",
        "body": f"What symptom {n} *means*.",
        "status": Status.PUBLISHED,
    }
    symptom = Symptom.objects.create(**{**defaults, **fields})
    for position, step in enumerate(steps, start=1):
        SymptomStep.objects.create(symptom=symptom, step=step, position=position)
    for position, cause in enumerate(causes, start=1):
        SymptomCause.objects.create(symptom=symptom, cause=cause, position=position)
    return symptom


def make_question(*, topic, **fields) -> TriageQuestion:
    n = _n()
    defaults = {
        "topic": topic,
        "slug": f"question-{n}",
        "prompt": f"Question {n}?",
        "status": Status.PUBLISHED,
    }
    return TriageQuestion.objects.create(**{**defaults, **fields})


def make_choice(*, question, position=None, **fields) -> TriageChoice:
    if position is None:
        position = question.choices.count() + 1
    defaults = {"label": f"Answer {position}", "position": position}
    return TriageChoice.objects.create(question=question, **{**defaults, **fields})


def make_guide(step_count: int = 3, *, destructive_last: bool = False):
    """Build a published topic with a start question leading to one symptom with steps."""
    topic = make_topic()
    steps = [make_step() for _ in range(step_count)]
    if destructive_last:
        steps.append(make_step(severity=Severity.DESTRUCTIVE, title="Delete the conversation"))
    symptom = make_symptom(topic=topic, steps=steps, causes=[make_cause()])
    question = make_question(topic=topic, is_start=True, prompt="What does it say?")
    make_choice(question=question, label="Sending…", symptom=symptom)
    return topic, symptom, steps, question
