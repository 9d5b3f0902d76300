"""The guided fix's public reads: a symptom by its address, and its steps, as prepared reads.

A step page's two queries (the symptom with its topic, the list of steps) were built and
compiled by the ORM on every request, and their rows made into model instances through its
converters: most of a step's CPU without the page cache. Their SQL is now written once per
process (``prepared.Prepared``) from the same querysets (``live()``, joins), and their rows made
into instances with only what the flow pages read, the other fields deferred. A step page
reads of the other steps their ids alone: the shown step's fields and pre-rendered pieces (all
languages': a few KB a step) come in its row only, numbered by the database in the list's own
order. The pieces are read as text and decoded when the page shows them. An editor's preview
is read by the ORM, whole, as before (``Flow.for_symptom``).
"""

from __future__ import annotations

import json

from django.db.models import Case, Func, TextField, When, Window
from django.db.models.functions import Cast, RowNumber
from django.db.models.lookups import Exact

from .flow import public_step_links
from .models import FixStep, Symptom, Topic
from .pieces import STEP_INPUTS
from .prepared import Instances, Prepared

# What the flow pages show of a symptom and its topic (the end page: where to go next).
SYMPTOM_FIELDS = ("id", "slug", "title", "summary", "next_moves_html", "topic_id")
TOPIC_FIELDS = ("id", "slug", "title", "escalation_html")
# What a step page shows (the inputs of a step's pieces, rendered live when not stored), and what
# the flow and its addresses read besides: one list of a step's inputs, in ``pieces``.
STEP_FIELDS = ("id", *STEP_INPUTS, "interrupts")

_symptom = Instances(Symptom, SYMPTOM_FIELDS)
_topic = Instances(Topic, TOPIC_FIELDS)
_step = Instances(FixStep, STEP_FIELDS)
# A step's pieces, read as text: decoded for the one step a page shows, not for every step.
_PIECES_TEXT = "_pieces_text"


def _symptom_query(*, preview: bool, topic_slug: str, symptom_slug: str):
    """Return the visible symptom at a topic's and a symptom's slug, with its topic's fields."""
    return (
        Symptom.objects.in_visible_topic(preview=preview)
        .filter(slug=symptom_slug, topic__slug=topic_slug)
        .values_list(*SYMPTOM_FIELDS, *(f"topic__{name}" for name in TOPIC_FIELDS))
    )


def _steps_query(*, preview: bool, symptom: int):
    """Return a symptom's live steps in order, with their pieces as text."""
    # The answer's path reads the same links (``Flow.for_symptom``): one definition of which
    # steps are public and in what order, so a page and an answer never count different steps.
    return (
        public_step_links(preview=preview)
        .filter(symptom_id=symptom)
        .values_list(
            *(f"step__{name}" for name in STEP_FIELDS),
            Cast("step__pieces", output_field=TextField()),
        )
    )


class JSONValues(Func):
    """The values as the text of a JSON array, in their order (SQL's NULL as null)."""

    # Not Django's JSONArray: it asks the database whether it has JSON functions, with a query
    # of its own, the first time it is written: a prepared read is one statement.
    function = "JSON_ARRAY"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        """Build the array as json, not jsonb: kept as written, never parsed again."""
        return self.as_sql(
            compiler,
            connection,
            function="JSON_BUILD_ARRAY",
            template="%(function)s(%(expressions)s)::text",
            **extra_context,
        )


def _shown_steps_query(*, preview: bool, symptom: int, shown: int):
    """Return a symptom's live steps' ids in order, and the ``shown``-th one's fields and pieces.

    The other steps' instructions, warnings and pieces (all languages': a few KB a step) are
    neither read nor sent: the shown step's values come as one JSON array in its row.
    """
    links = public_step_links(preview=preview)
    # Numbered in the list's own order (unique positions): the number is the step's address.
    number = Window(RowNumber(), order_by=list(links.query.order_by))
    values = (
        *(f"step__{name}" for name in STEP_FIELDS[1:]),
        Cast("step__pieces", output_field=TextField()),
    )
    shown_values = JSONValues(*values)
    return links.filter(symptom_id=symptom).values_list(
        "step_id",
        # One comparison with ``shown``, whose value a prepared read puts in one place.
        Case(When(Exact(number, shown), then=shown_values), output_field=TextField()),
    )


_symptom_read = Prepared(_symptom_query)
_steps_read = Prepared(_steps_query)
_shown_steps_read = Prepared(_shown_steps_query)


def public_symptom(topic_slug: str, symptom_slug: str) -> Symptom | None:
    """Return the public symptom at these slugs, with its topic, or None."""
    rows = _symptom_read.rows(topic_slug=topic_slug, symptom_slug=symptom_slug)
    if not rows:
        return None
    row = rows[0]
    symptom = _symptom(row[: len(SYMPTOM_FIELDS)])
    symptom.topic = _topic(row[len(SYMPTOM_FIELDS) :])
    return symptom


class ListedStep:
    """A step in the list that the page does not show: its id is all the flow reads of it."""

    __slots__ = ("pk",)

    def __init__(self, pk: int):
        self.pk = pk

    def __repr__(self) -> str:
        return f"<ListedStep {self.pk}>"


def public_steps(symptom: Symptom, *, shown: int | None = None) -> tuple[FixStep | ListedStep, ...]:
    """Return a symptom's public steps in order, each with its pieces kept as text.

    With ``shown`` (a step page's number) only that step is read whole and made a model
    instance: the others are ``ListedStep``s, their ids all the flow reads of them.
    """
    if shown is None:
        return tuple(_listed(row) for row in _steps_read.rows(symptom=symptom.pk))
    rows = _shown_steps_read.rows(symptom=symptom.pk, shown=shown)
    return tuple(ListedStep(pk) if text is None else _shown(pk, text) for pk, text in rows)


def _listed(row: tuple) -> FixStep:
    """Return the step of a row of the whole list, its pieces kept as text."""
    step = _step(row[:-1])
    setattr(step, _PIECES_TEXT, row[-1])
    return step


def _shown(pk: int, text: str) -> FixStep:
    """Return the shown step from its id and its values as a JSON array (pieces last, as text)."""
    *values, pieces = json.loads(text)
    step = _step((pk, *values))
    setattr(step, _PIECES_TEXT, pieces)
    return step


def with_pieces(step: FixStep) -> FixStep:
    """Return ``step`` with its stored pieces decoded, if they were read as text."""
    text = step.__dict__.pop(_PIECES_TEXT, None)
    if text is not None:
        step.pieces = json.loads(text)
    return step
