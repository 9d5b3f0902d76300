"""'Was this helpful?' on articles: anonymous, one vote per browser, tied to the version seen."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from troubleshooting.models import ArticleVote
from troubleshooting.views.feedback import VOTER_COOKIE

pytestmark = pytest.mark.django_db

FRAGMENT = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "feedback"}


def feedback_url(symptom):
    return reverse("troubleshooting:symptom_feedback", args=[symptom.topic.slug, symptom.slug])


def version_in(html: str) -> str:
    return re.search(r'name="version" value="([0-9a-f]{8})"', html).group(1)


class TestOnTheArticle:
    def test_the_article_asks_and_loads_the_form_when_read_to_the_end(self, client, guide):
        symptom = guide[1]
        response = client.get(symptom.get_absolute_url())
        html = response.content.decode()
        section = re.search(r'<section id="feedback".*?</section>', html, re.S).group(0)
        assert "Was this guide helpful?" in section
        assert f'hx-get="{feedback_url(symptom)}"' in section
        assert 'hx-trigger="revealed"' in section
        assert f'href="{feedback_url(symptom)}"' in section  # without JavaScript
        # The article itself stays free of cookies, so it can be cached for everyone.
        assert "csrftoken" not in response.cookies

    def test_the_fragment_is_just_the_form(self, client, guide):
        response = client.get(feedback_url(guide[1]), **FRAGMENT)
        html = response.content.decode()
        assert response.status_code == 200
        assert html.lstrip().startswith('<section id="feedback"')
        assert "<h1" not in html
        assert 'name="csrfmiddlewaretoken"' in html
        assert 'name="helpful" value="yes"' in html
        assert "HX-Target" in response["Vary"]

    def test_without_javascript_it_is_a_page_of_its_own(self, client, guide):
        response = client.get(feedback_url(guide[1]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "<!DOCTYPE html>" in html
        assert f"Tell us about “{guide[1].title}”" in html


class TestVoting:
    def test_yes_is_recorded_with_the_version_seen(self, client, guide):
        symptom = guide[1]
        version = version_in(client.get(feedback_url(symptom), **FRAGMENT).content.decode())
        response = client.post(
            feedback_url(symptom), {"helpful": "yes", "version": version}, **FRAGMENT
        )
        assert response.status_code == 200
        assert "Thanks for telling us" in response.content.decode()
        assert "data-focus" in response.content.decode()
        vote = ArticleVote.objects.get()
        assert (vote.symptom, vote.helpful, vote.version) == (symptom, True, version)
        cookie = response.cookies[VOTER_COOKIE]
        assert cookie.value == vote.voter
        assert cookie["httponly"]
        assert cookie["samesite"] == "Lax"

    def test_no_asks_what_went_wrong_and_the_reason_replaces_the_vote(self, client, guide):
        symptom = guide[1]
        response = client.post(feedback_url(symptom), {"helpful": "no"}, **FRAGMENT)
        html = response.content.decode()
        assert "Sorry it didn" in html
        assert "It was hard to follow" in html
        response = client.post(
            feedback_url(symptom),
            {"helpful": "no", "reason": "outdated", "comment": "Settings looks different"},
            **FRAGMENT,
        )
        assert "Thanks, this helps us improve the guide" in response.content.decode()
        vote = ArticleVote.objects.get()
        assert (vote.helpful, vote.reason, vote.comment) == (
            False,
            "outdated",
            "Settings looks different",
        )

    def test_changing_your_vote_replaces_it(self, client, guide):
        symptom = guide[1]
        client.post(feedback_url(symptom), {"helpful": "no", "reason": "hard"})
        client.post(feedback_url(symptom), {"helpful": "yes"})
        vote = ArticleVote.objects.get()
        assert (vote.helpful, vote.reason) == (True, "")

    def test_each_browser_has_its_own_vote(self, guide):
        symptom = guide[1]
        for helpful in ["yes", "no", "no"]:
            Client().post(feedback_url(symptom), {"helpful": helpful})
        assert ArticleVote.objects.filter(symptom=symptom).count() == 3
        assert ArticleVote.objects.filter(helpful=False).count() == 2

    def test_without_javascript_a_vote_redirects_to_the_next_question(self, client, guide):
        symptom = guide[1]
        response = client.post(feedback_url(symptom), {"helpful": "no"})
        assert response.status_code == 303
        assert response["Location"] == f"{feedback_url(symptom)}?given=no"
        html = client.get(response["Location"]).content.decode()
        assert "What went wrong? (optional)" in html

    def test_a_tampered_version_falls_back_to_the_current_one(self, client, guide):
        symptom = guide[1]
        current = version_in(client.get(feedback_url(symptom)).content.decode())
        client.post(feedback_url(symptom), {"helpful": "yes", "version": "<script>"})
        assert ArticleVote.objects.get().version == current

    def test_the_version_changes_when_an_editor_changes_the_article(self, client, guide):
        symptom, steps = guide[1], guide[2]
        before = version_in(client.get(feedback_url(symptom)).content.decode())
        steps[0].instructions = "1. Something new."
        steps[0].save()
        after = version_in(client.get(feedback_url(symptom)).content.decode())
        assert before != after

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({}, "Choose Yes or No."),
            ({"helpful": "maybe"}, "Choose Yes or No."),
            ({"helpful": "no", "comment": "x" * 501}, "Please keep it to 500 characters."),
            ({"helpful": "no", "reason": "bogus"}, "Select a valid choice."),
        ],
    )
    def test_bad_input_is_a_clear_form_error(self, client, guide, data, message):
        response = client.post(feedback_url(guide[1]), data, **FRAGMENT)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not ArticleVote.objects.exists()

    def test_votes_need_the_csrf_token(self, guide):
        csrf_client = Client(enforce_csrf_checks=True)
        assert csrf_client.post(feedback_url(guide[1]), {"helpful": "yes"}).status_code == 403
        html = csrf_client.get(feedback_url(guide[1])).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        response = csrf_client.post(
            feedback_url(guide[1]), {"helpful": "yes", "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 303
        assert ArticleVote.objects.count() == 1

    def test_drafts_have_no_feedback_page(self, client, guide):
        symptom = guide[1]
        symptom.status = "draft"
        symptom.save()
        assert client.get(feedback_url(symptom)).status_code == 404
        assert client.post(feedback_url(symptom), {"helpful": "yes"}).status_code == 404
