"""The language an outcome is recorded in, and the languages the dashboards can count by."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils import translation

from troubleshooting.language_codes import SOURCE_BASE_CODE, base_code

CODE_LENGTH = 7  # the longest code Django names, such as "zh-hans"


def choices() -> list[tuple[str, str]]:
    """Return the site's languages as (code, name) pairs, read when asked for.

    Outcomes count a language, not its variant: British English is recorded as "en", so the
    rows recorded before languages were counted and the ones recorded since are one language.
    """
    return [(base_code(code), str(name)) for code, name in settings.LANGUAGES]


def codes() -> set[str]:
    """Return the codes of the site's languages."""
    return {base_code(code) for code, _ in settings.LANGUAGES}


def recorded_language(code: str | None = None) -> str:
    """Return the site language to record for ``code`` (the active language by default).

    A variant counts as its language ("en-gb" is "en"), and anything else the site does not
    serve as the source language, so nothing outside LANGUAGES is ever stored.
    """
    code = code or translation.get_language() or settings.LANGUAGE_CODE
    recorded = _recorded.get(code)
    if recorded is None:
        recorded = _language_to_record(code)
        if len(_recorded) < _REMEMBERED:  # codes from anywhere never grow it without end
            _recorded[code] = recorded
    return recorded


# By code, what each is recorded as: every answer records one, and working it out (the
# supported variant, the set of the site's codes) cost more than the rest of a new session's
# values together. It follows only the settings, and is worked out again when they change.
_recorded: dict[str, str] = {}
_REMEMBERED = 64


def _language_to_record(code: str) -> str:
    try:
        code = base_code(translation.get_supported_language_variant(code))
    except LookupError:
        return SOURCE_BASE_CODE
    return code if code in codes() else SOURCE_BASE_CODE


@receiver(setting_changed)
def _forget_recorded(*, setting: str, **kwargs) -> None:
    """Work out what each code is recorded as again when the site's languages change."""
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"):
        _recorded.clear()


def name(code: str) -> str:
    """Return a language's name as the site lists it, or the code for one it no longer lists."""
    return dict(choices()).get(code, code)


def validate_language(value: str) -> None:
    """Refuse a code that is not one of the site's languages."""
    if value not in codes():
        raise ValidationError("Choose one of the site's languages.", code="invalid_language")


def language_field() -> models.CharField:
    """Return the field that says which language a visitor used: English for older rows.

    A validator rather than ``choices``: migrations would freeze the choices, so every change
    to LANGUAGES would need one, while a validator is named by its path and read when it runs.
    """
    return models.CharField(
        max_length=CODE_LENGTH,
        # English is the source: rows recorded before languages were counted are English.
        default=SOURCE_BASE_CODE,
        validators=[validate_language],
        help_text="The language of the pages the visitor used.",
    )
