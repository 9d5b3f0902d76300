"""The guides' content: topics, symptoms, causes, fix steps and triage questions."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from ..markdown import render_markdown


class Status(models.TextChoices):
    DRAFT = "draft", "Draft (only editors can see it)"
    PUBLISHED = "published", "Published"


class Severity(models.IntegerChoices):
    """How much a fix step disturbs the person; the flow tries gentler steps first."""

    QUICK = 1, "Quick and safe"
    MODERATE = 2, "Moderate"
    DISRUPTIVE = 3, "Disruptive"
    DESTRUCTIVE = 4, "Destructive (can lose data)"


def live(prefix: str = "", *, preview: bool = False) -> Q:
    """Match content the public can see now: published, and its publication time (if any) passed.

    ``prefix`` reaches related content (``"topic__"``); in ``preview`` everything matches, so
    editors see drafts and scheduled content exactly as the public will.
    """
    if preview:
        return Q()
    return Q(**{f"{prefix}status": Status.PUBLISHED}) & (
        Q(**{f"{prefix}publish_at__isnull": True}) | Q(**{f"{prefix}publish_at__lte": Now()})
    )


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """Return only what the public may see now."""
        return self.filter(live())

    def visible(self, *, preview: bool = False):
        """Return what the public may see, or everything for an editor previewing."""
        return self.filter(live(preview=preview))

    def in_visible_topic(self, *, preview: bool = False):
        """``visible()`` for content of a topic (symptoms, questions): its topic must be too."""
        return self.visible(preview=preview).filter(live("topic__", preview=preview))


class SlugManager(models.Manager.from_queryset(PublishableQuerySet)):
    """Look content up by its slug, so fixtures load the same on every database."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Content(models.Model):
    """Fields and behaviour shared by every editable piece of content."""

    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Drafts are hidden from the public site until you publish them.",
    )
    publish_at = models.DateTimeField(
        "publish on",
        null=True,
        blank=True,
        help_text="Optional: with the status Published, it appears on the site only from this "
        "date and time. Leave empty to publish as soon as you save.",
    )
    reviewed_on = models.DateField(
        "last reviewed",
        null=True,
        blank=True,
        help_text="When someone last checked, on a real phone, that this is still right.",
    )
    checked_on_ios = models.CharField(
        "checked on iOS",
        max_length=20,
        blank=True,
        help_text='The iOS version it was checked on, e.g. "18.1".',
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    # Pairs of (Markdown source field, rendered HTML field), rendered once on save.
    markdown_fields: tuple[tuple[str, str], ...] = ()
    # Content with its own page: renaming its slug keeps a redirect from the old address.
    keeps_old_slugs = False

    objects = SlugManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.normalize_newlines()
        self.render_markdown()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = {target for source, target in self.markdown_fields if source in update_fields}
            kwargs["update_fields"] = set(update_fields) | extra
        renamed_from = None
        if self.keeps_old_slugs and self.pk and (update_fields is None or "slug" in update_fields):
            renamed_from = (
                type(self).objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            )
        creating = self._state.adding
        super().save(*args, **kwargs)
        if self.keeps_old_slugs and (creating or (renamed_from and renamed_from != self.slug)):
            SlugRedirect.objects.record(self, old_slug=renamed_from)

    def natural_key(self):
        return (self.slug,)

    def is_live_at(self, moment) -> bool:
        """Whether the public sees it at ``moment``: the Python twin of ``live()``."""
        return self.status == Status.PUBLISHED and (
            self.publish_at is None or self.publish_at <= moment
        )

    @property
    def is_published(self) -> bool:
        """Whether the public can see it now."""
        return self.is_live_at(timezone.now())

    @property
    def is_scheduled(self) -> bool:
        """Whether it is published but waits for its publication time."""
        return self.status == Status.PUBLISHED and not self.is_published

    def normalize_newlines(self) -> None:
        """Store line breaks as "\n": browsers send "\r\n", files and fixtures have "\n"."""
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if isinstance(value, str) and "\r" in value:
                setattr(self, field.attname, value.replace("\r\n", "\n").replace("\r", "\n"))

    def render_markdown(self) -> None:
        """Store the sanitized HTML of every Markdown field beside its source."""
        for source, target in self.markdown_fields:
            setattr(self, target, render_markdown(getattr(self, source)))


# Positions within a list; small, so rows can be moved out of each other's way while reordering.
POSITION_VALIDATORS = [MinValueValidator(1), MaxValueValidator(999)]

# Addresses the site itself uses: content under these slugs could never be reached.
RESERVED_SLUGS = frozenset(
    {"admin", "api", "fix", "health", "media", "preview", "search", "static"}
)


def validate_slug_not_reserved(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            "“%(value)s” is used by the site itself. Please choose another address.",
            code="reserved",
            params={"value": value},
        )


def _slug_field(what: str):
    return models.SlugField(
        max_length=80,
        unique=True,
        validators=[validate_slug_not_reserved],
        help_text=f"The {what}'s address on the site, filled in from the title. Changing it "
        "breaks links people have saved, so change it only when you must.",
    )


class Topic(Content):
    """A product area, such as "Messages and iMessage", grouping its symptoms."""

    title = models.CharField(max_length=120, help_text="Shown as the page heading and in menus.")
    slug = _slug_field("topic")
    summary = models.CharField(
        max_length=300,
        help_text="One or two sentences shown under the title and in search results.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Topics are listed on the home page from the lowest number up."
    )
    escalation = models.TextField(
        "where to go next",
        blank=True,
        help_text="Markdown. Shown on the last page of every guided fix in this topic when nothing "
        "worked: who to contact (support, the carrier) and what to tell them.",
    )
    escalation_html = models.TextField(blank=True, editable=False)

    markdown_fields = (("escalation", "escalation_html"),)
    keeps_old_slugs = True

    class Meta:
        ordering = ["position", "title"]
        permissions = [("publish_topic", "Can publish topics")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("troubleshooting:topic", args=[self.slug])


class Cause(Content):
    """Why a symptom happens, such as "No internet connection"."""

    title = models.CharField(max_length=120, help_text='A short reason, e.g. "iMessage is off".')
    slug = _slug_field("cause")
    description = models.TextField(
        blank=True, help_text="Markdown. Explain the cause in plain words, in a sentence or two."
    )
    description_html = models.TextField(blank=True, editable=False)

    markdown_fields = (("description", "description_html"),)

    class Meta:
        ordering = ["title"]
        permissions = [("publish_cause", "Can publish causes")]

    def __str__(self):
        return self.title


class FixStep(Content):
    """One action a person takes to fix a problem; shared between symptoms."""

    title = models.CharField(
        max_length=120, help_text='An instruction, e.g. "Turn iMessage off and on again".'
    )
    slug = _slug_field("fix step")
    instructions = models.TextField(
        help_text="Markdown. What to do, one action per line, in the words people see on screen."
    )
    instructions_html = models.TextField(blank=True, editable=False)
    settings_path = models.CharField(
        "where to find it",
        max_length=200,
        blank=True,
        help_text='Where it is on the phone, with ">" between levels, e.g. '
        '"Settings > Messages > Send & Receive". Leave empty if it is not in Settings.',
    )
    minutes = models.PositiveSmallIntegerField(
        "time it takes (minutes)",
        default=1,
        validators=[MaxValueValidator(24 * 60)],
        help_text="A realistic estimate for someone doing it for the first time (at most a day).",
    )
    severity = models.PositiveSmallIntegerField(
        choices=Severity.choices,
        default=Severity.QUICK,
        db_index=True,
        help_text="How much it disturbs the person. Destructive steps can lose data: they need a "
        "warning, always come after safer steps, and people must confirm before seeing them.",
    )
    warning = models.TextField(
        blank=True,
        help_text="Markdown. What can go wrong or be lost, and how to avoid it. Required for "
        "destructive steps.",
    )
    warning_html = models.TextField(blank=True, editable=False)
    interrupts = models.BooleanField(
        "interrupts the person",
        default=False,
        help_text="Tick if the step restarts the phone or takes people away from this page; "
        "we then remind them to keep the link so they can carry on where they left off.",
    )
    causes = models.ManyToManyField(
        Cause,
        blank=True,
        related_name="fix_steps",
        help_text="The causes this step addresses.",
    )

    markdown_fields = (("instructions", "instructions_html"), ("warning", "warning_html"))

    class Meta:
        ordering = ["severity", "title"]
        permissions = [("publish_fixstep", "Can publish fix steps")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(severity=Severity.DESTRUCTIVE) | ~Q(warning=""),
                name="destructive_step_has_warning",
                violation_error_message="A destructive step needs a warning.",
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
        if self.severity == Severity.DESTRUCTIVE and not self.warning.strip():
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
            others = link.symptom.symptom_steps.exclude(pk=link.pk)
            if self.severity == Severity.DESTRUCTIVE:
                breaks = others.filter(
                    position__gt=link.position, step__severity__lt=Severity.DESTRUCTIVE
                )
            else:
                breaks = others.filter(
                    position__lt=link.position, step__severity=Severity.DESTRUCTIVE
                )
            if breaks.exists():
                return link.symptom
        return None

    @property
    def is_destructive(self) -> bool:
        return self.severity == Severity.DESTRUCTIVE

    @property
    def time_estimate(self) -> str:
        """Return the time the step takes, in words."""
        if self.minutes <= 1:
            return "About a minute"
        if self.minutes < 60:
            return f"About {self.minutes} minutes"
        hours = round(self.minutes / 60)
        return f"About {hours} hour{'' if hours == 1 else 's'}"

    @property
    def settings_path_parts(self) -> list[str]:
        return [part.strip() for part in self.settings_path.split(">") if part.strip()]


class SymptomQuerySet(PublishableQuerySet):
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
        max_length=120, help_text='What people see, in their words, e.g. "Stuck on Sending…".'
    )
    slug = _slug_field("symptom")
    summary = models.CharField(
        max_length=300,
        help_text="One or two plain sentences shown under the title, in lists and in search "
        "engine results.",
    )
    body = models.TextField(
        "what it means",
        help_text="Markdown. What the symptom means and why it happens, before any fix.",
    )
    body_html = models.TextField(blank=True, editable=False)
    aliases = models.TextField(
        "other words people use",
        blank=True,
        help_text='One per line: how people describe it, e.g. "red exclamation mark". Used by '
        "search.",
    )
    next_moves = models.TextField(
        "where to go next",
        blank=True,
        help_text="Markdown. Shown on the last page of the guided fix when nothing worked, above "
        "the topic's general advice: what else it could be and who can help.",
    )
    next_moves_html = models.TextField(blank=True, editable=False)
    featured = models.BooleanField(
        "common problem",
        default=False,
        help_text="Tick to list it on the home page among the common problems.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Symptoms are listed in their topic from the lowest number up."
    )
    causes = models.ManyToManyField(Cause, through="SymptomCause", related_name="symptoms")
    steps = models.ManyToManyField(FixStep, through="SymptomStep", related_name="symptoms")

    markdown_fields = (("body", "body_html"), ("next_moves", "next_moves_html"))
    keeps_old_slugs = True

    objects = SymptomManager()

    class Meta:
        ordering = ["topic", "position", "title"]
        permissions = [("publish_symptom", "Can publish symptoms")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("troubleshooting:symptom", args=[self.topic.slug, self.slug])

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
        return reverse("troubleshooting:flow_begin", args=[self.topic.slug, self.slug])


class SymptomCauseManager(models.Manager):
    def get_by_natural_key(self, symptom_slug, cause_slug):
        return self.get(symptom__slug=symptom_slug, cause__slug=cause_slug)


class SymptomStepManager(models.Manager):
    def get_by_natural_key(self, symptom_slug, step_slug):
        return self.get(symptom__slug=symptom_slug, step__slug=step_slug)


class SymptomCause(models.Model):
    """A likely cause of a symptom, in the order the article lists them."""

    symptom = models.ForeignKey(Symptom, on_delete=models.CASCADE, related_name="symptom_causes")
    cause = models.ForeignKey(Cause, on_delete=models.CASCADE, related_name="symptom_causes")
    position = models.PositiveSmallIntegerField(
        default=1,
        validators=POSITION_VALIDATORS,
        help_text="Most likely first: lower numbers are listed first.",
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
    step = models.ForeignKey(FixStep, on_delete=models.CASCADE, related_name="symptom_steps")
    position = models.PositiveSmallIntegerField(
        validators=POSITION_VALIDATORS,
        help_text="The order people try the steps in: lower numbers first.",
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


class TriageQuestion(Content):
    """A question that narrows a broad problem down to a specific symptom."""

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="questions")
    slug = _slug_field("question")
    prompt = models.CharField(
        "question",
        max_length=200,
        help_text='Ask about something people can see, e.g. "What does it say under your message?"',
    )
    help = models.TextField(
        blank=True,
        help_text="Markdown. An optional hint on how to answer, shown under the question.",
    )
    help_html = models.TextField(blank=True, editable=False)
    is_start = models.BooleanField(
        "first question",
        default=False,
        help_text="Tick for the question the guided fix of this topic starts with (one per topic).",
    )

    markdown_fields = (("help", "help_html"),)
    keeps_old_slugs = True

    class Meta:
        ordering = ["topic", "-is_start", "prompt"]
        permissions = [("publish_triagequestion", "Can publish triage questions")]
        constraints = [
            models.UniqueConstraint(
                fields=["topic"],
                condition=Q(is_start=True),
                name="one_start_question_per_topic",
                violation_error_message="This topic already has a first question: untick "
                "“first question” there before choosing this one.",
            ),
        ]

    def __str__(self):
        return self.prompt

    def get_absolute_url(self):
        if self.is_start:
            return reverse("troubleshooting:flow_start", args=[self.topic.slug])
        return reverse("troubleshooting:flow_question", args=[self.topic.slug, self.slug])

    def clean(self):
        super().clean()
        if self.pk is None or self.topic_id is None:
            return
        elsewhere = Q(question__topic=self.topic_id)
        crossing = (
            self.incoming_choices.exclude(elsewhere).exists()
            or self.choices.exclude(next_question__isnull=True)
            .exclude(next_question__topic=self.topic_id)
            .exists()
            or self.choices.exclude(symptom__isnull=True)
            .exclude(symptom__topic=self.topic_id)
            .exists()
        )
        if crossing:
            raise ValidationError(
                {
                    "topic": "Answers link this question with questions or symptoms of its current "
                    "topic. Change those answers before moving it to another topic."
                }
            )

    def reachable_question_ids(self) -> set[int]:
        """Return the ids of every question reachable from this one by following answers."""
        edges: dict[int, list[int]] = {}
        for source, target in TriageChoice.objects.filter(
            question__topic_id=self.topic_id, next_question__isnull=False
        ).values_list("question_id", "next_question_id"):
            edges.setdefault(source, []).append(target)
        seen: set[int] = set()
        pending = [self.pk]
        while pending:
            for target in edges.get(pending.pop(), []):
                if target not in seen:
                    seen.add(target)
                    pending.append(target)
        return seen


class TriageChoiceManager(models.Manager):
    def get_by_natural_key(self, question_slug, position):
        return self.get(question__slug=question_slug, position=position)


class TriageChoice(models.Model):
    """An answer to a triage question, leading to another question or to a symptom."""

    question = models.ForeignKey(TriageQuestion, on_delete=models.CASCADE, related_name="choices")
    label = models.CharField(
        max_length=120, help_text='The answer as people would say it, e.g. "Not Delivered".'
    )
    hint = models.CharField(
        max_length=200,
        blank=True,
        help_text='Optional detail that helps people recognise it, e.g. "with a red "!"".',
    )
    position = models.PositiveSmallIntegerField(
        validators=POSITION_VALIDATORS, help_text="Answers are listed from the lowest up."
    )
    next_question = models.ForeignKey(
        TriageQuestion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_choices",
        help_text="Ask this question next… (fill in this or the symptom, not both)",
    )
    symptom = models.ForeignKey(
        Symptom,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="triage_choices",
        help_text="…or go straight to the fix steps of this symptom.",
    )

    objects = TriageChoiceManager()

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "position"], name="unique_triage_choice_position"
            ),
            models.CheckConstraint(
                condition=(Q(next_question__isnull=False) & Q(symptom__isnull=True))
                | (Q(next_question__isnull=True) & Q(symptom__isnull=False)),
                name="triage_choice_has_one_target",
                violation_error_message="An answer leads to exactly one place: another question "
                "or a symptom.",
            ),
        ]

    def __str__(self):
        return self.label

    def natural_key(self):
        return self.question.natural_key() + (self.position,)

    natural_key.dependencies = ["troubleshooting.triagequestion", "troubleshooting.symptom"]

    def clean(self):
        super().clean()
        if (self.next_question_id is None) == (self.symptom_id is None):
            raise ValidationError(
                "Choose where this answer leads: another question or a symptom (one of the two)."
            )
        # On the add page the question is not saved yet, but its topic is already set.
        question = self._question_or_none()
        if question is None:
            return
        if self.next_question_id is not None:
            if self.next_question_id == question.pk:
                raise ValidationError(
                    {"next_question": "An answer cannot lead to its own question."}
                )
            if self.next_question.topic_id != question.topic_id:
                raise ValidationError(
                    {"next_question": "The next question must belong to the same topic."}
                )
            if (
                question.pk is not None
                and question.pk in self.next_question.reachable_question_ids()
            ):
                raise ValidationError(
                    {
                        "next_question": "That would make a loop: the next question already "
                        "leads back to this one."
                    }
                )
        if self.symptom_id is not None and self.symptom.topic_id != question.topic_id:
            raise ValidationError({"symptom": "The symptom must belong to the same topic."})

    def _question_or_none(self):
        try:
            return self.question
        except TriageQuestion.DoesNotExist:
            return None


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

    class Kind(models.TextChoices):
        SYMPTOM = "symptom", "Symptom"
        STEP = "step", "Fix step"
        CAUSE = "cause", "Cause"

    kind = models.CharField(max_length=10, choices=Kind.choices)
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
