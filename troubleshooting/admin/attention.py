"""What needs an editor's attention, in plain words: the admin home's figures.

Each function returns one ``Attention``: a count, a sentence, a link to act on it and a few
examples. The home page (``site.EditorsAdminSite.index``) shows them; every figure comes from the
same queries and rules the lists, the content check and the outcome dashboards use, so the count
on the home page is the number of rows the link shows. The whole page runs a fixed number of
queries, however much content or outcomes there are.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from troubleshooting import content_checks as checks
from troubleshooting.models import (
    AnswerTally,
    ArticleVote,
    FeedbackReason,
    FixStep,
    PendingChange,
    SearchMiss,
    Status,
    StepAnswer,
    Symptom,
    VoteTally,
)
from troubleshooting.outcomes import languages, reports

from . import search as search_admin
from .publishing import review_cutoff

EXAMPLES = 5
# A step is flagged once enough people answered it for the figure to mean something.
STRUGGLE_MIN_ANSWERS = 10
LOW_FIX_RATE = 0.10  # fewer than 1 in 10 who tried it were fixed by it
CANT_DO_SHARE = 0.20  # at least 1 in 5 who reached it said "I can't do this step"


@dataclass(frozen=True)
class Example:
    text: str
    url: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Attention:
    """One thing on the home page: how many, in words, and where to act on it."""

    key: str
    title: str
    count: int
    summary: str
    url: str | None = None
    action: str = ""
    examples: tuple[Example, ...] = field(default_factory=tuple)
    urgent: bool = False


def _admin_url(model, view: str, *args, site_name: str = "admin") -> str:
    opts = model._meta
    return reverse(f"{site_name}:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _names(model) -> tuple[str, str]:
    return str(model._meta.verbose_name), str(model._meta.verbose_name_plural)


def _count_of(model, count: int) -> str:
    """Say "1 symptom" or "3 symptoms" with the model's own names, in the language shown."""
    one, many = _names(model)
    return _("%(count)d %(name)s") % {"count": count, "name": one if count == 1 else many}


def _in_language(language: str) -> str:
    """Say which language a figure counts, as a sentence after the summary, or nothing."""
    if not language:
        return ""
    return " " + _("Counted in %(language)s only.") % {"language": languages.name(language)}


def _with_language(url: str, language: str) -> str:
    """Return ``url`` showing only ``language``, so its rows are the ones counted here."""
    return f"{url}?{urlencode({'language': language})}" if language else url


def pending_changes(*, site_name: str = "admin") -> Attention:
    """Say how many changes to live content wait for a publisher, and where to decide them."""
    count = PendingChange.objects.awaiting_approval().count()
    summary = (
        ngettext(
            "%(count)d change to live content waiting for a publisher.",
            "%(count)d changes to live content waiting for a publisher.",
            count,
        )
        % {"count": count}
        if count
        else _("No changes are waiting for a publisher.")
    )
    url = _admin_url(PendingChange, "changelist", site_name=site_name)
    return Attention(
        "pending", _("Changes awaiting approval"), count, summary, url=url, action=_("Review them")
    )


def content_problems(*, site_name: str = "admin") -> Attention:
    """Say what the content check finds: mistakes people would run into."""
    problems = checks.check_content()
    errors, warnings = checks.count(problems)
    groups = checks.group_by_object(problems)
    if problems:
        summary = _("%(errors)s people run into now and %(warnings)s, in %(items)s.") % {
            "errors": ngettext("%(n)d error", "%(n)d errors", errors) % {"n": errors},
            "warnings": ngettext("%(n)d warning", "%(n)d warnings", warnings) % {"n": warnings},
            "items": ngettext("%(n)d item", "%(n)d items", len(groups)) % {"n": len(groups)},
        }
    else:
        summary = _("Everything published can be reached, and every link works.")
    examples = tuple(
        Example(str(ref), _change_url(ref, site_name), group[0].message)
        for ref, group in groups[:EXAMPLES]
    )
    return Attention(
        "problems",
        _("Problems in the content"),
        len(problems),
        summary,
        reverse(f"{site_name}:content_check"),
        _("See every problem"),
        examples,
        urgent=errors > 0,
    )


def _change_url(ref: checks.Ref, site_name: str) -> str | None:
    return None if ref.pk is None else _admin_url(ref.model, "change", ref.pk, site_name=site_name)


def _content_counts() -> dict[type, dict[str, int]]:
    """Return, per content model, how many are due for review, drafts and scheduled."""
    cutoff, now = review_cutoff(), timezone.now()
    due = Q(reviewed_on__isnull=True) | Q(reviewed_on__lt=cutoff)
    scheduled = Q(status=Status.PUBLISHED, publish_at__gt=now)
    return {
        model: model.objects.aggregate(
            due=Count("pk", filter=due),
            drafts=Count("pk", filter=Q(status=Status.DRAFT)),
            scheduled=Count("pk", filter=scheduled),
        )
        for model in checks.CONTENT_MODELS
    }


def due_for_review(counts, *, site_name: str = "admin") -> Attention:
    """Say how much content nobody checked on a real phone for a while."""
    examples = tuple(
        Example(
            capfirst(_count_of(model, row["due"])),
            _admin_url(model, "changelist", site_name=site_name) + "?review=due",
        )
        for model, row in counts.items()
        if row["due"]
    )
    total = sum(row["due"] for row in counts.values())
    summary = (
        _("Not checked on a real phone recently: iOS moves settings around.")
        if total
        else _("Everything was checked on a real phone recently.")
    )
    return Attention("review", _("Due for review"), total, summary, examples=examples)


def drafts_and_scheduled(counts, *, site_name: str = "admin") -> Attention:
    """Say what is not on the site yet: drafts, and what appears at a set time."""
    examples, now = [], timezone.now().isoformat(timespec="seconds")
    for model, row in counts.items():
        changelist = _admin_url(model, "changelist", site_name=site_name)
        if row["drafts"]:
            text = _("%(items)s in draft") % {"items": _count_of(model, row["drafts"])}
            examples.append(Example(capfirst(text), f"{changelist}?status__exact=draft"))
        if row["scheduled"]:
            text = _("%(items)s scheduled") % {"items": _count_of(model, row["scheduled"])}
            later = urlencode({"status__exact": Status.PUBLISHED, "publish_at__gt": now})
            examples.append(Example(capfirst(text), f"{changelist}?{later}"))
    drafts = sum(row["drafts"] for row in counts.values())
    scheduled = sum(row["scheduled"] for row in counts.values())
    summary = _("%(drafts)s and %(scheduled)s scheduled to appear.") % {
        "drafts": ngettext("%(n)d draft", "%(n)d drafts", drafts) % {"n": drafts},
        "scheduled": ngettext("%(n)d item", "%(n)d items", scheduled) % {"n": scheduled},
    }
    return Attention(
        "drafts", _("Drafts and scheduled"), drafts + scheduled, summary, examples=tuple(examples)
    )


def struggling_steps(period: reports.Period, *, site_name: str = "admin") -> Attention:
    """Name the steps that rarely fix the problem, or that many people can't do."""
    stats: dict[int, reports.StepStats] = {}
    for step_id, result, reason, count in _answer_rows(period):
        stats.setdefault(step_id, reports.StepStats(step=None)).add(result, reason, count)
    flagged = {step_id: s for step_id, s in stats.items() if _struggles(s)}
    steps = FixStep.objects.in_bulk(flagged) if flagged else {}
    examples = []
    for step_id, s in sorted(flagged.items(), key=lambda item: -_answers(item[1])):
        if step_id in steps:
            url = _admin_url(FixStep, "change", step_id, site_name=site_name)
            examples.append(Example(steps[step_id].title, url, _step_note(s)))
    summary = (
        _(
            "In the last %(days)d days, %(steps)s rarely fixed the problem, or many people "
            "couldn't do them."
        )
        % {
            "days": period.days,
            "steps": ngettext("%(n)d step", "%(n)d steps", len(examples)) % {"n": len(examples)},
        }
        if examples
        else _("No step stood out in the last %(days)d days.") % {"days": period.days}
    ) + _in_language(period.language)
    url = _with_language(reverse(f"{site_name}:troubleshooting_outcomes"), period.language)
    return Attention(
        "steps",
        _("Steps that don't help"),
        len(examples),
        summary,
        url,
        _("Open the outcomes"),
        tuple(examples[:EXAMPLES]),
    )


def _answer_rows(period: reports.Period):
    """Yield (step id, result, reason, answers) for every step, from raw rows and tallies."""
    start, end = period.bounds
    raw = StepAnswer.objects.filter(session__started_at__gte=start, session__started_at__lt=end)
    tallies = AnswerTally.objects.filter(day__gte=period.start, day__lte=period.end)
    raw, tallies = period.in_language(raw, "session__language"), period.in_language(tallies)
    fields = ("step_id", "result", "reason")
    yield from raw.values_list(*fields).annotate(n=Count("pk")).order_by()
    yield from tallies.values_list(*fields).annotate(n=Sum("count")).order_by()


def _answers(stats: reports.StepStats) -> int:
    return stats.tried + stats.skipped + stats.cant_do


def _struggles(stats: reports.StepStats) -> bool:
    if _answers(stats) < STRUGGLE_MIN_ANSWERS:
        return False
    rarely_fixes = stats.tried >= STRUGGLE_MIN_ANSWERS and stats.fix_rate < LOW_FIX_RATE
    return rarely_fixes or stats.cant_do / _answers(stats) >= CANT_DO_SHARE


def _step_note(stats: reports.StepStats) -> str:
    parts = []
    if stats.tried:
        parts.append(
            _("fixed %(fixed)d of %(tried)d who tried it")
            % {"fixed": stats.fixed, "tried": stats.tried}
        )
    if stats.cant_do:
        reasons = ", ".join(str(label).lower() for label, _n in stats.reason_list[:2])
        parts.append(
            _("%(count)d couldn't do it (%(reasons)s)")
            % {"count": stats.cant_do, "reasons": reasons}
        )
    return "; ".join(parts)


def unhelpful_articles(period: reports.Period, *, site_name: str = "admin") -> Attention:
    """Name the articles people said were not helpful, with the reasons they gave."""
    reasons: dict[int, Counter] = defaultdict(Counter)
    for symptom_id, reason, count in _unhelpful_rows(period):
        label = FeedbackReason(reason).label if reason else _("no reason given")
        reasons[symptom_id][str(label).lower()] += count
    symptoms = Symptom.objects.in_bulk(reasons) if reasons else {}
    ranked = sorted(reasons.items(), key=lambda item: -item[1].total())
    examples = tuple(
        Example(
            symptoms[symptom_id].title,
            _with_language(
                _admin_url(Symptom, "outcomes", symptom_id, site_name=site_name), period.language
            ),
            ngettext("%(n)d vote", "%(n)d votes", votes.total()) % {"n": votes.total()}
            + ": "
            + ", ".join(f"{label} ({n})" for label, n in votes.most_common(3)),
        )
        for symptom_id, votes in ranked
        if symptom_id in symptoms
    )
    total = sum(votes.total() for votes in reasons.values())
    summary = (
        _("%(votes)s on %(articles)s in the last %(days)d days.")
        % {
            "votes": ngettext("%(n)d “not helpful” vote", "%(n)d “not helpful” votes", total)
            % {"n": total},
            "articles": ngettext("%(n)d article", "%(n)d articles", len(examples))
            % {"n": len(examples)},
            "days": period.days,
        }
        if total
        else _("Nobody said an article was unhelpful in the last %(days)d days.")
        % {"days": period.days}
    ) + _in_language(period.language)
    return Attention(
        "votes",
        _("Articles people found unhelpful"),
        total,
        summary,
        _with_language(reverse(f"{site_name}:troubleshooting_outcomes"), period.language),
        _("Open the outcomes"),
        examples[:EXAMPLES],
    )


def _unhelpful_rows(period: reports.Period):
    start, end = period.bounds
    raw = ArticleVote.objects.filter(helpful=False, updated_at__gte=start, updated_at__lt=end)
    tallies = VoteTally.objects.filter(helpful=False, day__gte=period.start, day__lte=period.end)
    raw, tallies = period.in_language(raw), period.in_language(tallies)
    yield from raw.values_list("symptom_id", "reason").annotate(n=Count("pk")).order_by()
    yield from tallies.values_list("symptom_id", "reason").annotate(n=Sum("count")).order_by()


def search_misses(*, language: str = "", site_name: str = "admin") -> Attention:
    """Say what people searched for and did not find: ideas for aliases and new articles."""
    misses = SearchMiss.objects.order_by("-count", "-last_seen")
    if language:
        misses = misses.filter(language=language)
    total = misses.count()
    examples = tuple(
        Example(
            f"“{miss.query}”",
            None,
            ngettext("%(n)d time, last on %(day)s", "%(n)d times, last on %(day)s", miss.count)
            % {
                "n": miss.count,
                "day": formats.date_format(timezone.localtime(miss.last_seen), "j M"),
            },
        )
        for miss in misses[:EXAMPLES]
    )
    summary = (
        ngettext(
            "%(n)d search found nothing. Add the words people used to a symptom's “other words "
            "people use”, or write the article they were looking for.",
            "%(n)d searches found nothing. Add the words people used to a symptom's “other words "
            "people use”, or write the article they were looking for.",
            total,
        )
        % {"n": total}
        if total
        else _("Every search found something.")
    ) + _in_language(language)
    return Attention(
        "searches",
        _("Searches that found nothing"),
        total,
        summary,
        _with_language(_admin_url(SearchMiss, "changelist", site_name=site_name), language),
        _("See every search"),
        examples,
    )


def unopened_results(*, language: str = "", site_name: str = "admin") -> Attention:
    """Say which searches find results that nobody opens: the guide may not answer them."""
    queries = search_admin.unopened_queries(language)
    total = queries.count()
    examples = tuple(
        Example(
            f"“{query.query}”",
            None,
            ngettext("%(n)d search", "%(n)d searches", query.searches) % {"n": query.searches},
        )
        for query in queries[:EXAMPLES]
    )
    summary = (
        ngettext(
            "%(n)d search found results that nobody opened. The results may not answer what "
            "people meant: check them, or write what's missing.",
            "%(n)d searches found results that nobody opened. The results may not answer what "
            "people meant: check them, or write what's missing.",
            total,
        )
        % {"n": total}
        if total
        else _("People open a result of every search made more than once.")
    ) + _in_language(language)
    return Attention(
        "unopened",
        _("Results nobody opened"),
        total,
        summary,
        _with_language(reverse(f"{site_name}:troubleshooting_searchquery_gaps"), language),
        _("See the content gaps"),
        examples,
    )


def everything(*, language: str = "", site_name: str = "admin") -> list[Attention]:
    """Return everything the home page shows, most pressing first; outcomes in ``language``."""
    period = reports.Period.last(reports.DEFAULT_DAYS, language=language)
    counts = _content_counts()
    return [
        content_problems(site_name=site_name),
        pending_changes(site_name=site_name),
        struggling_steps(period, site_name=site_name),
        unhelpful_articles(period, site_name=site_name),
        search_misses(language=language, site_name=site_name),
        unopened_results(language=language, site_name=site_name),
        due_for_review(counts, site_name=site_name),
        drafts_and_scheduled(counts, site_name=site_name),
    ]
