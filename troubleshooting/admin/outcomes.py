"""Admin pages that show editors what the outcomes say, and let them act on it.

Wired into the Symptom admin (``SymptomAdmin.get_urls``), so they sit behind the admin's login and
its permissions: viewing needs "view symptom", applying a new step order needs "change symptom".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import timedelta

import reversion
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from troubleshooting import step_order
from troubleshooting.models import SearchMiss, Symptom
from troubleshooting.outcomes import reports

PRESETS = [7, 30, 90, 365]
MAX_DAYS = 3660
CHART_WIDTH = 640
CHART_LABEL = 110
CHART_BAR = 420
CHART_ROW = 34


class PeriodForm(forms.Form):
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The start date is after the end date.")
        if start and end and (end - start).days >= MAX_DAYS:
            raise forms.ValidationError("Choose a period of at most ten years.")
        return cleaned

    def period(self) -> reports.Period:
        """Return the chosen period; the last 30 days for anything missing or invalid."""
        default = reports.Period.last(reports.DEFAULT_DAYS)
        if not self.is_valid():
            return default
        end = self.cleaned_data["end"] or default.end
        start = self.cleaned_data["start"] or end - timedelta(days=reports.DEFAULT_DAYS - 1)
        return reports.Period(start=start, end=end)


def _period(request) -> tuple[PeriodForm, reports.Period]:
    form = PeriodForm(request.GET or None)
    return form, form.period()


def _presets(period: reports.Period) -> list[dict]:
    today = timezone.localdate()
    result = []
    for days in PRESETS:
        preset = reports.Period.last(days, today)
        result.append(
            {
                "label": f"Last {days} days",
                "query": f"start={preset.start.isoformat()}&end={preset.end.isoformat()}",
                "current": preset == period,
            }
        )
    return result


def _check(request, model_admin, *, change: bool = False) -> None:
    allowed = (
        model_admin.has_change_permission(request)
        if change
        else model_admin.has_view_permission(request)
    )
    if not allowed:
        raise PermissionDenied


def _context(request, model_admin, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        **extra,
    }


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


@require_safe
def overview(request, model_admin):
    _check(request, model_admin)
    form, period = _period(request)
    rows = reports.overview(period)
    totals = reports.SessionCounts()
    for row in rows:
        totals.include(row.sessions)
    context = _context(
        request,
        model_admin,
        title="Outcomes: what people fixed",
        form=form,
        period=period,
        presets=_presets(period),
        rows=rows,
        totals=totals,
        misses=SearchMiss.objects.order_by("-count", "-last_seen")[:10],
        query=request.GET.urlencode(),
    )
    return TemplateResponse(request, "admin/troubleshooting/outcomes/overview.html", context)


@require_safe
def symptom_outcomes(request, model_admin, object_id):
    _check(request, model_admin)
    symptom = get_object_or_404(Symptom, pk=_int(object_id))
    form, period = _period(request)
    report = reports.symptom_report(symptom.pk, period)
    context = _context(
        request,
        model_admin,
        title=f"Outcomes: {symptom.title}",
        original=symptom,
        form=form,
        period=period,
        presets=_presets(period),
        report=report,
        bars=funnel_bars(report),
        chart={
            "width": CHART_WIDTH,
            "label": CHART_LABEL,
            "bar": CHART_BAR,
            "row": CHART_ROW,
            "height": CHART_ROW * (len(report.funnel) + 2) + 40,
        },
        can_change=model_admin.has_change_permission(request, symptom),
        query=request.GET.urlencode(),
    )
    return TemplateResponse(request, "admin/troubleshooting/outcomes/symptom.html", context)


@require_POST
def apply_order(request, model_admin, object_id):
    symptom = get_object_or_404(Symptom, pk=_int(object_id))
    if not model_admin.has_change_permission(request, symptom):
        raise PermissionDenied
    form = PeriodForm(request.POST)
    report = reports.symptom_report(symptom.pk, form.period())
    back = reverse("admin:troubleshooting_symptom_outcomes", args=[symptom.pk])
    back = f"{back}?{request.POST.get('query', '')}" if request.POST.get("query") else back
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
            model_admin.log_change(
                request, symptom, "Reordered the steps as suggested by outcomes."
            )
    except ValueError:
        messages.warning(request, "The steps changed since you looked, so nothing was moved.")
        return HttpResponseRedirect(back)
    messages.success(
        request,
        "The steps are in the suggested order now. People midway through the guided fix will "
        "be asked to start again.",
    )
    return HttpResponseRedirect(back)


def _int(value: str) -> int:
    return int(value) if str(value).isdigit() else 0


def _safe_cell(value) -> str:
    """Keep spreadsheet programs from running a cell that starts like a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _csv(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe_cell(cell) for cell in row])
    return response


@require_safe
def overview_csv(request, model_admin):
    _check(request, model_admin)
    _, period = _period(request)
    header = [
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
    ]
    rows = (
        [
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
        ]
        for row in reports.overview(period)
    )
    return _csv(f"outcomes-{period.start}-{period.end}.csv", header, rows)


@require_safe
def symptom_outcomes_csv(request, model_admin, object_id):
    _check(request, model_admin)
    symptom = get_object_or_404(Symptom, pk=_int(object_id))
    _, period = _period(request)
    report = reports.symptom_report(symptom.pk, period)
    header = [
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
    ]

    def row(position, stats):
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
        ]

    rows = [row(n, stats) for n, stats in enumerate(report.steps, start=1)]
    rows += [row("removed", stats) for stats in report.former_steps]
    return _csv(f"{symptom.slug}-steps-{period.start}-{period.end}.csv", header, rows)
