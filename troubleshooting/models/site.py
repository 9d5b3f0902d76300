"""What the site keeps beside the content: renamed addresses, the search index, its misses, and
the content version that cached pages are filed under."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from .publishing import Content


class SlugRedirectManager(models.Manager):
    def record(self, obj: Content, *, old_slug: str | None) -> None:
        """Remember a renamed slug; a slug in use again belongs to its new owner."""
        label = obj._meta.model_name
        if old_slug and old_slug != obj.slug:
            self.update_or_create(model=label, old_slug=old_slug, defaults={"object_id": obj.pk})
        self.filter(model=label, old_slug=obj.slug).delete()

    def current_slug(self, model: type[models.Model], old_slug: str) -> str | None:
        """Return today's slug of the content that once had ``old_slug``, if it still exists."""
        object_id = (
            self.filter(model=model._meta.model_name, old_slug=old_slug)
            .values_list("object_id", flat=True)
            .first()
        )
        if object_id is None:
            return None
        return model._default_manager.filter(pk=object_id).values_list("slug", flat=True).first()


class SlugRedirect(models.Model):
    """An address an editor renamed, kept so that links people saved still work (with a 301)."""

    model = models.CharField(max_length=40)
    old_slug = models.SlugField(max_length=80)
    object_id = models.PositiveBigIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    objects = SlugRedirectManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "old_slug"], name="unique_old_slug"),
        ]

    def __str__(self):
        return f"{self.model} {self.old_slug} → #{self.object_id}"


class SearchDocument(models.Model):
    """The searchable text of one published symptom, fix step or cause.

    Kept in step with the content on every save (see ``search.py``); the search engines index this
    table: SQLite through an FTS5 table fed by triggers, PostgreSQL through GIN indexes.
    """

    class Source(models.TextChoices):
        """The kind of content a document was made from."""

        SYMPTOM = "symptom", "Symptom"
        STEP = "step", "Fix step"
        CAUSE = "cause", "Cause"

    kind = models.CharField(max_length=10, choices=Source.choices)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=200)
    aliases = models.TextField(blank=True)
    body = models.TextField(blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_document_per_object"),
        ]

    def __str__(self):
        return f"{self.kind}: {self.title}"


class SearchMiss(models.Model):
    """A search that found nothing: the words only, never who searched."""

    query = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-count", "-last_seen"]
        verbose_name = "search that found nothing"
        verbose_name_plural = "searches that found nothing"

    def __str__(self):
        return self.query


class ContentVersion(models.Model):
    """One row whose token changes whenever something the public sees is saved or deleted.

    Cached pages are filed under the token, with the latest "publish on" time already passed
    (see ``caching.py``), so an editor's save, or a scheduled item's time coming, retires every
    cached page at once, on every app server.
    """

    token = models.CharField(max_length=32)

    def __str__(self):
        return self.token
