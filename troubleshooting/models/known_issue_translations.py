"""A known issue in another language: its banner, its page and its timeline's updates.

Like every translation (``translations.Translation``): one row per issue and language, its own
slug, status and schedule, and a snapshot of the English to tell when it is outdated. The
timeline's updates are part of the issue's translation, as a question's answers are part of
the question's: an update is a sentence or two written while the issue runs, and a row per
update would give a translator one page per sentence and a publishing state per sentence.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..markdown import render_markdown
from ..rules import validate_issue_slug
from .known_issues import KnownIssue, KnownIssueUpdate
from .publishing import normalize_newlines
from .translations import Translation, _constraints, translated

UPDATE_LENGTH = KnownIssueUpdate._meta.get_field("body").max_length


def validate_update_texts(value) -> None:
    """Refuse updates that are not a list of texts within an update's length."""
    if not isinstance(value, list) or not all(isinstance(text, str) for text in value):
        raise ValidationError(
            _("The updates must be a list of texts, one per update, oldest first.")
        )
    for number, text in enumerate(value, 1):
        if len(text) > UPDATE_LENGTH:
            raise ValidationError(
                _("Update %(number)s is too long: at most %(length)s characters."),
                params={"number": number, "length": UPDATE_LENGTH},
            )


def english_updates(issue: KnownIssue) -> list[str]:
    """Return an issue's updates as translations hold them: their texts, oldest first."""
    # Through .all(), so updates already fetched with the issue cost no query.
    timeline = sorted(issue.updates.all(), key=lambda update: (update.posted_at, update.pk))
    return [normalize_newlines(update.body) for update in timeline]


class KnownIssueTranslation(Translation):
    """A known issue in another language, with its timeline's updates in order."""

    source = models.ForeignKey(
        KnownIssue,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("known issue"),
    )
    slug = models.SlugField(
        _("address in this language"),
        max_length=80,
        validators=[validate_issue_slug],
        help_text=_(
            "Lowercase letters without accents, digits and hyphens, in this language. "
            "Unique among known issues' translations into this language."
        ),
    )
    title = translated(KnownIssue, "title")
    symptoms_seen = translated(KnownIssue, "symptoms_seen")
    symptoms_seen_html = models.TextField(blank=True, editable=False)
    known = translated(KnownIssue, "known")
    known_html = models.TextField(blank=True, editable=False)
    workaround = translated(KnownIssue, "workaround")
    workaround_html = models.TextField(blank=True, editable=False)
    # In the timeline's order, oldest first, not rows keyed to each update: an update added
    # later in English comes last, so the ones translated keep their places.
    updates = models.JSONField(
        _("updates"),
        default=list,
        blank=True,
        validators=[validate_update_texts],
        help_text=_(
            "Markdown. The timeline's updates, oldest first, with a line holding only --- "
            "between two updates. An update left empty or left out shows in English."
        ),
    )
    updates_html = models.JSONField(default=list, blank=True, editable=False)

    source_fields = ("title", "symptoms_seen", "known", "workaround", "updates")
    markdown_fields = (
        ("symptoms_seen", "symptoms_seen_html"),
        ("known", "known_html"),
        ("workaround", "workaround_html"),
    )

    class Meta:
        verbose_name = _("known issue translation")
        verbose_name_plural = _("known issue translations")
        ordering = ["language", "source"]
        constraints = _constraints("knownissue")
        permissions = [("publish_knownissuetranslation", "Can publish known issue translations")]

    def natural_key(self):
        return (self.source.slug, self.language)

    natural_key.dependencies = ["troubleshooting.knownissue"]

    def save(self, *args, **kwargs):
        texts = self.updates if isinstance(self.updates, list) else []
        self.updates = [normalize_newlines(text) for text in texts]
        self.updates_html = [render_markdown(text) for text in self.updates]
        super().save(*args, **kwargs)

    def source_texts(self) -> dict:
        texts = {
            name: normalize_newlines(getattr(self.source, name)) for name in self.source_fields[:-1]
        }
        return {**texts, "updates": english_updates(self.source)}

    def missing_texts(self) -> list[str]:
        # An update not translated yet shows in English in its place: issues move fast, and a
        # new English update must not take the translated banner down.
        return [
            name
            for name in self.source_fields[:-1]
            if getattr(self.source, name).strip() and not getattr(self, name).strip()
        ]

    def translation_errors(self) -> dict[str, str]:
        errors = super().translation_errors()
        count = len(english_updates(self.source))
        if isinstance(self.updates, list) and len(self.updates) > count:
            errors["updates"] = _(
                "The English timeline has %(english)s updates and this translation %(mine)s: "
                "translate each update once, oldest first."
            ) % {"english": count, "mine": len(self.updates)}
        return errors
