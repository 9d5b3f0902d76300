""" "Was this helpful?" under an article: swapped into it by htmx, or a page of its own."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from ..flow import article_version
from ..forms import FeedbackForm
from ..models import Symptom
from ..outcomes import recording
from ..translating import overlay
from .pages import public_page, render_page

VOTER_COOKIE = "helpful_voter"
VOTER_COOKIE_SECONDS = 60 * 60 * 24 * 365
FEEDBACK_STATES = {"yes", "no", "sent"}


@public_page(methods=("GET", "HEAD", "POST"), vary=("HX-Request", "HX-Target"))
def symptom_feedback(request, topic_slug, symptom_slug):
    """Ask whether the article helped, and record the answer."""
    symptom = get_object_or_404(
        Symptom.objects.for_article(), topic__slug=topic_slug, slug=symptom_slug
    )
    # The English article's version: votes in every language count for the same article.
    version = article_version(symptom)
    overlay(symptom, symptom.topic)
    url = reverse("troubleshooting:symptom_feedback", args=[symptom.topic.slug, symptom.slug])
    given = request.GET.get("given", "")
    given = given if given in FEEDBACK_STATES else ""
    if request.method != "POST":
        form = FeedbackForm(initial={"version": version})
        return _feedback_page(request, symptom, url, given, form)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _feedback_page(request, symptom, url, given, form, status=400)
    return _vote(request, symptom, url, form.cleaned_data, version)


def _vote(request, symptom: Symptom, url: str, data: dict, version: str):
    """Record a vote, then ask the next question in place (htmx) or go to a page saying so."""
    helpful = data["helpful"] == "yes"
    voter = recording.record_vote(
        symptom=symptom,
        voter=request.COOKIES.get(VOTER_COOKIE, ""),
        helpful=helpful,
        reason=data["reason"],
        comment=data["comment"],
        version=data["version"] or version,
    )
    given = "yes" if helpful else ("sent" if data["reason"] or data["comment"] else "no")
    if request.htmx.target == "feedback":
        # The next question ("what went wrong?") starts as a fresh form.
        form = FeedbackForm(initial={"version": data["version"] or version})
        response = _feedback_page(request, symptom, url, given, form)
    else:
        response = HttpResponseRedirect(f"{url}?given={given}", status=303)
    # One vote per browser per article: the same random key replaces the earlier vote.
    response.set_cookie(
        VOTER_COOKIE,
        voter,
        max_age=VOTER_COOKIE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _feedback_page(request, symptom: Symptom, url: str, given: str, form, *, status=200):
    """Render the question, or with htmx aimed at it just the question, in the article."""
    context = {
        "title": _("Tell us about “%(title)s”") % {"title": symptom.title},
        "description": symptom.summary,
        "canonical_path": symptom.get_absolute_url(),
        "topic": symptom.topic,
        "symptom": symptom,
        "feedback_url": url,
        "given": given,
        "form": form,
    }
    htmx = request.htmx
    if htmx and htmx.target == "feedback" and not htmx.history_restore_request:
        return TemplateResponse(
            request, "troubleshooting/feedback.html#feedback", context, status=status
        )
    return render_page(request, "troubleshooting/feedback.html", context, status=status)
