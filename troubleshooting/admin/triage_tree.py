"""A topic's triage tree, drawn: questions → answers → symptoms, with what is wrong marked.

``TriageTreePage`` gives the Topic admin a page per topic (``admin:troubleshooting_topic_triage``)
that draws the tree as SVG on the server (an indented tree: each row one question, answer or
symptom) and lists the same tree as nested lists for screen readers. What is marked comes from the
content checks (``content_checks.triage``) run on one ``Site``, so the drawing and the content
check never disagree; the page runs the ``Site``'s fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from troubleshooting.content_checks import ProblemKind, Site
from troubleshooting.content_checks.triage import (
    check_dead_ends,
    check_hidden_answers,
    check_unreachable_questions,
)
from troubleshooting.models import Status, Symptom, Topic, TriageQuestion

INDENT = 28
ROW = 36
BOX = 28
WIDTH = 720
CHAR = 7.2  # average width of a 13 px character, to know how much of a label fits

# Marks, in the order shown, with the class that draws them.
MARKS = {
    "draft": "Draft",
    "scheduled": "Scheduled",
    "dead-end": "Dead end",
    "unreachable": "Unreachable",
    "hidden": "Hidden from people",
    "no-steps": "No published steps",
    "loop": "Leads back: a loop",
    "repeat": "Shown above",
}
PROBLEM_MARKS = {"dead-end", "unreachable", "hidden", "no-steps", "loop"}


@dataclass
class Node:
    """One row of the tree: a question, an answer or a symptom."""

    kind: str
    text: str
    url: str | None
    marks: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    depth: int = 0
    row: int = 0

    @property
    def mark_labels(self) -> list[str]:
        return [MARKS[mark] for mark in self.marks]

    @property
    def has_problem(self) -> bool:
        return any(mark in PROBLEM_MARKS for mark in self.marks)

    @property
    def is_draft(self) -> bool:
        return "draft" in self.marks or "scheduled" in self.marks


class TreeBuilder:
    """Walk a topic's questions from its first question, marking what the checks found."""

    def __init__(self, site: Site, topic: Topic, *, site_name: str = "admin"):
        self.site, self.topic, self.site_name = site, topic, site_name
        self.problems = {
            (p.kind, p.obj.model, p.obj.pk)
            for check in (check_dead_ends, check_unreachable_questions, check_hidden_answers)
            for p in check(site)
        }
        self.drawn: set[int] = set()

    def url(self, model, pk) -> str:
        opts = model._meta
        return reverse(f"{self.site_name}:{opts.app_label}_{opts.model_name}_change", args=[pk])

    def status_marks(self, obj) -> list[str]:
        if self.site.is_live(obj):
            return []
        return ["draft"] if obj.status != Status.PUBLISHED else ["scheduled"]

    def question(self, question: TriageQuestion, path: tuple[int, ...]) -> Node:
        node = Node("question", question.prompt, self.url(TriageQuestion, question.pk))
        node.marks = self.status_marks(question)
        if (ProblemKind.TRIAGE_DEAD_END, TriageQuestion, question.pk) in self.problems:
            node.marks.append("dead-end")
        if (ProblemKind.TRIAGE_UNREACHABLE, TriageQuestion, question.pk) in self.problems:
            node.marks.append("unreachable")
        if question.pk in path:
            node.marks.append("loop")
            return node
        if question.pk in self.drawn:
            node.marks.append("repeat")
            return node
        self.drawn.add(question.pk)
        for choice in self.site.choices:
            if choice.question_id == question.pk:
                node.children.append(self.answer(choice, question, (*path, question.pk)))
        return node

    def answer(self, choice, question: TriageQuestion, path: tuple[int, ...]) -> Node:
        node = Node("answer", choice.label, self.url(TriageQuestion, question.pk))
        if not self.site.leads_on(choice):
            node.marks.append("hidden")
        if choice.next_question_id is not None:
            target = self.site.get(TriageQuestion, choice.next_question_id)
            if target is not None:
                node.children.append(self.question(target, path))
        else:
            symptom = self.site.get(Symptom, choice.symptom_id)
            if symptom is not None:
                node.children.append(self.symptom(symptom))
        return node

    def symptom(self, symptom: Symptom) -> Node:
        node = Node("symptom", symptom.title, self.url(Symptom, symptom.pk))
        node.marks = self.status_marks(symptom)
        if not self.site.live_steps(symptom):
            node.marks.append("no-steps")
        return node

    def roots(self) -> tuple[list[Node], list[Node]]:
        """Return the trees from the first question(s), then the questions they never reach."""
        questions = sorted(self.site.questions_of(self.topic), key=lambda q: (q.prompt, q.pk))
        starts = [self.question(q, ()) for q in questions if q.is_start]
        rest = [self.question(q, ()) for q in questions if q.pk not in self.drawn]
        for node in rest:
            if "unreachable" not in node.marks and not node.is_draft:
                node.marks.append("unreachable")
        return starts, rest


def lay_out(roots: list[Node]) -> list[Node]:
    """Give every node its row and depth, in reading order; return them all."""
    rows: list[Node] = []

    def place(node: Node, depth: int) -> None:
        node.depth, node.row = depth, len(rows)
        rows.append(node)
        for child in node.children:
            place(child, depth + 1)

    for root in roots:
        place(root, 0)
    return rows


@dataclass(frozen=True)
class Box:
    """A node as drawn: its place, its label cut to fit, and the line from its parent."""

    node: Node
    x: int
    y: int
    width: int
    label: str
    marks: str
    parent_x: int | None
    parent_y: int | None


def drawing(rows: list[Node]) -> tuple[list[Box], dict]:
    """Return the boxes of the SVG and its size."""
    boxes, parents = [], {}
    for node in rows:
        for child in node.children:
            parents[id(child)] = node
    width = WIDTH + INDENT * max((node.depth for node in rows), default=0)
    for node in rows:
        x, y = node.depth * INDENT, node.row * ROW
        marks = " · ".join(node.mark_labels)
        room = int((width - x - 24 - len(marks) * CHAR) / CHAR)
        prefix = {"answer": "Answer: ", "symptom": "Symptom: "}.get(node.kind, "")
        label = Truncator(prefix + node.text).chars(max(room, 12))
        parent = parents.get(id(node))
        boxes.append(
            Box(
                node=node,
                x=x,
                y=y,
                width=width - x,
                label=label,
                marks=marks,
                parent_x=parent.depth * INDENT + 12 if parent else None,
                parent_y=parent.row * ROW + BOX if parent else None,
            )
        )
    return boxes, {"width": width, "height": max(len(rows), 1) * ROW, "box": BOX}


class TriageTreePage:
    """Give the Topic admin its triage tree page."""

    def get_urls(self):
        page = path(
            "<path:object_id>/triage/",
            self.admin_site.admin_view(self.triage_tree_view),
            name="troubleshooting_topic_triage",
        )
        return [page, *super().get_urls()]

    @method_decorator(require_safe)
    def triage_tree_view(self, request, object_id):
        """Draw a topic's triage questions, answers and symptoms, with problems marked."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        topic_id = int(object_id) if object_id.isascii() and object_id.isdigit() else 0
        topic = get_object_or_404(Topic, pk=topic_id)
        builder = TreeBuilder(Site.load(), topic, site_name=self.admin_site.name)
        starts, rest = builder.roots()
        rows = lay_out([*starts, *rest])
        boxes, size = drawing(rows)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": topic,
            "title": f"Triage tree: {topic.title}",
            "starts": starts,
            "rest": rest,
            "boxes": boxes,
            "size": size,
            "problem_count": sum(node.has_problem for node in rows),
            "draft_count": sum(node.is_draft for node in rows),
        }
        return TemplateResponse(request, "admin/troubleshooting/triage_tree.html", context)
