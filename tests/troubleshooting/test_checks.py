"""The content check: every kind of mistake is found, named for editors, and nothing else is."""

from io import StringIO

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    make_choice,
    make_guide,
    make_question,
    make_step,
    make_symptom,
    make_topic,
)
from tests.troubleshooting.problems import found, later, the
from troubleshooting import triage
from troubleshooting.admin.content_check import add_problem_messages, change_url
from troubleshooting.content_checks import (
    Level,
    ProblemKind,
    Ref,
    Site,
    check_content,
    check_object,
)
from troubleshooting.models import (
    FixStep,
    Severity,
    Status,
    Symptom,
    SymptomStep,
    TriageChoice,
    TriageQuestion,
)

pytestmark = pytest.mark.django_db


def test_a_complete_guide_has_no_problems(guide):
    assert check_content() == []


# Triage -------------------------------------------------------------------------------------------


def test_answers_leading_round_in_a_circle(guide):
    topic, symptom, _, start = guide
    middle = make_question(topic=topic, prompt="Which person?")
    make_choice(question=middle, label="Someone", symptom=symptom)
    make_choice(question=start, label="Not sure", next_question=middle)
    assert found(ProblemKind.TRIAGE_LOOP) == []

    # The admin refuses this answer (clean()); objects.create() is how fixtures or scripts get it.
    make_choice(question=middle, label="Start over", next_question=start)
    problem = the(ProblemKind.TRIAGE_LOOP, start)
    assert problem.severity is Level.ERROR
    assert [ref.pk for ref in problem.related] == [middle.pk]
    assert "“Not sure”" in problem.message and "“Start over”" in problem.message
    assert problem.message.index("What does it say?") < problem.message.index("Which person?")
    assert found(ProblemKind.TRIAGE_LOOP, middle) == []  # one problem per circle


def test_an_answer_leading_to_its_own_question_is_a_loop(guide):
    _, _, _, start = guide
    make_choice(question=start, label="Ask again", next_question=start)
    assert the(ProblemKind.TRIAGE_LOOP, start).severity is Level.ERROR


def test_a_loop_through_a_draft_question_is_not_shown(guide):
    topic, symptom, _, start = guide
    draft = make_question(topic=topic, status=Status.DRAFT)
    make_choice(question=draft, label="Back", next_question=start)
    make_choice(question=start, label="Draft", next_question=draft)
    assert found(ProblemKind.TRIAGE_LOOP) == []


def test_a_question_whose_answers_all_lead_nowhere_is_a_dead_end(guide):
    topic, symptom, _, start = guide
    dead = make_question(topic=topic, prompt="Which one?")
    make_choice(question=start, label="Other", next_question=dead)
    make_choice(question=dead, label="A draft", symptom=make_symptom(topic=topic, status="draft"))
    make_choice(question=dead, label="No steps", symptom=make_symptom(topic=topic))
    problem = the(ProblemKind.TRIAGE_DEAD_END, dead)
    assert problem.severity is Level.ERROR
    assert "None of its 2 answers" in problem.message
    assert found(ProblemKind.TRIAGE_DEAD_END, start) == []

    make_choice(question=dead, label="Works", symptom=symptom)
    assert found(ProblemKind.TRIAGE_DEAD_END) == []


def test_a_published_question_without_answers_is_a_dead_end(guide):
    topic, _, _, start = guide
    empty = make_question(topic=topic)
    make_choice(question=start, label="Other", next_question=empty)
    assert "It has no answers" in the(ProblemKind.TRIAGE_DEAD_END, empty).message
    assert found(ProblemKind.TRIAGE_DEAD_END, make_question(topic=topic, status=Status.DRAFT)) == []


def test_a_question_no_answer_leads_to_is_unreachable(guide):
    topic, symptom, _, start = guide
    lonely = make_question(topic=topic, prompt="Lonely?")
    make_choice(question=lonely, label="Yes", symptom=symptom)
    problem = the(ProblemKind.TRIAGE_UNREACHABLE, lonely)
    assert problem.severity is Level.WARNING
    assert found(ProblemKind.TRIAGE_UNREACHABLE, start) == []

    make_choice(question=start, label="Lonely", next_question=lonely)
    assert found(ProblemKind.TRIAGE_UNREACHABLE) == []


def test_a_topic_with_symptoms_but_no_first_question(guide):
    topic, _, _, start = guide
    start.status = Status.DRAFT
    start.save()
    problem = the(ProblemKind.TOPIC_WITHOUT_START, topic)
    assert problem.severity is Level.WARNING
    assert "Tick “First question”" in problem.message
    other = make_question(topic=topic)
    assert "has no published first question" in the(ProblemKind.TRIAGE_UNREACHABLE, other).message
    # Topics without published symptoms need no guided fix.
    assert found(ProblemKind.TOPIC_WITHOUT_START, make_topic()) == []


def test_an_answer_leading_to_a_draft_or_scheduled_page_is_hidden(guide):
    topic, symptom, steps, start = guide
    draft = make_symptom(topic=topic, steps=steps, status=Status.DRAFT, title="Unfinished")
    choice = make_choice(question=start, label="Green bubble", symptom=draft)
    problem = the(ProblemKind.HIDDEN_ANSWER, start)
    assert problem.severity is Level.ERROR
    assert [ref.pk for ref in problem.related] == [draft.pk]
    assert (
        "“Green bubble”" in problem.message and "“Unfinished”, which is a draft" in problem.message
    )

    draft.status, draft.publish_at = Status.PUBLISHED, later(days=2)
    draft.save()
    assert "is scheduled to appear only from" in the(ProblemKind.HIDDEN_ANSWER, start).message

    choice.delete()
    make_choice(question=start, label="Draft question", next_question=make_question(topic=topic))
    TriageQuestion.objects.filter(prompt__startswith="Question").update(status=Status.DRAFT)
    assert "leads to the question" in the(ProblemKind.HIDDEN_ANSWER, start).message


def test_an_answer_leading_to_a_symptom_without_published_steps_is_hidden(guide):
    topic, _, _, start = guide
    empty = make_symptom(topic=topic, steps=[make_step(status=Status.DRAFT)])
    make_choice(question=start, label="Nothing to try", symptom=empty)
    assert "has no published fix steps" in the(ProblemKind.HIDDEN_ANSWER, start).message


def test_a_draft_question_with_a_hidden_answer_only_warns(guide):
    topic, _, _, _ = guide
    draft = make_question(topic=topic, status=Status.DRAFT)
    make_choice(question=draft, label="Later", symptom=make_symptom(topic=topic, status="draft"))
    problem = the(ProblemKind.HIDDEN_ANSWER, draft)
    assert problem.severity is Level.WARNING
    assert "once this question is published" in problem.message


def test_triage_answers_shown_match_the_public_page(guide):
    """The check's idea of a shown answer is exactly what ``visible_choices`` shows people."""
    topic, symptom, steps, start = guide
    make_choice(question=start, label="Draft", symptom=make_symptom(topic=topic, status="draft"))
    make_choice(question=start, label="No steps", symptom=make_symptom(topic=topic))
    make_choice(question=start, label="Later", symptom=make_symptom(topic=topic, steps=steps))
    Symptom.objects.filter(triage_choices__label="Later").update(publish_at=later(hours=1))
    make_choice(question=start, label="Question", next_question=make_question(topic=topic))
    make_choice(
        question=start,
        label="Draft question",
        next_question=make_question(topic=topic, status=Status.DRAFT),
    )
    site = Site.load()
    shown = {choice.pk for choice in site.choices if site.leads_on(choice)}
    assert shown == {choice.pk for choice in triage.visible_choices(start)}
    assert len(shown) == 2


# Symptoms and steps -------------------------------------------------------------------------------


def test_a_published_symptom_without_published_steps(guide):
    topic, _, _, _ = guide
    bare = make_symptom(topic=topic)
    assert "it has no fix steps" in the(ProblemKind.SYMPTOM_WITHOUT_STEPS, bare).message
    drafts = make_symptom(topic=topic, steps=[make_step(status=Status.DRAFT)])
    problem = the(ProblemKind.SYMPTOM_WITHOUT_STEPS, drafts)
    assert problem.severity is Level.ERROR
    assert "its 1 fix step is not" in problem.message
    assert found(ProblemKind.SYMPTOM_WITHOUT_STEPS, make_symptom(topic=topic, status="draft")) == []


def test_the_database_refuses_a_destructive_step_without_any_warning():
    """Why the check below needs a blank (not empty) warning, or an unsaved step."""
    with pytest.raises(IntegrityError), transaction.atomic():
        make_step(severity=Severity.DESTRUCTIVE, warning="")


def test_a_destructive_step_with_a_blank_warning(guide):
    step = make_step(severity=Severity.DESTRUCTIVE, warning="  \n ")
    problem = the(ProblemKind.DESTRUCTIVE_WITHOUT_WARNING, step)
    assert problem.severity is Level.ERROR
    assert "“Warning”" in problem.message
    assert found(ProblemKind.DESTRUCTIVE_WITHOUT_WARNING, make_step(warning=" ")) == []


def test_an_unsaved_destructive_step_without_a_warning():
    step = FixStep(
        title="Erase the phone",
        slug="erase-the-phone",
        instructions="Erase it.",
        severity=Severity.DESTRUCTIVE,
        status=Status.PUBLISHED,
    )
    problems = check_object(step)
    assert [problem.kind for problem in problems] == [ProblemKind.DESTRUCTIVE_WITHOUT_WARNING]
    assert problems[0].obj.pk is None and problems[0].obj.text == "Erase the phone"


def test_a_destructive_step_ahead_of_a_safer_one(destructive_guide):
    _, symptom, steps, _ = destructive_guide
    destructive = steps[-1]
    assert found(ProblemKind.DESTRUCTIVE_BEFORE_SAFER) == []
    # clean() and the reorder service refuse this order; a fixture or script can still make it.
    quick = make_step(title="Restart the phone")
    SymptomStep.objects.create(symptom=symptom, step=quick, position=9)
    problem = the(ProblemKind.DESTRUCTIVE_BEFORE_SAFER, symptom)
    assert problem.severity is Level.ERROR
    assert {ref.pk for ref in problem.related} == {destructive.pk, quick.pk}
    assert "“Delete the conversation” (step 3" in problem.message
    assert "“Restart the phone” (step 4)" in problem.message
    # The admin has no position box to type in: rows are dragged, or moved with ↑ and ↓.
    assert "drag “Delete the conversation” below every safer step" in problem.message
    assert "↓ button" in problem.message and "Position" not in problem.message
    # Problems in a symptom also show on the step's page.
    assert the(ProblemKind.DESTRUCTIVE_BEFORE_SAFER, symptom, check_object(destructive))

    quick.status = Status.DRAFT  # people don't see it, so they don't see it out of order
    quick.save()
    assert found(ProblemKind.DESTRUCTIVE_BEFORE_SAFER) == []


# Checking one object ------------------------------------------------------------------------------


def test_an_object_is_checked_as_it_is_before_saving(guide):
    topic, symptom, _, start = guide
    symptom.status = Status.DRAFT  # not saved: the form is about to
    problems = check_object(symptom)
    assert the(ProblemKind.HIDDEN_ANSWER, start, problems)
    assert the(ProblemKind.TRIAGE_DEAD_END, start, problems)
    assert check_content() == []  # the database still has it published


def test_only_problems_of_or_involving_the_object_are_returned(guide):
    topic, symptom, _, start = guide
    other = make_symptom(topic=topic)  # published without steps
    assert check_object(symptom) == []
    assert [p.kind for p in check_object(other)] == [ProblemKind.SYMPTOM_WITHOUT_STEPS]
    with pytest.raises(TypeError):
        check_object(TriageChoice.objects.first())


def test_whole_site_check_takes_a_fixed_number_of_queries(guide):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            check_content()
        return len(captured)

    def grow():
        topic, symptom, steps, start = make_guide(3, destructive_last=True)
        symptom.body = f"[Other](/{topic.slug}/nope/) and [renamed](/{topic.slug}/)"
        symptom.save()
        more = make_question(topic=topic)
        make_choice(question=start, label="More", next_question=more)
        make_choice(question=more, label="Back", next_question=start)
        make_choice(question=more, label="Draft", symptom=make_symptom(topic=topic, status="draft"))
        topic.slug = f"{topic.slug}-renamed"
        topic.save()

    grow()
    few = queries()
    for _ in range(5):
        grow()
    # Eight for the English, one per kind of translation (six, known issues' included; their
    # English issues are read only when one has a translation).
    assert queries() == few <= 14
    assert len(check_content()) > 10


# The command --------------------------------------------------------------------------------------


def run(*args):
    out = StringIO()
    call_command("check_content", *args, stdout=out, no_color=True)
    return out.getvalue()


def test_command_passes_clean_content(guide):
    assert run().strip() == "Content check passed: no problems found."


def test_command_fails_on_errors_and_lists_them_by_object(guide):
    topic, symptom, _, start = guide
    symptom.status = Status.DRAFT
    symptom.save()
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("check_content", stdout=out, no_color=True)
    assert failure.value.returncode == 1
    assert str(failure.value) == "Content check failed: 2 errors, 0 warnings."
    lines = out.getvalue().splitlines()
    change = reverse("admin:troubleshooting_triagequestion_change", args=[start.pk])
    assert lines[0] == f"Triage question “What does it say?” ({change})"
    assert sum(line.startswith("  Error: ") for line in lines) == 2
    assert all(line.startswith(("  Error: ", "    ")) for line in lines[1:])


def test_command_passes_with_warnings_unless_strict(guide):
    topic, symptom, _, _ = guide
    lonely = make_question(topic=topic, prompt="Lonely?")
    make_choice(question=lonely, label="Yes", symptom=symptom)
    out = run()
    assert "  Warning: No answer leads to this question" in out
    assert out.strip().endswith("Content check passed with 0 errors, 1 warning.")
    with pytest.raises(CommandError) as failure:
        run("--strict")
    assert failure.value.returncode == 1


# The admin: the content check page, and messages on an object's page ------------------------------


def test_admin_page_lists_problems_with_links_to_fix_them(admin_client, guide):
    topic, symptom, _, start = guide
    bare = make_symptom(topic=topic, title="Half written")
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(reverse("admin:content_check"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Content check</h1>" in html
    assert "1 error</strong> and 0 warnings, in 1 item" in html
    change = reverse("admin:troubleshooting_symptom_change", args=[bare.pk])
    assert f'<a href="{change}">Half written</a>' in html
    assert "has no fix steps" in html
    assert len(captured) <= 17  # five of them read the translations, one per kind


def test_admin_page_says_when_all_is_well(admin_client, guide):
    html = admin_client.get(reverse("admin:content_check")).content.decode()
    assert "No problems found" in html


def test_admin_page_is_for_editors_only(client, guide):
    url = reverse("admin:content_check")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))

    user = User.objects.create_user("intern", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(url).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_symptom"))
    assert client.get(url).status_code == 200


def test_problems_become_admin_messages_linking_where_to_fix_them(guide, rf):
    topic, symptom, _, start = guide
    symptom.status = Status.DRAFT
    symptom.save()
    request = rf.get("/")
    request._messages = CookieStorage(request)
    problems = add_problem_messages(request, symptom)
    assert {p.kind for p in problems} == {ProblemKind.HIDDEN_ANSWER, ProblemKind.TRIAGE_DEAD_END}
    shown = [(m.level_tag, str(m)) for m in get_messages(request)]
    change = reverse("admin:troubleshooting_triagequestion_change", args=[start.pk])
    assert all(level == "error" for level, _ in shown)
    assert all(f'<a href="{change}">What does it say?</a>' in text for _, text in shown)


def test_an_objects_own_problems_become_plain_messages(guide, rf):
    topic, _, _, _ = guide
    bare = make_symptom(topic=topic)
    assert [p.kind for p in check_object(bare)] == [ProblemKind.SYMPTOM_WITHOUT_STEPS]
    request = rf.get("/")
    request._messages = CookieStorage(request)
    add_problem_messages(request, bare)
    [message] = get_messages(request)
    assert message.level_tag == "error"
    assert str(message).startswith("This symptom is published but it has no fix steps")


def test_change_url_only_for_saved_objects_of_a_known_admin(guide):
    _, symptom, _, _ = guide
    ref = Ref.to(symptom)
    assert change_url(ref) == reverse("admin:troubleshooting_symptom_change", args=[symptom.pk])
    assert change_url(ref, site_name="no-such-admin") is None
    assert change_url(Ref(Symptom, None, "Unsaved")) is None


# The demo content (last: it stays loaded for the rest of this module) -----------------------------


def test_demo_content_has_no_problems(demo_content):
    problems = check_content()
    assert problems == [], "\n".join(f"{p.obj}: {p.message}" for p in problems)
