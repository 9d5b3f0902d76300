"""Triage: the questions that narrow a broad problem down to a symptom, and their answers."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import rules
from ..addresses import slug_url
from .content import POSITION_VALIDATORS, Symptom, Topic, slug_field
from .publishing import Content, clean_fields_without_nul, markdown_field


class TriageQuestion(Content):
    """A question that narrows a broad problem down to a specific symptom."""

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="questions")
    slug = slug_field("question")
    prompt = models.CharField(
        _("question"),
        max_length=200,
        help_text=_(
            'Ask about something people can see, e.g. "What does it say under your message?"'
        ),
    )
    help = markdown_field(
        _("help"),
        blank=True,
        max_length=1_000,
        help_text=_("Markdown. An optional hint on how to answer, shown under the question."),
    )
    help_html = models.TextField(blank=True, editable=False)
    is_start = models.BooleanField(
        _("first question"),
        default=False,
        help_text=_(
            "Tick for the question the guided fix of this topic starts with (one per topic)."
        ),
    )

    markdown_fields = (("help", "help_html"),)
    keeps_old_slugs = True

    class Meta:
        ordering = ["topic", "-is_start", "prompt"]
        verbose_name = _("triage question")
        verbose_name_plural = _("triage questions")
        permissions = [("publish_triagequestion", "Can publish triage questions")]
        constraints = [
            models.UniqueConstraint(
                fields=["topic"],
                condition=Q(is_start=True),
                name="one_start_question_per_topic",
                violation_error_message=_(
                    "This topic already has a first question: untick "
                    "“first question” there before choosing this one."
                ),
            ),
        ]

    def __str__(self):
        return self.prompt

    def get_absolute_url(self):
        if self.is_start:
            return slug_url("troubleshooting:flow_start", self.topic.slug)
        return slug_url("troubleshooting:flow_question", self.topic.slug, self.slug)

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
        return rules.reachable(self.pk, self._answer_edges().__getitem__)

    def _answer_edges(self) -> defaultdict[int, list[int]]:
        """Return, per question of this topic, the questions its answers lead to."""
        edges: defaultdict[int, list[int]] = defaultdict(list)
        for source, target in TriageChoice.objects.filter(
            question__topic_id=self.topic_id, next_question__isnull=False
        ).values_list("question_id", "next_question_id"):
            edges[source].append(target)
        return edges


class TriageChoiceManager(models.Manager):
    def get_by_natural_key(self, question_slug, position):
        return self.get(question__slug=question_slug, position=position)


class TriageChoice(models.Model):
    """An answer to a triage question, leading to another question or to a symptom."""

    question = models.ForeignKey(TriageQuestion, on_delete=models.CASCADE, related_name="choices")
    label = models.CharField(
        max_length=120, help_text=_('The answer as people would say it, e.g. "Not Delivered".')
    )
    hint = models.CharField(
        max_length=200,
        blank=True,
        help_text=_('Optional detail that helps people recognise it, e.g. "with a red "!"".'),
    )
    position = models.PositiveSmallIntegerField(
        validators=POSITION_VALIDATORS, help_text=_("Answers are listed from the lowest up.")
    )
    reach = models.CharField(
        _("says it fails with"),
        max_length=10,
        choices=rules.Reach.choices,
        blank=True,
        default=rules.Reach.ANYONE,
        help_text=_(
            "If this answer says whom messages fail to reach, choose it: the content check "
            "then makes sure it leads only to steps that fit."
        ),
    )
    next_question = models.ForeignKey(
        TriageQuestion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_choices",
        help_text=_("Ask this question next… (fill in this or the symptom, not both)"),
    )
    symptom = models.ForeignKey(
        Symptom,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="triage_choices",
        help_text=_("…or go straight to the fix steps of this symptom."),
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
                violation_error_message=_(
                    "An answer leads to exactly one place: another question or a symptom."
                ),
            ),
        ]

    def __str__(self):
        return self.label

    def natural_key(self):
        return self.question.natural_key() + (self.position,)

    natural_key.dependencies = ["troubleshooting.triagequestion", "troubleshooting.symptom"]

    def clean_fields(self, exclude=None):
        clean_fields_without_nul(self, exclude, clean_fields=super().clean_fields)

    def clean(self):
        super().clean()
        if not rules.leads_to_one_place(self.next_question_id, self.symptom_id):
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
