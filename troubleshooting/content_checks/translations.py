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

from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import get_language, gettext

from troubleshooting.language_codes import SOURCE_BASE_CODE, base_code
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
from .problems import Level, Problem, ProblemKind, Ref, field_name, quote
from .site import Site

LANGUAGE_NAMES = dict(TRANSLATION_LANGUAGES)
SLUG_KINDS = {"topic_slug": Topic, "symptom_slug": Symptom, "question_slug": TriageQuestion}


def _named(code: str) -> str:
    """Return a language's name as a sentence of the editor's language writes it.

    English capitalises a language's name; Spanish and French write it in lower case
    mid-sentence ("la traducción al español"), as ``translating.untranslated_notice`` does.
    """
    name = str(LANGUAGE_NAMES[code])
    return (
        name if base_code(get_language() or SOURCE_BASE_CODE) == SOURCE_BASE_CODE else name.lower()
    )


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
        ref, names = Ref.to(row), {"language": _named(row.language)}
        for name in row.missing_texts():
            names["field"] = field_name(type(row), name)
            message = gettext(
                "The %(language)s translation has no %(field)s, which the English has: people "
                "reading %(language)s miss it. Translate it, or unpublish the translation."
            )
            yield Problem(
                Level.ERROR,
                ProblemKind.TRANSLATION_MISSING_TEXT,
                ref,
                message % names,
                (Ref.to(row.source),),
            )
        if row.is_outdated:
            message = gettext(
                "The English changed since the %(language)s translation was brought up to date: "
                "update the translation, then mark it as up to date."
            )
            yield Problem(
                Level.WARNING,
                ProblemKind.TRANSLATION_OUTDATED,
                ref,
                message % names,
                (Ref.to(row.source),),
            )
        english_path = getattr(row.source, "settings_path", "")
        if settings_path_parts_differ(english_path, getattr(row, "settings_path", "")):
            names |= {
                "field": field_name(type(row), "settings_path"),
                "path": quote(row.settings_path),
                "english": quote(english_path),
            }
            message = gettext(
                "In %(field)s of the %(language)s translation, %(path)s has a different number "
                "of levels than the English %(english)s: people would look in the wrong place."
            )
            yield Problem(Level.ERROR, ProblemKind.TRANSLATION_SETTINGS_PATH, ref, message % names)
        yield from _check_links(site, row, slugs)


def _check_links(site: Site, row, slugs: dict) -> Iterator[Problem]:
    language = _named(row.language)
    for source, target in row.markdown_fields:
        label = field_name(type(row), source)
        for href in links_in(getattr(row, target)):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # other sites, and relative links the English checks already judge
            verdict = _judge(site, unquote(parts.path), row.language, slugs)
            if verdict is not None:
                level, reason = verdict
                yield Problem(
                    level,
                    ProblemKind.TRANSLATION_LINK,
                    Ref.to(row),
                    gettext(
                        "In %(field)s of the %(language)s translation, the link to %(href)s "
                        "%(reason)s"
                    )
                    % {"field": label, "language": language, "href": href, "reason": reason},
                )


def _judge(site: Site, path: str, language: str, slugs: dict) -> tuple[Level, str] | None:
    """Return how bad a link in a translation to one of our pages is and why, or None."""
    prefix = f"/{language}/"
    if not path.startswith(prefix):
        match = _resolve(path, None)
        if match is not None and "topic_slug" in match.kwargs:
            # Translators: said of a link, after "the link to /messages/…".
            reason = gettext(
                "leads to the English page: write its address in this language, %(prefix)s…"
            )
            return Level.WARNING, reason % {"prefix": prefix}
        return None
    match = _resolve(path, language)
    if match is None or match.namespace != "troubleshooting":
        # Translators: said of a link, after "the link to /es/…".
        return Level.ERROR, gettext("is broken: there is no page at this address in this language.")
    current = {}
    for name, model in SLUG_KINDS.items():
        value = match.kwargs.get(name)
        if value is None or slugs.get((model, language, value)) is not None:
            continue
        renamed = _renamed_slug(site, model, language, value, slugs)
        if renamed is not None:
            current[name] = renamed
            continue
        english, _moved = site.find(model, value)
        if english is None or not site.is_live(english):
            reason = gettext(
                "is broken: no %(kind)s has the address %(slug)s in this language. Use the "
                "translated address of the page."
            )
            return Level.ERROR, reason % {"kind": model._meta.verbose_name, "slug": quote(value)}
    if current:
        # A translation's renamed slug: the page redirects, as for an English rename.
        with translation.override(language):
            new = reverse(match.view_name, kwargs={**match.kwargs, **current})
        reason = gettext(
            "uses an old address: it still works, through a redirect, but replace it with %(new)s."
        )
        return Level.WARNING, reason % {"new": new}
    return None


def _renamed_slug(site: Site, model, language: str, value: str, slugs: dict) -> str | None:
    """Return the live translated slug ``value`` was renamed to in ``language``, if any."""
    object_id = site.redirects.get((model._meta.model_name, language, value))
    if object_id is None:
        return None
    return next(
        (
            slug
            for (kind, in_language, slug), item in slugs.items()
            if kind is model and in_language == language and item.pk == object_id
        ),
        None,
    )


def _resolve(path: str, language: str | None):
    with translation.override(language):
        for candidate in (path, path + "/") if not path.endswith("/") else (path,):
            try:
                return resolve(candidate)
            except Resolver404:
                continue
    return None
