"""Changes to live content that wait for a publisher: the proposed version, kept apart from the
live tables so that the public, outcomes, votes and the guided fix's fingerprint see only what is
live until a publisher approves it."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class ReviewState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    SCHEDULED = "scheduled", _("Approved, goes live at its time")
    APPLIED = "applied", _("Live")
    RETURNED = "returned", _("Sent back")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATES = (ReviewState.PENDING, ReviewState.SCHEDULED)


class PendingChangeQuerySet(models.QuerySet):
    def awaiting_approval(self):
        """Return the changes a publisher has yet to approve or send back."""
        return self.filter(state=ReviewState.PENDING)

    def open(self):
        """Return the changes not yet live, sent back or withdrawn (scheduled ones included)."""
        return self.filter(state__in=OPEN_STATES)

    def due(self):
        """Return the approved changes whose time has come, by the database's clock."""
        return self.filter(state=ReviewState.SCHEDULED, apply_at__lte=Now())

    def for_object(self, obj):
        """Return the changes proposed to ``obj``."""
        content_type = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=content_type, object_id=obj.pk)


class PendingChange(models.Model):
    """An editor's change to a live item, saved aside until a publisher approves it.

    ``proposed`` and ``base`` hold the item with its ordered lists (steps, causes, answers) as
    Django's JSON serializer writes them: as the editor wants it, and as it was live when they
    started. The live item must still match ``base_fingerprint`` when the change is applied.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(_("item"), max_length=200)
    proposed = models.TextField()
    base = models.TextField()
    base_fingerprint = models.CharField(max_length=64)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("proposed on"), auto_now_add=True)
    state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    apply_at = models.DateTimeField(_("goes live on"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True, max_length=2000)

    objects = PendingChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "change awaiting approval"
        verbose_name_plural = "changes awaiting approval"
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="pending_change_item"),
            models.Index(fields=["state", "apply_at"], name="pending_change_state"),
        ]

    def __str__(self):
        return f"Change to “{self.object_repr}”"

    @property
    def model(self) -> type[models.Model]:
        return self.content_type.model_class()

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def live_object(self):
        """Return the live item this change is for, or None if it was deleted."""
        return self.model._default_manager.filter(pk=self.object_id).first()
