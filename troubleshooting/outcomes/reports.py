"""What the outcomes say: sessions, fix rates per step, helpfulness, and a better step order.

Every figure adds raw records still within the retention period to the daily tallies of older
days (see ``outcomes.purge``); a day is always in one or the other, never both. Each report runs a
fixed number of queries, however much was recorded.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone

from troubleshooting import rules
from troubleshooting.flow import article_version
from troubleshooting.models import (
    AnswerTally,
    ArticleVote,
    CantDoReason,
    FeedbackReason,
    FixStep,
    FlowSession,
    Outcome,
    Result,
    SessionTally,
    StepAnswer,
    Symptom,
    SymptomStep,
    VoteTally,
)
from troubleshooting.outcomes import session_outcome

DEFAULT_DAYS = 30
RECENT_NOTES = 20


@dataclass(frozen=True)
class Period:
    """A range of whole days, both ends included, counted in one language or ("") in all."""

    start: date
    end: date
    language: str = ""

    @classmethod
    def last(cls, days: int, today: date | None = None, language: str = "") -> Period:
        today = today or timezone.localdate()
        return cls(start=today - timedelta(days=days - 1), end=today, language=language)

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """Return the period as [start, end) datetimes, for index-friendly filters."""
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.start, time.min, tzinfo=tz)
        return start, datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def in_language(self, rows, field: str = "language"):
        """Keep the rows recorded in the period's language; all of them for all languages."""
        return rows.filter(**{field: self.language}) if self.language else rows


def wilson(successes: int, trials: int, z: float = 1.96) -> tuple[float, float] | None:
    """Return the Wilson score interval (95% by default) of a proportion, or None without data."""
    if trials == 0:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class SessionCounts:
    started: int = 0
    resolved: int = 0
    ended: int = 0
    abandoned: int = 0
    in_progress: int = 0
    resolved_at: Counter = field(default_factory=Counter)  # step number -> sessions

    def add(self, outcome: str, resolved_number: int | None, count: int) -> None:
        self.started += count
        if outcome == Outcome.RESOLVED:
            self.resolved += count
            self.resolved_at[resolved_number] += count
        elif outcome == Outcome.ENDED:
            self.ended += count
        elif outcome == Outcome.ABANDONED:
            self.abandoned += count
        else:
            self.in_progress += count

    def include(self, other: SessionCounts) -> None:
        """Add another symptom's (or period's) counts to these."""
        self.started += other.started
        self.resolved += other.resolved
        self.ended += other.ended
        self.abandoned += other.abandoned
        self.in_progress += other.in_progress
        self.resolved_at.update(other.resolved_at)

    @property
    def resolution_rate(self) -> float | None:
        return _ratio(self.resolved, self.started)


@dataclass
class VoteCounts:
    helpful: int = 0
    not_helpful: int = 0
    reasons: Counter = field(default_factory=Counter)  # reason label -> votes
    by_version: dict = field(default_factory=dict)  # version -> [helpful, not helpful]

    def add(self, version: str, helpful: bool, reason: str, count: int) -> None:
        pair = self.by_version.setdefault(version, [0, 0])
        if helpful:
            self.helpful += count
            pair[0] += count
        else:
            self.not_helpful += count
            pair[1] += count
            self.reasons[FeedbackReason(reason).label if reason else "No reason given"] += count

    @property
    def reason_list(self) -> list[tuple[str, int]]:
        return self.reasons.most_common()

    @property
    def total(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def helpful_rate(self) -> float | None:
        return _ratio(self.helpful, self.total)


def _session_rows(period: Period, symptom: Symptom | None = None):
    """Yield (symptom id, outcome, resolved step number, sessions) from raw rows and tallies."""
    start, end = period.bounds
    # Sessions begun during a known issue are counted apart (``_during_known_issue``): the
    # steps could not have helped, so they would skew every rate.
    raw = FlowSession.objects.filter(
        started_at__gte=start, started_at__lt=end, known_issue__isnull=True
    )
    tallies = SessionTally.objects.filter(day__gte=period.start, day__lte=period.end)
    raw, tallies = period.in_language(raw), period.in_language(tallies)
    if symptom is not None:
        raw, tallies = raw.filter(symptom=symptom), tallies.filter(symptom=symptom)
    state = session_outcome.final_outcome(idle_since=session_outcome.abandoned_before())
    raw_rows = (
        raw.annotate(state=state)
        .values_list("symptom_id", "state", "resolved_number")
        .annotate(n=Count("pk"))
        .order_by()
    )
    yield from raw_rows
    yield from (
        tallies.values_list("symptom_id", "outcome", "resolved_number")
        .annotate(n=Sum("count"))
        .order_by()
    )


def _during_known_issue(period: Period, symptom: Symptom | None = None) -> dict[int, int]:
    """Return the sessions begun while a known issue affected their symptom, per symptom."""
    start, end = period.bounds
    marked = period.in_language(
        FlowSession.objects.filter(
            started_at__gte=start, started_at__lt=end, known_issue__isnull=False
        )
    )
    if symptom is not None:
        marked = marked.filter(symptom=symptom)
    return dict(marked.values_list("symptom_id").annotate(n=Count("pk")).order_by())


def _vote_rows(period: Period, symptom: Symptom | None = None):
    """Yield (symptom id, version, helpful, reason, votes) from raw votes and tallies."""
    start, end = period.bounds
    raw = ArticleVote.objects.filter(updated_at__gte=start, updated_at__lt=end)
    tallies = VoteTally.objects.filter(day__gte=period.start, day__lte=period.end)
    raw, tallies = period.in_language(raw), period.in_language(tallies)
    if symptom is not None:
        raw, tallies = raw.filter(symptom=symptom), tallies.filter(symptom=symptom)
    fields = ("symptom_id", "version", "helpful", "reason")
    yield from raw.values_list(*fields).annotate(n=Count("pk")).order_by()
    yield from tallies.values_list(*fields).annotate(n=Sum("count")).order_by()


def _answer_rows(period: Period, symptom: Symptom):
    """Yield (step id, number, result, reason, answers) for one symptom."""
    start, end = period.bounds
    raw = StepAnswer.objects.filter(
        session__symptom=symptom,
        session__started_at__gte=start,
        session__started_at__lt=end,
        session__known_issue__isnull=True,
    )
    tallies = AnswerTally.objects.filter(
        symptom=symptom, day__gte=period.start, day__lte=period.end
    )
    raw, tallies = period.in_language(raw, "session__language"), period.in_language(tallies)
    fields = ("step_id", "number", "result", "reason")
    yield from raw.values_list(*fields).annotate(n=Count("pk")).order_by()
    yield from tallies.values_list(*fields).annotate(n=Sum("count")).order_by()


@dataclass
class StepStats:
    step: FixStep
    fixed: int = 0
    not_fixed: int = 0
    skipped: int = 0
    cant_do: int = 0
    reasons: Counter = field(default_factory=Counter)  # reason label -> answers

    def add(self, result: str, reason: str, count: int) -> None:
        if result == Result.FIXED:
            self.fixed += count
        elif result == Result.NOT_FIXED:
            self.not_fixed += count
        elif result == Result.SKIPPED:
            self.skipped += count
        else:
            self.cant_do += count
            self.reasons[CantDoReason(reason).label if reason else "No reason given"] += count

    @property
    def reason_list(self) -> list[tuple[str, int]]:
        return self.reasons.most_common()

    @property
    def tried(self) -> int:
        """People who did the step and said whether it worked."""
        return self.fixed + self.not_fixed

    @property
    def fix_rate(self) -> float | None:
        return _ratio(self.fixed, self.tried)

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.fixed, self.tried)

    @property
    def score(self) -> float:
        """Fixes per minute of effort, counting only what the evidence is sure of."""
        interval = self.interval
        return interval[0] / max(self.step.minutes or 1, 1) if interval else 0.0


@dataclass
class FunnelRow:
    number: int
    answered: int
    resolved: int
    skipped: int
    cant_do: int


@dataclass
class SuggestedRow:
    link: SymptomStep
    stats: StepStats
    current: int
    suggested: int

    @property
    def moved(self) -> int:
        """How many places the step moves up (positive) or down (negative)."""
        return self.current - self.suggested


@dataclass
class Suggestion:
    rows: list[SuggestedRow]  # in the suggested order
    min_tries: int

    @property
    def changed(self) -> bool:
        return any(row.moved for row in self.rows)

    @property
    def step_ids(self) -> list[int]:
        return [row.link.step_id for row in self.rows]

    @property
    def token(self) -> str:
        """Fingerprint the current and suggested orders, to apply exactly what was shown."""
        current = sorted(self.rows, key=lambda row: row.current)
        text = (
            ",".join(str(row.link.step_id) for row in current)
            + "|"
            + ",".join(map(str, self.step_ids))
        )
        return hashlib.blake2s(text.encode(), digest_size=8).hexdigest()


def suggest_order(links: list[SymptomStep], stats: dict[int, StepStats], min_tries: int):
    """Reorder steps by evidence without ever changing which severity comes where.

    A step only trades places with steps of the same severity, so quick steps stay first and a
    destructive step never moves ahead of safer ones. Among those, steps with enough tries are
    sorted by fixes per minute (the lower end of the fix rate's confidence interval, over the
    minutes the step takes); steps with too few tries keep their place.
    """
    order = rules.reorder_within_severity(
        links,
        rank=lambda link: -stats[link.step_id].score,
        movable=lambda link: stats[link.step_id].tried >= min_tries,
        severity=lambda link: link.step.severity,
    )
    current = {link.step_id: number for number, link in enumerate(links, start=1)}
    rows = [
        SuggestedRow(
            link=link, stats=stats[link.step_id], current=current[link.step_id], suggested=n
        )
        for n, link in enumerate(order, start=1)
    ]
    return Suggestion(rows=rows, min_tries=min_tries)


@dataclass
class SymptomReport:
    symptom: Symptom
    period: Period
    sessions: SessionCounts
    steps: list[StepStats]  # the symptom's steps now, in order
    former_steps: list[StepStats]  # answered in the period, no longer in the list
    funnel: list[FunnelRow]
    votes: VoteCounts
    current_version: str
    notes: list[StepAnswer]
    comments: list[ArticleVote]
    suggestion: Suggestion
    during_known_issue: int = 0

    @property
    def funnel_scale(self) -> int:
        return max([self.sessions.started, *(row.answered for row in self.funnel)], default=0)


def symptom_report(symptom_id: int, period: Period) -> SymptomReport:
    """Gather everything the dashboard shows about one symptom."""
    symptom = Symptom.objects.with_article().get(pk=symptom_id)
    sessions = SessionCounts()
    for _, outcome, resolved_number, count in _session_rows(period, symptom):
        sessions.add(outcome, resolved_number, count)
    links = list(
        SymptomStep.objects.filter(symptom=symptom).select_related("step").order_by("position")
    )
    stats, former, by_number = _step_stats(links, period, symptom)
    votes = VoteCounts()
    for _, version, helpful, reason, count in _vote_rows(period, symptom):
        votes.add(version, helpful, reason, count)
    notes, comments = _recent_words(period, symptom)
    return SymptomReport(
        symptom=symptom,
        period=period,
        sessions=sessions,
        steps=[stats[link.step_id] for link in links],
        former_steps=[s for s in former.values() if s.step is not None],
        funnel=_funnel(len(links), by_number, sessions),
        votes=votes,
        current_version=article_version(symptom),
        notes=notes,
        comments=comments,
        suggestion=suggest_order(links, stats, settings.OUTCOMES_MIN_TRIES_TO_REORDER),
        during_known_issue=_during_known_issue(period, symptom).get(symptom.pk, 0),
    )


def _step_stats(links: list[SymptomStep], period: Period, symptom: Symptom):
    """Return the answers per current step, per former step, and per step number."""
    stats = {link.step_id: StepStats(step=link.step) for link in links}
    former: dict[int, StepStats] = {}
    by_number: dict[int, Counter] = defaultdict(Counter)
    for step_id, number, result, reason, count in _answer_rows(period, symptom):
        if step_id not in stats and step_id not in former:
            former[step_id] = StepStats(step=None)
        (stats.get(step_id) or former[step_id]).add(result, reason, count)
        by_number[number][result] += count
    if former:
        for step in FixStep.objects.filter(pk__in=former):
            former[step.pk].step = step
    return stats, former, by_number


def _funnel(steps: int, by_number: dict[int, Counter], sessions: SessionCounts) -> list[FunnelRow]:
    """Return, per step number, how many answered, were fixed there, skipped or couldn't do it."""
    numbers = range(1, max([steps, *by_number], default=0) + 1)
    return [
        FunnelRow(
            number=number,
            answered=sum(by_number[number].values()),
            resolved=sessions.resolved_at[number],
            skipped=by_number[number][Result.SKIPPED],
            cant_do=by_number[number][Result.CANT_DO],
        )
        for number in numbers
    ]


def _recent_words(period: Period, symptom: Symptom) -> tuple[list, list]:
    """Return the latest notes on steps people couldn't do, and comments on the article."""
    start, end = period.bounds
    notes = list(
        period.in_language(StepAnswer.objects, "session__language")
        .filter(
            session__symptom=symptom,
            session__started_at__gte=start,
            session__started_at__lt=end,
            result=Result.CANT_DO,
        )
        .exclude(note="")
        .select_related("step")
        .order_by("-answered_at")[:RECENT_NOTES]
    )
    comments = list(
        period.in_language(ArticleVote.objects, "language")
        .filter(symptom=symptom, updated_at__gte=start, updated_at__lt=end)
        .exclude(comment="")
        .order_by("-updated_at")[:RECENT_NOTES]
    )
    return notes, comments


@dataclass
class OverviewRow:
    symptom: Symptom
    sessions: SessionCounts
    votes: VoteCounts
    during_known_issue: int = 0


def overview(period: Period) -> list[OverviewRow]:
    """Return every symptom with its sessions and votes, busiest first."""
    sessions: dict[int, SessionCounts] = defaultdict(SessionCounts)
    for symptom_id, outcome, resolved_number, count in _session_rows(period):
        sessions[symptom_id].add(outcome, resolved_number, count)
    votes: dict[int, VoteCounts] = defaultdict(VoteCounts)
    for symptom_id, version, helpful, reason, count in _vote_rows(period):
        votes[symptom_id].add(version, helpful, reason, count)
    marked = _during_known_issue(period)
    rows = [
        OverviewRow(
            symptom=symptom,
            sessions=sessions[symptom.pk],
            votes=votes[symptom.pk],
            during_known_issue=marked.get(symptom.pk, 0),
        )
        for symptom in Symptom.objects.select_related("topic").order_by("topic", "position")
    ]
    return sorted(rows, key=lambda row: (-row.sessions.started, -row.votes.total))
