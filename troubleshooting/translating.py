"""Pages in the visitor's language: visible translations put onto the items a view fetched.

Views fetch the English items as always, then call ``overlay()`` once with everything the page
shows: one query per kind of item (never per item) finds their visible translations into the
active language and puts the translated text, HTML and slug in place of the English. Templates,
``get_absolute_url()`` and every link then show the translation without knowing about it. An
item without a visible translation stays English; ``untranslated_notice`` says so on its page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import get_language, get_language_info

from .models import SOURCE_LANGUAGE, TRANSLATION_LANGUAGES, TRANSLATION_MODELS, TriageQuestion

TRANSLATED = frozenset(code for code, _ in TRANSLATION_LANGUAGES)


def active_language() -> str:
    """Return the language of the page being made: one of the site's languages."""
    code = (get_language() or SOURCE_LANGUAGE).split("-")[0].lower()
    return code if code in TRANSLATED else SOURCE_LANGUAGE


def source_slug(item) -> str:
    """Return an item's English slug, even once its translation is overlaid."""
    return getattr(item, "english_slug", item.slug)


def _fields(model) -> list[str]:
    """Return what a translation puts onto its item: the texts, their HTML, and the slug."""
    names = [name for name in model.source_fields if name != "choices"]
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
        found = {
            row.source_id: row
            for row in model.objects.in_language(language, preview=preview).filter(
                source_id__in={item.pk for item in items}
            )
        }
        for item in items:
            _apply(item, found.get(item.pk), model, language)


def _apply(item, translation, model, language: str) -> None:
    item.english_slug = getattr(item, "english_slug", item.slug)
    item.translation, item.overlaid = translation, language
    if translation is None:
        return
    for name in _fields(model):
        setattr(item, name, getattr(translation, name))


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


def english_slugs(kwargs: dict, models: dict, *, preview: bool = False):
    """Return an address's slugs in English, and its slugs in the language if they differ.

    Under /es/ an item is found by its Spanish slug; its English slug still finds it (links
    made in English keep working) and, when a visible translation exists, the second value
    holds the translated slugs to redirect to. One query per slug in the address.
    """
    language = active_language()
    english, translated, moved = dict(kwargs), dict(kwargs), False
    if language not in TRANSLATED:
        return english, None
    for name, source_model in models.items():
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


def untranslated_notice(item) -> str | None:
    """Return the name of the visitor's language if ``item``'s page falls back to English."""
    language = getattr(item, "overlaid", None)
    if language is None or getattr(item, "translation", None) is not None:
        return None
    return get_language_info(language)["name_translated"]
