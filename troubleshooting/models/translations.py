"""Translations of the content: one row per item and language, beside the English source.

English stays the source in the content models, untouched. Each translation holds only the
item's translatable text, its own slug (the item's address in that language), and its own
publishing state, so a language goes live when it is ready. ``source_snapshot`` keeps the
English text the translation was last brought up to date with: when the English changes, the
translation is outdated, and the admin shows what changed in the source.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from ..language_codes import SOURCE_BASE_CODE, base_code
from ..markdown import render_markdown
from ..rules import validate_slug_not_reserved
from .content import Cause, FixStep, Symptom, Topic
from .publishing import (
    PublishableQuerySet,
    Status,
    clean_fields_without_nul,
    live,
    normalize_newlines,
)
from .site import KeepsOldSlugs
from .stored_pieces import PiecesWrites, pieces_field
from .triage import TriageQuestion

# The languages content is translated into: every language of the site but the source.
# Named in the reader's language ("Spanish" to an English-speaking editor, "español" to a
# Spanish one; Django's own catalogues translate the names), unlike the switcher, which names
# each language in its own words.
TRANSLATION_LANGUAGES = [
    (code, _(get_language_info(code)["name"]))
    for code, _name in settings.LANGUAGES
    if base_code(code) != SOURCE_BASE_CODE
]
CHOICE_LABEL_LENGTH = 120  # as TriageChoice.label
CHOICE_HINT_LENGTH = 200  # as TriageChoice.hint


def validate_choice_texts(value) -> None:
    """Refuse answers that are not a list of ``{"label": …, "hint": …}`` within their lengths."""
    if not isinstance(value, list):
        raise ValidationError(_("The answers must be a list, one per answer of the question."))
    for number, choice in enumerate(value, 1):
        if not isinstance(choice, dict) or set(choice) - {"label", "hint"}:
            raise ValidationError(
                _("Answer %(number)s may have only a label and a hint."),
                params={"number": number},
            )
        label, hint = choice.get("label", ""), choice.get("hint", "")
        if not isinstance(label, str) or not isinstance(hint, str) or not label.strip():
            raise ValidationError(
                _("Answer %(number)s needs a label (and its hint, if any, as text)."),
                params={"number": number},
            )
        if len(label) > CHOICE_LABEL_LENGTH or len(hint) > CHOICE_HINT_LENGTH:
            raise ValidationError(
                _(
                    "Answer %(number)s is too long: a label has at most %(label)s characters, "
                    "a hint %(hint)s."
                ),
                params={"number": number, "label": CHOICE_LABEL_LENGTH, "hint": CHOICE_HINT_LENGTH},
            )


def translated(model: type[models.Model], name: str) -> models.Field:
    """Return a copy of an English field: the same length, validators, label and help."""
    return model._meta.get_field(name).clone()


def settings_path_parts_differ(english: str, translation: str) -> bool:
    """Whether a translated Settings path has a different number of levels than the English."""
    count = lambda path: len([part for part in path.split(">") if part.strip()])  # noqa: E731
    return bool(english and translation) and count(english) != count(translation)


def live_in_language(language: str, prefix: str = "", *, preview: bool = False) -> Q:
    """Match the translations into ``language`` the public may see now, as ``live()`` does.

    ``prefix`` reaches them from their item (``"translations__"``), for a join.
    """
    return live(prefix, preview=preview) & Q(**{f"{prefix}language": language})


class TranslationQuerySet(PublishableQuerySet):
    def in_language(self, language: str, *, preview: bool = False):
        """Return the translations into ``language`` the public may see now."""
        return self.filter(live_in_language(language, preview=preview))


class TranslationManager(models.Manager.from_queryset(TranslationQuerySet)):
    def get_by_natural_key(self, source_slug, language):
        return self.get(source__slug=source_slug, language=language)


class Translation(KeepsOldSlugs):
    """Fields and behaviour shared by every translation: language, state, slug, snapshot."""

    language = models.CharField(
        _("language"),
        max_length=10,
        choices=TRANSLATION_LANGUAGES,
        db_index=True,
        help_text=_("The language this translation is written in."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text=_(
            "A draft translation is hidden: people reading this language see the English, "
            "with a notice, until you publish it."
        ),
    )
    publish_at = models.DateTimeField(
        _("publish on"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: with the status Published, the translation appears only from this date "
            "and time, so a language can go live all at once."
        ),
    )
    slug = models.SlugField(
        _("address in this language"),
        max_length=80,
        validators=[validate_slug_not_reserved],
        help_text=_(
            "Lowercase letters without accents, digits and hyphens, in this language. "
            "Unique among translations of this kind into this language."
        ),
    )
    source_snapshot = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text=_("The English text this translation was last brought up to date with."),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    # The English fields translated here, as in the English file; slugs are each language's own.
    source_fields: tuple[str, ...] = ()
    markdown_fields: tuple[tuple[str, str], ...] = ()

    objects = TranslationManager()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.source} ({self.language})"

    def save(self, *args, **kwargs):
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if isinstance(value, str) and "\r" in value:
                setattr(self, field.attname, normalize_newlines(value))
        self.render_markdown(update_fields=kwargs.get("update_fields"))
        if self._state.adding and not self.source_snapshot and self.source_id:
            # A new translation is made from the English as it is now.
            self.source_snapshot = self.source_texts()
        super().save(*args, **kwargs)

    def render_markdown(self, update_fields=None) -> None:
        """Store the sanitized HTML of every Markdown field beside its source.

        ``update_fields``: those of the save it is for, if it writes only some (``None``: all).
        """
        for source, target in self.markdown_fields:
            setattr(self, target, render_markdown(getattr(self, source)))

    @property
    def keeps_old_slugs(self) -> bool:
        """Whether a renamed slug keeps its old address, as its English item's does."""
        return getattr(self._meta.get_field("source").related_model, "keeps_old_slugs", False)

    def slug_owner(self) -> tuple[models.Model, str]:
        """Return the English item this translation's addresses lead to, in its language."""
        return self.source, self.language

    def natural_key(self):
        return (self.source.slug, self.language)

    # Loaded after every kind of item, answers included (a question's snapshot holds them).
    natural_key.dependencies = [
        "troubleshooting.topic",
        "troubleshooting.cause",
        "troubleshooting.fixstep",
        "troubleshooting.symptom",
        "troubleshooting.triagequestion",
        "troubleshooting.triagechoice",
    ]

    def clean_fields(self, exclude=None):
        clean_fields_without_nul(self, exclude, clean_fields=super().clean_fields)

    def clean(self):
        super().clean()
        if self.source_id is not None and (errors := self.translation_errors()):
            raise ValidationError(errors)

    def translation_errors(self) -> dict[str, str]:
        """Return what keeps this translation from standing for the English, by field."""
        errors = {}
        if self.status == Status.PUBLISHED:
            for name in self.missing_texts():
                errors[name] = _("The English has this text: translate it before publishing.")
        if self.slug and self._slug_is_another_items_english_slug():
            errors["slug"] = _(
                "Another item has this address in English: in this language the address "
                "would lead to two pages. Choose another."
            )
        return errors

    def _slug_is_another_items_english_slug(self) -> bool:
        source_model = type(self)._meta.get_field("source").related_model
        return source_model.objects.filter(slug=self.slug).exclude(pk=self.source_id).exists()

    def source_texts(self) -> dict:
        """Return the English text this translation translates, as stored in the snapshot."""
        return {name: normalize_newlines(getattr(self.source, name)) for name in self.source_fields}

    def missing_texts(self) -> list[str]:
        """Return the fields the English has text in and this translation leaves empty."""
        return [
            name
            for name in self.source_fields
            if str(getattr(self.source, name)).strip() and not str(getattr(self, name)).strip()
        ]

    @property
    def is_outdated(self) -> bool:
        """Whether the English changed since this translation was last brought up to date."""
        return self.source_snapshot != self.source_texts()

    def mark_up_to_date(self) -> None:
        """Record that the translation now matches the English as it is."""
        self.source_snapshot = self.source_texts()

    def is_live_at(self, moment) -> bool:
        """Whether the public sees it at ``moment``: the Python twin of ``live()``."""
        return self.status == Status.PUBLISHED and (
            self.publish_at is None or self.publish_at <= moment
        )

    @property
    def is_published(self) -> bool:
        return self.is_live_at(timezone.now())


class PiecesTranslationQuerySet(PiecesWrites, TranslationQuerySet):
    pass


class PiecesTranslationManager(TranslationManager.from_queryset(PiecesTranslationQuerySet)):
    """Translations by natural key; their bulk writes keep their pieces right."""


class TranslationWithPieces(Translation):
    """A translation whose item has pre-rendered pieces: its own, in its language."""

    pieces = pieces_field()

    objects = PiecesTranslationManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        from ..pieces import shows_any

        update_fields = kwargs.get("update_fields")
        if update_fields is not None and shows_any(self, update_fields):
            kwargs["update_fields"] = {*update_fields, "pieces"}
        super().save(*args, **kwargs)

    def render_markdown(self, update_fields=None) -> None:
        from ..pieces import render_for_row, shows_any

        super().render_markdown(update_fields)
        # A save of fields no piece shows leaves the pieces as they are, unrendered.
        if update_fields is None or shows_any(self, update_fields):
            self.pieces = render_for_row(self)


def _constraints(kind: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(
            fields=["source", "language"],
            name=f"one_{kind}_translation_per_language",
            violation_error_message=_("This item already has a translation into this language."),
        ),
        models.UniqueConstraint(
            fields=["language", "slug"],
            name=f"unique_{kind}_translation_slug",
            violation_error_message=_(
                "Another translation into this language already has this address."
            ),
        ),
    ]


class TopicTranslation(Translation):
    """A topic in another language."""

    source = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="translations", verbose_name=_("topic")
    )
    title = translated(Topic, "title")
    summary = translated(Topic, "summary")
    escalation = translated(Topic, "escalation")
    escalation_html = models.TextField(blank=True, editable=False)

    source_fields = ("title", "summary", "escalation")
    markdown_fields = (("escalation", "escalation_html"),)

    class Meta:
        verbose_name = _("topic translation")
        verbose_name_plural = _("topic translations")
        ordering = ["language", "source"]
        constraints = _constraints("topic")
        permissions = [("publish_topictranslation", "Can publish topic translations")]


class CauseTranslation(TranslationWithPieces):
    """A cause in another language."""

    source = models.ForeignKey(
        Cause, on_delete=models.CASCADE, related_name="translations", verbose_name=_("cause")
    )
    title = translated(Cause, "title")
    description = translated(Cause, "description")
    description_html = models.TextField(blank=True, editable=False)

    source_fields = ("title", "description")
    markdown_fields = (("description", "description_html"),)

    class Meta:
        verbose_name = _("cause translation")
        verbose_name_plural = _("cause translations")
        ordering = ["language", "source"]
        constraints = _constraints("cause")
        permissions = [("publish_causetranslation", "Can publish cause translations")]


class FixStepTranslation(TranslationWithPieces):
    """A fix step in another language."""

    source = models.ForeignKey(
        FixStep, on_delete=models.CASCADE, related_name="translations", verbose_name=_("fix step")
    )
    title = translated(FixStep, "title")
    settings_path = translated(FixStep, "settings_path")
    instructions = translated(FixStep, "instructions")
    instructions_html = models.TextField(blank=True, editable=False)
    warning = translated(FixStep, "warning")
    warning_html = models.TextField(blank=True, editable=False)

    source_fields = ("title", "settings_path", "instructions", "warning")
    markdown_fields = (("instructions", "instructions_html"), ("warning", "warning_html"))

    class Meta:
        verbose_name = _("fix step translation")
        verbose_name_plural = _("fix step translations")
        ordering = ["language", "source"]
        constraints = _constraints("fixstep")
        permissions = [("publish_fixsteptranslation", "Can publish fix step translations")]

    def translation_errors(self) -> dict[str, str]:
        errors = super().translation_errors()
        if settings_path_parts_differ(self.source.settings_path, self.settings_path):
            errors["settings_path"] = _(
                "The English path has a different number of levels: keep one level for each "
                "“>” of “%(path)s”."
            ) % {"path": self.source.settings_path}
        return errors

    @property
    def settings_path_parts(self) -> list[str]:
        return [part.strip() for part in self.settings_path.split(">") if part.strip()]


class SymptomTranslation(Translation):
    """A symptom in another language, with the words its speakers use for it."""

    source = models.ForeignKey(
        Symptom, on_delete=models.CASCADE, related_name="translations", verbose_name=_("symptom")
    )
    title = translated(Symptom, "title")
    summary = translated(Symptom, "summary")
    aliases = translated(Symptom, "aliases")
    body = translated(Symptom, "body")
    body_html = models.TextField(blank=True, editable=False)
    next_moves = translated(Symptom, "next_moves")
    next_moves_html = models.TextField(blank=True, editable=False)

    source_fields = ("title", "summary", "aliases", "body", "next_moves")
    markdown_fields = (("body", "body_html"), ("next_moves", "next_moves_html"))

    class Meta:
        verbose_name = _("symptom translation")
        verbose_name_plural = _("symptom translations")
        ordering = ["language", "source"]
        constraints = _constraints("symptom")
        permissions = [("publish_symptomtranslation", "Can publish symptom translations")]


class TriageQuestionTranslation(Translation):
    """A triage question in another language, with its answers' labels and hints in order."""

    source = models.ForeignKey(
        TriageQuestion,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("triage question"),
    )
    prompt = translated(TriageQuestion, "prompt")
    help = translated(TriageQuestion, "help")
    help_html = models.TextField(blank=True, editable=False)
    # In the English answers' order, not rows keyed to them: the importer replaces a question's
    # answer rows whenever its list changes, which would take rows pointing at them along.
    choices = models.JSONField(
        _("answers"),
        default=list,
        blank=True,
        validators=[validate_choice_texts],
        help_text=_(
            "The answers in the English order, each with its label and, if the English has "
            "one, its hint."
        ),
    )

    source_fields = ("prompt", "help", "choices")
    markdown_fields = (("help", "help_html"),)

    class Meta:
        verbose_name = _("triage question translation")
        verbose_name_plural = _("triage question translations")
        ordering = ["language", "source"]
        constraints = _constraints("triagequestion")
        permissions = [
            ("publish_triagequestiontranslation", "Can publish triage question translations")
        ]

    def source_texts(self) -> dict:
        return {
            "prompt": normalize_newlines(self.source.prompt),
            "help": normalize_newlines(self.source.help),
            "choices": english_choices(self.source),
        }

    def missing_texts(self) -> list[str]:
        missing = [
            name
            for name in ("prompt", "help")
            if getattr(self.source, name).strip() and not getattr(self, name).strip()
        ]
        english = english_choices(self.source)
        mine = self.choices if isinstance(self.choices, list) else []
        if len(mine) != len(english) or any(
            choice["hint"] and not (isinstance(ours, dict) and str(ours.get("hint", "")).strip())
            for choice, ours in zip(english, mine, strict=False)
        ):
            missing.append("choices")
        return missing

    def translation_errors(self) -> dict[str, str]:
        errors = super().translation_errors()
        english = english_choices(self.source)
        if self.choices and isinstance(self.choices, list) and len(self.choices) != len(english):
            errors["choices"] = _(
                "The English question has %(english)s answers and this translation %(mine)s: "
                "translate each answer once, in the same order."
            ) % {"english": len(english), "mine": len(self.choices)}
        return errors


def english_choices(question: TriageQuestion) -> list[dict[str, str]]:
    """Return a question's answers as translations hold them: label and hint, in order."""
    known = getattr(question, "known_choices", None)  # given by whoever loaded them already
    if known is not None:
        return [{"label": choice.label, "hint": choice.hint} for choice in known]
    rows = question.choices.order_by("position").values_list("label", "hint")
    return [{"label": label, "hint": hint} for label, hint in rows]


TRANSLATION_MODELS = {
    Topic: TopicTranslation,
    Cause: CauseTranslation,
    FixStep: FixStepTranslation,
    Symptom: SymptomTranslation,
    TriageQuestion: TriageQuestionTranslation,
}
# Known issues' translations join in models/__init__.py: their module builds on this one.
