"""Admin pages that show editors what the outcomes say, and let them act on it.

``OutcomeDashboards`` gives the Symptom admin these pages through its ``get_urls``, so they sit
behind the admin's login and its permissions: viewing needs "view symptom", applying a new step
order needs "change symptom".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

import reversion
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpResponseBadRequest, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from troubleshooting import spreadsheets, step_order
from troubleshooting.models import SearchMiss, Symptom
from troubleshooting.outcomes import languages, reports

PRESETS = [7, 30, 90, 365]
MAX_DAYS = 3660
CHART_LABEL = 110
CHART_BAR = 420
# Room right of the widest bar for its figure ("1234 · 567 resolved here").
CHART_WIDTH = CHART_LABEL + CHART_BAR + 190
CHART_ROW = 34


# Outcomes are younger than this site, and a date far outside these cannot even be counted to
# (date arithmetic overflows near the years 1 and 9999): a typo, explained rather than a crash.
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
OUT_OF_RANGE = f"Enter a date between 1 January {EARLIEST.year} and 31 December {LATEST.year}."


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        validators=[
            MinValueValidator(EARLIEST, message=OUT_OF_RANGE),
            MaxValueValidator(LATEST, message=OUT_OF_RANGE),
        ],
        widget=forms.DateInput(
            attrs={"type": "date", "min": EARLIEST.isoformat(), "max": LATEST.isoformat()}
        ),
    )


ALL_LANGUAGES = gettext_lazy("All languages")


def _language_choices() -> list[tuple[str, str]]:
    return [("", ALL_LANGUAGES), *languages.choices()]


class PeriodForm(forms.Form):
    """The period and language a dashboard shows, from its query string: checked only here."""

    start = _date_field("From")
    end = _date_field("To")
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=_language_choices,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a language from the list.")},
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:  # a date could not be read, and its field says why
            return cleaned
        end = cleaned.get("end") or timezone.localdate()
        start = cleaned.get("start") or end - timedelta(days=reports.DEFAULT_DAYS - 1)
        if start > end:
            after = "the end date" if cleaned.get("end") else "today"
            raise forms.ValidationError(f"The start date is after {after}.")
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError("Choose a period of at most ten years.")
        cleaned["period"] = reports.Period(
            start=start, end=end, language=cleaned.get("language", "")
        )
        return cleaned

    def period(self) -> reports.Period:
        """Return the chosen period; the last 30 days in all languages if anything is invalid."""
        if self.is_valid():
            return self.cleaned_data["period"]
        return reports.Period.last(reports.DEFAULT_DAYS)

    def error_text(self) -> str:
        """Return every error of the form as one line of plain text."""
        return " ".join(str(error) for errors in self.errors.values() for error in errors)


def _period(request) -> tuple[PeriodForm, reports.Period]:
    form = PeriodForm(request.GET or None)
    return form, form.period()


def _period_query(form: PeriodForm, period: reports.Period, request) -> str:
    """Return the query string of the period shown, for links to the other pages and downloads."""
    if form.is_bound and not form.is_valid():
        # The page shows the default period: its links must not carry the bad values on.
        return period_query(period)
    return request.GET.urlencode()


def _refused_download(form: PeriodForm) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(
        f"This period cannot be downloaded: {form.error_text()} "
        "Choose the period again on the outcomes page.",
        content_type="text/plain; charset=utf-8",
    )


def _presets(period: reports.Period) -> list[dict]:
    today = timezone.localdate()
    result = []
    for days in PRESETS:
        preset = reports.Period.last(days, today, period.language)
        result.append(
            {
                "label": f"Last {days} days",
                "query": period_query(preset),
                "current": preset == period,
            }
        )
    return result


def period_query(period: reports.Period) -> str:
    """Return the query string that shows ``period`` (and its language) on a dashboard."""
    query = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    if period.language:
        query["language"] = period.language
    return urlencode(query)


def language_in_words(period: reports.Period) -> str:
    """Name the language a dashboard counts: "Español", or "All languages"."""
    return languages.name(period.language) if period.language else ALL_LANGUAGES


@dataclass(frozen=True)
class Bar:
    """One row of the funnel chart, in SVG units."""

    label: str
    value: int
    resolved: int
    y: int
    width: float
    resolved_width: float


def funnel_bars(report: reports.SymptomReport) -> list[Bar]:
    scale = report.funnel_scale or 1
    rows = [("Started", report.sessions.started, 0)]
    rows += [(f"Step {row.number}", row.answered, row.resolved) for row in report.funnel]
    rows.append(("End page", report.sessions.ended, 0))
    return [
        Bar(
            label=label,
            value=value,
            resolved=resolved,
            y=index * CHART_ROW,
            width=round(CHART_BAR * value / scale, 1),
            resolved_width=round(CHART_BAR * resolved / scale, 1),
        )
        for index, (label, value, resolved) in enumerate(rows)
    ]


def rate_in_words(rate: float) -> str:
    """Say a share of people as an editor would: "about 1 in 5 people", "nobody"."""
    if rate <= 0:
        return gettext("nobody")
    if rate >= 0.95:
        return gettext("everyone") if rate >= 1 else gettext("almost everyone")
    if rate < 0.01:
        return gettext("fewer than 1 in 100 people")
    if rate < 0.45:
        return gettext("about 1 in %(n)d people") % {"n": round(1 / rate)}
    tenths = round(rate * 10)
    if tenths == 5:
        return gettext("about 1 in 2 people")
    return gettext("about %(n)d in 10 people") % {"n": tenths}


def percent(rate: float) -> str:
    return f"{round(rate * 100)} %"


def fix_rate_in_words(stats) -> str:
    """Say a step's fix rate: "fixes it for about 1 in 5 people (between 11 % and 31 %)"."""
    if not stats.tried:
        return gettext("not tried yet")
    low, high = stats.interval
    return gettext("fixes it for %(rate)s (between %(low)s and %(high)s)") % {
        "rate": rate_in_words(stats.fix_rate),
        "low": percent(low),
        "high": percent(high),
    }


def payoff_in_words(stats) -> str:
    """Say what the suggested order ranks by: fixes for sure, for the minutes a step takes."""
    if not stats.tried:
        return gettext("not tried yet")
    low = stats.interval[0]
    minutes = max(stats.step.minutes or 1, 1)
    return gettext("fixes it for at least %(percent)s of people, in %(minutes)d min") % {
        "percent": percent(low),
        "minutes": minutes,
    }


def _int(value: str) -> int:
    """Return the number in a URL, or 0 (no such object) for anything else."""
    # isdigit() alone accepts "²", which int() refuses.
    value = str(value)
    return int(value) if value.isascii() and value.isdigit() else 0


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


OVERVIEW_HEADER = [
    "topic",
    "symptom",
    "started",
    "resolved",
    "reached end",
    "abandoned",
    "in progress",
    "resolved %",
    "helpful votes",
    "not helpful votes",
    "during a known issue (left out)",
    "language",
]
STEPS_HEADER = [
    "position",
    "step",
    "severity",
    "tried",
    "fixed",
    "fix rate %",
    "fix rate low %",
    "fix rate high %",
    "skipped",
    "could not do",
    "could not do reasons",
    "language",
]


def overview_rows(period: reports.Period):
    """Yield one CSV row per symptom: its sessions and votes in ``period``."""
    for row in reports.overview(period):
        yield [
            row.symptom.topic.title,
            row.symptom.title,
            row.sessions.started,
            row.sessions.resolved,
            row.sessions.ended,
            row.sessions.abandoned,
            row.sessions.in_progress,
            _percent(row.sessions.resolution_rate),
            row.votes.helpful,
            row.votes.not_helpful,
            row.during_known_issue,
            _language_cell(period),
        ]


def _file_part(period: reports.Period) -> str:
    """Name a download by its period, and its language when it counts one."""
    days = f"{period.start}-{period.end}"
    return f"{days}-{period.language}" if period.language else days


def _language_cell(period: reports.Period) -> str:
    """Return the language column's value: the code counted, or "all"."""
    return period.language or "all"


def step_row(position, stats, period: reports.Period) -> list:
    """Return the CSV row of one step of a symptom's report."""
    interval = stats.interval or (None, None)
    reasons = "; ".join(f"{label}: {n}" for label, n in stats.reasons.most_common())
    return [
        position,
        stats.step.title,
        stats.step.get_severity_display(),
        stats.tried,
        stats.fixed,
        _percent(stats.fix_rate),
        _percent(interval[0]),
        _percent(interval[1]),
        stats.skipped,
        stats.cant_do,
        reasons,
        _language_cell(period),
    ]


def chart_size(report: reports.SymptomReport) -> dict:
    """Return the funnel chart's dimensions, in SVG units."""
    return {
        "width": CHART_WIDTH,
        "label": CHART_LABEL,
        "bar": CHART_BAR,
        "row": CHART_ROW,
        "height": CHART_ROW * (len(report.funnel) + 2) + 40,
    }


class OutcomeDashboards:
    """Give the Symptom admin its outcome pages: the overview, one symptom's report, the CSVs."""

    def get_urls(self):
        view = self.admin_site.admin_view
        pages = [
            path("outcomes/", view(self.outcomes_view), name="troubleshooting_outcomes"),
            path("outcomes.csv", view(self.outcomes_csv_view), name="troubleshooting_outcomes_csv"),
            path(
                "<path:object_id>/outcomes/",
                view(self.symptom_outcomes_view),
                name="troubleshooting_symptom_outcomes",
            ),
            path(
                "<path:object_id>/outcomes.csv",
                view(self.symptom_outcomes_csv_view),
                name="troubleshooting_symptom_outcomes_csv",
            ),
            path(
                "<path:object_id>/outcomes/apply-order/",
                view(self.apply_order_view),
                name="troubleshooting_symptom_apply_order",
            ),
        ]
        # Ahead of the admin's "<object_id>/" catch-all.
        return [*pages, *super().get_urls()]

    def _require_view(self, request) -> None:
        if not self.has_view_permission(request):
            raise PermissionDenied

    def _dashboard_context(self, request, form: PeriodForm, period, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "period": period,
            "presets": _presets(period),
            "language": language_in_words(period),
            "query": _period_query(form, period, request),
            **extra,
        }

    @method_decorator(require_safe)
    def outcomes_view(self, request):
        """Show how each symptom's guided fixes ended, and what searches found nothing."""
        self._require_view(request)
        form, period = _period(request)
        rows = reports.overview(period)
        totals = reports.SessionCounts()
        for row in rows:
            totals.include(row.sessions)
        context = self._dashboard_context(
            request,
            form,
            period,
            title="Outcomes: what people fixed",
            rows=rows,
            totals=totals,
            misses=period.in_language(SearchMiss.objects).order_by("-count", "-last_seen")[:10],
        )
        return TemplateResponse(request, "admin/troubleshooting/outcomes/overview.html", context)

    @method_decorator(require_safe)
    def symptom_outcomes_view(self, request, object_id):
        """Show one symptom's funnel, its steps' fix rates and a suggested order."""
        self._require_view(request)
        symptom = get_object_or_404(Symptom, pk=_int(object_id))
        form, period = _period(request)
        report = reports.symptom_report(symptom.pk, period)
        context = self._dashboard_context(
            request,
            form,
            period,
            title=f"Outcomes: {symptom.title}",
            original=symptom,
            report=report,
            bars=funnel_bars(report),
            chart=chart_size(report),
            can_change=self.has_change_permission(request, symptom),
        )
        return TemplateResponse(request, "admin/troubleshooting/outcomes/symptom.html", context)

    @method_decorator(require_POST)
    def apply_order_view(self, request, object_id):
        """Put a symptom's steps in the suggested order, if nothing changed since it was shown."""
        symptom = get_object_or_404(Symptom, pk=_int(object_id))
        if not self.has_change_permission(request, symptom):
            raise PermissionDenied
        report = reports.symptom_report(symptom.pk, PeriodForm(request.POST).period())
        back = reverse("admin:troubleshooting_symptom_outcomes", args=[symptom.pk])
        # Re-encoded: the way back keeps the dashboard's parameters and nothing else of the text.
        query = QueryDict(request.POST.get("query", "")).urlencode()
        back = f"{back}?{query}" if query else back
        suggestion = report.suggestion
        if request.POST.get("token") != suggestion.token or not suggestion.changed:
            messages.warning(
                request,
                "The steps or the figures changed since you looked, so nothing was moved. "
                "Check the new suggestion below.",
            )
            return HttpResponseRedirect(back)
        try:
            # In the symptom's history like any other save, so it can be undone from there.
            with reversion.create_revision():
                reversion.set_user(request.user)
                step_order.reorder_steps(symptom, suggestion.step_ids)
                self.log_change(request, symptom, "Reordered the steps as suggested by outcomes.")
        except ValueError:
            messages.warning(request, "The steps changed since you looked, so nothing was moved.")
            return HttpResponseRedirect(back)
        messages.success(
            request,
            "The steps are in the suggested order now. People midway through the guided fix "
            "will be asked to start again.",
        )
        return HttpResponseRedirect(back)

    @method_decorator(require_safe)
    def outcomes_csv_view(self, request):
        """Download the overview as a spreadsheet."""
        self._require_view(request)
        form, period = _period(request)
        if form.is_bound and not form.is_valid():
            return _refused_download(form)
        filename = f"outcomes-{_file_part(period)}.csv"
        return spreadsheets.csv_response(filename, OVERVIEW_HEADER, overview_rows(period))

    @method_decorator(require_safe)
    def symptom_outcomes_csv_view(self, request, object_id):
        """Download one symptom's step figures as a spreadsheet."""
        self._require_view(request)
        symptom = get_object_or_404(Symptom, pk=_int(object_id))
        form, period = _period(request)
        if form.is_bound and not form.is_valid():
            return _refused_download(form)
        report = reports.symptom_report(symptom.pk, period)
        rows = [step_row(n, stats, period) for n, stats in enumerate(report.steps, start=1)]
        rows += [step_row("removed", stats, period) for stats in report.former_steps]
        filename = f"{symptom.slug}-steps-{_file_part(period)}.csv"
        return spreadsheets.csv_response(filename, STEPS_HEADER, rows)
