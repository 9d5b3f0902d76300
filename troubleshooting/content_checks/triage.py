"""Checks of the triage questions: every answer shown, no dead ends, no loops, all reachable."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator

from troubleshooting import rules
from troubleshooting.models import Symptom, Topic, TriageChoice, TriageQuestion

from .problems import Level, Problem, ProblemKind, Ref, quote
from .site import Site


def check_hidden_answers(site: Site) -> Iterator[Problem]:
    """Answers leading to a draft, or to a symptom with nothing to try, are left off the page."""
    for choice in site.choices:
        question = site.get(TriageQuestion, choice.question_id)
        if question is None or site.leads_on(choice):
            continue
        if choice.next_question_id is not None:
            target = site.get(TriageQuestion, choice.next_question_id)
            why = site.why_hidden(target)
            fix = f"publish {quote(target)}"
        else:
            target = site.get(Symptom, choice.symptom_id)
            if site.is_live(target):
                why = "has no published fix steps"
                fix = f"add published fix steps to {quote(target)}"
            else:
                why = site.why_hidden(target)
                fix = f"publish {quote(target)} (with its fix steps)"
        kind = "question" if choice.next_question_id is not None else "symptom"
        lead = f"The answer {quote(choice.label)} leads to the {kind} {quote(target)}, which {why}"
        if site.is_live(question):
            message = (
                f"{lead}, so people don't see this answer. To show it, {fix}, or make the answer "
                "lead somewhere else."
            )
            severity = Level.ERROR
        else:
            message = (
                f"{lead}: once this question is published, people won't see this answer. Before "
                f"publishing, {fix}, or make the answer lead somewhere else."
            )
            severity = Level.WARNING
        yield Problem(
            severity, ProblemKind.HIDDEN_ANSWER, Ref.to(question), message, (Ref.to(target),)
        )


def check_dead_ends(site: Site) -> Iterator[Problem]:
    """A published question must offer at least one answer people can go on with."""
    answers: dict[int | None, list[TriageChoice]] = defaultdict(list)
    for choice in site.choices:
        answers[choice.question_id].append(choice)
    for question in site.all(TriageQuestion):
        choices = answers.get(question.pk, [])
        if not site.is_live(question) or any(site.leads_on(choice) for choice in choices):
            continue
        if choices:
            what = (
                f"None of its {len(choices)} answers can be shown (they lead to drafts or to "
                "symptoms without published fix steps)"
            )
        else:
            what = "It has no answers"
        targets = {
            Ref.to(site.get(TriageQuestion, c.next_question_id))
            if c.next_question_id is not None
            else Ref.to(site.get(Symptom, c.symptom_id))
            for c in choices
        }
        message = (
            f"{what}, so people who reach this question are stuck: the guided fix stops here. "
            "Add an answer that leads to a published question or to a published symptom with "
            "fix steps, or publish what its answers lead to."
        )
        related = tuple(sorted(targets, key=lambda ref: ref.text))
        yield Problem(Level.ERROR, ProblemKind.TRIAGE_DEAD_END, Ref.to(question), message, related)


def check_loops(site: Site) -> Iterator[Problem]:
    """Answers must never lead people round in a circle of questions."""
    edges = site.triage_edges()
    reach = {source: _reachable(edges, source) for source in edges}
    reported: set[int | None] = set()
    for question in sorted(site.all(TriageQuestion), key=lambda q: (q.pk is None, q.pk or 0)):
        pk = question.pk
        if pk in reported or pk not in reach.get(pk, set()):
            continue
        circle = {other for other in reach[pk] if pk in reach.get(other, set())}
        reported |= circle
        path = _shortest_cycle(edges, pk, circle)
        hops = " → ".join(
            f"{quote(site.get(TriageQuestion, choice.question_id))} (answer {quote(choice.label)})"
            for choice in path
        )
        message = (
            f"Answers lead round in a circle: {hops} → {quote(question)}. People who follow "
            "them never reach a fix. Make one of these answers lead to a symptom, or to a question "
            "outside the circle."
        )
        others = (Ref.to(site.get(TriageQuestion, other)) for other in circle - {pk})
        related = tuple(sorted(others, key=lambda ref: ref.text))
        yield Problem(Level.ERROR, ProblemKind.TRIAGE_LOOP, Ref.to(question), message, related)


def _reachable(edges: dict, source) -> set:
    return rules.reachable(
        source, lambda question: (choice.next_question_id for choice in edges.get(question, []))
    )


def _shortest_cycle(edges: dict, start, within: set) -> list[TriageChoice]:
    """Return the answers of a shortest way from ``start`` back to itself, inside ``within``."""
    came_by: dict = {}
    pending = deque([start])
    # ``start`` is on a cycle within ``within``, so the search always comes back to it.
    while True:
        node = pending.popleft()
        for choice in edges.get(node, []):
            target = choice.next_question_id
            if target == start:
                path = [choice]
                while node != start:
                    path.append(came_by[node])
                    node = came_by[node].question_id
                return path[::-1]
            if target in within and target not in came_by:
                came_by[target] = choice
                pending.append(target)


def check_unreachable_questions(site: Site) -> Iterator[Problem]:
    """Every published question should be reachable from its topic's first question."""
    edges = site.triage_edges()
    for topic in site.all(Topic):
        questions = [q for q in site.questions_of(topic) if site.is_live(q)]
        starts = [q.pk for q in questions if q.is_start]
        reached = set(starts).union(*(_reachable(edges, start) for start in starts))
        for question in questions:
            if question.pk in reached:
                continue
            if starts:
                why = "No answer leads to this question from the topic's first question"
            else:
                why = f"The topic {quote(topic)} has no published first question"
            message = (
                f"{why}, so the guided fix never gets here. Make an answer of a reachable "
                "question lead here, or move this question back to draft if it's not needed."
            )
            yield Problem(
                Level.WARNING,
                ProblemKind.TRIAGE_UNREACHABLE,
                Ref.to(question),
                message,
                (Ref.to(topic),),
            )


def check_topic_start(site: Site) -> Iterator[Problem]:
    """A topic with published symptoms should start a guided fix with a question."""
    for topic in site.all(Topic):
        if not site.is_live(topic):
            continue
        has_symptoms = any(
            symptom.topic_id == topic.pk and site.is_live(symptom) for symptom in site.all(Symptom)
        )
        has_start = any(q.is_start and site.is_live(q) for q in site.questions_of(topic))
        if has_symptoms and not has_start:
            message = (
                "This topic has published symptoms but no published first question, so its page "
                "offers no guided fix. Tick “first question” on one of its triage questions and "
                "publish it."
            )
            yield Problem(Level.WARNING, ProblemKind.TOPIC_WITHOUT_START, Ref.to(topic), message)
