"""Content checks: the mistakes editors can make that people would run into.

Forms and database constraints refuse many bad states one object at a time. These checks look at
the content as a whole, as the public sees it now (published, and past its publication time), and
also catch what got past the forms: fixtures, bulk actions, publishing one piece while what it
relies on stays a draft. Everything is loaded in a fixed number of queries and checked in memory,
so the whole site can be checked after every save and in CI.

``check_content()`` checks everything, ``check_object(obj)`` an object as it stands (even unsaved,
before its form is saved); both return ``Problem``s written for editors.
"""

from __future__ import annotations

import enum
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import models
from django.http.request import validate_host
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import formats, timezone
from django.utils.text import capfirst

from .markdown import render_markdown
from .models import (
    Cause,
    FixStep,
    Severity,
    SlugRedirect,
    Status,
    Symptom,
    SymptomStep,
    Topic,
    TriageChoice,
    TriageQuestion,
)

# The content models, in the order problems are listed: from the topic down to its parts.
CONTENT_MODELS: tuple[type[models.Model], ...] = (Topic, TriageQuestion, Symptom, FixStep, Cause)


class Level(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Kind(enum.StrEnum):
    """What kind of mistake a problem is: stable names for tests, filters and logs."""

    TRIAGE_LOOP = "triage-loop"
    TRIAGE_DEAD_END = "triage-dead-end"
    TRIAGE_UNREACHABLE = "triage-unreachable"
    TOPIC_WITHOUT_START = "topic-without-start"
    HIDDEN_ANSWER = "hidden-answer"
    SYMPTOM_WITHOUT_STEPS = "symptom-without-steps"
    DESTRUCTIVE_WITHOUT_WARNING = "destructive-without-warning"
    DESTRUCTIVE_BEFORE_SAFER = "destructive-before-safer"
    BROKEN_LINK = "broken-link"
    RENAMED_LINK = "renamed-link"


@dataclass(frozen=True)
class Ref:
    """The object a problem is about: enough to name it and link to it without a query."""

    model: type[models.Model]
    pk: int | None
    text: str

    @classmethod
    def to(cls, obj: models.Model) -> Ref:
        return cls(type(obj), obj.pk, str(obj))

    @property
    def kind(self) -> str:
        return capfirst(self.model._meta.verbose_name)

    def is_for(self, obj: models.Model) -> bool:
        return self.model is type(obj) and self.pk == obj.pk

    def __str__(self) -> str:
        return f"{self.kind} “{self.text}”"


@dataclass(frozen=True)
class Problem:
    """One mistake: where to fix it (``obj``), what else it involves, and what to do about it."""

    severity: Level
    kind: Kind
    obj: Ref
    message: str
    related: tuple[Ref, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity is Level.ERROR

    def concerns(self, obj: models.Model) -> bool:
        """Whether the problem is in ``obj`` or involves it (e.g. an answer leading to it)."""
        return self.obj.is_for(obj) or any(ref.is_for(obj) for ref in self.related)


def check_content() -> list[Problem]:
    """Check all content and return its problems, in a fixed number of queries."""
    return _run(Site.load())


def check_object(obj: models.Model) -> list[Problem]:
    """Return the problems of one object, or involving it, as it stands in memory.

    The object replaces its saved version (an unsaved one joins the content), so a form's
    instance can be checked before it is saved: the rest of the content comes from the database.
    """
    if type(obj) not in CONTENT_MODELS:
        raise TypeError(f"Only content can be checked, not {type(obj).__name__}.")
    site = Site.load()
    site.put(obj)
    return [problem for problem in _run(site) if problem.concerns(obj)]


def group_by_object(problems: Iterable[Problem]) -> list[tuple[Ref, list[Problem]]]:
    """Group sorted problems by the object to fix, keeping their order."""
    groups: dict[Ref, list[Problem]] = {}
    for problem in problems:
        groups.setdefault(problem.obj, []).append(problem)
    return list(groups.items())


def count(problems: Iterable[Problem]) -> tuple[int, int]:
    """Return the number of errors and of warnings."""
    problems = list(problems)
    errors = sum(problem.is_error for problem in problems)
    return errors, len(problems) - errors


def _run(site: Site) -> list[Problem]:
    problems = {problem for check in CHECKS for problem in check(site)}
    order = {model: index for index, model in enumerate(CONTENT_MODELS)}
    return sorted(
        problems,
        key=lambda p: (
            order[p.obj.model],
            p.obj.text.casefold(),
            p.obj.pk or 0,
            not p.is_error,
            p.kind,
            p.message,
        ),
    )


class Site:
    """All the content, loaded once, with the links between objects kept as ids."""

    def __init__(
        self,
        *,
        topics: Iterable[Topic],
        questions: Iterable[TriageQuestion],
        choices: Iterable[TriageChoice],
        symptoms: Iterable[Symptom],
        steps: Iterable[FixStep],
        causes: Iterable[Cause],
        step_links: Iterable[SymptomStep],
        redirects: Iterable[SlugRedirect],
    ):
        self.now = timezone.now()
        self.objects: dict[type[models.Model], dict[int | None, models.Model]] = {
            Topic: {obj.pk: obj for obj in topics},
            TriageQuestion: {obj.pk: obj for obj in questions},
            Symptom: {obj.pk: obj for obj in symptoms},
            FixStep: {obj.pk: obj for obj in steps},
            Cause: {obj.pk: obj for obj in causes},
        }
        self.choices = sorted(choices, key=lambda choice: (choice.question_id, choice.position))
        self.step_links: dict[int, list[SymptomStep]] = defaultdict(list)
        for link in sorted(step_links, key=lambda link: link.position):
            self.step_links[link.symptom_id].append(link)
        self.redirects = {(r.model, r.old_slug): r.object_id for r in redirects}
        # The object being edited: its HTML is rendered afresh, as saving it will.
        self.edited: models.Model | None = None
        self._slugs: dict | None = None

    @classmethod
    def load(cls) -> Site:
        """Load every piece of content in eight queries, whatever the amount."""
        return cls(
            topics=Topic.objects.all(),
            questions=TriageQuestion.objects.all(),
            choices=TriageChoice.objects.all(),
            symptoms=Symptom.objects.all(),
            steps=FixStep.objects.all(),
            causes=Cause.objects.all(),
            step_links=SymptomStep.objects.all(),
            redirects=SlugRedirect.objects.all(),
        )

    def put(self, obj: models.Model) -> None:
        """Check ``obj`` as it is in memory instead of as it was saved."""
        self.objects[type(obj)][obj.pk] = obj
        self.edited = obj
        self._slugs = None

    def all(self, model: type[models.Model]) -> list:
        return list(self.objects[model].values())

    def get(self, model: type[models.Model], pk: int | None):
        return self.objects[model].get(pk)

    def is_live(self, obj) -> bool:
        """Whether the public sees it now: published, and its publication time (if any) passed."""
        return obj.is_live_at(self.now)

    def why_hidden(self, obj) -> str:
        """Say why the public can't see ``obj`` (which is not live), e.g. "is a draft"."""
        if obj.status != Status.PUBLISHED:
            return "is a draft"
        when = formats.date_format(timezone.localtime(obj.publish_at), "j M Y, H:i")
        return f"is scheduled to appear only from {when}"

    def live_steps(self, symptom: Symptom) -> list[FixStep]:
        """Return the published steps of a symptom, in the order people try them."""
        steps = (self.get(FixStep, link.step_id) for link in self.step_links.get(symptom.pk, []))
        return [step for step in steps if step is not None and self.is_live(step)]

    def leads_on(self, choice: TriageChoice) -> bool:
        """Whether an answer is shown: mirrors ``services.visible_choices``, without queries."""
        if choice.next_question_id is not None:
            return self.is_live(self.get(TriageQuestion, choice.next_question_id))
        symptom = self.get(Symptom, choice.symptom_id)
        return self.is_live(symptom) and bool(self.live_steps(symptom))

    def questions_of(self, topic: Topic) -> list[TriageQuestion]:
        return [q for q in self.all(TriageQuestion) if q.topic_id == topic.pk]

    def triage_edges(self) -> dict[int | None, list[TriageChoice]]:
        """Return, per live question, its shown answers that lead to another question."""
        edges: dict[int | None, list[TriageChoice]] = defaultdict(list)
        for choice in self.choices:
            question = self.get(TriageQuestion, choice.question_id)
            if (
                choice.next_question_id is not None
                and question is not None
                and self.is_live(question)
                and self.leads_on(choice)
            ):
                edges[choice.question_id].append(choice)
        return edges

    def find(self, model: type[models.Model], slug: str):
        """Return the object with this slug, and whether the slug is an old, renamed one."""
        if self._slugs is None:
            self._slugs = {
                (type(obj), obj.slug): obj
                for objects in self.objects.values()
                for obj in objects.values()
            }
        obj = self._slugs.get((model, slug))
        if obj is not None:
            return obj, False
        object_id = self.redirects.get((model._meta.model_name, slug))
        obj = self.get(model, object_id) if object_id is not None else None
        return obj, obj is not None


def _quote(obj) -> str:
    return f"“{obj}”"


# Triage ------------------------------------------------------------------------------------------


def check_hidden_answers(site: Site) -> Iterator[Problem]:
    """Answers leading to a draft, or to a symptom with nothing to try, are left off the page."""
    for choice in site.choices:
        question = site.get(TriageQuestion, choice.question_id)
        if question is None or site.leads_on(choice):
            continue
        if choice.next_question_id is not None:
            target = site.get(TriageQuestion, choice.next_question_id)
            why = site.why_hidden(target)
            fix = f"publish {_quote(target)}"
        else:
            target = site.get(Symptom, choice.symptom_id)
            if site.is_live(target):
                why = "has no published fix steps"
                fix = f"add published fix steps to {_quote(target)}"
            else:
                why = site.why_hidden(target)
                fix = f"publish {_quote(target)} (with its fix steps)"
        kind = "question" if choice.next_question_id is not None else "symptom"
        lead = (
            f"The answer {_quote(choice.label)} leads to the {kind} {_quote(target)}, which {why}"
        )
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
        yield Problem(severity, Kind.HIDDEN_ANSWER, Ref.to(question), message, (Ref.to(target),))


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
        yield Problem(Level.ERROR, Kind.TRIAGE_DEAD_END, Ref.to(question), message, related)


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
            f"{_quote(site.get(TriageQuestion, choice.question_id))} "
            f"(answer {_quote(choice.label)})"
            for choice in path
        )
        message = (
            f"Answers lead round in a circle: {hops} → {_quote(question)}. People who follow "
            "them never reach a fix. Make one of these answers lead to a symptom, or to a question "
            "outside the circle."
        )
        others = (Ref.to(site.get(TriageQuestion, other)) for other in circle - {pk})
        related = tuple(sorted(others, key=lambda ref: ref.text))
        yield Problem(Level.ERROR, Kind.TRIAGE_LOOP, Ref.to(question), message, related)


def _reachable(edges: dict, source) -> set:
    seen: set = set()
    pending = [source]
    while pending:
        for choice in edges.get(pending.pop(), []):
            if choice.next_question_id not in seen:
                seen.add(choice.next_question_id)
                pending.append(choice.next_question_id)
    return seen


def _shortest_cycle(edges: dict, start, within: set) -> list[TriageChoice]:
    """Return the answers of a shortest way from ``start`` back to itself, inside ``within``."""
    came_by: dict = {}
    pending = deque([start])
    while pending:
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
    return []  # pragma: no cover (``start`` is known to be on a cycle)


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
                why = f"The topic {_quote(topic)} has no published first question"
            message = (
                f"{why}, so the guided fix never gets here. Make an answer of a reachable "
                "question lead here, or move this question back to draft if it's not needed."
            )
            yield Problem(
                Level.WARNING,
                Kind.TRIAGE_UNREACHABLE,
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
            yield Problem(Level.WARNING, Kind.TOPIC_WITHOUT_START, Ref.to(topic), message)


# Symptoms and steps -------------------------------------------------------------------------------


def check_symptom_steps(site: Site) -> Iterator[Problem]:
    """A published symptom needs published fix steps: its article and guided fix show them."""
    for symptom in site.all(Symptom):
        if not site.is_live(symptom) or site.live_steps(symptom):
            continue
        drafts = [
            step
            for link in site.step_links.get(symptom.pk, [])
            if (step := site.get(FixStep, link.step_id)) is not None
        ]
        if drafts:
            what = f"none of its {len(drafts)} fix steps is published"
            fix = "Publish its fix steps"
        else:
            what = "it has no fix steps"
            fix = "Add fix steps"
        message = (
            f"This symptom is published but {what}, so its article and guided fix have nothing "
            f"to try. {fix}, or move the symptom back to draft."
        )
        related = tuple(Ref.to(step) for step in drafts)
        yield Problem(Level.ERROR, Kind.SYMPTOM_WITHOUT_STEPS, Ref.to(symptom), message, related)


def check_destructive_warnings(site: Site) -> Iterator[Problem]:
    """A step that can lose data must say so (the database refuses only an empty warning)."""
    for step in site.all(FixStep):
        if (
            site.is_live(step)
            and step.severity == Severity.DESTRUCTIVE
            and not step.warning.strip()
        ):
            message = (
                "This step can lose people's data but has no warning. In “Warning”, say what can "
                "be lost and how to keep it safe (for example, take screenshots first)."
            )
            yield Problem(Level.ERROR, Kind.DESTRUCTIVE_WITHOUT_WARNING, Ref.to(step), message)


def check_step_order(site: Site) -> Iterator[Problem]:
    """People try steps in order: nothing destructive may come before a safer step."""
    for symptom in site.all(Symptom):
        if not site.is_live(symptom):
            continue
        steps = site.live_steps(symptom)
        for index, step in enumerate(steps):
            if step.severity != Severity.DESTRUCTIVE:
                continue
            safer = next((s for s in steps[index + 1 :] if s.severity < Severity.DESTRUCTIVE), None)
            if safer is None:
                continue
            message = (
                f"The destructive step {_quote(step)} (step {index + 1}, it can lose data) comes "
                f"before the safer step {_quote(safer)} (step {steps.index(safer) + 1}), so people "
                "could lose data before trying a gentler fix. In this symptom's fix steps, give "
                f"{_quote(step)} a higher position number than every safer step."
            )
            yield Problem(
                Level.ERROR,
                Kind.DESTRUCTIVE_BEFORE_SAFER,
                Ref.to(symptom),
                message,
                (Ref.to(step), Ref.to(safer)),
            )


# Links -------------------------------------------------------------------------------------------


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href is not None and href.strip() and href.strip() not in self.hrefs:
                self.hrefs.append(href.strip())


def links_in(html: str) -> list[str]:
    """Return the distinct link addresses in HTML, in order."""
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return parser.hrefs


@dataclass(frozen=True)
class _Verdict:
    severity: Level
    kind: Kind
    reason: str
    related: tuple[Ref, ...] = ()


def check_links(site: Site) -> Iterator[Problem]:
    """Links to the site's own pages must lead to a page the public can see."""
    for model in CONTENT_MODELS:
        for obj in site.all(model):
            if not site.is_live(obj):
                continue
            for source, target in obj.markdown_fields:
                stored = getattr(obj, target)
                text = getattr(obj, source)
                html = render_markdown(text) if obj is site.edited or not stored else stored
                label = capfirst(obj._meta.get_field(source).verbose_name)
                for href in links_in(html):
                    verdict = _judge_link(site, href)
                    if verdict is not None:
                        message = f"In {_quote(label)}, the link to {href} {verdict.reason}"
                        yield Problem(
                            verdict.severity, verdict.kind, Ref.to(obj), message, verdict.related
                        )


def _own_host(host: str | None) -> bool:
    if not host:
        return False
    own = [pattern for pattern in settings.ALLOWED_HOSTS if pattern != "*"]
    return validate_host(host, own) or validate_host(f"[{host}]", own)


def _broken(
    reason: str, *related, fix: str = "Correct the address, or remove the link."
) -> _Verdict:
    return _Verdict(
        Level.ERROR,
        Kind.BROKEN_LINK,
        f"is broken: {reason}. {fix}",
        tuple(Ref.to(obj) for obj in related),
    )


def _judge_link(site: Site, href: str) -> _Verdict | None:
    """Return what is wrong with a link, or None if it works (or leads off the site)."""
    if href.startswith("#"):
        return None
    parts = urlsplit(href)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None  # mailto:, tel:, sms:
    if parts.scheme or parts.netloc:
        if not _own_host(parts.hostname):
            return None  # another site: not fetched
    elif not parts.path.startswith("/"):
        if not parts.path:
            return None  # "?..." stays on the same page
        return _Verdict(
            Level.ERROR,
            Kind.BROKEN_LINK,
            "starts with neither “/” nor “https://”, so it leads somewhere different on each "
            "page that shows this text. For a page of this site, write its address starting "
            "with “/”, as the browser shows it after the site's name; for another site, start "
            "it with “https://”.",
        )
    path = unquote(parts.path) or "/"
    static_url = settings.STATIC_URL  # with the script prefix, unless it's another host
    if static_url.startswith("/") and path.startswith(static_url):
        if finders.find(path.removeprefix(static_url)):
            return None
        return _broken("there is no such file on the site")
    match = None
    for candidate in (path, path + "/") if not path.endswith("/") else (path,):
        try:
            match = resolve(candidate)
            break
        except Resolver404:
            continue
    if match is None:
        return _broken("there is no page at this address")
    if match.namespace == "admin":
        return _broken("it leads to the editors' admin, which people can't open")
    if match.namespace != "troubleshooting":
        return None
    return _judge_content_link(site, match, parts)


def _judge_content_link(site: Site, match, parts) -> _Verdict | None:
    kwargs = dict(match.kwargs)
    name = match.url_name
    if name == "preview":
        return _broken("it's the editors' preview switch, which people can't use")
    if "topic_slug" not in kwargs:
        return None  # the home page, search, robots.txt, the sitemap
    renamed = False
    topic, moved = site.find(Topic, kwargs["topic_slug"])
    renamed |= moved
    if topic is None:
        return _broken(f"there is no topic “{kwargs['topic_slug']}”")
    kwargs["topic_slug"] = topic.slug
    if not site.is_live(topic):
        return _broken(f"the topic {_quote(topic)} {site.why_hidden(topic)}", topic)
    if "symptom_slug" in kwargs:
        symptom, moved = site.find(Symptom, kwargs["symptom_slug"])
        renamed |= moved
        if symptom is None or symptom.topic_id != topic.pk:
            return _broken(f"there is no symptom “{kwargs['symptom_slug']}” in {_quote(topic)}")
        kwargs["symptom_slug"] = symptom.slug
        if not site.is_live(symptom):
            return _broken(f"the symptom {_quote(symptom)} {site.why_hidden(symptom)}", symptom)
        # Past its first step, a guided fix only works with the answers given so far.
        if name == "flow_fixed" or (name == "flow_step" and kwargs["number"] != 1):
            page = reverse("troubleshooting:symptom", args=[topic.slug, symptom.slug])
            return _broken(
                "it leads into the middle of a guided fix, which only works with the answers "
                "given so far",
                symptom,
                fix=f"Link to the symptom's page, {page}, instead.",
            )
        if name == "flow_step" and not site.live_steps(symptom):
            return _broken(f"the symptom {_quote(symptom)} has no published fix steps", symptom)
    elif "question_slug" in kwargs:
        question, moved = site.find(TriageQuestion, kwargs["question_slug"])
        renamed |= moved
        if question is None or question.topic_id != topic.pk:
            return _broken(
                f"there is no triage question “{kwargs['question_slug']}” in {_quote(topic)}"
            )
        kwargs["question_slug"] = question.slug
        if not site.is_live(question):
            return _broken(f"the question {_quote(question)} {site.why_hidden(question)}", question)
    elif name == "flow_start" and not any(
        q.is_start and site.is_live(q) for q in site.questions_of(topic)
    ):
        return _broken(f"the topic {_quote(topic)} has no published first question", topic)
    if renamed:
        return _renamed(match, kwargs, parts)
    return None


def _renamed(match, kwargs: dict, parts) -> _Verdict | None:
    try:
        path = reverse(match.view_name, kwargs=kwargs)
    except NoReverseMatch:  # pragma: no cover (the slugs came from the same patterns)
        return None
    new = urlunsplit(("", "", path, parts.query, parts.fragment))
    return _Verdict(
        Level.WARNING,
        Kind.RENAMED_LINK,
        f"uses an old address: it still works, through a redirect, but replace it with {new}.",
    )


CHECKS: tuple[Callable[[Site], Iterable[Problem]], ...] = (
    check_hidden_answers,
    check_dead_ends,
    check_loops,
    check_unreachable_questions,
    check_topic_start,
    check_symptom_steps,
    check_destructive_warnings,
    check_step_order,
    check_links,
)
