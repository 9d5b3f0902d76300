"""Pre-rendered pieces: a step's and a cause's blocks of HTML, rendered on save, joined per request.

An article's 13 steps cost about 5 ms of template work a page (three includes and two picture
tags each, a dozen interface words through the language's fallback catalogues), a flow step
about 2 ms: most of a page rendered without the page cache. The blocks hold only their own
row's text and interface words, so each is rendered once, when its row is saved, under its
language (the English item's row for English, each translation's row for its language), and a
page pastes them in. What shows stays the query's decision at request time (``live()``, the
translations ``overlay()`` picks); what is per request (the step's number, CSRF, the flow's
session, the address) stays in the page's template around the pieces.

A row keeps its pieces under its language with one stamp, the release (templates, code,
catalogues): ``{"stamp": release, language: {name: html}}``. A page uses them where the stamp is
this release's and the language the page's, comparing the stored stamp alone, so it reads no
field a piece was made from (the article reads each row's stamp and block as text: no model
instance, no JSON). That holds because every write that changes what a piece shows renders it
again or empties it: ``save()`` renders the row's pieces (and its translations', which show its
severity, time and slug); a queryset's ``update()``, ``bulk_update()`` or ``bulk_create()`` of a
shown field empties the rows' pieces and their translations' and retires the pages
(``models/content.PiecesWrites``, ``forget_pieces``); a fixture, a history restore or a copy of
rows saves raw, and pieces are never serialized, so those rows arrive with none. A row without
a piece for the page (an item not translated into its language, a row written raw, another
release) is rendered live from the same templates, so a page is always what the templates make
of the item; ``render_content`` (run on every deploy) stores them all again.
"""

from __future__ import annotations

import copy
import functools

from django.db.models import F, Func, TextField
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from . import shaped
from .caching import SharedData, rendering_release
from .language_codes import SOURCE_ADDRESS_CODE
from .models import TRANSLATION_MODELS, Cause, FixStep
from .translating import held_version, overlay, put_translation, visible_translations

# Each piece: its template, what the page passes with it, and whether the page supplies the
# line break after it (a block made of several includes ends where the page's next line starts).
STEP_PIECES = {
    "article": ("troubleshooting/includes/step_article.html", {}, True),
    "meta": ("troubleshooting/includes/step_meta.html", {}, False),
    "warning": (
        "troubleshooting/includes/step_safety.html",
        {"strong": True, "in_flow": True},
        False,
    ),
    "body": ("troubleshooting/includes/step_flow_body.html", {}, True),
}
CAUSE_PIECES = {"article": ("troubleshooting/includes/cause.html", {}, False)}
# What each kind of piece is made of: the template reads these and nothing else of the item.
STEP_INPUTS = (
    "slug",
    "title",
    "severity",
    "minutes",
    "settings_path",
    "warning_html",
    "instructions_html",
)
CAUSE_INPUTS = ("slug", "title", "description_html")


def _kind(item) -> tuple[dict, tuple[str, ...], str]:
    """Return the pieces, the inputs and the context name of a step or a cause (or its model)."""
    model = item if isinstance(item, type) else type(item)
    if issubclass(model, Cause):
        return CAUSE_PIECES, CAUSE_INPUTS, "cause"
    return STEP_PIECES, STEP_INPUTS, "step"


def stamp() -> str:
    """Return the stamp of pieces rendered now: this release's fingerprint."""
    return rendering_release()


@functools.cache
def shown_fields(model) -> frozenset[str]:
    """Return the fields of an English item or a translation whose pieces show them."""
    translated = model not in (Cause, FixStep)
    _pieces, inputs, _name = _kind(_english_model(model))
    sources = {source for source, _target in model.markdown_fields}
    # A translation's own row holds its language and names its item: pieces show both.
    extra = {"language", "source", "source_id"} if translated else set()
    return frozenset(sources.union(inputs, extra).intersection(_field_names(model)))


def _field_names(model) -> set[str]:
    return {name for field in model._meta.concrete_fields for name in (field.name, field.attname)}


def _english_model(model):
    """Return the English item's model of ``model``, a translation's or an English one."""
    return model if model in (Cause, FixStep) else model._meta.get_field("source").related_model


def shows_any(item, fields) -> bool:
    """Return whether a piece of ``item`` shows any of ``fields`` (or renders it from Markdown)."""
    return not shown_fields(type(item)).isdisjoint(fields)


def _render(item, name: str) -> SafeString:
    """Render one piece of ``item`` live, as the page's template would around it."""
    pieces, _inputs, context_name = _kind(item)
    template, extra, page_breaks = pieces[name]
    html = render_to_string(template, {context_name: item, **extra})
    # Rendered from our templates, whose every variable is escaped or already sanitized.
    return mark_safe(html.removesuffix("\n") if page_breaks else html)  # noqa: S308


def render(item, language: str) -> dict:
    """Return every piece of ``item`` rendered in ``language``."""
    pieces, _inputs, _name = _kind(item)
    with translation.override(language):
        return {name: str(_render(item, name)) for name in pieces}


def render_for_row(row) -> dict:
    """Return the pieces to store on an English item's row or on a translation's row, stamped.

    Kept under the row's language: ``{"stamp": release, language: {name: html}}``. An English
    item's pieces are English only; a page in another language without a visible translation
    of the item renders its blocks live (the article keeps them per content version).
    """
    if type(row) in TRANSLATION_MODELS:
        return {"stamp": stamp(), SOURCE_ADDRESS_CODE: render(row, SOURCE_ADDRESS_CODE)}
    # A translation's pieces show its text over the English item's other fields, as a page does.
    item = copy.copy(row.source)
    put_translation(item, row)
    return {"stamp": stamp(), row.language: render(item, row.language)}


def refresh_translations(item) -> None:
    """Render again the pieces of an English item's translations, which show its fields too."""
    using = item._state.db
    for row in item.translations.using(using):
        row.source = item
        type(row).objects.using(using).filter(pk=row.pk).update(pieces=render_for_row(row))


def forget_pieces(queryset, values: dict) -> tuple[dict, bool]:
    """Return an ``update()``'s ``values``, emptying the pieces of rows whose shown fields change.

    And whether it changes what pages show, so that the caller retires them once it has written.
    An English item's translations show its fields too: theirs are emptied first, found while
    the rows still match the queryset's filter. Values that bring their own pieces (a render in
    bulk) keep them.
    """
    model = queryset.model
    if shown_fields(model).isdisjoint(values):
        return values, False
    if model in TRANSLATION_MODELS:
        TRANSLATION_MODELS[model].objects.filter(source__in=queryset.values("pk")).update(pieces={})
    return (values if "pieces" in values else {**values, "pieces": {}}), True


def render_all(models) -> int:
    """Render and store the pieces of every row of ``models``; return how many rows."""
    total = 0
    for model in models:
        rows = list(model.objects.select_related(*_source(model)))
        for row in rows:
            row.pieces = render_for_row(row)
        model.objects.bulk_update(rows, ["pieces"], batch_size=200)
        total += len(rows)
    return total


def _source(model) -> list[str]:
    return [] if model in TRANSLATION_MODELS else ["source"]


def _stored(row, language: str) -> dict:
    """Return ``row``'s stored pieces in ``language`` if they are this release's, else none."""
    stored = getattr(row, "pieces", None) or {}
    if stored.get("stamp") != stamp():
        return {}
    return stored.get(language) or {}


class Pieces:
    """A step's or a cause's pieces for this page: stored ones if still right, else rendered."""

    __slots__ = ("item", "stored")

    def __init__(self, item):
        self.item = item
        translated = getattr(item, "translation", None)
        row = translated if translated is not None else item
        self.stored = _stored(row, translation.get_language())

    def __getitem__(self, name: str) -> SafeString:
        html = self.stored.get(name)
        if html is None:
            return _render(self.item, name)
        return mark_safe(html)  # noqa: S308 - rendered by _render when its row was saved


# Blocks rendered live for the article (an item without a visible translation on a translated
# page, mostly), kept per content version so the next article in that language needs neither
# the item's row nor its templates: (model, id, language) → block. Grows while it is read.
_live_blocks = SharedData(dict)


def article_blocks(model, rows, *, preview: bool) -> list[SafeString]:
    """Return the article blocks of steps or causes read as rows ``(id, stamp, block)``.

    The English rows' stamps and blocks come as text from the query; on a translated page a
    visible translation's block stands in. Rows without a block for this page (an item not
    translated into it, another release, a row written raw) are read whole, in one query, and
    rendered live, and the public's are kept until the content changes.
    """
    language, release = translation.get_language(), stamp()
    found = visible_translations(model, [pk for pk, _stamp, _html in rows], preview=preview)
    # Read through the request's content version, which its translations were read under.
    kept = {} if preview or language == SOURCE_ADDRESS_CODE else _live_blocks.get(held_version())
    blocks, missing = [], []
    for pk, row_stamp, html in rows:
        translated = found.get(pk)
        if translated is not None:
            stored = _stored(translated, language).get("article")
            row_stamp, html = release, stored or kept.get((model, pk, language))
        elif language != SOURCE_ADDRESS_CODE:
            # The English row holds English blocks only (the query reads none in this language).
            row_stamp, html = release, kept.get((model, pk, language))
        if row_stamp != release or html is None:
            missing.append(len(blocks))
            blocks.append(None)
        else:
            # Rendered from our templates when its row was saved, or live for this version.
            # SafeString itself: mark_safe()'s check for lazy text cost more than the rest of
            # an item's share (a stored block is always plain text).
            blocks.append(SafeString(html))
    if missing:
        ids = [rows[index][0] for index in missing]
        items = model.objects.in_bulk(ids)
        overlay(list(items.values()), preview=preview)
        for index, pk in zip(missing, ids, strict=True):
            blocks[index] = _render(items[pk], "article")
            if not preview and language != SOURCE_ADDRESS_CODE:
                kept[model, pk, language] = blocks[index]
    return blocks


# The article's lists of blocks, each rendered from its shape for the number of items.
ARTICLE_LISTS = {
    Cause: "troubleshooting/includes/article_causes.html",
    FixStep: "troubleshooting/includes/article_steps.html",
}


def article_list(model, blocks: list[SafeString]) -> SafeString:
    """Return the article's list of ``blocks`` of causes or steps, from its shape for their number.

    The list's markup and words are rendered once per number of items and language, with
    stand-ins where the blocks go (``shaped.py``), then the blocks put in their places: the
    template engine's loop cost about 10 µs an item, more than the rest of an item's share.
    """
    html = shaped.render(ARTICLE_LISTS[model], (), tuple(blocks), _list_context)
    # The page's own line break follows the list.
    return mark_safe(html.removesuffix("\n"))  # noqa: S308 - the template's output and blocks


def _list_context(_values: tuple, blocks: tuple) -> dict:
    # The steps are numbered as text: the template engine would format a number for the locale.
    numbered = [(str(number), block) for number, block in enumerate(blocks, start=1)]
    return {"causes": blocks, "steps": numbered}


class _TextAt(Func):
    """The text at ``keys`` in a JSON column, null where there is none: one extraction.

    Django's key transforms on SQLite test each value's JSON type first (``true`` and ``null``
    read as text), three passes over the row's pieces per value; a stamp and a block are text.
    """

    output_field = TextField()

    def __init__(self, column: str, *keys: str):
        self.keys = keys
        super().__init__(F(column))

    def as_sql(self, compiler, connection, **extra):
        # PostgreSQL's path operator: the same plan and time as its other path forms.
        column, params = compiler.compile(self.source_expressions[0])
        return f"({column} #>> %s)", (*params, list(self.keys))

    def as_sqlite(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        path = "$" + "".join(f'."{key}"' for key in self.keys)
        return f"JSON_EXTRACT({column}, %s)", (*params, path)


def article_columns(prefix: str) -> tuple:
    """Return the columns ``article_blocks`` reads of the items at ``prefix``: id, stamp, block.

    The block is the English one, all an English row holds; a translated page's come from its
    translations (``article_blocks``).
    """
    stored = f"{prefix}__pieces"
    return (
        f"{prefix}_id",
        _TextAt(stored, "stamp"),
        _TextAt(stored, SOURCE_ADDRESS_CODE, "article"),
    )


# An unbound form's block is the same on every step page in a language: rendered once per
# process and language (a handful of them), it saves the form's widget templates per request.
_UNBOUND_BLOCKS: dict[tuple[str, str | None], SafeString] = {}


def form_block(template: str, form, **context) -> SafeString:
    """Return ``template`` rendered with ``form``, or with an unbound one kept once per language.

    ``form`` is a bound form, or the form's class for the unbound block (built only the first
    time a language needs it). ``context`` must be the same on every call for ``template``
    (constants such as ``Answer``).
    """
    if not isinstance(form, type):
        return render_to_string(template, {"answer_form": form, **context})
    key = (template, translation.get_language())
    if key not in _UNBOUND_BLOCKS:
        _UNBOUND_BLOCKS[key] = render_to_string(template, {"answer_form": form(), **context})
    return _UNBOUND_BLOCKS[key]
