"""What happens when people use the guides: guided sessions, their answers, and article votes.

Everything here is anonymous: a session or a voter is a random key, never an account, an IP
address or anything else about the person. Raw rows are kept for OUTCOMES_RETENTION_DAYS; before
they are deleted they are added up into daily tallies, which the dashboards read together with
the raw rows that are still there.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from troubleshooting.outcomes.languages import language_field

from .content import FixStep, Symptom


class Result(models.TextChoices):
    """What happened when someone tried a step; the same letters as in the flow's address."""

    FIXED = "y", _("Fixed it")
    NOT_FIXED = "n", _("Didn't fix it")
    SKIPPED = "s", _("Skipped")
    CANT_DO = "c", _("Couldn't do it")


class CantDoReason(models.TextChoices):
    """Why someone could not do a step, so editors can make the step doable."""

    NOT_FOUND = "not-found", _("I can't find the setting or button")
    PASSWORD = "password", _("I don't know the password or passcode it asks for")
    EQUIPMENT = "equipment", _("I don't have what it needs (another device, Wi-Fi, a computer)")
    UNCLEAR = "unclear", _("The instructions aren't clear to me")
    RISKY = "risky", _("I'm worried about losing something")
    OTHER = "other", _("Something else")


class Outcome(models.TextChoices):
    """How a guided session ended. Abandoned is worked out from the time of the last answer."""

    OPEN = "open", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    ENDED = "ended", _("Reached the end page")
    ABANDONED = "abandoned", _("Abandoned")


class FeedbackReason(models.TextChoices):
    """Why an article was not helpful."""

    DIDNT_FIX = "didnt-fix", _("It didn't fix my problem")
    HARD = "hard", _("It was hard to follow")
    OUTDATED = "outdated", _("My screen looks different from what it describes")
    WRONG_PROBLEM = "wrong-problem", _("It's about a different problem")
    OTHER = "other", _("Something else")


class FlowSession(models.Model):
    """One person's go at a symptom's guided fix, from the first step to how it ended."""

    key = models.CharField(max_length=32, unique=True)
    # Every answer writes a session, and each index is written with it: a symptom's sessions are
    # found through the (symptom, started_at) index below, which leads with it, so the foreign
    # key needs none of its own.
    symptom = models.ForeignKey(
        Symptom, on_delete=models.CASCADE, related_name="flow_sessions", db_index=False
    )
    started_at = models.DateTimeField(default=timezone.now)
    last_active_at = models.DateTimeField(default=timezone.now)
    # Never "abandoned" here: that is an open session with no answer for a while.
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    resolved_number = models.PositiveSmallIntegerField(null=True, blank=True)
    # A known issue affecting the symptom when the session began: its steps could not have
    # helped, so the dashboards count such sessions apart from the fix rates.
    known_issue = models.ForeignKey(
        "troubleshooting.KnownIssue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flow_sessions",
        db_index=False,  # indexed below where it is set: most sessions have none
    )
    # The session's answers are in its language: they belong to it.
    language = language_field()

    class Meta:
        indexes = [
            models.Index(fields=["symptom", "started_at"]),
            models.Index(fields=["started_at"]),
            models.Index(fields=["language", "started_at"]),
            # A known issue's sessions (its deletion sets theirs to none); a session without
            # one, nearly every session, writes nothing to it.
            models.Index(
                fields=["known_issue"],
                condition=Q(known_issue__isnull=False),
                name="flow_session_known_issue",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=[Outcome.OPEN, Outcome.RESOLVED, Outcome.ENDED]),
                name="flow_session_outcome_valid",
            ),
            models.CheckConstraint(
                condition=(Q(outcome=Outcome.RESOLVED) & Q(resolved_number__isnull=False))
                | (~Q(outcome=Outcome.RESOLVED) & Q(resolved_number__isnull=True)),
                name="flow_session_resolved_has_step",
            ),
        ]

    def __str__(self):
        return f"{self.symptom}: {self.get_outcome_display()} ({self.started_at:%Y-%m-%d})"


class StepAnswer(models.Model):
    """The latest answer a session gave to one step, and the step's number when it was given."""

    # Found through the unique (session, step) constraint below, which leads with it.
    session = models.ForeignKey(
        FlowSession, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    number = models.PositiveSmallIntegerField()
    step = models.ForeignKey(FixStep, on_delete=models.CASCADE, related_name="answers")
    result = models.CharField(max_length=1, choices=Result.choices)
    reason = models.CharField(max_length=20, choices=CantDoReason.choices, blank=True)
    note = models.CharField(max_length=200, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # By step, not number: an editor may insert or move steps mid-session (see flow.py).
            models.UniqueConstraint(fields=["session", "step"], name="unique_session_step_answer"),
            models.CheckConstraint(
                condition=Q(result__in=Result.values), name="step_answer_result_valid"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.step}: {self.get_result_display()}"


class ArticleVote(models.Model):
    """ "Was this helpful?" from one browser on one article; voting again replaces it."""

    symptom = models.ForeignKey(Symptom, on_delete=models.CASCADE, related_name="votes")
    voter = models.CharField(max_length=32)
    helpful = models.BooleanField()
    reason = models.CharField(max_length=20, choices=FeedbackReason.choices, blank=True)
    comment = models.CharField(max_length=500, blank=True)
    # Fingerprint of the article as the person saw it, so votes can be read per version.
    version = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    language = language_field()

    class Meta:
        indexes = [
            models.Index(fields=["symptom", "updated_at"]),
            models.Index(fields=["language", "updated_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["symptom", "voter"], name="one_vote_per_voter"),
        ]

    def __str__(self):
        return f"{self.symptom}: {'helpful' if self.helpful else 'not helpful'}"


class Tally(models.Model):
    """A daily count kept after the raw rows it adds up were deleted."""

    day = models.DateField()
    count = models.PositiveIntegerField()
    # Part of every tally's unique key, so a roll-up keeps languages apart.
    language = language_field()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.day}: {self.count}"


class SessionTally(Tally):
    symptom = models.ForeignKey(Symptom, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    resolved_number = models.PositiveSmallIntegerField(default=0)  # 0: not resolved

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "language", "symptom", "outcome", "resolved_number"],
                name="unique_session_tally",
            )
        ]


class AnswerTally(Tally):
    symptom = models.ForeignKey(Symptom, on_delete=models.CASCADE, related_name="+")
    step = models.ForeignKey(FixStep, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField()
    result = models.CharField(max_length=1, choices=Result.choices)
    reason = models.CharField(max_length=20, choices=CantDoReason.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "language", "symptom", "step", "number", "result", "reason"],
                name="unique_answer_tally",
            )
        ]


class VoteTally(Tally):
    symptom = models.ForeignKey(Symptom, on_delete=models.CASCADE, related_name="+")
    version = models.CharField(max_length=16)
    helpful = models.BooleanField()
    reason = models.CharField(max_length=20, choices=FeedbackReason.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "language", "symptom", "version", "helpful", "reason"],
                name="unique_vote_tally",
            )
        ]
