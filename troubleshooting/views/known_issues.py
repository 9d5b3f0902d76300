"""Known issues: the public list, an issue's page with its timeline, an Atom feed and a summary.

The feed and the JSON summary are for other tools (feed readers, status widgets); both are
public, carry nothing personal, and are cached like every page.
"""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import translating
from ..models import KnownIssue, KnownIssueUpdate, Symptom, Topic
from ..previewing import previewing
from .pages import public_page, render_page

FEED_ITEMS = 30
ACCESS_FROM_ANYWHERE = {"Access-Control-Allow-Origin": "*"}


def _in_language(issues: list[KnownIssue], *more, preview: bool = False) -> list[KnownIssue]:
    """Put the issues' visible translations (and their updates') onto them; return them."""
    translating.overlay(issues, *more, preview=preview)
    for issue in issues:
        translating.overlay_updates(issue)
    return issues


def _issues(request):
    """Every issue the public may see (drafts too when previewing), with its timeline."""
    preview = previewing(request)
    return (
        KnownIssue.objects.visible(preview=preview)
        .with_last_update()
        .prefetch_related(
            Prefetch("updates", queryset=KnownIssueUpdate.objects.order_by("-posted_at", "-pk"))
        )
    )


@public_page(cache=True)
def known_issues(request):
    """List the current issues first, then the resolved ones with their timelines."""
    preview = previewing(request)
    issues = _in_language(list(_issues(request).order_by("-started_at", "-pk")), preview=preview)
    current_ids = set(KnownIssue.objects.active(preview=preview).values_list("pk", flat=True))
    context = {
        "title": _("Known issues"),
        "description": _(
            "Problems many people have at once, such as after an iOS update or "
            "during an Apple outage: what we know and what to do meanwhile."
        ),
        "current": [issue for issue in issues if issue.pk in current_ids],
        "past": [issue for issue in issues if issue.pk not in current_ids],
    }
    return render_page(request, "troubleshooting/known_issues/list.html", context)


@public_page(cache=True)
def known_issue(request, issue_slug):
    """Show one issue: what people see, what is known, the workaround and its timeline."""
    preview = previewing(request)
    issue = get_object_or_404(
        _issues(request).prefetch_related(
            Prefetch("topics", queryset=Topic.objects.visible(preview=preview)),
            Prefetch(
                "symptoms",
                queryset=Symptom.objects.in_visible_topic(preview=preview).select_related("topic"),
            ),
        ),
        slug=issue_slug,
    )
    symptoms = list(issue.symptoms.all())
    # Each symptom's topic too: a symptom's address holds its topic's slug.
    topics = [*issue.topics.all(), *(symptom.topic for symptom in symptoms)]
    _in_language([issue], topics, symptoms, preview=preview)
    context = {
        "title": issue.title,
        "description": _("Known issue: %(title)s. What we know and what to do meanwhile.")
        % {"title": issue.title},
        "known_issue": issue,
        "is_current": KnownIssue.objects.active(preview=preview).filter(pk=issue.pk).exists(),
    }
    return render_page(request, "troubleshooting/known_issues/detail.html", context)


class KnownIssuesFeed(Feed):
    """The known issues as an Atom feed, the most recently updated first."""

    feed_type = Atom1Feed
    title = gettext_lazy("Known issues")
    subtitle = gettext_lazy("Problems many people have at once, and what to do meanwhile.")

    def link(self):
        return reverse("troubleshooting:known_issues")

    def items(self):
        issues = (
            KnownIssue.objects.visible()
            .with_last_update()
            .prefetch_related(
                Prefetch("updates", queryset=KnownIssueUpdate.objects.order_by("-posted_at"))
            )
        )
        issues = sorted(issues, key=lambda issue: issue.last_update_at, reverse=True)[:FEED_ITEMS]
        return _in_language(issues)

    def item_title(self, issue):
        return f"{issue.title} ({issue.get_state_display()})"

    def item_description(self, issue):
        # The stored *_html fields were sanitized on save (as templates mark them |safe); all
        # else is escaped by format_html.
        timeline = format_html_join(
            "",
            "<h3>{}: {}</h3>{}",
            (
                (
                    update.get_state_display(),
                    f"{update.posted_at:%Y-%m-%d %H:%M} UTC",
                    mark_safe(update.body_html),  # noqa: S308 (sanitized on save)
                )
                for update in issue.updates.all()
            ),
        )
        return format_html(
            "<h2>{}</h2>{}<h2>{}</h2>{}<h2>{}</h2>{}{}",
            _("What people see"),
            mark_safe(issue.symptoms_seen_html),  # noqa: S308 (sanitized on save)
            _("What we know"),
            mark_safe(issue.known_html) or _("Not known yet."),  # noqa: S308
            _("What to do"),
            mark_safe(issue.workaround_html) or _("No workaround yet."),  # noqa: S308
            timeline,
        )

    def item_pubdate(self, issue):
        return issue.started_at

    def item_updateddate(self, issue):
        return issue.last_update_at

    def item_guid(self, issue):
        return issue.get_absolute_url()


@public_page(cache=True, vary=())
def known_issues_feed(request):
    """Serve the Atom feed, readable from other sites' scripts too."""
    response = KnownIssuesFeed()(request)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@public_page(cache=True, vary=())
def known_issues_summary(request):
    """Summarize the current issues as JSON, in the spirit of a status page's summary."""
    issues = list(
        KnownIssue.objects.active()
        .with_last_update()
        .prefetch_related(
            Prefetch("updates", queryset=KnownIssueUpdate.objects.order_by("-posted_at", "-pk")),
            Prefetch("topics", queryset=Topic.objects.visible()),
            Prefetch(
                "symptoms", queryset=Symptom.objects.in_visible_topic().select_related("topic")
            ),
        )
        .order_by("-started_at", "-pk")
    )
    _in_language(
        issues,
        [topic for issue in issues for topic in issue.topics.all()],
        [symptom for issue in issues for symptom in issue.symptoms.all()],
        [symptom.topic for issue in issues for symptom in issue.symptoms.all()],
    )
    updated = max((issue.last_update_at for issue in issues), default=None)
    count = len(issues)
    summary = {
        "page": {
            "name": _("Known issues"),
            "language": translating.active_language(),
            "url": request.build_absolute_uri(reverse("troubleshooting:known_issues")),
            "updated_at": updated.isoformat() if updated else None,
        },
        "status": {
            "indicator": "minor" if count else "none",
            "description": ngettext("%(count)d known issue", "%(count)d known issues", count)
            % {"count": count}
            if count
            else _("No known issues"),
        },
        "incidents": [_incident(request, issue) for issue in issues],
    }
    return JsonResponse(summary, headers=ACCESS_FROM_ANYWHERE)


def _incident(request, issue: KnownIssue) -> dict:
    """Return one issue as the summary lists it."""

    def page(obj) -> dict:
        return {"name": obj.title, "url": request.build_absolute_uri(obj.get_absolute_url())}

    return {
        "id": translating.source_slug(issue),  # a widget's key: the same in every language
        "name": issue.title,
        "status": issue.state,
        "url": request.build_absolute_uri(issue.get_absolute_url()),
        "created_at": issue.started_at.isoformat(),
        "updated_at": issue.last_update_at.isoformat(),
        "scheduled_end_at": issue.ends_at.isoformat() if issue.ends_at else None,
        "ios_versions": issue.ios_version_list(),
        "affected": {
            "topics": [page(topic) for topic in issue.topics.all()],
            "symptoms": [page(symptom) for symptom in issue.symptoms.all()],
        },
        "workaround": issue.workaround,
        "incident_updates": [
            {
                "status": update.state,
                "body": update.body,
                "created_at": update.posted_at.isoformat(),
            }
            for update in issue.updates.all()
        ],
    }
