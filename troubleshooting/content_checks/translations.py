"""Checks of the translations, language by language, as people reading that language see them.

A live translation stands for its English on the public site, so it must say everything the
English says (every text, every level of a Settings path), follow the English as it is now,
and link to pages that exist in its language. Translations are loaded in one query per kind;
their English comes from the ``Site`` the other checks use, so no query is made per item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.text import capfirst

from troubleshooting.models import (
    TRANSLATION_LANGUAGES,
    TRANSLATION_MODELS,
    KnownIssue,
    Symptom,
    Topic,
    TriageQuestion,
    settings_path_parts_differ,
)

from .links import links_in
from .problems import Level, Problem, ProblemKind, Ref, quote
from .site import Site

LANGUAGE_NAMES = dict(TRANSLATION_LANGUAGES)
SLUG_KINDS = {"topic_slug": Topic, "symptom_slug": Symptom, "question_slug": TriageQuestion}


def _live_translations(site: Site) -> list:
    """Return every live translation of live English content, its English attached."""
    choices = defaultdict(list)
    for choice in site.choices:  # already in the answers' order
        choices[choice.question_id].append(choice)
    rows = []
    # Known issues are not part of the guide the other checks load: read here, in one query,
    # and only when one has a translation.
    issues = None
    for source_model, model in TRANSLATION_MODELS.items():
        for row in model.objects.all():
            if source_model is KnownIssue:
                issues = issues if issues is not None else _issues()
                source = issues.get(row.source_id)
            else:
                source = site.get(source_model, row.source_id)
            if source is None or not site.is_live(source) or not site.is_live(row):
                continue
            if source_model is TriageQuestion:
                source.known_choices = choices.get(source.pk, [])
            row.source = source  # the English as the checks see it, without a query
            rows.append(row)
    return rows


def _issues() -> dict[int, KnownIssue]:
    """Return every known issue with its updates, read in two queries."""
    return {issue.pk: issue for issue in KnownIssue.objects.prefetch_related("updates")}


def check_translations(site: Site) -> Iterator[Problem]:
    """A live translation says all the English says, follows it, and links within its language."""
    rows = _live_translations(site)
    slugs = {(type(row.source), row.language, row.slug): row.source for row in rows if row.slug}
    for row in rows:
        ref, language = Ref.to(row), LANGUAGE_NAMES[row.language]
        for name in row.missing_texts():
            label = capfirst(row._meta.get_field(name).verbose_name)
            yield Problem(
                Level.ERROR,
                ProblemKind.TRANSLATION_MISSING_TEXT,
                ref,
                f"The {language} translation has no {quote(label)}, which the English has: "
                f"people reading {language} miss it. Translate it, or unpublish the translation.",
                (Ref.to(row.source),),
            )
        if row.is_outdated:
            yield Problem(
                Level.WARNING,
                ProblemKind.TRANSLATION_OUTDATED,
                ref,
                f"The English changed since the {language} translation was brought up to date: "
                "update the translation, then mark it as up to date.",
                (Ref.to(row.source),),
            )
        english_path = getattr(row.source, "settings_path", "")
        if settings_path_parts_differ(english_path, getattr(row, "settings_path", "")):
            yield Problem(
                Level.ERROR,
                ProblemKind.TRANSLATION_SETTINGS_PATH,
                ref,
                f"The {language} Settings path “{row.settings_path}” has a different number of "
                f"levels than the English “{english_path}”: people would look in the wrong place.",
            )
        yield from _check_links(site, row, slugs)


def _check_links(site: Site, row, slugs: dict) -> Iterator[Problem]:
    language = LANGUAGE_NAMES[row.language]
    for source, target in row.markdown_fields:
        label = capfirst(row._meta.get_field(source).verbose_name)
        for href in links_in(getattr(row, target)):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # other sites, and relative links the English checks already judge
            reason = _judge(site, unquote(parts.path), row.language, slugs)
            if reason is not None:
                level = Level.WARNING if reason.startswith("leads") else Level.ERROR
                yield Problem(
                    level,
                    ProblemKind.TRANSLATION_LINK,
                    Ref.to(row),
                    f"In {quote(label)} of the {language} translation, the link to {href} {reason}",
                )


def _judge(site: Site, path: str, language: str, slugs: dict) -> str | None:
    """Return what is wrong with a link in a translation to one of our pages, or None."""
    prefix = f"/{language}/"
    if not path.startswith(prefix):
        match = _resolve(path, None)
        if match is not None and "topic_slug" in match.kwargs:
            return f"leads to the English page: write its address in this language, {prefix}…"
        return None
    match = _resolve(path, language)
    if match is None or match.namespace != "troubleshooting":
        return "is broken: there is no page at this address in this language."
    for name, model in SLUG_KINDS.items():
        value = match.kwargs.get(name)
        if value is None:
            continue
        item = slugs.get((model, language, value))
        if item is None:
            english, _moved = site.find(model, value)
            if english is None or not site.is_live(english):
                return (
                    f"is broken: no {model._meta.verbose_name} has the address “{value}” in "
                    "this language. Use the translated address of the page."
                )
    return None


def _resolve(path: str, language: str | None):
    with translation.override(language):
        for candidate in (path, path + "/") if not path.endswith("/") else (path,):
            try:
                return resolve(candidate)
            except Resolver404:
                continue
    return None
