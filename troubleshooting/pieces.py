"""Pre-rendered pieces: a step's and a cause's blocks of HTML, rendered on save, joined per request.

An article's 13 steps cost about 5 ms of template work a page (three includes and two picture
tags each, a dozen interface words through the language's fallback catalogues), a flow step
about 2 ms: most of a page rendered without the page cache. The blocks hold only their own
row's text and interface words, so each is rendered once, when its row is saved, under its
language (the English item's row for English, each translation's row for its language), and a
page pastes them in. What shows stays the query's decision at request time (``live()``, the
translations ``overlay()`` picks); what is per request (the step's number, CSRF, the flow's
session, the address) stays in the page's template around the pieces.

A stored piece is used only where its stamp matches the stamp of what the page would render it
from now: the release (templates, code, catalogues), the active language and a digest of the
row's fields the piece shows, read from the item as the page has it (its translation overlaid).
Anything else (another release, a fixture loaded raw, a bulk copy, an English step changed
under its translation by ``update()``) is rendered live from the same templates, so a page is
always exactly what the templates make of the item.
"""

from __future__ import annotations

import copy
import hashlib

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from .caching import rendering_release
from .language_codes import SOURCE_ADDRESS_CODE

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
    """Return the pieces, the inputs and the context name of a step or a cause."""
    from .models import Cause

    if isinstance(item, Cause):
        return CAUSE_PIECES, CAUSE_INPUTS, "cause"
    return STEP_PIECES, STEP_INPUTS, "step"


def stamp(item, language: str) -> str:
    """Return what a piece of ``item`` (as a page has it) rendered in ``language`` depends on."""
    _pieces, inputs, _name = _kind(item)
    digest = hashlib.blake2b(digest_size=12)
    # The English slug picks a step's pictures; a translation overlaid keeps it apart.
    values = [str(language), getattr(item, "english_slug", item.slug)]
    values += [str(getattr(item, name)) for name in inputs]
    digest.update("\x1f".join(values).encode())
    return f"{rendering_release()}:{digest.hexdigest()}"


def shows_any(item, fields) -> bool:
    """Return whether a piece of ``item`` shows any of ``fields`` (or renders it from Markdown)."""
    _pieces, inputs, _name = _kind(item)
    sources = {source for source, _target in item.markdown_fields}
    return not sources.union(inputs).isdisjoint(fields)


def _render(item, name: str) -> SafeString:
    """Render one piece of ``item`` live, as the page's template would around it."""
    pieces, _inputs, context_name = _kind(item)
    template, extra, page_breaks = pieces[name]
    html = render_to_string(template, {context_name: item, **extra})
    # Rendered from our templates, whose every variable is escaped or already sanitized.
    return mark_safe(html.removesuffix("\n") if page_breaks else html)  # noqa: S308


def render(item, language: str) -> dict:
    """Return every piece of ``item`` rendered in ``language``, with their stamp."""
    pieces, _inputs, _name = _kind(item)
    with translation.override(language):
        rendered = {name: str(_render(item, name)) for name in pieces}
    return {"stamp": stamp(item, language), **rendered}


def render_for_row(row) -> dict:
    """Return the pieces to store on an English item's row or on a translation's row."""
    from .models import TRANSLATION_MODELS

    if type(row) in TRANSLATION_MODELS:
        return render(row, SOURCE_ADDRESS_CODE)
    from .translating import put_translation

    # A translation's pieces show its text over the English item's other fields, as a page does.
    item = copy.copy(row.source)
    put_translation(item, row)
    return render(item, row.language)


def refresh_translations(item) -> None:
    """Render again the pieces of an English item's translations, which show its fields too."""
    for row in item.translations.all():
        row.source = item
        type(row).objects.filter(pk=row.pk).update(pieces=render_for_row(row))


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
    from .models import TRANSLATION_MODELS

    return [] if model in TRANSLATION_MODELS else ["source"]


class Pieces:
    """A step's or a cause's pieces for this page: stored ones if still right, else rendered."""

    __slots__ = ("item", "stored")

    def __init__(self, item):
        self.item = item
        translated = getattr(item, "translation", None)
        row = translated if translated is not None else item
        stored = getattr(row, "pieces", None) or {}
        language = translation.get_language()
        self.stored = stored if stored.get("stamp") == stamp(item, language) else {}

    def __getitem__(self, name: str) -> SafeString:
        html = self.stored.get(name)
        if html is None:
            return _render(self.item, name)
        return mark_safe(html)  # noqa: S308 - rendered by _render when its row was saved


def for_items(items) -> list[Pieces]:
    """Return the pieces of each step or cause in ``items``, in order."""
    return [Pieces(item) for item in items]


# An unbound form's block is the same on every step page in a language: rendered once per
# process and language (a handful of them), it saves the form's widget templates per request.
_UNBOUND_BLOCKS: dict[tuple[str, str | None], SafeString] = {}


def form_block(template: str, form, **context) -> SafeString:
    """Return ``template`` rendered with ``form``: kept once per language while it is unbound.

    ``context`` must be the same on every call for ``template`` (constants such as ``Answer``).
    """
    if form.is_bound:
        return render_to_string(template, {"answer_form": form, **context})
    key = (template, translation.get_language())
    if key not in _UNBOUND_BLOCKS:
        _UNBOUND_BLOCKS[key] = render_to_string(template, {"answer_form": form, **context})
    return _UNBOUND_BLOCKS[key]
