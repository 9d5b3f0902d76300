"""The guided fix's public reads: a symptom by its address, and its steps, as prepared reads.

A step page's queries (the symptom with its topic, the list of steps) were built and compiled
by the ORM on every request, and their rows made into model instances through its converters:
most of a step's CPU without the page cache. Their SQL is now written once per process
(``prepared.Prepared``) from the same querysets (``live()``, joins, ``public_step_links``), and
their rows made into instances with only what the flow pages read, the other fields deferred.

A step page is one read (``public_flow``): the symptom's row, with its topic's fields, the ids of
its public steps, and the fields of the one step the page shows, picked by its number in the
list's own order. The other steps' instructions, warnings and pre-rendered pieces (all
languages': a few KB a step) are neither read nor sent. The shown step's pieces come as JSON
within its values, decoded with them. The other flow pages (start, fixed, end) read the symptom,
then every step whole (``public_symptom``, ``public_steps``). An editor's preview is read by the
ORM, whole, as before (``Flow.for_symptom``).
"""

from __future__ import annotations

import json

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Aggregate, Func, IntegerField, OuterRef, Subquery, TextField
from django.db.models.functions import Cast

from .flow import public_step_links
from .models import FixStep, Symptom, SymptomStep, Topic
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


class JSONItem(JSONValues):
    """The values as a JSON array, an item of a ``JSONList``."""

    def as_postgresql(self, compiler, connection, **extra_context):
        """Build the array as json, left json for the aggregate to take in as it is."""
        return self.as_sql(compiler, connection, function="JSON_BUILD_ARRAY", **extra_context)


class EmbeddedJSON(Func):
    """A JSON column's value, for a ``JSONValues`` to hold as JSON rather than as text."""

    # Held as text, the value was escaped into the array on the server, then decoded twice.
    function = "JSON"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        """Give the jsonb as it is: ``JSON_BUILD_ARRAY`` holds it as JSON."""
        return self.as_sql(compiler, connection, template="%(expressions)s", **extra_context)


class JSONList(Aggregate):
    """A group's values as the text of a JSON array, in no order the database promises."""

    function = "JSON_GROUP_ARRAY"
    template = "CAST(%(function)s(%(expressions)s) AS text)"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        """Aggregate into json, not jsonb: kept as written, never parsed again."""
        return self.as_sql(compiler, connection, function="JSON_AGG", **extra_context)


class _Nth(Subquery):
    """The ``number``-th row (from 1) of an ordered subquery limited to one row."""

    # The offset is a parameter, so one prepared statement serves every step.
    template = "(%(subquery)s OFFSET GREATEST(%%s, 1) - 1)"

    def __init__(self, queryset, number: int):
        super().__init__(queryset)
        self.number = number

    def as_sql(self, compiler, connection, template=None, **extra_context):
        """Return the subquery's SQL with the offset, its parameter after the subquery's."""
        sql, params = super().as_sql(compiler, connection, template, **extra_context)
        return sql, (*params, self.number)

    def as_sqlite(self, compiler, connection, **extra_context):
        """Write the offset with SQLite's ``MAX()``: it has no ``GREATEST()``."""
        template = "(%(subquery)s OFFSET MAX(%%s, 1) - 1)"
        return self.as_sql(compiler, connection, template, **extra_context)


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


def _ordering(links) -> list[str]:
    """Return the fields the public list is ordered by: integers, which Python orders alike."""
    names = list(links.query.order_by)
    for name in names:
        field = SymptomStep._meta.get_field(name.lstrip("-"))
        if name.startswith("-") or not isinstance(field, IntegerField):
            # Text is ordered by the database's collation, not Python's: sort it in SQL.
            raise ImproperlyConfigured(f"A step page can't put the steps in order by {name}.")
    return names


def _flow_query(*, preview: bool, topic_slug: str, symptom_slug: str, shown: int):
    """Return the visible symptom at these slugs, its topic, its steps' ids and the shown step."""
    links = public_step_links(preview=preview)
    order = _ordering(links)
    # Each step's sort values and id, sorted in Python: SQLite orders no aggregate's input.
    ids = (
        links.filter(symptom=OuterRef("pk"))
        .order_by()
        .values("symptom")
        .annotate(ids=JSONList(JSONItem(*order, "step_id")))
        .values("ids")
    )
    # The shown step's id, by its number in the list's order (positions are unique), and then
    # its values, made into JSON for that step alone.
    steps = links.filter(symptom=OuterRef(OuterRef("pk")))
    # Walked in order on the (symptom, position) index and stopped at the shown step, on both
    # engines: a window numbered every step, sorted, then kept one (docs/design.md, thirteenth
    # pass; SQLite since the fourteenth).
    shown_id = _Nth(steps.values("step_id")[:1], shown)
    # Its pieces as JSON within the values: decoded with them, in one pass.
    values = (*STEP_FIELDS, EmbeddedJSON("pieces"))
    # One step by its key: no sort (the model's default order) for its one row.
    step = FixStep.objects.filter(pk=shown_id).order_by().values(values=JSONValues(*values))
    symptom = _symptom_query(preview=preview, topic_slug=topic_slug, symptom_slug=symptom_slug)
    # One symptom at its slugs: no sort either.
    return symptom.order_by().values_list(
        *SYMPTOM_FIELDS,
        *(f"topic__{name}" for name in TOPIC_FIELDS),
        Subquery(ids),
        Subquery(step),
    )


_symptom_read = Prepared(_symptom_query)
_steps_read = Prepared(_steps_query)
_flow_read = Prepared(_flow_query)


def public_symptom(topic_slug: str, symptom_slug: str) -> Symptom | None:
    """Return the public symptom at these slugs, with its topic, or None."""
    rows = _symptom_read.rows(topic_slug=topic_slug, symptom_slug=symptom_slug)
    return _symptom_of(rows[0]) if rows else None


def _symptom_of(row: tuple) -> Symptom:
    """Return the symptom of a row that starts with its fields and then its topic's."""
    symptom = _symptom(row[: len(SYMPTOM_FIELDS)])
    symptom.topic = _topic(row[len(SYMPTOM_FIELDS) : len(SYMPTOM_FIELDS) + len(TOPIC_FIELDS)])
    return symptom


class ListedStep:
    """A step in the list that the page does not show: its id is all the flow reads of it."""

    __slots__ = ("pk",)

    def __init__(self, pk: int):
        self.pk = pk

    def __repr__(self) -> str:
        return f"<ListedStep {self.pk}>"


def public_steps(symptom: Symptom) -> tuple[FixStep, ...]:
    """Return a symptom's public steps in order, each with its pieces kept as text."""
    return tuple(_with_text(row) for row in _steps_read.rows(symptom=symptom.pk))


def public_flow(
    topic_slug: str, symptom_slug: str, *, shown: int
) -> tuple[Symptom, tuple[FixStep | ListedStep, ...]] | None:
    """Return the public symptom at these slugs and its public steps in order, or None.

    Only the ``shown``-th step (a step page's number) is read whole and made a model instance:
    the others are ``ListedStep``s, for their ids are all the flow reads of them.
    """
    rows = _flow_read.rows(topic_slug=topic_slug, symptom_slug=symptom_slug, shown=shown)
    if not rows:
        return None
    *row, ids, values = rows[0]
    # Each item is the step's sort values, then its id: in the list's order once sorted.
    steps = [ListedStep(item[-1]) for item in sorted(json.loads(ids))] if ids else []
    if values is not None and 1 <= shown <= len(steps):
        *fields, pieces = json.loads(values)
        step = steps[shown - 1] = _step(fields)
        step.pieces = pieces
    return _symptom_of(row), tuple(steps)


def _with_text(values: tuple | list) -> FixStep:
    """Return the step of ``STEP_FIELDS``' values followed by its pieces as text."""
    step = _step(values[:-1])
    setattr(step, _PIECES_TEXT, values[-1])
    return step


def with_pieces(step: FixStep) -> FixStep:
    """Return ``step`` with its stored pieces decoded, if they were read as text."""
    text = step.__dict__.pop(_PIECES_TEXT, None)
    if text is not None:
        step.pieces = json.loads(text)
    return step
