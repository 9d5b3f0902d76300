"""The guided fix: triage questions, then one step at a time, ending fixed or where to go next.

Every state is a real address (``flow.Flow`` reads it); these views parse it, record what
people answer (``outcomes.recording``) and pick the page.
"""

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .. import flow_reads, pieces, shaped, translating
from ..addresses import Addresses
from ..blocks import Blocks
from ..caching import keep_out_of_cache
from ..flow import (
    Answer,
    Flow,
    InvalidFlowState,
    Progress,
    end_lede,
    kept_flow,
)
from ..forms import AnswerForm
from ..models import FixStep, Symptom, TriageQuestion, built_once
from ..outcomes import recording
from ..previewing import previewing
from ..templatetags.languages import language_switcher
from ..translating import active_language, overlay, overlay_choices
from ..triage import choice_url, parent_url, visible_choices
from .pages import is_fragment, public_page, render_page

ANSWERABLE = ("GET", "HEAD", "POST")
_CANT_DO = "troubleshooting/includes/cant_do.html"
_ANSWER_BAR = "troubleshooting/includes/answer_bar.html"
_KNOWN_ISSUES = "troubleshooting/includes/known_issue_banner.html"
_STEP_MAIN = "troubleshooting/flow_step.html#main"


@public_page(cache=True, query=("via",))
def flow_start(request, topic_slug):
    """Ask a topic's first triage question."""
    question = get_object_or_404(_questions(request), topic__slug=topic_slug, is_start=True)
    return _question_page(request, question)


@public_page(cache=True, query=("via",))
def flow_question(request, topic_slug, question_slug):
    """Ask a triage question; the first one lives at the topic's own address."""
    question = get_object_or_404(_questions(request), topic__slug=topic_slug, slug=question_slug)
    if question.is_start:
        overlay(question, question.topic, preview=previewing(request))
        return redirect(question.get_absolute_url())
    return _question_page(request, question)


@public_page(vary=())
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


@public_page(
    methods=ANSWERABLE,
    cache=True,
    query=("r", "v", "confirm", "via"),
    session_param=True,
    csrf_cookie_for_fragments=True,
)
def flow_step(request, topic_slug, symptom_slug, number):
    """Show one step of the guided fix, and take its answer to "Did this fix it?"."""
    if request.method == "POST":
        answered = _answer(request, topic_slug, symptom_slug, number)
        if answered is not None:
            return answered
    # A page to show: a step, or the answer's form with what is wrong with it.
    flow = _shown_flow(request, topic_slug, symptom_slug, number)
    symptom = flow.symptom
    if not flow.steps:
        # Nothing to try yet: the article says so and shows where to go next.
        return HttpResponseRedirect(symptom.get_absolute_url())
    try:
        progress = flow.progress(request.GET)
    except InvalidFlowState:
        return _bad_flow_state(request, symptom)
    if not flow.is_canonical(progress, request.GET, number):
        return _outdated_or_bad(request, flow, progress, number)
    step = flow.steps[number - 1]
    # A GET shows the form unbound, whose block is kept per language: no form to build.
    form = None
    if request.method == "POST":
        form = AnswerForm(request.POST, needs_confirmation=step.is_destructive)
    context = _step_context(request, flow, number=number, progress=progress, form=form)
    if form is None and not flow.preview and is_fragment(request):
        shaped_main = _shaped_main(request, context)
        if shaped_main is not None:
            # The partial's own text: the template would print the same (``_shaped_main``).
            return _kept_if_current(HttpResponse(shaped_main), flow, progress)
    context["description"] = _(
        "%(symptom)s: step %(number)d of %(total)d of the guided fix. %(summary)s"
    ) % {
        "symptom": symptom.title,
        "number": number,
        "total": len(flow),
        "summary": symptom.summary,
    }
    status = 400 if form is not None else 200  # a valid answer has gone on to the next page
    response = render_page(request, "troubleshooting/flow_step.html", context, status=status)
    return _kept_if_current(response, flow, progress)


@public_page(cache=True, query=("r", "v", "via"), session_param=True)
def flow_fixed(request, topic_slug, symptom_slug):
    """Celebrate the fix, with the step that did it and those tried before."""
    symptom = _published_symptom(request, topic_slug, symptom_slug)
    flow = _flow(request, symptom)
    try:
        progress = flow.progress(request.GET, resolved=True)
    except InvalidFlowState:
        return _bad_flow_state(request, symptom)
    attempts = [attempt for attempt in flow.attempts(progress) if attempt.result]
    fixed_by = next((a for a in attempts if a.result == Answer.FIXED), None)
    context = {
        "title": pgettext("page title", "Fixed"),
        "description": symptom.summary,
        "canonical_path": symptom.get_absolute_url(),
        "topic": symptom.topic,
        "symptom": symptom,
        "fixed_by": fixed_by,
        "tried": [attempt for attempt in attempts if attempt is not fixed_by],
    }
    response = render_page(request, "troubleshooting/flow_fixed.html", context)
    return _kept_if_current(response, flow, progress)


def _kept_if_current(response, flow: Flow, progress: Progress):
    """Keep a page made for an earlier list of the symptom's steps out of the page cache.

    It may show, or depend on, steps since removed from the symptom (``Flow._past_progress``),
    which other symptoms may still use: a save of such a step retires the pages of the symptoms
    using it now (``caching.shared_content_saved``), not this one. Rare: a fix under way while an
    editor changed its steps.
    """
    if progress.version != flow.version:
        keep_out_of_cache(response)
    return response


@public_page()
def flow_end(request, topic_slug, symptom_slug):
    """Say where to go next, with a summary of everything tried; never cached, it is recorded."""
    symptom = _published_symptom(request, topic_slug, symptom_slug)
    flow = _flow(request, symptom)
    try:
        progress = flow.progress(request.GET)
    except InvalidFlowState:
        return _bad_flow_state(request, symptom)
    if request.method == "GET" and not flow.preview:
        recording.record_end(key=flow.session, symptom=symptom)
    canonical = flow.canonical(progress)
    if canonical.version != progress.version:
        flow.remember(canonical)  # the way back below refers to it
    context = {
        "title": _("Still not working? Here's where to go next"),
        "description": symptom.summary,
        "canonical_path": symptom.get_absolute_url(),
        "topic": symptom.topic,
        "symptom": symptom,
        "attempts": flow.attempts(canonical),
        "lede": end_lede(flow.current_results(canonical), len(flow.steps)),
        "back_url": flow.resume_url(results=canonical),
        "restart_url": symptom.get_flow_url() if flow.steps else None,
        "guide_url": request.build_absolute_uri(symptom.get_absolute_url()),
    }
    return render_page(request, "troubleshooting/flow_end.html", context)


def _questions(request):
    return TriageQuestion.objects.in_visible_topic(preview=previewing(request)).select_related(
        "topic"
    )


def _question_page(request, question: TriageQuestion):
    preview = previewing(request)
    choices = visible_choices(question, preview=preview)
    targets = [choice.next_question or choice.symptom for choice in choices]
    overlay(
        question, question.topic, targets, [target.topic for target in targets], preview=preview
    )
    overlay_choices(question, choices)
    context = {
        "title": question.prompt,
        "description": f"{question.prompt} Answer to go straight to the right fixes: "
        f"{question.topic.summary}",
        "topic": question.topic,
        "question": question,
        "choices": [(choice, choice_url(choice)) for choice in choices],
        "back_url": parent_url(question, preview=preview, via=request.GET.get("via", "")),
    }
    return render_page(request, "troubleshooting/flow_question.html", context)


@built_once
def _symptoms(*, preview: bool):
    return Symptom.objects.in_visible_topic(preview=preview).select_related("topic")


def _published_symptom(request, topic_slug: str, symptom_slug: str) -> Symptom:
    """Return the symptom at these slugs as the visitor may see it, else raise Http404."""
    if previewing(request):
        return get_object_or_404(_symptoms(preview=True), topic__slug=topic_slug, slug=symptom_slug)
    symptom = flow_reads.public_symptom(topic_slug, symptom_slug)
    if symptom is None:
        raise Http404("No such symptom in this topic.")
    return symptom


def _flow(request, symptom: Symptom) -> Flow:
    """Load a symptom's flow, keeping the session and the question people came from."""
    if previewing(request):
        return _for_request(request, _loaded_flow(symptom, preview=True))
    return _public_flow(request, symptom, flow_reads.public_steps(symptom))


def _shown_flow(request, topic_slug: str, symptom_slug: str, number: int) -> Flow:
    """Load the flow a step page shows: the symptom and its steps in one read, else raise 404.

    Of the steps, only the one shown (``number``) is read whole (``flow_reads.public_flow``).
    """
    if previewing(request):
        return _flow(request, _published_symptom(request, topic_slug, symptom_slug))
    found = flow_reads.public_flow(topic_slug, symptom_slug, shown=number)
    if found is None:
        raise Http404("No such symptom in this topic.")
    return _public_flow(request, *found)


def _public_flow(request, symptom: Symptom, steps: tuple) -> Flow:
    """Return the public flow of ``steps``, in the active language, as the address says."""
    flow = Flow(symptom=symptom, steps=steps)
    overlay(symptom, symptom.topic, flow.steps)
    return _for_request(request, flow)


def _loaded_flow(symptom: Symptom, *, preview: bool, lean: bool = False) -> Flow:
    """Load a symptom's steps, in the active language (``lean``: only what answering reads)."""
    flow = Flow.for_symptom(symptom, preview=preview, lean=lean)
    # The same steps in every language: only their words change, never the list or its `v`.
    overlay(symptom, symptom.topic, flow.steps, preview=preview)
    return flow


def _for_request(request, flow: Flow) -> Flow:
    """Return ``flow`` with the session and the question people came from, as the address says."""
    flow = flow.with_via(request.GET.get("via"))
    key = request.GET.get("s", "")
    return flow.with_session(key) if recording.is_key(key) else flow


def _answering_flow(request, topic_slug: str, symptom_slug: str) -> Flow:
    """Return the flow an answer is posted to: the public one kept under the content version.

    Answering reads nothing of the symptom and its steps but their ids, slugs and severities,
    the same for every answer until the content changes, so the queries are not made again.
    """
    if previewing(request):
        return _flow(request, _published_symptom(request, topic_slug, symptom_slug))
    flow = kept_flow(
        (active_language(), topic_slug, symptom_slug),
        lambda: _loaded_flow(
            _published_symptom(request, topic_slug, symptom_slug), preview=False, lean=True
        ),
    )
    return _for_request(request, flow)


def _bad_flow_state(request, symptom: Symptom):
    """Answer a tampered flow URL with a clear 400 page."""
    context = {"title": _("This link to the guided fix doesn't work"), "symptom": symptom}
    return render_page(request, "troubleshooting/flow_invalid.html", context, status=400)


def _outdated_or_bad(request, flow: Flow, progress: Progress, number: int, status: int = 302):
    """Send an address made for an earlier list of steps on to where its answers lead now.

    An address about the current list that is not the flow's own was never made by it: a step
    out of range is a 404, other answers a 400, as before.
    """
    if progress.version == flow.version:
        if not 1 <= number <= len(flow):
            raise Http404("No such step in this guide.")
        return _bad_flow_state(request, flow.symptom)
    canonical = flow.canonical(progress)
    flow.remember(canonical)
    # Under the page cache the flow's session key is its placeholder: the cache puts the
    # person's own into the redirect's address (``caching._with_session``).
    return HttpResponseRedirect(flow.url_for(canonical), status=status)


def _answer(request, topic_slug: str, symptom_slug: str, number: int):
    """Take a posted answer; return None when the page is to be shown instead (with the form).

    A flow without steps or an address it can't read is shown as on a GET, from a fresh load.
    """
    flow = _answering_flow(request, topic_slug, symptom_slug)
    if not flow.steps:
        return None
    try:
        progress = flow.progress(request.GET)
    except InvalidFlowState:
        return None
    return _answer_step(request, flow, progress, number)


def _answer_step(request, flow: Flow, progress: Progress, number: int):
    """Record a valid answer and return the redirect to where it leads; None to show the page.

    The form names the step it was shown with, so an answer is given to that step even if an
    editor changed the list since the page was shown. A step no longer in the list takes no
    answer: the person is shown where their answers lead now.
    """
    step = _posted_step(request, flow, progress, number)
    if step is None:
        if flow.is_canonical(progress, request.GET, number):
            return None
        return _outdated_or_bad(request, flow, progress, number, status=303)
    # A refused answer is shown by the page's own form, with its errors (``flow_step``).
    cleaned = AnswerForm.valid_answer(request.POST, needs_confirmation=step.is_destructive)
    if cleaned is None:
        return None
    answer = cleaned["answer"]
    answered = flow.after(progress, step=step, answer=answer)
    flow.remember(answered)
    if not flow.preview:
        key = recording.record_answer(
            key=flow.session,
            symptom=flow.symptom,
            number=flow.steps.index(step) + 1,
            step=step,
            result=answer,
            is_last=answer != Answer.FIXED and flow.next_number(answered) is None,
            reason=cleaned["reason"],
            note=cleaned["note"],
        )
        flow = flow.with_session(key)
    url = flow.fixed_url(answered) if answer == Answer.FIXED else flow.url_for(answered)
    return HttpResponseRedirect(url, status=303)


def _posted_step(request, flow: Flow, progress: Progress, number: int) -> FixStep | None:
    """Return the current step the answer is for: the one the form names, or the address's."""
    named = request.POST.get("step")
    if named is not None:
        # Usually the step at the address: no need to look through the others for it.
        if 1 <= number <= len(flow.steps) and str(flow.steps[number - 1].pk) == named:
            return flow.steps[number - 1]
        return next((step for step in flow.steps if str(step.pk) == named), None)
    if flow.is_canonical(progress, request.GET, number):
        return flow.steps[number - 1]
    return None


def _step_context(
    request, flow: Flow, *, number: int, progress: Progress, form: AnswerForm | None
) -> dict:
    """Return what the step page shows: the step, the answers so far, and every link out of it."""
    symptom, step = flow.symptom, flow.steps[number - 1]
    links = _step_addresses(request, flow, number=number, progress=progress)
    return {
        "title": _("Step %(number)d of %(total)d: %(title)s")
        % {"number": number, "total": len(flow), "title": step.title},
        # Answers make many addresses of one page; search engines index the article instead.
        "canonical_path": links["article_url"] if progress.results else request.path,
        "topic": symptom.topic,
        "symptom": symptom,
        "step": step,
        "pieces": pieces.Pieces(flow_reads.with_pieces(step)),
        "number": number,
        "total": len(flow),
        "results": progress.results,
        "version": progress.version,
        "via": flow.via,
        "session": flow.session,
        "answer_form": form,
        "answers": Answer,
        "known_issue_banner": _known_issues(request, symptom, number=number),
        "answer_bar": _answer_bar(request, destructive=step.is_destructive),
        "cant_do": pieces.form_block(
            _CANT_DO, AnswerForm if form is None else form, answers=Answer
        ),
        **links,
    }


def _step_addresses(request, flow: Flow, *, number: int, progress: Progress) -> dict:
    """Return a step page's addresses (and whether a destructive step's warning was read)."""
    needs_confirmation = flow.steps[number - 1].is_destructive
    confirmed = not needs_confirmation or request.GET.get("confirm") == "1"
    at = Addresses()  # where this response's addresses begin, looked up once
    step_url = flow.step_url(number, progress, at=at)
    # A destructive step is answered at (and a restart comes back to) its confirmed form.
    answer_url = (
        flow.step_url(number, progress, at=at, confirm="1") if needs_confirmation else step_url
    )
    previous_url = flow.previous_url(results=progress, number=number, at=at)
    article_url = flow.symptom.get_absolute_url(at=at)
    return {
        "confirmed": confirmed,
        "step_url": step_url,
        "answer_url": answer_url,
        "article_url": article_url,
        "previous_url": previous_url,
        "back_label": _back_label(number, previous_url, article_url),
        "end_url": flow.end_url(progress, at=at),
        # The link to come back to this step after a restart: this page, its answers and session.
        "resume_url": request.build_absolute_uri(answer_url if confirmed else step_url),
    }


def _answer_bar(request, *, destructive: bool) -> str:
    """Return the answer buttons, the same on every step of a language but for a destructive one."""
    return Blocks(keep=not previewing(request)).render(
        _ANSWER_BAR, (destructive,), lambda values: {"destructive": values[0], "answers": Answer}
    )


def _known_issues(request, symptom: Symptom, *, number: int) -> str:
    """Return the known issues' banners shown at the start of a guided fix (on step 1 only)."""
    if number != 1:
        return ""
    context = {"symptom": symptom, "topic": symptom.topic, "start_of_fix": True}
    return render_to_string(_KNOWN_ISSUES, {**context, "previewing": previewing(request)})


def _shaped_main(request, context: dict) -> str | None:
    """Return the fragment's ``main`` partial from its shape, or None to render it.

    Everything the partial prints of the step, its flow and this request is a value filled into
    text rendered once per language and kind of step (``shaped.fill``): the template engine's
    walk of a dozen tags and interface words per request is left to the first of each kind.
    An editor's preview and a refused answer's form are rendered by the template, as before.
    Each name the partial reads is mapped here, once: a shape that reads another is not kept.
    """
    step, confirmed = context["step"], context["confirmed"]
    shown = context["pieces"]
    flags = {
        "request.htmx": True,
        "fragment": True,
        "previewing": False,
        "answer_form": None,
        "answers": Answer,
        "confirmed": confirmed,
        "step.interrupts": bool(step.interrupts),
        "step.is_destructive": step.is_destructive,
    }
    values = {
        "title": context["title"],
        "switcher_html": language_switcher({"request": request}, oob=True),
        "untranslated_in": translating.untranslated_notice(step),
        "symptom.title": context["symptom"].title,
        "number": context["number"],
        "total": context["total"],
        "step.title": step.title,
        "step.pk": step.pk,
        "known_issue_banner": context["known_issue_banner"],
        "pieces.meta": shown["meta"],
        # The one of the two the partial shows.
        "pieces.body" if confirmed else "pieces.warning": shown["body" if confirmed else "warning"],
        "request.path": request.path,
        "results": context["results"],
        "version": context["version"],
        "via": context["via"],
        "session": context["session"],
        "step_url": context["step_url"],
        "resume_url": context["resume_url"],
        "answer_url": context["answer_url"],
        "answer_bar": context["answer_bar"],
        "cant_do": context["cant_do"],
        "previous_url": context["previous_url"],
        "back_label": context["back_label"],
        "article_url": context["article_url"],
        "end_url": context["end_url"],
    }
    return shaped.fill(_STEP_MAIN, flags, values)


def _back_label(number: int, previous_url: str, article_url: str) -> str:
    """Name the way back: from step 1 it undoes the triage answer, if one led here."""
    if number > 1:
        return _("← Back")
    if previous_url == article_url:
        return _("← Back to the article")
    return _("← Change my answer")
