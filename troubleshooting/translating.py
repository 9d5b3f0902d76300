"""Pages in the visitor's language: visible translations put onto the items a view fetched.

Views fetch the English items as always, then call ``overlay()`` once with everything the page
shows: one query per kind of item (never per item) finds their visible translations into the
active language and puts the translated text, HTML and slug in place of the English. Templates,
``get_absolute_url()`` and every link then show the translation without knowing about it. An
item without a visible translation stays English; ``untranslated_notice`` says so on its page.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.core.signals import request_finished, request_started
from django.db import DatabaseError
from django.db.models import Q, Value
from django.dispatch import receiver
from django.utils.translation import get_language, get_language_info

from .caching import SharedData, content_version
from .language_codes import SOURCE_BASE_CODE, base_code
from .models import (
    TRANSLATION_LANGUAGES,
    TRANSLATION_MODELS,
    KnownIssue,
    Symptom,
    Topic,
    TriageQuestion,
)

TRANSLATED = frozenset(code for code, _ in TRANSLATION_LANGUAGES)
# The slugs in a page's address, and the kind of item each names.
ADDRESS_SLUGS = {
    "topic_slug": Topic,
    "symptom_slug": Symptom,
    "question_slug": TriageQuestion,
    "issue_slug": KnownIssue,
}
# Lists translated as a whole, put onto their own rows rather than onto the item.
LIST_FIELDS = ("choices", "updates")


def active_language() -> str:
    """Return the language of the page being made: one of the site's languages."""
    code = base_code(get_language() or SOURCE_BASE_CODE)
    return code if code in TRANSLATED else SOURCE_BASE_CODE


def source_slug(item) -> str:
    """Return an item's English slug, even once its translation is overlaid."""
    return getattr(item, "english_slug", item.slug)


def _fields(model) -> list[str]:
    """Return what a translation puts onto its item: the texts, their HTML, and the slug."""
    names = [name for name in model.source_fields if name not in LIST_FIELDS]
    return ["slug", *names, *(html for _, html in model.markdown_fields)]


def _items(groups: Iterable) -> Iterable:
    for group in groups:
        if group is None:
            continue
        if isinstance(group, list | tuple | set):
            yield from (item for item in group if item is not None)
        else:
            yield group


def overlay(*groups, preview: bool = False, language: str | None = None) -> None:
    """Put each item's visible translation into the active language onto the item itself.

    ``groups`` are items or lists of items of any translatable kind, mixed. Each item gets a
    ``translation`` (None without a visible one) and keeps its English slug in ``english_slug``.
    """
    language = language or active_language()
    if language not in TRANSLATED:
        return
    by_kind: dict[type, list] = defaultdict(list)
    for item in _items(groups):
        if type(item) in TRANSLATION_MODELS and getattr(item, "overlaid", None) != language:
            by_kind[type(item)].append(item)
    for kind, items in by_kind.items():
        model = TRANSLATION_MODELS[kind]
        found = _translations(model, language, {item.pk for item in items}, preview=preview)
        for item in items:
            _apply(item, found.get(item.pk), model, language)


def _translations(model, language: str, ids: set, *, preview: bool) -> dict:
    """Return the visible translations of the items ``ids`` into ``language``, by item.

    The public's are read once per content version and kept (an item without one as None), so
    a page pays a query only for items no page showed yet; an editor's preview reads afresh.
    """
    if preview:
        query = model.objects.in_language(language, preview=True).filter(source_id__in=ids)
        return {row.source_id: row for row in query}
    kept = _kept().setdefault((model, language), {})
    missing = ids - kept.keys()
    if missing:
        query = model.objects.in_language(language).filter(source_id__in=missing)
        found = {row.source_id: row for row in query}
        kept.update({pk: found.get(pk) for pk in missing})
    return kept


def visible_translations(kind, ids, *, preview: bool = False) -> dict:
    """Return the visible translations into the active language of items of ``kind``, by id.

    For pages that read items as plain rows (the article's steps and causes): what ``overlay()``
    would put onto them, without the items; empty on an English page.
    """
    language = active_language()
    if language not in TRANSLATED or not ids:
        return {}
    return _translations(TRANSLATION_MODELS[kind], language, set(ids), preview=preview)


def put_translation(item, translation) -> None:
    """Put an already-read visible translation onto its item, as ``overlay()`` would."""
    _apply(item, translation, type(translation), translation.language)


def _apply(item, translation, model, language: str) -> None:
    item.english_slug = getattr(item, "english_slug", item.slug)
    item.translation, item.overlaid = translation, language
    if translation is None:
        return
    for name in _fields(model):
        setattr(item, name, getattr(translation, name))


def overlay_rows(kind, rows: list[dict], *, preview: bool = False) -> dict[str, str]:
    """Put visible translations onto rows of ``kind`` fetched as values; return moved slugs.

    For pages that read plain rows rather than model instances (the home page): one query
    puts each row's translated title, summary and slug in place of the English, and the
    returned mapping (English slug → translated slug) lets rows that name the item by its
    slug (a symptom's ``topic__slug``) follow.
    """
    language = active_language()
    if language not in TRANSLATED or not rows:
        return {}
    names = [name for name in ("slug", "title", "summary") if name in rows[0]]
    model = TRANSLATION_MODELS[kind]
    found = _translations(model, language, {row["pk"] for row in rows}, preview=preview)
    moved = {}
    for row in rows:
        translation = found.get(row["pk"])
        if translation is not None:
            moved[row["slug"]] = translation.slug
            row.update({name: getattr(translation, name) for name in names})
    return moved


def overlay_choices(question: TriageQuestion, choices: list) -> None:
    """Put a translated question's answer labels and hints onto the answers it shows.

    Translations hold every answer in the English order; the page may show fewer (answers
    leading nowhere yet are hidden), so each is matched by its place among them all.
    """
    translation = getattr(question, "translation", None)
    if translation is None or not choices:
        return
    order = list(question.choices.order_by("position").values_list("pk", flat=True))
    texts = dict(zip(order, translation.choices, strict=False))
    for choice in choices:
        text = texts.get(choice.pk)
        if text:
            choice.label = text["label"]
            choice.hint = (text.get("hint") or choice.hint) if choice.hint else ""


def overlay_updates(issue) -> None:
    """Put a translated issue's updates onto the timeline it shows, each by its place in time.

    Translations hold the updates oldest first; one not translated yet stays English.
    """
    translation = getattr(issue, "translation", None)
    if translation is None:
        return
    timeline = sorted(issue.updates.all(), key=lambda update: (update.posted_at, update.pk))
    for update, text, html in zip(
        timeline, translation.updates, translation.updates_html, strict=False
    ):
        if text.strip():
            update.body, update.body_html = text, html


def english_slugs(kwargs: dict, *, preview: bool = False):
    """Return an address's slugs in English, and its slugs in the language if they differ.

    Under /es/ an item is found by its Spanish slug; its English slug still finds it (links
    made in English keep working) and, when a visible translation exists, the second value
    holds the translated slugs to redirect to. Read from the slug book; in a preview, which
    sees drafts the book leaves out, one query per slug in the address.
    """
    language = active_language()
    english, translated, moved = dict(kwargs), dict(kwargs), False
    if language not in TRANSLATED:
        return english, None
    if not preview:
        return _english_slugs_from_book(kwargs, language)
    for name, source_model in ADDRESS_SLUGS.items():
        if name not in kwargs:
            continue
        value = kwargs[name]
        rows = (
            TRANSLATION_MODELS[source_model]
            .objects.in_language(language, preview=preview)
            .filter(Q(slug=value) | Q(source__slug=value))
            .values_list("slug", "source__slug")
        )
        pairs = list(rows)
        if any(slug == value for slug, _ in pairs):
            english[name] = next(source for slug, source in pairs if slug == value)
        elif pairs:
            translated[name], moved = pairs[0][0], True
    return english, translated if moved else None


def _english_slugs_from_book(kwargs: dict, language: str):
    """``english_slugs()`` for the public, read from the slug book: no query."""
    into, back = _book()
    english, translated, moved = dict(kwargs), dict(kwargs), False
    for name in ADDRESS_SLUGS.keys() & kwargs.keys():
        value = kwargs[name]
        if value in back.get((name, language), {}):
            english[name] = back[name, language][value]
        elif value in into.get((name, language), {}):
            translated[name], moved = into[name, language][value], True
    return english, translated if moved else None


def untranslated_notice(item) -> str | None:
    """Return the name of the visitor's language if ``item``'s page falls back to English."""
    language = getattr(item, "overlaid", None)
    if language is None or getattr(item, "translation", None) is not None:
        return None
    # Mid-sentence, Spanish and French write a language's name in lower case ("en español");
    # Django's catalogues capitalise it, as a name standing alone in a menu.
    return get_language_info(language)["name_translated"].lower()


def _read_slug_book() -> tuple[dict, dict]:
    """Return every live translated slug: English → language's, and back, per slug and language.

    One query for the kinds that have addresses of their own.
    """
    parts = [
        TRANSLATION_MODELS[model]
        .objects.visible()
        .order_by()
        .annotate(name=Value(name))
        .values_list("name", "language", "slug", "source__slug")
        for name, model in ADDRESS_SLUGS.items()
    ]
    into, back = defaultdict(dict), defaultdict(dict)
    for name, language, slug, english in parts[0].union(*parts[1:], all=True):
        into[name, language][english] = slug
        back[name, language][slug] = english
    return dict(into), dict(back)


# Every page's switcher and alternates need its address in each language: read once per
# content version (a few small rows per item), so a page pays no query for them, and held for
# the request, so its many links (a sitemap's thousands) check the version once.
_slug_book = SharedData(_read_slug_book)
# The public's translations, filled as pages ask for items (kind, language → item → translation
# or None): a translated page then costs what the English one does. Unlike other shared data it
# grows while it is read (only ``_translations()`` adds, never changes or removes, rows read from
# the database under the same version), and a new version starts it empty.
_kept_translations = SharedData(dict)
_request = threading.local()


@receiver(request_started)
@receiver(request_finished)
def _forget_what_the_request_held(**kwargs) -> None:
    _request.version, _request.book, _request.translations = None, None, None
    _request.in_request = kwargs.get("signal") is request_started


def _held(name: str, read: Callable):
    """Return what ``read()`` gives, read once per request and held until it ends.

    Outside a request (a command, a test) nothing says when the content may change, so it is
    read afresh each time: a command that saves content then builds addresses sees the change.
    """
    if not getattr(_request, "in_request", False):
        return read()
    value = getattr(_request, name, None)
    if value is None:
        value = read()
        setattr(_request, name, value)
    return value


def held_version() -> str:
    """Return the content version this request's slug book and translations are read under."""
    return _held("version", content_version)


def _book() -> tuple[dict, dict]:
    return _held("book", lambda: _slug_book.get(held_version()))


def _kept() -> dict:
    """Return the public's kept translations, the content version checked once per request."""
    return _held("translations", lambda: _kept_translations.get(held_version()))


def translated_into(item) -> set[str]:
    """Return the languages ``item`` has a live translation in (base codes), from the slug book.

    Only kinds with addresses of their own are in the book; an item of another kind, or any
    item while the database cannot be read, counts as translated into none.
    """
    name = next((name for name, kind in ADDRESS_SLUGS.items() if isinstance(item, kind)), None)
    if name is None:
        return set()
    try:
        into, _back = _book()
    except DatabaseError:
        return set()
    english = source_slug(item)
    return {language for language in TRANSLATED if english in into.get((name, language), {})}


def address_slugs(kwargs: dict, source: str, target: str) -> dict:
    """Return an address's arguments, written with ``source``'s slugs, in ``target``'s slugs.

    A slug without a live translation stays the English one (that page falls back to English),
    and so does every slug while the database cannot be read (the 503 page still links).
    """
    return address_slugs_in(kwargs, source, (target,))[target]


def address_slugs_in(kwargs: dict, source: str, targets: Iterable[str]) -> dict[str, dict]:
    """Return ``address_slugs()`` into each of ``targets``, by target: the book read once."""
    targets = set(targets)
    names = ADDRESS_SLUGS.keys() & kwargs.keys()
    if not names:
        return dict.fromkeys(targets, kwargs)
    moved_into = {target: kwargs for target in targets if target == source}
    if len(moved_into) == len(targets):
        return moved_into
    try:
        into, back = _book()
    except DatabaseError:
        return dict.fromkeys(targets, kwargs)
    english = {name: back.get((name, source), {}).get(kwargs[name], kwargs[name]) for name in names}
    for target in targets:
        if target in moved_into:
            continue
        moved = dict(kwargs)
        for name in names:
            moved[name] = into.get((name, target), {}).get(english[name], english[name])
        moved_into[target] = moved
    return moved_into
