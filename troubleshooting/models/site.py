"""What the site keeps beside the content: renamed addresses, the search index, its misses, and
the content version that cached pages are filed under."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from troubleshooting.language_codes import SOURCE_BASE_CODE
from troubleshooting.outcomes import languages
from troubleshooting.outcomes.languages import language_field

if TYPE_CHECKING:
    from .publishing import Content


def _content_language(help_text) -> models.CharField:
    """Return a language field for the site's own rows, English by default."""
    field = language_field()
    field.help_text = help_text
    field.verbose_name = _("language")
    return field


class SlugRedirectManager(models.Manager):
    def record(
        self,
        item: Content,
        *,
        old_slug: str | None,
        slug: str | None = None,
        language: str = SOURCE_BASE_CODE,
    ) -> None:
        """Remember a renamed slug of ``item`` in ``language``; a slug in use again is its owner's.

        ``slug``: the new slug, the item's own by default (a translation passes its own).
        """
        label, slug = item._meta.model_name, slug or item.slug
        if old_slug and old_slug != slug:
            self.update_or_create(
                model=label,
                language=language,
                old_slug=old_slug,
                defaults={"object_id": item.pk},
            )
        self.filter(model=label, language=language, old_slug=slug).delete()

    def current_item(
        self, model: type[models.Model], old_slug: str, language: str = SOURCE_BASE_CODE
    ) -> int | None:
        """Return the id of the item that once had ``old_slug`` in ``language`` or in English.

        A language's own renamed slugs come first; an English one still leads to its item
        from any language's address, as English slugs do.
        """
        rows = self.filter(
            model=model._meta.model_name,
            old_slug=old_slug,
            language__in={language, SOURCE_BASE_CODE},
        ).values_list("language", "object_id")
        found = dict(rows)
        return found.get(language, found.get(SOURCE_BASE_CODE))

    def current_slug(
        self, model: type[models.Model], old_slug: str, language: str = SOURCE_BASE_CODE
    ) -> str | None:
        """Return today's English slug of the item that once had ``old_slug``, if it exists."""
        object_id = self.current_item(model, old_slug, language)
        if object_id is None:
            return None
        return model._default_manager.filter(pk=object_id).values_list("slug", flat=True).first()


class SlugRedirect(models.Model):
    """An address an editor renamed, kept so that links people saved still work (with a 301).

    One row per old slug and language: English slugs, and translations' own slugs (an item's
    address in that language), each leading to the item by its id.
    """

    model = models.CharField(_("kind"), max_length=40)
    language = _content_language(_("The language of the old address: English, or a translation's."))
    old_slug = models.SlugField(_("old address"), max_length=80)
    object_id = models.PositiveBigIntegerField(_("item number"))
    created = models.DateTimeField(_("renamed on"), auto_now_add=True)

    objects = SlugRedirectManager()

    class Meta:
        verbose_name = _("renamed address")
        verbose_name_plural = _("renamed addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["model", "language", "old_slug"], name="unique_old_slug_per_language"
            ),
        ]

    def __str__(self):
        return f"{self.model} {self.old_slug} ({self.language}) → #{self.object_id}"


class KeepsOldSlugs(models.Model):
    """Keep a redirect from a renamed slug's old address: English content and translations alike.

    A kind whose rows have pages of their own says so with ``keeps_old_slugs``; the address
    leads to the item and language ``slug_owner()`` names.
    """

    keeps_old_slugs = False

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        keeps = self.keeps_old_slugs and (update_fields is None or "slug" in update_fields)
        renamed_from = None
        if keeps and self.pk:
            renamed_from = (
                type(self)
                ._default_manager.filter(pk=self.pk)
                .values_list("slug", flat=True)
                .first()
            )
        creating = self._state.adding
        super().save(*args, **kwargs)
        # A new row records nothing old, but frees its slug from an old address of another item.
        if keeps and (creating or (renamed_from and renamed_from != self.slug)):
            self.keep_old_slug(renamed_from)

    def keep_old_slug(self, old_slug: str | None) -> None:
        """Record ``old_slug`` as a renamed address of this row; its own slug is its own again.

        ``save`` calls it; so does anything that writes a row without ``save`` (restoring a
        saved version), having read the slug before it wrote.
        """
        if not self.keeps_old_slugs:
            return
        item, language = self.slug_owner()
        SlugRedirect.objects.record(item, old_slug=old_slug, slug=self.slug, language=language)

    def slug_owner(self) -> tuple[models.Model, str]:
        """Return the item this row's addresses lead to, and their language."""
        return self, SOURCE_BASE_CODE


class SearchDocument(models.Model):
    """The searchable text of one published symptom, fix step or cause.

    Kept in step with the content on every save (see ``search.py``); the search engines index this
    table: SQLite through an FTS5 table fed by triggers, PostgreSQL through GIN indexes.
    """

    class Source(models.TextChoices):
        """The kind of content a document was made from."""

        SYMPTOM = "symptom", _("Symptom")
        STEP = "step", _("Fix step")
        CAUSE = "cause", _("Cause")

    kind = models.CharField(max_length=10, choices=Source.choices)
    object_id = models.PositiveBigIntegerField()
    # One document per item and language: English from the item, others from its translation.
    language = _content_language("The language of the text: English, or a translation's.")
    title = models.CharField(max_length=200)
    aliases = models.TextField(blank=True)
    body = models.TextField(blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "language"], name="one_document_per_object_language"
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.title}"


class SearchMiss(models.Model):
    """A search that found nothing: the words only, never who searched."""

    query = models.CharField(max_length=200)
    # Search runs in the visitor's language, so a miss is a gap in that language's guide.
    language = language_field()
    count = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-count", "-last_seen"]
        verbose_name = "search that found nothing"
        verbose_name_plural = "searches that found nothing"
        constraints = [
            models.UniqueConstraint(fields=["language", "query"], name="one_miss_per_language"),
        ]

    def __str__(self):
        return self.query

    @property
    def language_name(self) -> str:
        return languages.name(self.language)


class ContentVersion(models.Model):
    """One row whose token changes whenever something the public sees is saved or deleted.

    Cached pages are filed under the token, with the latest "publish on" time already passed
    (see ``caching.py``), so an editor's save, or a scheduled item's time coming, retires
    cached pages on every app server: every one, or, for a save that shows only on one
    symptom's own pages, the listings and that symptom's pages (``scoped``).
    """

    token = models.CharField(max_length=32)
    # JSON, written by a save scoped to some symptoms (``caching.py``): the frame token their
    # pages and every other symptom's are filed under, a token per symptom's slug changed since,
    # and the token it was written with. Any write of the token alone makes it void.
    scoped = models.TextField(blank=True, default="")

    def __str__(self):
        return self.token


def _split_phrases(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


class SearchSynonymManager(models.Manager):
    def get_by_natural_key(self, phrases, language="en"):
        return self.get(phrases=phrases, language=language)


class SearchSynonym(models.Model):
    """Words people type for what the guide calls something else ("abroad" for "roaming").

    Search reads every group on each query (both engines) and the typo corrector knows their
    words, so "rebot" is corrected to "reboot" and then finds "restart".
    """

    # Each language's people type their own words: a group finds only in its language's search.
    language = _content_language(
        _("The language people type these words in: they change that language's search only.")
    )
    phrases = models.TextField(
        help_text=(
            _(
                "Words or short phrases people type, one per line, e.g. “reboot”, “restart”, "
                "“turn it off and on”. Capitals and punctuation do not matter."
            )
        ),
    )
    means = models.CharField(
        max_length=100,
        blank=True,
        help_text=(
            _(
                "What the guide calls it, e.g. “roaming”: the lines above then find it, and it "
                "does not find them. Leave empty when every line means the same, so each finds "
                "the others."
            )
        ),
    )
    updated = models.DateTimeField(auto_now=True)

    objects = SearchSynonymManager()

    class Meta:
        ordering = ["language", "means", "phrases"]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "phrases"], name="one_synonym_group_per_language"
            ),
        ]
        verbose_name = "search synonym"
        verbose_name_plural = "search synonyms"

    def __str__(self):
        words = ", ".join(self.phrase_list())
        return f"{words} → {self.means}" if self.means else words

    def natural_key(self):
        return (self.phrases, self.language)

    def phrase_list(self) -> list[str]:
        return _split_phrases(self.phrases)

    def clean(self):
        from django.core.exceptions import ValidationError

        phrases = self.phrase_list()
        self.phrases = "\n".join(phrases)
        self.means = " ".join(self.means.split())
        if any("," in phrase or "→" in phrase for phrase in phrases + [self.means]):
            raise ValidationError("Write one phrase per line, without commas or arrows.")
        if len(phrases) < (1 if self.means else 2):
            raise ValidationError(
                "Give at least two phrases that mean the same, or one and what the guide calls it."
            )


class SearchQuery(models.Model):
    """A query people searched for on the search page, and how often they opened a result.

    Only the query's words are kept, never who searched. Queries searched often whose results
    nobody opens point at a gap in the guide, as misses do.
    """

    query = models.CharField(max_length=200)
    # Per language, as results are: its opens (``SearchOpen``) are in the same language.
    language = language_field()
    searches = models.PositiveIntegerField(default=0)
    opens = models.PositiveIntegerField(default=0)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-searches", "-last_seen"]
        verbose_name = "search people made"
        verbose_name_plural = "searches people made"
        constraints = [
            models.UniqueConstraint(fields=["language", "query"], name="one_query_per_language"),
        ]

    def __str__(self):
        return self.query

    @property
    def language_name(self) -> str:
        return languages.name(self.language)


class SearchOpen(models.Model):
    """How often people who searched for a query opened one result (a symptom, step or cause)."""

    search = models.ForeignKey(SearchQuery, on_delete=models.CASCADE, related_name="results_opened")
    kind = models.CharField(max_length=10, choices=SearchDocument.Source.choices)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=200)
    count = models.PositiveIntegerField(default=0)
    last_opened = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-count"]
        verbose_name = "result opened"
        verbose_name_plural = "results opened"
        constraints = [
            models.UniqueConstraint(
                fields=["search", "kind", "object_id"], name="one_count_per_result_opened"
            ),
        ]

    def __str__(self):
        return f"{self.search}: {self.title}"
