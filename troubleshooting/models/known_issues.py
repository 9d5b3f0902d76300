"""Known issues: "it's not you", when an iOS release or an outage breaks things for everyone.

A known issue is content like any other (draft or published, ``publish_at``, history, review),
with a lifecycle of its own (investigating → identified → monitoring → resolved), the topics and
symptoms it affects, and a timeline of dated updates. While it is *active* (live, not resolved,
its scheduled end not passed) it is shown as a banner on the pages it affects.
"""

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..markdown import render_markdown
from ..rules import validate_issue_slug
from .content import Symptom, Topic
from .publishing import (
    Content,
    PublishableQuerySet,
    SlugManager,
    clean_fields_without_nul,
    live,
    markdown_field,
    normalize_newlines,
)


class IssueState(models.TextChoices):
    """Where an issue stands, in the order issues usually go (as status pages say it)."""

    INVESTIGATING = "investigating", _("Investigating")
    IDENTIFIED = "identified", _("Identified")
    MONITORING = "monitoring", _("Monitoring a fix")
    RESOLVED = "resolved", _("Resolved")


def active(prefix: str = "", *, preview: bool = False) -> Q:
    """Match issues shown as banners now: live, not resolved, and their scheduled end not passed.

    Read by the database's clock, as ``live()`` is, so every app server agrees.
    """
    return (
        live(prefix, preview=preview)
        & ~Q(**{f"{prefix}state": IssueState.RESOLVED})
        & (Q(**{f"{prefix}ends_at__isnull": True}) | Q(**{f"{prefix}ends_at__gt": Now()}))
    )


class KnownIssueQuerySet(PublishableQuerySet):
    def active(self, *, preview: bool = False):
        """Return the issues shown as banners now (drafts too, for an editor previewing)."""
        return self.filter(active(preview=preview))

    def with_last_update(self):
        """Add ``last_update_at``: the latest update's time, or when the issue began."""
        latest = (
            KnownIssueUpdate.objects.filter(issue=OuterRef("pk"))
            .order_by("-posted_at")
            .values("posted_at")[:1]
        )
        return self.annotate(latest_update_at=Subquery(latest))

    def banners(self, *, preview: bool = False):
        """Return the active issues in the shape a banner needs, newest first, in one query."""
        return self.active(preview=preview).with_last_update().order_by("-started_at", "pk")

    def affecting_symptom(self, symptom: Symptom):
        """Issues listing this symptom, or the topic it belongs to."""
        return self.filter(
            Q(pk__in=_listing("symptom", symptom=symptom.pk))
            | Q(pk__in=_listing("topic", topic=symptom.topic_id))
        )

    def affecting_topic(self, topic: Topic):
        """Issues listing this topic, or any of its symptoms (the topic page lists them)."""
        return self.filter(
            Q(pk__in=_listing("topic", topic=topic.pk))
            | Q(pk__in=_listing("symptom", symptom__topic=topic.pk))
        )

    def matching_search(self, terms: list[str], symptoms: list[Symptom]):
        """Match issues naming a searched word (3 letters or more) or affecting a found symptom."""
        match = Q(pk__in=_listing("symptom", symptom__in=[symptom.pk for symptom in symptoms]))
        match |= Q(pk__in=_listing("topic", topic__in={symptom.topic_id for symptom in symptoms}))
        for term in terms:
            if len(term) >= 3:
                match |= Q(title__icontains=term)
        return self.filter(match)


def _listing(kind: str, **match):
    """Return the ids of the issues whose ``kind`` list ("topic", "symptom") holds a match."""
    through = KnownIssue.topics.through if kind == "topic" else KnownIssue.symptoms.through
    return through.objects.filter(**match).values("knownissue_id")


class KnownIssue(Content):
    """A problem many people have at once (an iOS release, an Apple outage), and what is known."""

    title = models.CharField(
        _("title"),
        max_length=120,
        help_text=_(
            'Short and plain, e.g. "iMessage not activating after iOS 18.2". Shown on every banner.'
        ),
    )
    slug = models.SlugField(
        max_length=80,
        unique=True,
        validators=[validate_issue_slug],
        help_text=_("The issue's address on the site, filled in from the title."),
    )
    symptoms_seen = markdown_field(
        _("what people see"),
        max_length=2_000,
        help_text=_("Markdown. What is on people's screens, in their words."),
    )
    symptoms_seen_html = models.TextField(blank=True, editable=False)
    known = markdown_field(
        _("what we know"),
        max_length=3_000,
        blank=True,
        help_text=_("Markdown. The cause, if known, and whether Apple or the carriers are on it."),
    )
    known_html = models.TextField(blank=True, editable=False)
    workaround = markdown_field(
        _("workaround"),
        max_length=3_000,
        blank=True,
        help_text=_(
            "Markdown. What people can do meanwhile, if anything. Leave empty if nothing "
            "helps: the page then says to wait rather than try fixes."
        ),
    )
    workaround_html = models.TextField(blank=True, editable=False)
    state = models.CharField(
        _("where it stands"),
        max_length=15,
        choices=IssueState.choices,
        default=IssueState.INVESTIGATING,
        db_index=True,
        help_text=_(
            "Resolving it takes every banner down at once; it stays on the Known issues "
            "page with its timeline."
        ),
    )
    topics = models.ManyToManyField(
        Topic,
        blank=True,
        related_name="known_issues",
        help_text=_(
            "Its banner shows on these topics and on every article and guided fix in them."
        ),
    )
    symptoms = models.ManyToManyField(
        Symptom,
        blank=True,
        related_name="known_issues",
        help_text=_(
            "Its banner shows on these articles, at the start of their guided fix and on "
            "their topic's page."
        ),
    )
    ios_versions = models.CharField(
        _("iOS versions"),
        max_length=100,
        blank=True,
        help_text=_('Optional: the versions affected, e.g. "18.2, 18.2.1". Shown with the issue.'),
    )
    started_at = models.DateTimeField(
        _("began"), default=timezone.now, help_text=_("When people started to run into it.")
    )
    ends_at = models.DateTimeField(
        _("scheduled end"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: banners come down on their own at this time (e.g. the end of "
            "announced maintenance). The issue stays on the Known issues page."
        ),
    )
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)

    markdown_fields = (
        ("symptoms_seen", "symptoms_seen_html"),
        ("known", "known_html"),
        ("workaround", "workaround_html"),
    )
    # An issue has a page of its own, linked from banners and feeds people saved.
    keeps_old_slugs = True

    objects = SlugManager.from_queryset(KnownIssueQuerySet)()

    class Meta:
        ordering = ["-started_at"]
        permissions = [("publish_knownissue", "Can publish known issues")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("troubleshooting:known_issue", args=[self.slug])

    def save(self, *args, **kwargs):
        # When it was resolved is kept with it (the list and the feed show it), and cleared if
        # an editor reopens it.
        if self.state == IssueState.RESOLVED and self.resolved_at is None:
            self.resolved_at = timezone.now()
        elif self.state != IssueState.RESOLVED:
            self.resolved_at = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "state" in update_fields:
            kwargs["update_fields"] = {*update_fields, "resolved_at"}
        super().save(*args, **kwargs)

    @property
    def is_resolved(self) -> bool:
        return self.state == IssueState.RESOLVED

    @property
    def ended(self):
        """When the banners came (or come) down: resolved, or the scheduled end; else None."""
        return self.resolved_at or self.ends_at

    def is_active_at(self, moment) -> bool:
        """Whether its banners show at ``moment``: the Python twin of ``active()``."""
        return (
            self.is_live_at(moment)
            and not self.is_resolved
            and (self.ends_at is None or self.ends_at > moment)
        )

    @property
    def last_update_at(self):
        """The latest update's time (annotated by ``with_last_update``), or when it began."""
        return getattr(self, "latest_update_at", None) or self.started_at

    def ios_version_list(self) -> list[str]:
        return [part.strip() for part in self.ios_versions.split(",") if part.strip()]


class KnownIssueUpdate(models.Model):
    """One dated entry of an issue's timeline: what changed, and where the issue stood then."""

    issue = models.ForeignKey(KnownIssue, on_delete=models.CASCADE, related_name="updates")
    posted_at = models.DateTimeField(_("time"), default=timezone.now)
    state = models.CharField(
        _("where it stood"),
        max_length=15,
        choices=IssueState.choices,
        default=IssueState.INVESTIGATING,
    )
    body = markdown_field(
        _("update"),
        max_length=2_000,
        help_text=_("Markdown. What is new, in a sentence or two."),
    )
    body_html = models.TextField(blank=True, editable=False)

    markdown_fields = (("body", "body_html"),)

    class Meta:
        ordering = ["-posted_at", "-pk"]
        verbose_name = "update"

    def __str__(self):
        return f"{self.get_state_display()} ({self.posted_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        self.body = normalize_newlines(self.body)
        self.body_html = render_markdown(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        clean_fields_without_nul(self, exclude, clean_fields=super().clean_fields)
