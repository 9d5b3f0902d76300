"""Checks of the triage questions: every answer shown, no dead ends, no loops, all reachable."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator

from django.utils.translation import gettext, ngettext

from troubleshooting import rules
from troubleshooting.models import Symptom, Topic, TriageChoice, TriageQuestion

from .problems import Level, Problem, ProblemKind, Ref, field_name, quote
from .site import Site


def check_hidden_answers(site: Site) -> Iterator[Problem]:
    """Answers leading to a draft, or to a symptom with nothing to try, are left off the page."""
    for choice in site.choices:
        question = site.get(TriageQuestion, choice.question_id)
        if question is None or site.leads_on(choice):
            continue
        target, lead, fix = _hidden_answer(site, choice)
        if site.is_live(question):
            # Translators: "lead" says where the answer leads and why that is hidden; "fix" is
            # what to do, said mid-sentence ("publish “Restart”").
            message = gettext(
                "%(lead)s, so people don't see this answer. To show it, %(fix)s, or make the "
                "answer lead somewhere else."
            )
            severity = Level.ERROR
        else:
            message = gettext(
                "%(lead)s: once this question is published, people won't see this answer. Before "
                "publishing, %(fix)s, or make the answer lead somewhere else."
            )
            severity = Level.WARNING
        message %= {"lead": lead, "fix": fix}
        yield Problem(
            severity, ProblemKind.HIDDEN_ANSWER, Ref.to(question), message, (Ref.to(target),)
        )


def _hidden_answer(site: Site, choice: TriageChoice) -> tuple:
    """Return where a hidden answer leads, why that is hidden, and what would show it."""
    names = {"answer": quote(choice.label)}
    if choice.next_question_id is not None:
        target = site.get(TriageQuestion, choice.next_question_id)
        names |= {"target": quote(target), "why": site.why_hidden(target)}
        lead = gettext("The answer %(answer)s leads to the question %(target)s, which %(why)s")
        return target, lead % names, gettext("publish %(target)s") % names
    target = site.get(Symptom, choice.symptom_id)
    names["target"] = quote(target)
    if site.is_live(target):
        names["why"] = gettext("has no published fix steps")
        fix = gettext("add published fix steps to %(target)s")
    else:
        names["why"] = site.why_hidden(target)
        fix = gettext("publish %(target)s (with its fix steps)")
    lead = gettext("The answer %(answer)s leads to the symptom %(target)s, which %(why)s")
    return target, lead % names, fix % names


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
            message = ngettext(
                "Its only answer can't be shown (it leads to a draft or to a symptom without "
                "published fix steps), so people who reach this question are stuck: the guided "
                "fix stops here. Add an answer that leads to a published question or to a "
                "published symptom with fix steps, or publish what its answer leads to.",
                "None of its %(count)d answers can be shown (they lead to drafts or to symptoms "
                "without published fix steps), so people who reach this question are stuck: the "
                "guided fix stops here. Add an answer that leads to a published question or to "
                "a published symptom with fix steps, or publish what its answers lead to.",
                len(choices),
            ) % {"count": len(choices)}
        else:
            message = gettext(
                "It has no answers, so people who reach this question are stuck: the guided fix "
                "stops here. Add an answer that leads to a published question or to a published "
                "symptom with fix steps."
            )
        targets = {
            Ref.to(site.get(TriageQuestion, c.next_question_id))
            if c.next_question_id is not None
            else Ref.to(site.get(Symptom, c.symptom_id))
            for c in choices
        }
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
            gettext("%(question)s (answer %(answer)s)")
            % {
                "question": quote(site.get(TriageQuestion, choice.question_id)),
                "answer": quote(choice.label),
            }
            for choice in path
        )
        message = gettext(
            "Answers lead round in a circle: %(hops)s → %(question)s. People who follow them "
            "never reach a fix. Make one of these answers lead to a symptom, or to a question "
            "outside the circle."
        ) % {"hops": hops, "question": quote(question)}
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
                message = gettext(
                    "No answer leads to this question from the topic's first question, so the "
                    "guided fix never gets here. Make an answer of a reachable question lead "
                    "here, or move this question back to draft if it's not needed."
                )
            else:
                message = gettext(
                    "The topic %(topic)s has no published first question, so the guided fix "
                    "never gets here. Make an answer of a reachable question lead here, or move "
                    "this question back to draft if it's not needed."
                ) % {"topic": quote(topic)}
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
            message = gettext(
                "This topic has published symptoms but no published first question, so its page "
                "offers no guided fix. Tick %(field)s on one of its triage questions and "
                "publish it."
            ) % {"field": field_name(TriageQuestion, "is_start")}
            yield Problem(Level.WARNING, ProblemKind.TOPIC_WITHOUT_START, Ref.to(topic), message)
