"""The guided fix: triage questions, then one step at a time, ending fixed or where to go next.

Every state is a real address (``flow.Flow`` reads it); these views parse it, record what
people answer (``outcomes.recording``) and pick the page.
"""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect

from ..flow import Answer, Flow, InvalidFlowState, choice_url, end_lede, visible_choices
from ..forms import AnswerForm
from ..models import Symptom, TriageQuestion
from ..outcomes import recording
from ..previewing import previewing
from .pages import public_page, render_page

ANSWERABLE = ("GET", "HEAD", "POST")


@public_page(cache=True)
def flow_start(request, topic_slug):
    """Ask a topic's first triage question."""
    question = get_object_or_404(_questions(request), topic__slug=topic_slug, is_start=True)
    return _question_page(request, question)


@public_page(cache=True)
def flow_question(request, topic_slug, question_slug):
    """Ask a triage question; the first one lives at the topic's own address."""
    question = get_object_or_404(_questions(request), topic__slug=topic_slug, slug=question_slug)
    if question.is_start:
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
    query=("r", "v", "confirm"),
    session_param=True,
    csrf_cookie_for_fragments=True,
)
def flow_step(request, topic_slug, symptom_slug, number):
    """Show one step of the guided fix, and take its answer to "Did this fix it?"."""
    symptom = _published_symptom(request, topic_slug, symptom_slug)
    flow = _flow(request, symptom)
    if not flow.steps:
        # Nothing to try yet: the article says so and shows where to go next.
        return HttpResponseRedirect(symptom.get_absolute_url())
    try:
        results = _results_before(flow, request.GET, number)
    except InvalidFlowState:
        return _bad_flow_state(request, symptom)
    step = flow.steps[number - 1]
    data = request.POST if request.method == "POST" else None
    form = AnswerForm(data, needs_confirmation=step.is_destructive)
    if form.is_bound and form.is_valid():
        url = _answered(flow, symptom, number=number, results=results, form=form)
        return HttpResponseRedirect(url, status=303)
    context = _step_context(request, flow, number=number, results=results, form=form)
    status = 400 if form.is_bound else 200  # a valid answer has gone on to the next page
    return render_page(request, "troubleshooting/flow_step.html", context, status=status)


@public_page(cache=True, query=("r", "v"), session_param=True)
def flow_fixed(request, topic_slug, symptom_slug):
    """Celebrate the fix, with the step that did it and those tried before."""
    symptom = _published_symptom(request, topic_slug, symptom_slug)
    flow = _flow(request, symptom)
    try:
        results = flow.results(request.GET, resolved=True)
    except InvalidFlowState:
        return _bad_flow_state(request, symptom)
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


@public_page()
def flow_end(request, topic_slug, symptom_slug):
    """Say where to go next, with a summary of everything tried; never cached, it is recorded."""
    symptom = _published_symptom(request, topic_slug, symptom_slug)
    flow = _flow(request, symptom)
    try:
        results = flow.results(request.GET)
    except InvalidFlowState:
        return _bad_flow_state(request, symptom)
    if request.method == "GET" and not flow.preview:
        recording.record_end(key=flow.session, symptom=symptom)
    context = {
        "title": "Still not working? Here's where to go next",
        "description": symptom.summary,
        "canonical_path": symptom.get_absolute_url(),
        "topic": symptom.topic,
        "symptom": symptom,
        "attempts": flow.attempts(results),
        "lede": end_lede(results, len(flow.steps)),
        "back_url": flow.resume_url(results=results),
        "restart_url": symptom.get_flow_url() if flow.steps else None,
        "guide_url": request.build_absolute_uri(symptom.get_absolute_url()),
    }
    return render_page(request, "troubleshooting/flow_end.html", context)


def _questions(request):
    return TriageQuestion.objects.in_visible_topic(preview=previewing(request)).select_related(
        "topic"
    )


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


def _published_symptom(request, topic_slug: str, symptom_slug: str) -> Symptom:
    return get_object_or_404(
        Symptom.objects.in_visible_topic(preview=previewing(request)).select_related("topic"),
        topic__slug=topic_slug,
        slug=symptom_slug,
    )


def _flow(request, symptom: Symptom) -> Flow:
    """Load a symptom's flow, keeping the outcomes session of the address if it is well formed."""
    flow = Flow.for_symptom(symptom, preview=previewing(request))
    key = request.GET.get("s", "")
    return flow.with_session(key) if recording.is_key(key) else flow


def _bad_flow_state(request, symptom: Symptom):
    """Answer a tampered or outdated flow URL with a clear 400 page."""
    context = {"title": "This link to the guided fix doesn't work", "symptom": symptom}
    return render_page(request, "troubleshooting/flow_invalid.html", context, status=400)


def _results_before(flow: Flow, query, number: int) -> str:
    """Return the answers the address gives for the steps before ``number``.

    Raise ``InvalidFlowState`` if they don't lead to that step, ``Http404`` if it doesn't exist.
    """
    results = flow.results(query)
    if not 1 <= number <= len(flow):
        raise Http404("No such step in this guide.")
    if len(results) != number - 1:
        raise InvalidFlowState("The answers don't lead to this step.")
    return results


def _answered(flow: Flow, symptom: Symptom, *, number: int, results, form) -> str:
    """Record the answer to a step and return where it leads; editors' drafts leave no figures."""
    answer = form.cleaned_data["answer"]
    if not flow.preview:
        key = recording.record_answer(
            key=flow.session,
            symptom=symptom,
            number=number,
            step=flow.steps[number - 1],
            result=answer,
            is_last=number == len(flow),
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        flow = flow.with_session(key)
    return flow.url_after(results=results, answer=answer)


def _step_context(request, flow: Flow, *, number: int, results, form) -> dict:
    """Return what the step page shows: the step, the answers so far, and every link out of it."""
    symptom, step = flow.symptom, flow.steps[number - 1]
    needs_confirmation = step.is_destructive
    confirmed = not needs_confirmation or request.GET.get("confirm") == "1"
    step_url = flow.step_url(number, results)
    confirmed_url = flow.step_url(number, results, confirm="1")
    # The link to come back to this step after a restart: this page, its answers and session.
    shown = confirmed_url if needs_confirmation and confirmed else step_url
    return {
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
        "answer_form": form,
        "answers": Answer,
        "previous_url": flow.previous_url(results=results),
        "end_url": flow.end_url(results),
        "step_url": step_url,
        "confirmed_url": confirmed_url,
        "resume_url": request.build_absolute_uri(shown),
    }
