"""Public pages: browsing the guides and the guided fix flow.

Each view serves its whole page, or with htmx just the page's ``main`` partial, from one template.
"""

import logging
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Count, Prefetch
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import replace_url

from . import caching
from . import search as search_engine
from .flow import (
    Answer,
    Flow,
    InvalidFlowState,
    article_version,
    choice_url,
    summarize,
    visible_choices,
)
from .forms import AnswerForm, FeedbackForm
from .models import Severity, SlugRedirect, Symptom, Topic, TriageQuestion, live
from .outcomes import recording
from .previewing import PREVIEW_SESSION_KEY, can_preview, previewing

logger = logging.getLogger(__name__)

DEFAULT_DESCRIPTION = (
    "Step-by-step help to fix common phone problems yourself, quick and safe fixes first."
)
HOME_SYMPTOMS_PER_TOPIC = 6
VOTER_COOKIE = "helpful_voter"
FEEDBACK_STATES = {"yes", "no", "sent"}
SLUG_MODELS = {"topic_slug": Topic, "symptom_slug": Symptom, "question_slug": TriageQuestion}


def render_page(request, template_name: str, context: dict, *, status: int = 200):
    """Render the whole page, or only its ``main`` partial for an htmx swap."""
    context.setdefault("description", DEFAULT_DESCRIPTION)
    context.setdefault("og_type", "website")
    canonical_path = context.pop("canonical_path", request.path)
    context["canonical_url"] = request.build_absolute_uri(canonical_path)
    if previewing(request):
        context["previewing"] = True
        shown = next(
            (context[name] for name in ("symptom", "question", "topic") if context.get(name)), None
        )
        context["preview_of"] = shown
        # Leaving the preview of something the public can't see yet goes home, not to a 404.
        public = shown is None or shown.is_published
        context["preview_exit_url"] = (
            request.get_full_path() if public else reverse("troubleshooting:home")
        )
    htmx = getattr(request, "htmx", None)
    context["fragment"] = bool(htmx and not htmx.history_restore_request)
    if context["fragment"]:
        template_name = f"{template_name}#main"
    return TemplateResponse(request, template_name, context, status=status)


def csrf_cookie_for_fragments(view):
    """Make sure a browser that gets the flow's forms as an htmx fragment has the CSRF cookie.

    Fragments carry no token in their forms: htmx sends the cookie's value as the X-CSRFToken
    header (static/js/site.js), as Django's docs advise for scripts. So a cached fragment is the
    same for everyone, and costs no token per request. Whole pages, which work without
    JavaScript, keep the token in their forms.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        # From META: request.htmx would build request.headers, on the cached pages' fast path.
        fragment = request.META.get("HTTP_HX_REQUEST") == "true"
        if fragment and settings.CSRF_COOKIE_NAME not in request.COOKIES:
            get_token(request)
        return response

    return wrapper


# Public pages come from the cache, except for editors previewing drafts.
cached = caching.cached_page(skip_if=previewing)
# The guided fix's pages carry each person's anonymous session key in their links.
cached_flow = caching.cached_page(skip_if=previewing, session_param=True)


@never_cache
@require_http_methods(["GET", "POST"])
def preview(request):
    """Editors' preview of drafts: the admin's "Preview" links turn it on, the banner off."""
    if not can_preview(request.user):
        return redirect_to_login(request.get_full_path(), login_url=reverse("admin:login"))
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("troubleshooting:home")
    if request.method == "POST":
        request.session.pop(PREVIEW_SESSION_KEY, None)
    else:
        request.session[PREVIEW_SESSION_KEY] = True
    return HttpResponseRedirect(next_url, status=303)


def never_cache_previews(view):
    """Keep drafts out of shared caches: a preview is for the editor's eyes only."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if previewing(request):
            add_never_cache_headers(response)
            response.headers["X-Robots-Tag"] = "noindex"
        return response

    return wrapper


def bad_flow_state(request, symptom: Symptom):
    """Answer a tampered or outdated flow URL with a clear 400 page."""
    context = {"title": "This link to the guided fix doesn't work", "symptom": symptom}
    return render_page(request, "troubleshooting/flow_invalid.html", context, status=400)


def follow_renamed_slugs(view):
    """Answer a 404 for a slug an editor renamed with a 301 to the same page at its new address."""

    @wraps(view)
    def wrapper(request, **kwargs):
        try:
            return view(request, **kwargs)
        except Http404:
            renamed = {
                name: current
                for name, model in SLUG_MODELS.items()
                if name in kwargs
                and (current := SlugRedirect.objects.current_slug(model, kwargs[name]))
            }
            if not renamed:
                raise
            url = reverse(request.resolver_match.view_name, kwargs={**kwargs, **renamed})
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)

    return wrapper


def _published_symptom(request, topic_slug: str, symptom_slug: str) -> Symptom:
    preview = previewing(request)
    return get_object_or_404(
        Symptom.objects.in_visible_topic(preview=preview).select_related("topic"),
        topic__slug=topic_slug,
        slug=symptom_slug,
    )


@require_safe
@cached
@vary_on_headers("HX-Request")
@never_cache_previews
def home(request):
    preview = previewing(request)
    symptoms = Symptom.objects.in_visible_topic(preview=preview)
    topics = (
        Topic.objects.visible(preview=preview)
        .annotate(symptom_count=Count("symptoms", filter=live("symptoms__", preview=preview)))
        .prefetch_related(
            Prefetch(
                "symptoms",
                queryset=symptoms.order_by("position", "title")[:HOME_SYMPTOMS_PER_TOPIC],
                to_attr="listed_symptoms",
            )
        )
    )
    common = symptoms.filter(featured=True).select_related("topic").order_by("position", "title")
    start_questions = (
        TriageQuestion.objects.in_visible_topic(preview=preview)
        .filter(is_start=True)
        .select_related("topic")
        .order_by("topic__position", "topic__title")
    )
    context = {
        "title": None,
        "topics": topics,
        "common_symptoms": common,
        "start_questions": start_questions,
    }
    return render_page(request, "troubleshooting/home.html", context)


@require_safe
@cached
@vary_on_headers("HX-Request")
@follow_renamed_slugs
@never_cache_previews
def topic(request, topic_slug):
    preview = previewing(request)
    topic = get_object_or_404(Topic.objects.visible(preview=preview), slug=topic_slug)
    symptoms = topic.symptoms.visible(preview=preview).order_by("position", "title")
    start = (
        TriageQuestion.objects.visible(preview=preview).filter(topic=topic, is_start=True).first()
    )
    context = {
        "title": topic.title,
        "description": topic.summary,
        "topic": topic,
        "symptoms": symptoms,
        "start_question": start,
    }
    return render_page(request, "troubleshooting/topic.html", context)


@require_safe
@cached
@vary_on_headers("HX-Request")
@follow_renamed_slugs
@never_cache_previews
def symptom(request, topic_slug, symptom_slug):
    preview = previewing(request)
    symptom = get_object_or_404(
        Symptom.objects.for_article(preview=preview),
        topic__slug=topic_slug,
        slug=symptom_slug,
    )
    steps = symptom.published_steps
    context = {
        "title": symptom.title,
        "description": symptom.summary,
        "og_type": "article",
        "symptom": symptom,
        "topic": symptom.topic,
        "causes": [symptom_cause.cause for symptom_cause in symptom.published_causes],
        "steps": [symptom_step.step for symptom_step in steps],
    }
    return render_page(request, "troubleshooting/symptom.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request", "HX-Target")
@follow_renamed_slugs
def symptom_feedback(request, topic_slug, symptom_slug):
    """ "Was this helpful?": loaded into the article by htmx, or a page of its own without JS."""
    symptom = get_object_or_404(
        Symptom.objects.for_article(),
        topic__slug=topic_slug,
        slug=symptom_slug,
    )
    feedback_url = reverse("troubleshooting:symptom_feedback", args=[topic_slug, symptom_slug])
    given = request.GET.get("given", "")
    given = given if given in FEEDBACK_STATES else ""
    version = article_version(symptom)
    form = FeedbackForm(initial={"version": version})
    status = 200
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
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
                response = _feedback(request, symptom, feedback_url, given, form)
            else:
                response = HttpResponseRedirect(f"{feedback_url}?given={given}", status=303)
            # One vote per browser per article: the same random key replaces the earlier vote.
            response.set_cookie(
                VOTER_COOKIE,
                voter,
                max_age=60 * 60 * 24 * 365,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            return response
        status = 400
    return _feedback(request, symptom, feedback_url, given, form, status=status)


def _feedback(request, symptom, feedback_url, given, form, *, status=200):
    context = {
        "title": f"Tell us about “{symptom.title}”",
        "description": symptom.summary,
        "canonical_path": symptom.get_absolute_url(),
        "topic": symptom.topic,
        "symptom": symptom,
        "feedback_url": feedback_url,
        "given": given,
        "form": form,
    }
    htmx = request.htmx
    if htmx and htmx.target == "feedback" and not htmx.history_restore_request:
        return TemplateResponse(
            request, "troubleshooting/feedback.html#feedback", context, status=status
        )
    return render_page(request, "troubleshooting/feedback.html", context, status=status)


def _question_page(request, question: TriageQuestion):
    choices = visible_choices(question, preview=previewing(request))
    context = {
        "title": question.prompt,
        "description": f"{question.prompt} Answer to go straight to the right fixes: "
        f"{question.topic.summary}",
        "topic": question.topic,
        "question": question,
        "choices": [(choice, choice_url(choice)) for choice in choices],
    }
    return render_page(request, "troubleshooting/flow_question.html", context)


@require_safe
@cached
@vary_on_headers("HX-Request")
@follow_renamed_slugs
@never_cache_previews
def flow_start(request, topic_slug):
    preview = previewing(request)
    question = get_object_or_404(
        TriageQuestion.objects.in_visible_topic(preview=preview).select_related("topic"),
        topic__slug=topic_slug,
        is_start=True,
    )
    return _question_page(request, question)


@require_safe
@cached
@vary_on_headers("HX-Request")
@follow_renamed_slugs
@never_cache_previews
def flow_question(request, topic_slug, question_slug):
    preview = previewing(request)
    question = get_object_or_404(
        TriageQuestion.objects.in_visible_topic(preview=preview).select_related("topic"),
        topic__slug=topic_slug,
        slug=question_slug,
    )
    if question.is_start:
        return redirect(question.get_absolute_url())
    return _question_page(request, question)


def _flow(request, symptom: Symptom) -> Flow:
    """Load a symptom's flow, keeping the outcomes session of the address if it is well formed."""
    flow = Flow.for_symptom(symptom, preview=previewing(request))
    key = request.GET.get("s", "")
    return flow.with_session(key) if recording.is_key(key) else flow


@require_safe
@follow_renamed_slugs
@never_cache_previews
def flow_begin(request, topic_slug, symptom_slug):
    """Start a guided fix: give it an anonymous session, then go to step 1."""
    symptom = _published_symptom(request, topic_slug, symptom_slug)
    flow = _flow(request, symptom)
    if not flow.steps:
        return HttpResponseRedirect(symptom.get_absolute_url())
    # HEAD (link checkers, link previews) starts nothing, nor do editors previewing.
    if request.method == "GET" and not flow.preview:
        flow = flow.with_session(recording.start_session(symptom))
    return HttpResponseRedirect(flow.step_url(1, ""))


@require_http_methods(["GET", "HEAD", "POST"])
@csrf_cookie_for_fragments
@cached_flow
@vary_on_headers("HX-Request")
@follow_renamed_slugs
@never_cache_previews
def flow_step(request, topic_slug, symptom_slug, number):
    symptom = _published_symptom(request, topic_slug, symptom_slug)
    flow = _flow(request, symptom)
    if not flow.steps:
        # Nothing to try yet: the article says so and shows where to go next.
        return HttpResponseRedirect(symptom.get_absolute_url())
    try:
        results = flow.results(request.GET)
    except InvalidFlowState:
        return bad_flow_state(request, symptom)
    if not 1 <= number <= len(flow):
        raise Http404("No such step in this guide.")
    if len(results) != number - 1:
        return bad_flow_state(request, symptom)
    step = flow.steps[number - 1]
    needs_confirmation = step.severity == Severity.DESTRUCTIVE

    status = 200
    answer_form = AnswerForm(needs_confirmation=needs_confirmation)
    if request.method == "POST":  # "Did this fix it?"
        answer_form = AnswerForm(request.POST, needs_confirmation=needs_confirmation)
        if answer_form.is_valid():
            answer = answer_form.cleaned_data["answer"]
            if not flow.preview:  # editors trying a draft leave the figures alone
                key = recording.record_answer(
                    key=flow.session,
                    symptom=symptom,
                    number=number,
                    step=step,
                    result=answer,
                    is_last=number == len(flow),
                    reason=answer_form.cleaned_data["reason"],
                    note=answer_form.cleaned_data["note"],
                )
                flow = flow.with_session(key)
            url = flow.url_after(results=results, answer=answer)
            return HttpResponseRedirect(url, status=303)
        status = 400
    confirmed = not needs_confirmation or request.GET.get("confirm") == "1"

    context = {
        "title": f"Step {number} of {len(flow)}: {step.title}",
        "description": f"{symptom.title}: step {number} of {len(flow)} of the guided fix. "
        f"{symptom.summary}",
        # Answers make many addresses of one page; search engines index the article instead.
        "canonical_path": symptom.get_absolute_url() if results else request.path,
        "topic": symptom.topic,
        "symptom": symptom,
        "step": step,
        "number": number,
        "total": len(flow),
        "results": results,
        "version": flow.version,
        "session": flow.session,
        "confirmed": confirmed,
        "answer_form": answer_form,
        "answers": Answer,
        "previous_url": flow.previous_url(results=results),
        "end_url": flow.end_url(results),
        "step_url": flow.step_url(number, results),
        "confirmed_url": flow.step_url(number, results, confirm="1"),
    }
    # The link to come back to this step after a restart: this page, its answers and session.
    shown = context["confirmed_url"] if needs_confirmation and confirmed else context["step_url"]
    context["resume_url"] = request.build_absolute_uri(shown)
    return render_page(request, "troubleshooting/flow_step.html", context, status=status)


@require_safe
@cached_flow
@vary_on_headers("HX-Request")
@follow_renamed_slugs
@never_cache_previews
def flow_fixed(request, topic_slug, symptom_slug):
    symptom = _published_symptom(request, topic_slug, symptom_slug)
    flow = _flow(request, symptom)
    try:
        results = flow.results(request.GET, resolved=True)
    except InvalidFlowState:
        return bad_flow_state(request, symptom)
    attempts = flow.attempts(results)
    context = {
        "title": "Fixed",
        "description": symptom.summary,
        "canonical_path": symptom.get_absolute_url(),
        "topic": symptom.topic,
        "symptom": symptom,
        "fixed_by": attempts[len(results) - 1],
        "tried": attempts[: len(results) - 1],
    }
    return render_page(request, "troubleshooting/flow_fixed.html", context)


@require_safe
@vary_on_headers("HX-Request")
@follow_renamed_slugs
@never_cache_previews
def flow_end(request, topic_slug, symptom_slug):
    symptom = _published_symptom(request, topic_slug, symptom_slug)
    flow = _flow(request, symptom)
    try:
        results = flow.results(request.GET)
    except InvalidFlowState:
        return bad_flow_state(request, symptom)
    if request.method == "GET" and not flow.preview:
        recording.record_end(key=flow.session, symptom=symptom)
    attempts = flow.attempts(results)
    context = {
        "title": "Still not working? Here's where to go next",
        "description": symptom.summary,
        "canonical_path": symptom.get_absolute_url(),
        "topic": symptom.topic,
        "symptom": symptom,
        "attempts": attempts,
        "tried_count": results.count(Answer.NOT_FIXED),
        "summary": summarize(results),
        "back_url": flow.resume_url(results=results),
        "restart_url": symptom.get_flow_url() if flow.steps else None,
        "guide_url": request.build_absolute_uri(symptom.get_absolute_url()),
    }
    return render_page(request, "troubleshooting/flow_end.html", context)


@require_safe
@cached
@vary_on_headers("HX-Request", "HX-Target")
def search(request):
    query = request.GET.get("q", "")
    results = search_engine.search(query, exact=request.GET.get("exact") == "1")
    common = (
        Symptom.objects.in_visible_topic()
        .filter(featured=True)
        .select_related("topic")
        .order_by("position", "title")
    )
    title = f"Search results for “{results.query}”" if results.query else "Search"
    context = {
        "title": title,
        "description": "Search the guides by what you see on your screen.",
        "results": results,
        "common_symptoms": common,
    }
    htmx = request.htmx
    if htmx and htmx.target == "search-results" and not htmx.history_restore_request:
        response = TemplateResponse(request, "troubleshooting/search.html#results", context)
        # Keep the address in step with the words typed, without a history entry per keystroke.
        response = replace_url(response, request.get_full_path())
    else:
        response = render_page(request, "troubleshooting/search.html", context)
    if results.terms and not results.hits:
        # Each search that finds nothing is counted for editors, so it must reach the view.
        caching.keep_out_of_cache(response)
    return response


@never_cache
@require_safe
def health(request):
    """Tell a load balancer whether this app server can serve: its database answers.

    Without its cache it still serves, more slowly (pages are rendered each time): that is
    reported as "degraded" for monitoring, not as a failure that would take every server out
    of rotation at once when a shared Redis goes down.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        checks["database"] = "failing"
    try:
        cache.set("health-check", "ok", 10)
        checks["cache"] = "ok" if cache.get("health-check") == "ok" else "failing"
    except Exception:  # any backend's connection error; the check must answer, not crash
        logger.exception("Health check: the cache does not answer")
        checks["cache"] = "failing"
    if checks["database"] != "ok":
        return JsonResponse({"status": "failing", **checks}, status=503)
    status = "ok" if checks["cache"] == "ok" else "degraded"
    return JsonResponse({"status": status, **checks})


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("troubleshooting:sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
