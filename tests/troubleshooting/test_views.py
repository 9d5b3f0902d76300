"""The public pages: whole pages, htmx fragments, the guided flow and bad input."""

import re
from html import escape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_choice, make_question, make_step, make_symptom, make_topic
from troubleshooting.flow import Flow
from troubleshooting.models import Severity, Status
from troubleshooting.views.pages import public_page

pytestmark = pytest.mark.django_db


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


def assert_full_page(response):
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert 'id="main"' in html
    assert h1_count(html) == 1
    assert "HX-Request" in response.get("Vary", "")


def assert_fragment(response):
    html = response.content.decode()
    assert response.status_code == 200
    assert "<!DOCTYPE" not in html
    assert "<header" not in html
    assert h1_count(html) == 1
    # The fragment carries the new page title for htmx to apply.
    assert html.lstrip().startswith("<title>")
    assert "HX-Request" in response.get("Vary", "")


class TestHome:
    def test_full_page_lists_topics_and_common_symptoms(self, client):
        topic = make_topic(title="Messages and iMessage")
        make_symptom(topic=topic, title="Stuck on Sending", featured=True)
        make_symptom(topic=topic, title="Green bubble")
        response = client.get("/")
        assert_full_page(response)
        html = response.content.decode()
        assert "Messages and iMessage" in html
        assert "Common problems" in html
        common = html[html.index("Common problems") : html.index("All topics")]
        assert "Stuck on Sending" in common
        assert "Green bubble" not in common
        assert "Green bubble" in html[html.index("All topics") :]

    def test_fragment(self, client, htmx_headers):
        make_symptom(featured=True)
        assert_fragment(client.get("/", **htmx_headers))

    def test_offers_the_guided_fix_to_people_who_cannot_name_the_problem(self, client, guide):
        question = guide[3]
        html = client.get("/").content.decode()
        assert f'href="{question.get_absolute_url()}"' in html
        assert "Not sure? Answer a question" in html

    def test_history_restore_gets_the_full_page(self, client):
        response = client.get("/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
        assert_full_page(response)

    def test_drafts_are_hidden(self, client):
        make_topic(title="Secret draft topic", status=Status.DRAFT)
        make_symptom(title="Draft symptom", featured=True, status=Status.DRAFT)
        html = client.get("/").content.decode()
        assert "Secret draft topic" not in html
        assert "Draft symptom" not in html


class TestTopic:
    def test_full_page(self, client, guide):
        topic, symptom, _, _ = guide
        response = client.get(topic.get_absolute_url())
        assert_full_page(response)
        html = response.content.decode()
        assert symptom.title in html
        assert reverse("troubleshooting:flow_start", args=[topic.slug]) in html

    def test_fragment(self, client, guide, htmx_headers):
        assert_fragment(client.get(guide[0].get_absolute_url(), **htmx_headers))

    def test_draft_topic_is_not_found(self, client):
        topic = make_topic(status=Status.DRAFT)
        assert client.get(topic.get_absolute_url()).status_code == 404

    def test_draft_symptoms_are_not_listed(self, client, guide):
        make_symptom(topic=guide[0], title="Unfinished symptom", status=Status.DRAFT)
        assert "Unfinished symptom" not in client.get(guide[0].get_absolute_url()).content.decode()


class TestSymptomArticle:
    def test_full_page_shows_meaning_causes_and_every_step_in_order(self, client, guide):
        _, symptom, steps, _ = guide
        response = client.get(symptom.get_absolute_url())
        assert_full_page(response)
        html = response.content.decode()
        assert "<em>means</em>" in html  # rendered Markdown
        assert "Likely causes" in html
        positions = [html.index(step.title) for step in steps]
        assert positions == sorted(positions)
        assert "Start the guided fix" in html
        assert symptom.get_flow_url() in html

    def test_fragment(self, client, guide, htmx_headers):
        assert_fragment(client.get(guide[1].get_absolute_url(), **htmx_headers))

    def test_draft_steps_are_left_out(self, client, guide):
        _, symptom, steps, _ = guide
        steps[1].status = Status.DRAFT
        steps[1].save()
        html = client.get(symptom.get_absolute_url()).content.decode()
        assert steps[0].title in html
        assert steps[1].title not in html

    def test_destructive_step_shows_its_warning(self, client, destructive_guide):
        _, symptom, steps, _ = destructive_guide
        html = client.get(symptom.get_absolute_url()).content.decode()
        assert "Warning: this can delete data" in html
        assert "This <strong>deletes</strong> your messages." in html

    def test_wrong_topic_is_not_found(self, client, guide):
        other = make_topic()
        url = reverse("troubleshooting:symptom", args=[other.slug, guide[1].slug])
        assert client.get(url).status_code == 404

    def test_draft_symptom_is_not_found(self, client):
        symptom = make_symptom(status=Status.DRAFT)
        assert client.get(symptom.get_absolute_url()).status_code == 404


class TestTriage:
    def test_start_question_lists_its_answers(self, client, guide):
        topic, symptom, _, question = guide
        response = client.get(reverse("troubleshooting:flow_start", args=[topic.slug]))
        assert_full_page(response)
        html = response.content.decode()
        assert question.prompt in html
        # The answer names its question, for "Change my answer" on step 1.
        link = f"{symptom.get_flow_url()}?via={question.slug}"
        assert f'href="{link}"' in html
        assert f'hx-get="{link}"' in html

    def test_fragment(self, client, guide, htmx_headers):
        url = reverse("troubleshooting:flow_start", args=[guide[0].slug])
        assert_fragment(client.get(url, **htmx_headers))

    def test_answer_can_lead_to_another_question(self, client, guide):
        topic, symptom, _, start = guide
        follow_up = make_question(topic=topic, prompt="Everyone, or one person?")
        make_choice(question=start, label="Not Delivered", next_question=follow_up)
        make_choice(question=follow_up, label="Just one person", symptom=symptom)
        html = client.get(start.get_absolute_url()).content.decode()
        assert f'href="{follow_up.get_absolute_url()}?via={start.slug}"' in html
        response = client.get(follow_up.get_absolute_url())
        assert_full_page(response)
        assert "Just one person" in response.content.decode()
        fragment = client.get(follow_up.get_absolute_url(), HTTP_HX_REQUEST="true")
        assert_fragment(fragment)
        assert "Just one person" in fragment.content.decode()

    def test_answers_leading_to_drafts_are_hidden(self, client, guide):
        topic, _, _, start = guide
        make_choice(
            question=start,
            label="Hidden answer",
            symptom=make_symptom(topic=topic, status=Status.DRAFT),
        )
        assert "Hidden answer" not in client.get(start.get_absolute_url()).content.decode()

    def test_start_question_under_its_own_slug_redirects(self, client, guide):
        topic, _, _, start = guide
        url = reverse("troubleshooting:flow_question", args=[topic.slug, start.slug])
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == start.get_absolute_url()

    def test_unknown_question_is_not_found(self, client, guide):
        url = reverse("troubleshooting:flow_question", args=[guide[0].slug, "no-such-question"])
        assert client.get(url).status_code == 404

    def test_topic_without_questions_has_no_flow(self, client):
        topic = make_topic()
        assert (
            client.get(reverse("troubleshooting:flow_start", args=[topic.slug])).status_code == 404
        )


class TestFlowSteps:
    def test_first_step_full_page(self, client, guide):
        _, symptom, steps, question = guide
        response = client.get(step_path(symptom, 1))
        assert_full_page(response)
        html = response.content.decode()
        assert "Step 1 of 3" in html
        assert steps[0].title in html
        assert "Did this fix it?" in html
        assert 'name="csrfmiddlewaretoken"' in html
        # Back from the first step returns to the question that led here.
        assert f'href="{question.get_absolute_url()}"' in html

    def test_step_fragment(self, client, guide, htmx_headers):
        assert_fragment(client.get(step_path(guide[1], 1), **htmx_headers))

    def test_symptom_fix_url_redirects_to_step_one(self, client, guide):
        symptom = guide[1]
        url = reverse("troubleshooting:flow_begin", args=[symptom.topic.slug, symptom.slug])
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{step_path(symptom, 1)}?s=")

    def test_answering_no_moves_to_the_next_step(self, client, guide):
        symptom = guide[1]
        response = client.post(step_path(symptom, 1), {"answer": "n"})
        assert response.status_code == 303
        assert location(response) == step_url(symptom, 2, "n")

    def test_skip_is_remembered_for_the_summary(self, client, guide):
        symptom = guide[1]
        response = client.post(step_url(symptom, 2, "n"), {"answer": "s"})
        assert location(response) == step_url(symptom, 3, "ns")

    def test_later_step_shows_progress_and_back_link(self, client, guide):
        symptom, steps = guide[1], guide[2]
        html = client.get(step_url(symptom, 3, "ns")).content.decode()
        assert "Step 3 of 3" in html
        assert steps[2].title in html
        assert f'href="{escape(step_url(symptom, 2, "n"))}"' in html

    def test_invalid_answer_is_a_form_error(self, client, guide):
        response = client.post(step_path(guide[1], 1), {"answer": "maybe"})
        assert response.status_code == 400
        assert "Choose Yes, No or Skip." in response.content.decode()

    def test_missing_answer_is_a_form_error(self, client, guide):
        response = client.post(step_path(guide[1], 1), {})
        assert response.status_code == 400
        assert "Choose Yes, No or Skip." in response.content.decode()

    def test_htmx_answer_follows_the_redirect_to_the_fragment(self, client, guide, htmx_headers):
        symptom, steps = guide[1], guide[2]
        response = client.post(step_path(symptom, 1), {"answer": "n"}, follow=True, **htmx_headers)
        [(url, status)] = response.redirect_chain
        assert (without_session(url), status) == (step_url(symptom, 2, "n"), 303)
        assert_fragment(response)
        assert steps[1].title in response.content.decode()

    def test_interrupting_step_offers_a_resume_link(self, client):
        step = make_step(title="Force restart your iPhone", interrupts=True)
        symptom = make_symptom(steps=[step])
        html = client.get(step_path(symptom, 1)).content.decode()
        assert "Keep your place" in html
        assert f"http://testserver{step_path(symptom, 1)}" in html


def without_session(url: str) -> str:
    """Return a flow URL without its outcomes session key, which is random."""
    return re.sub(r"[?&]s=[\w-]{22}$", "", url)


def location(response) -> str:
    """Return where a response redirects, without the outcomes session key."""
    return without_session(response["Location"])


def step_path(symptom, number):
    return reverse("troubleshooting:flow_step", args=[symptom.topic.slug, symptom.slug, number])


def step_url(symptom, number, results="", **extra):
    return Flow.for_symptom(symptom).step_url(number, results, **extra)


def fixed_url(symptom, results):
    return Flow.for_symptom(symptom).fixed_url(results)


def end_url(symptom, results=""):
    return Flow.for_symptom(symptom).end_url(results)


class TestFlowJourneys:
    def test_from_home_to_resolution(self, client, guide):
        topic, symptom, steps, question = guide
        home = client.get("/").content.decode()
        assert topic.get_absolute_url() in home
        topic_page = client.get(topic.get_absolute_url()).content.decode()
        assert question.get_absolute_url() in topic_page
        question_page = client.get(question.get_absolute_url()).content.decode()
        assert symptom.get_flow_url() in question_page

        url = client.get(symptom.get_flow_url())["Location"]
        response = client.post(url, {"answer": "n"})
        url = response["Location"]
        response = client.post(url, {"answer": "y"})
        assert response.status_code == 303
        assert location(response) == fixed_url(symptom, "ny")

        fixed = client.get(response["Location"])
        assert_full_page(fixed)
        html = fixed.content.decode()
        assert "it's fixed" in html
        assert steps[1].title in html  # what worked
        assert "Didn&#x27;t fix it" in html or "Didn't fix it" in html

    def test_from_home_to_the_end_page_when_nothing_works(self, client, guide):
        symptom, steps = guide[1], guide[2]
        url = client.get(symptom.get_flow_url())["Location"]
        for answer in ["n", "s", "n"]:
            response = client.post(url, {"answer": answer})
            assert response.status_code == 303
            url = response["Location"]
        assert location(response) == end_url(symptom, "nsn")
        end = client.get(url)
        assert_full_page(end)
        html = end.content.decode()
        assert "where to go next" in html
        assert "You tried 2 fixes and skipped 1." in html
        for step in steps:
            assert step.title in html
        assert "Send this guide to the other person" in html
        assert "http://testserver" + symptom.get_absolute_url() in html
        assert "Contact <strong>support</strong>." in html  # the topic's escalation advice
        # Back to the last step, in the same session.
        assert f'href="{escape(step_url(symptom, 3, "ns"))}&amp;s=' in html

    def test_stopping_early_marks_the_rest_not_tried(self, client, guide):
        symptom = guide[1]
        html = client.get(end_url(symptom, "n")).content.decode()
        assert html.count("Not tried") == 2
        assert f'href="{escape(step_url(symptom, 2, "n"))}"' in html

    def test_end_and_fixed_fragments(self, client, guide, htmx_headers):
        symptom = guide[1]
        assert_fragment(client.get(end_url(symptom, "nnn"), **htmx_headers))
        assert_fragment(client.get(fixed_url(symptom, "y"), **htmx_headers))


class TestDestructiveSteps:
    def test_warning_and_confirmation_come_before_the_instructions(self, client, destructive_guide):
        symptom, steps = destructive_guide[1], destructive_guide[2]
        html = client.get(step_url(symptom, 3, "nn")).content.decode()
        assert "Warning: this step can delete data" in html
        assert 'name="confirm"' in html and "required" in html
        # A GET form replaces the query string: the state travels in a hidden field, once.
        path = step_path(symptom, 3)
        assert f'<form class="confirm" method="get" action="{path}" hx-get="{path}">' in html
        assert '<input type="hidden" name="r" value="nn">' in html
        assert steps[2].instructions_html not in html
        assert "Did this fix it?" not in html
        assert "Skip this step" in html

    def test_confirmed_step_shows_instructions(self, client, destructive_guide):
        symptom, steps = destructive_guide[1], destructive_guide[2]
        html = client.get(step_url(symptom, 3, "nn", confirm="1")).content.decode()
        assert steps[2].instructions_html in html
        assert "Did this fix it?" in html
        assert 'name="confirmed" value="1"' in html

    def test_cannot_answer_without_confirming(self, client, destructive_guide):
        symptom = destructive_guide[1]
        response = client.post(step_url(symptom, 3, "nn"), {"answer": "n"})
        assert response.status_code == 400
        assert "confirm you understand" in response.content.decode()

    def test_answer_after_confirming(self, client, destructive_guide):
        symptom = destructive_guide[1]
        response = client.post(
            step_url(symptom, 3, "nn", confirm="1"), {"answer": "y", "confirmed": "1"}
        )
        assert response.status_code == 303
        assert location(response) == fixed_url(symptom, "nny")

    def test_skipping_needs_no_confirmation(self, client, destructive_guide):
        symptom = destructive_guide[1]
        response = client.post(step_url(symptom, 3, "nn"), {"answer": "s"})
        assert response.status_code == 303
        assert location(response) == end_url(symptom, "nns")


class TestBadInput:
    @pytest.mark.parametrize(
        "query",
        [
            "?r=x",  # unknown answer letter
            "?r=y",  # a fixed answer cannot come before a later step
            "?r=nnnn",  # longer than the step number allows
            "?r=%01%FF",  # binary
            "?r=" + "n" * 5000,  # huge
        ],
    )
    def test_tampered_results_get_a_clear_400(self, client, guide, query):
        response = client.get(step_path(guide[1], 2) + query)
        assert response.status_code == 400
        assert "This link to the guided fix doesn" in response.content.decode()

    def test_results_that_do_not_match_the_step_number(self, client, guide):
        assert client.get(step_path(guide[1], 3) + "?r=n").status_code == 400

    @pytest.mark.parametrize("number", ["0", "4", "01", "99999999999999999999", "-1"])
    def test_step_numbers_out_of_range_are_not_found(self, client, guide, number):
        symptom = guide[1]
        url = f"/{symptom.topic.slug}/{symptom.slug}/fix/{number}/"
        assert client.get(url).status_code == 404

    @pytest.mark.parametrize("query", ["?r=nsnn", "?r=nnnn", "?r=q", "?r=ns"])
    def test_tampered_end_page(self, client, guide, query):
        symptom = guide[1]
        url = reverse("troubleshooting:flow_end", args=[symptom.topic.slug, symptom.slug])
        assert client.get(url + query).status_code == 400

    @pytest.mark.parametrize("query", ["", "?r=n", "?r=yy", "?r=nnny"])
    def test_tampered_fixed_page(self, client, guide, query):
        symptom = guide[1]
        url = reverse("troubleshooting:flow_fixed", args=[symptom.topic.slug, symptom.slug])
        assert client.get(url + query).status_code == 400

    def test_unknown_pages_get_the_friendly_404(self, client):
        response = client.get("/no-such-topic/no-such-symptom/")
        assert response.status_code == 404
        assert "We can't find that page" in response.content.decode()

    def test_post_without_csrf_token_is_refused_clearly(self, guide):
        csrf_client = Client(enforce_csrf_checks=True)
        response = csrf_client.post(step_path(guide[1], 1), {"answer": "y"})
        assert response.status_code == 403
        assert "Please try that again" in response.content.decode()

    def test_post_with_csrf_token_is_accepted(self, guide):
        csrf_client = Client(enforce_csrf_checks=True)
        url = step_path(guide[1], 1)
        csrf_client.get(url)
        token = csrf_client.cookies["csrftoken"].value
        response = csrf_client.post(url, {"answer": "y", "csrfmiddlewaretoken": token})
        assert response.status_code == 303

    @pytest.mark.parametrize("url", ["/", "/topic-x/"])
    def test_pages_refuse_post(self, client, url):
        make_topic(slug="topic-x")
        assert client.post(url).status_code == 405

    def test_too_many_fields_is_a_400(self, client, guide):
        data = {f"f{i}": "x" for i in range(500)}
        response = client.post(step_path(guide[1], 1), data)
        assert response.status_code == 400


class TestQueryCounts:
    """Every public page runs a small, fixed number of queries, whatever the content size."""

    def build(self, symptoms=6, steps=8):
        topic = make_topic()
        question = make_question(topic=topic, is_start=True)
        created = []
        for number in range(symptoms):
            # The home page lists all but the first as cards (up to six), the first under its
            # topic, so each kind of row is read whatever the size.
            symptom = make_symptom(
                topic=topic, featured=number > 0, steps=[make_step() for _ in range(steps)]
            )
            make_choice(question=question, symptom=symptom)
            created.append(symptom)
        return topic, question, created[0]

    def urls(self, topic, question, symptom):
        steps = symptom.symptom_steps.count()
        follow_up = make_question(topic=topic)
        make_choice(question=follow_up, symptom=symptom)
        return [
            "/",
            topic.get_absolute_url(),
            symptom.get_absolute_url(),
            question.get_absolute_url(),
            follow_up.get_absolute_url(),
            "/search/?q=symptom",
            step_path(symptom, 1),
            step_url(symptom, 3, "nn"),
            step_url(symptom, steps, "n" * (steps - 1), confirm="1"),
            fixed_url(symptom, "ny"),
            end_url(symptom, "n" * steps),
            end_url(symptom),
        ]

    def test_bounded(self, client, django_assert_max_num_queries):
        topic, question, symptom = self.build()
        for url in self.urls(topic, question, symptom):
            # Search is the most: ranking, synonyms, known issues, PostgreSQL's trigram fallback.
            with django_assert_max_num_queries(10):
                assert client.get(url).status_code == 200, url
        for url, status in [
            (symptom.get_flow_url(), 302),
            (step_path(symptom, 2) + "?r=zz", 400),
            ("/no-such-topic/", 404),
            (f"{topic.get_absolute_url()}no-such-symptom/", 404),
        ]:
            with django_assert_max_num_queries(6):
                assert client.get(url).status_code == status, url

    def test_does_not_grow_with_content(self, client):
        def counts(urls):
            result = []
            for url in urls:
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code in {200, 302}, url
                result.append(len(queries))
            return result

        def urls(topic, question, symptom):
            return [symptom.get_flow_url(), *self.urls(topic, question, symptom)]

        small = counts(urls(*self.build(symptoms=2, steps=3)))
        large = counts(urls(*self.build(symptoms=20, steps=12)))
        assert small == large


def test_destructive_flag_on_meta_badge(client):
    step = make_step(severity=Severity.DESTRUCTIVE, title="Delete it all")
    symptom = make_symptom(steps=[make_step(), step])
    html = client.get(symptom.get_absolute_url()).content.decode()
    assert "Destructive (can lose data)" in html


class TestOutdatedLinks:
    """A saved link whose steps changed since is refused, never applied to different steps."""

    def test_answers_without_their_fingerprint_are_refused(self, client, guide):
        response = client.get(step_path(guide[1], 2) + "?r=n")
        assert response.status_code == 400

    def test_link_made_before_the_steps_changed_is_refused(self, client, guide):
        symptom, steps = guide[1], guide[2]
        saved = step_url(symptom, 3, "nn")
        saved_end = end_url(symptom, "nnn")
        assert client.get(saved).status_code == 200
        steps[0].status = Status.DRAFT
        steps[0].save()
        for url in (saved, saved_end):
            response = client.get(url)
            assert response.status_code == 400
            html = response.content.decode()
            assert "the guide has been updated" in html
            assert f'href="{symptom.get_flow_url()}"' in html

    def test_reordering_steps_also_outdates_links(self, client, guide):
        symptom = guide[1]
        saved = step_url(symptom, 2, "n")
        first, second = symptom.symptom_steps.order_by("position")[:2]
        first.position, second.position = 90, 1
        first.save()
        second.save()
        assert client.get(saved).status_code == 400


class TestContentInProgress:
    def test_answers_leading_to_a_symptom_without_steps_are_hidden(self, client, guide):
        topic, _, _, start = guide
        empty = make_symptom(topic=topic, title="Not written yet")
        make_choice(question=start, label="Leads nowhere yet", symptom=empty)
        html = client.get(start.get_absolute_url()).content.decode()
        assert "Leads nowhere yet" not in html

    def test_flow_of_a_symptom_without_steps_sends_people_to_its_article(self, client):
        symptom = make_symptom()
        response = client.get(step_path(symptom, 1))
        assert response.status_code == 302
        assert response["Location"] == symptom.get_absolute_url()

    def test_end_page_without_any_answer_does_not_claim_fixes_were_tried(self, client, guide):
        html = client.get(end_url(guide[1])).content.decode()
        assert "You tried" not in html
        assert "Here&#x27;s who can help" in html or "Here's who can help" in html


@pytest.mark.parametrize(
    "path",
    ["/", "/topic-h/", "/topic-h/fix/", "/topic-h/symptom-h/", "/topic-h/symptom-h/fix/1/"],
)
def test_head_requests_are_answered(client, path):
    topic = make_topic(slug="topic-h")
    symptom = make_symptom(topic=topic, slug="symptom-h", steps=[make_step()])
    make_choice(question=make_question(topic=topic, is_start=True), symptom=symptom)
    response = client.head(path)
    assert response.status_code == 200


def test_home_title_names_the_site_once(client):
    html = client.get("/").content.decode()
    assert "<title>Fix it yourself</title>" in html


def test_reading_pages_set_no_cookie_so_they_can_be_cached(client, guide):
    topic, symptom, _, question = guide
    for url in [
        "/",
        topic.get_absolute_url(),
        symptom.get_absolute_url(),
        question.get_absolute_url(),
    ]:
        response = client.get(url)
        assert "csrftoken" not in response.cookies, url
        assert "Cookie" not in response.get("Vary", ""), url
    # The steps, which post answers, do carry the CSRF token.
    assert "csrftoken" in client.get(step_path(symptom, 1)).cookies


def test_a_guided_fix_url_with_a_skipped_number_is_refused(client, guide):
    symptom = guide[1]
    assert client.get(step_url(symptom, 3, "n")).status_code == 400  # answers for step 2, not 3


def test_end_page_of_a_symptom_without_steps(client):
    symptom = make_symptom()
    html = client.get(end_url(symptom)).content.decode()
    assert "Start again from step 1" not in html
    assert "Back to the last step" not in html


def test_starting_the_guided_fix_of_a_symptom_without_steps_goes_to_its_article(client):
    symptom = make_symptom()
    response = client.get(
        reverse("troubleshooting:flow_begin", args=[symptom.topic.slug, symptom.slug])
    )
    assert response.status_code == 302
    assert response["Location"] == symptom.get_absolute_url()


def test_home_lists_a_few_problems_per_topic_and_links_to_the_rest(client):
    topic = make_topic(title="Big topic")
    for position in range(10):
        make_symptom(topic=topic, title=f"Problem number {position}", position=position)
    html = client.get("/").content.decode()
    topics_section = html[html.index("All topics") :]
    assert topics_section.count("Problem number") == 6
    assert f'href="{topic.get_absolute_url()}"' in topics_section
    assert "All 10 problems in Big topic" in topics_section


@pytest.mark.parametrize("query", ["?q=%00", "?status__exact=%00", "?r=%00n", "?x=a%00b"])
def test_nul_bytes_in_the_query_string_get_a_clear_400(client, guide, query):
    for url in ["/", "/search/", step_path(guide[1], 1)]:
        response = client.get(url + query)
        assert response.status_code == 400, url
        assert "Something in that link" in response.content.decode()


def test_nul_byte_in_an_admin_filter_is_a_400(admin_client):
    response = admin_client.get("/admin/troubleshooting/fixstep/?status__exact=%00")
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["options", "put", "delete", "patch", "trace"])
def test_methods_a_page_does_not_take_get_a_page_saying_so(client, method):
    response = getattr(client, method)("/") if method != "trace" else client.generic("TRACE", "/")
    assert response.status_code == 405
    assert "That doesn" in response.content.decode()
    assert "GET" in response["Allow"]


def test_a_session_key_without_the_page_cache_is_refused_when_the_view_is_declared():
    with pytest.raises(ValueError, match="cache=True"):
        public_page(session_param=True)
