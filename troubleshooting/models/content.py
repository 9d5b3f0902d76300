"""The guides' content: topics, symptoms, causes and fix steps, in the order people try them."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import rules
from ..addresses import Addresses, slug_url
from ..rules import Severity, validate_slug_not_reserved
from .publishing import Content, PublishableQuerySet, live, markdown_field
from .stored_pieces import HasPieces, PiecesManager, pieces_field
from .topic_counts import CountsWrites, count_field

POSITION_VALIDATORS = [MinValueValidator(1), MaxValueValidator(999)]


# Whole sentences per kind, not "The {what}'s address", so each language can word them.
SLUG_HELP = {
    "topic": _(
        "The topic's address on the site, filled in from the title. Changing it "
        "breaks links people have saved, so change it only when you must."
    ),
    "cause": _(
        "The cause's address on the site, filled in from the title. Changing it "
        "breaks links people have saved, so change it only when you must."
    ),
    "fix step": _(
        "The fix step's address on the site, filled in from the title. Changing it "
        "breaks links people have saved, so change it only when you must."
    ),
    "symptom": _(
        "The symptom's address on the site, filled in from the title. Changing it "
        "breaks links people have saved, so change it only when you must."
    ),
    "question": _(
        "The question's address on the site, filled in from the title. Changing it "
        "breaks links people have saved, so change it only when you must."
    ),
}


def slug_field(what: str):
    return models.SlugField(
        max_length=80,
        unique=True,
        validators=[validate_slug_not_reserved],
        help_text=SLUG_HELP[what],
    )


class Topic(Content):
    """A product area, such as "Messages and iMessage", grouping its symptoms."""

    title = models.CharField(
        _("title"), max_length=120, help_text=_("Shown as the page heading and in menus.")
    )
    slug = slug_field("topic")
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences shown under the title and in search results."),
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text=_("Topics are listed on the home page from the lowest number up.")
    )
    escalation = markdown_field(
        _("where to go next"),
        max_length=3_000,
        blank=True,
        help_text=_(
            "Markdown. Shown on the last page of every guided fix in this topic when nothing "
            "worked: who to contact (support, the carrier) and what to tell them."
        ),
    )
    escalation_html = models.TextField(blank=True, editable=False)
    # How many of its symptoms are published, scheduled ones too (``topic_counts.py``).
    published_symptoms = count_field()

    markdown_fields = (("escalation", "escalation_html"),)
    keeps_old_slugs = True

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        permissions = [("publish_topic", "Can publish topics")]

    def __str__(self):
        return self.title

    def get_absolute_url(self, *, at: Addresses | None = None):
        """Return the topic's address; ``at``: the response's ``Addresses``, if it has one."""
        return (at.slug_url if at else slug_url)("troubleshooting:topic", self.slug)


class Cause(HasPieces, Content):
    """Why a symptom happens, such as "No internet connection"."""

    title = models.CharField(
        _("title"), max_length=120, help_text=_('A short reason, e.g. "iMessage is off".')
    )
    slug = slug_field("cause")
    description = markdown_field(
        _("description"),
        blank=True,
        max_length=2_000,
        help_text=_("Markdown. Explain the cause in plain words, in a sentence or two."),
    )
    description_html = models.TextField(blank=True, editable=False)
    pieces = pieces_field()

    objects = PiecesManager()

    markdown_fields = (("description", "description_html"),)

    class Meta:
        ordering = ["title"]
        verbose_name = _("cause")
        verbose_name_plural = _("causes")
        permissions = [("publish_cause", "Can publish causes")]

    def __str__(self):
        return self.title


class FixStep(HasPieces, Content):
    """One action a person takes to fix a problem; shared between symptoms."""

    title = models.CharField(
        _("title"),
        max_length=120,
        help_text=_('An instruction, e.g. "Turn iMessage off and on again".'),
    )
    slug = slug_field("fix step")
    instructions = markdown_field(
        _("instructions"),
        max_length=4_000,
        help_text=_(
            "Markdown. What to do, one action per line, in the words people see on screen."
        ),
    )
    instructions_html = models.TextField(blank=True, editable=False)
    settings_path = models.CharField(
        _("where to find it"),
        max_length=200,
        blank=True,
        help_text=_(
            'Where it is on the phone, with ">" between levels, e.g. '
            '"Settings > Messages > Send & Receive". Leave empty if it is not in Settings.'
        ),
    )
    minutes = models.PositiveSmallIntegerField(
        _("time it takes (minutes)"),
        default=1,
        validators=[MaxValueValidator(24 * 60)],
        help_text=_(
            "A realistic estimate for someone doing it for the first time (at most a day)."
        ),
    )
    severity = models.PositiveSmallIntegerField(
        choices=Severity.choices,
        default=Severity.QUICK,
        db_index=True,
        help_text=_(
            "How much it disturbs the person. Destructive steps can lose data: they need a "
            "warning, always come after safer steps, and people must confirm before seeing them."
        ),
    )
    warning = markdown_field(
        _("warning"),
        blank=True,
        max_length=2_000,
        help_text=_(
            "Markdown. What can go wrong or be lost, and how to avoid it. Required for "
            "destructive steps."
        ),
    )
    warning_html = models.TextField(blank=True, editable=False)
    interrupts = models.BooleanField(
        _("interrupts the person"),
        default=False,
        help_text=_(
            "Tick if the step restarts the phone or takes people away from this page; "
            "we then remind them to keep the link so they can carry on where they left off."
        ),
    )
    only_when = models.CharField(
        _("only fits when it fails with"),
        max_length=10,
        choices=rules.Reach.choices,
        blank=True,
        default=rules.Reach.ANYONE,
        help_text=_(
            "Leave as it is if the step helps whoever messages fail to reach. Choose "
            "“One or two people” for a step about one contact or conversation: the content check "
            "then flags any triage answer saying it fails with everyone that leads to it."
        ),
    )
    causes = models.ManyToManyField(
        Cause,
        blank=True,
        related_name="fix_steps",
        help_text=_("The causes this step addresses."),
    )
    pieces = pieces_field()

    objects = PiecesManager()

    markdown_fields = (("instructions", "instructions_html"), ("warning", "warning_html"))

    class Meta:
        ordering = ["severity", "title"]
        verbose_name = _("fix step")
        verbose_name_plural = _("fix steps")
        permissions = [("publish_fixstep", "Can publish fix steps")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(severity=Severity.DESTRUCTIVE) | ~Q(warning=""),
                name="destructive_step_has_warning",
                violation_error_message=_("A destructive step needs a warning."),
            ),
            models.CheckConstraint(
                condition=Q(severity__gte=Severity.QUICK, severity__lte=Severity.DESTRUCTIVE),
                name="fix_step_severity_in_range",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if rules.lacks_warning(self.severity, self.warning):
            raise ValidationError(
                {"warning": "A destructive step needs a warning that says what can be lost."}
            )
        if self.pk is not None:
            clash = self._symptom_where_order_breaks()
            if clash is not None:
                raise ValidationError(
                    {
                        "severity": f"In “{clash}”, destructive steps would then come before "
                        "safer ones. Move this step in that symptom's list first."
                    }
                )

    def _symptom_where_order_breaks(self):
        """Return a symptom whose list would put a destructive step ahead of a safer one."""
        for link in self.symptom_steps.select_related("symptom"):
            rows = link.symptom.symptom_steps.order_by("position").values_list(
                "pk", "step__severity"
            )
            severities = [self.severity if pk == link.pk else severity for pk, severity in rows]
            index = [pk for pk, _ in rows].index(link.pk)
            if rules.breaks_step_order_at(severities, index, severity=int):
                return link.symptom
        return None

    @property
    def is_destructive(self) -> bool:
        return rules.is_destructive(self.severity)

    @property
    def time_estimate(self) -> str:
        """Return the time the step takes, in words."""
        if self.minutes <= 1:
            return gettext("About a minute")
        if self.minutes < 60:
            return gettext("About %(minutes)d minutes") % {"minutes": self.minutes}
        hours = round(self.minutes / 60)
        return ngettext("About %(hours)d hour", "About %(hours)d hours", hours) % {"hours": hours}

    @property
    def settings_path_parts(self) -> list[str]:
        return [part.strip() for part in self.settings_path.split(">") if part.strip()]


class SymptomQuerySet(CountsWrites, PublishableQuerySet):
    def for_article(self, *, preview: bool = False):
        """Return published symptoms (of published topics) with everything their article shows."""
        return self.in_visible_topic(preview=preview).with_article(preview=preview)

    def with_article(self, *, preview: bool = False):
        """Return symptoms, drafts too, with the published causes and steps of their article."""
        return self.select_related("topic").prefetch_related(
            Prefetch(
                "symptom_causes",
                queryset=SymptomCause.objects.filter(live("cause__", preview=preview))
                .select_related("cause")
                .order_by("position"),
                to_attr="published_causes",
            ),
            Prefetch(
                "symptom_steps",
                queryset=SymptomStep.objects.filter(live("step__", preview=preview))
                .select_related("step")
                .order_by("position"),
                to_attr="published_steps",
            ),
        )


class SymptomManager(models.Manager.from_queryset(SymptomQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Symptom(Content):
    """What the person sees, in their words, such as "Stuck on Sending…"."""

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="symptoms")
    title = models.CharField(
        _("title"),
        max_length=120,
        help_text=_('What people see, in their words, e.g. "Stuck on Sending…".'),
    )
    slug = slug_field("symptom")
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_(
            "One or two plain sentences shown under the title, in lists and in search "
            "engine results."
        ),
    )
    body = markdown_field(
        _("what it means"),
        max_length=5_000,
        help_text=_("Markdown. What the symptom means and why it happens, before any fix."),
    )
    body_html = models.TextField(blank=True, editable=False)
    aliases = models.TextField(
        _("other words people use"),
        blank=True,
        max_length=2_000,
        validators=[MaxLengthValidator(2_000)],
        help_text=_(
            'One per line: how people describe it, e.g. "red exclamation mark". Used by search.'
        ),
    )
    next_moves = markdown_field(
        _("where to go next"),
        max_length=3_000,
        blank=True,
        help_text=_(
            "Markdown. Shown on the last page of the guided fix when nothing worked, above "
            "the topic's general advice: what else it could be and who can help."
        ),
    )
    next_moves_html = models.TextField(blank=True, editable=False)
    featured = models.BooleanField(
        _("common problem"),
        default=False,
        help_text=_(
            "Tick to list it on the home page among the common problems. The home page shows "
            "six: the ticked ones with the lowest position numbers across all topics (equal "
            "numbers go by title)."
        ),
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text=_("Symptoms are listed in their topic from the lowest number up.")
    )
    causes = models.ManyToManyField(Cause, through="SymptomCause", related_name="symptoms")
    steps = models.ManyToManyField(FixStep, through="SymptomStep", related_name="symptoms")

    markdown_fields = (("body", "body_html"), ("next_moves", "next_moves_html"))
    keeps_old_slugs = True

    objects = SymptomManager()

    class Meta:
        ordering = ["topic", "position", "title"]
        verbose_name = _("symptom")
        verbose_name_plural = _("symptoms")
        permissions = [("publish_symptom", "Can publish symptoms")]
        # What the home page reads of thousands of symptoms, without reading them all: a
        # topic's first ones in order, how many are live, and the featured ones in order.
        # The listing's publication time is read from the index too, not from each row, and
        # on PostgreSQL so are the id and slug it shows: a topic's first symptoms are then read
        # from the index alone (where the table's pages are marked all-visible, as vacuum
        # leaves them), not one table page each. SQLite builds the index without them.
        indexes = [
            models.Index(
                fields=["topic", "status", "position", "title", "publish_at"],
                include=["id", "slug"],
                name="symptom_topic_listing",
            ),
            models.Index(fields=["topic", "status", "publish_at"], name="symptom_topic_live"),
            models.Index(
                fields=["status", "position", "title"],
                condition=Q(featured=True),
                name="symptom_featured_order",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self, *, at: Addresses | None = None):
        """Return the article's address; ``at``: the response's ``Addresses``, if it has one."""
        return (at.slug_url if at else slug_url)(
            "troubleshooting:symptom", self.topic.slug, self.slug
        )

    def clean(self):
        super().clean()
        if (
            self.pk is not None
            and self.topic_id is not None
            and self.triage_choices.exclude(question__topic=self.topic_id).exists()
        ):
            raise ValidationError(
                {
                    "topic": "Answers to questions of its current topic lead to this symptom. "
                    "Change those answers before moving it to another topic."
                }
            )

    def get_flow_url(self):
        """Return where the guided fix begins (it starts a session, then shows step 1)."""
        return slug_url("troubleshooting:flow_begin", self.topic.slug, self.slug)


class SymptomCauseManager(models.Manager):
    def get_by_natural_key(self, symptom_slug, cause_slug):
        return self.get(symptom__slug=symptom_slug, cause__slug=cause_slug)


class SymptomStepManager(models.Manager):
    def get_by_natural_key(self, symptom_slug, step_slug):
        return self.get(symptom__slug=symptom_slug, step__slug=step_slug)


class SymptomCause(models.Model):
    """A likely cause of a symptom, in the order the article lists them."""

    symptom = models.ForeignKey(Symptom, on_delete=models.CASCADE, related_name="symptom_causes")
    cause = models.ForeignKey(
        Cause, on_delete=models.CASCADE, related_name="symptom_causes", verbose_name=_("cause")
    )
    position = models.PositiveSmallIntegerField(
        _("position"),
        default=1,
        validators=POSITION_VALIDATORS,
        help_text=_("Most likely first: lower numbers are listed first."),
    )

    objects = SymptomCauseManager()

    class Meta:
        ordering = ["symptom", "position"]
        constraints = [
            models.UniqueConstraint(fields=["symptom", "cause"], name="unique_symptom_cause"),
        ]

    def __str__(self):
        return f"{self.symptom}: {self.cause}"

    def natural_key(self):
        return self.symptom.natural_key() + self.cause.natural_key()

    natural_key.dependencies = ["troubleshooting.symptom", "troubleshooting.cause"]


class SymptomStep(models.Model):
    """A fix step in a symptom's ordered list: quick and safe first, last resorts last."""

    symptom = models.ForeignKey(Symptom, on_delete=models.CASCADE, related_name="symptom_steps")
    step = models.ForeignKey(
        FixStep, on_delete=models.CASCADE, related_name="symptom_steps", verbose_name=_("fix step")
    )
    position = models.PositiveSmallIntegerField(
        _("position"),
        validators=POSITION_VALIDATORS,
        help_text=_("The order people try the steps in: lower numbers first."),
    )

    objects = SymptomStepManager()

    class Meta:
        ordering = ["symptom", "position"]
        constraints = [
            models.UniqueConstraint(fields=["symptom", "step"], name="unique_symptom_step"),
            models.UniqueConstraint(
                fields=["symptom", "position"], name="unique_symptom_step_position"
            ),
        ]

    def __str__(self):
        return f"{self.symptom}: {self.position}. {self.step}"

    def natural_key(self):
        return self.symptom.natural_key() + self.step.natural_key()

    natural_key.dependencies = ["troubleshooting.symptom", "troubleshooting.fixstep"]
