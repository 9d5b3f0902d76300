"""What search engines and link previews read: sitemap, robots.txt, canonical and card tags,
and 301s that keep old links working after an editor renames a slug."""

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.factories import make_choice, make_question, make_step, make_symptom, make_topic
from troubleshooting.flow import Flow
from troubleshooting.models import SlugRedirect, Status

pytestmark = pytest.mark.django_db


def meta(html: str, attribute: str, name: str) -> str | None:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)
    return unescape(match.group(1)) if match else None


def canonical(html: str) -> str | None:
    match = re.search(r'<link rel="canonical" href="([^"]*)"', html)
    return unescape(match.group(1)) if match else None


def test_sitemap_lists_published_pages_only(client, guide):
    topic, symptom, _, question = guide
    draft = make_symptom(topic=topic, title="Draft", status=Status.DRAFT)
    hidden_topic = make_topic(status=Status.DRAFT)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    for url in [
        "/",
        topic.get_absolute_url(),
        symptom.get_absolute_url(),
        question.get_absolute_url(),
    ]:
        assert f"<loc>http://testserver{url}</loc>" in xml
    assert draft.get_absolute_url() not in xml
    assert hidden_topic.get_absolute_url() not in xml
    assert "<lastmod>" in xml


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_article_has_description_canonical_and_card_tags(client, guide):
    symptom = guide[1]
    html = client.get(symptom.get_absolute_url() + "?utm_source=newsletter").content.decode()
    url = f"http://testserver{symptom.get_absolute_url()}"
    assert canonical(html) == url
    assert meta(html, "name", "description") == symptom.summary
    assert meta(html, "property", "og:title") == symptom.title
    assert meta(html, "property", "og:description") == symptom.summary
    assert meta(html, "property", "og:url") == url
    assert meta(html, "property", "og:type") == "article"
    assert meta(html, "name", "twitter:card") == "summary"


def test_every_page_kind_describes_itself(client, guide):
    topic, symptom, _, question = guide
    flow = Flow.for_symptom(symptom)
    pages = {
        "/": None,
        topic.get_absolute_url(): topic.summary,
        question.get_absolute_url(): question.prompt,
        flow.step_url(1, ""): symptom.title,
        flow.end_url("n"): symptom.summary,
    }
    for url, expected in pages.items():
        description = meta(client.get(url).content.decode(), "name", "description")
        assert description, url
        if expected:
            assert expected in description, url


def test_answered_flow_pages_point_search_engines_at_the_article(client, guide):
    symptom = guide[1]
    flow = Flow.for_symptom(symptom)
    article = f"http://testserver{symptom.get_absolute_url()}"
    for url in [flow.step_url(2, "n"), flow.end_url("nnn"), flow.fixed_url("y")]:
        assert canonical(client.get(url).content.decode()) == article, url
    first_step = flow.step_url(1, "")
    first = f"http://testserver{first_step}"
    assert canonical(client.get(first_step).content.decode()) == first
    # The anonymous session key of a guided fix never reaches search engines.
    started = client.get(symptom.get_flow_url())["Location"]
    assert "?s=" in started
    assert canonical(client.get(started).content.decode()) == first


class TestRenamedSlugs:
    def test_old_symptom_address_redirects_permanently(self, client, guide):
        symptom = guide[1]
        old_url = symptom.get_absolute_url()
        symptom.slug = "stuck-on-sending"
        symptom.save()
        response = client.get(old_url)
        assert response.status_code == 301
        assert response["Location"] == symptom.get_absolute_url()

    def test_old_flow_links_keep_their_place(self, client, guide):
        topic, symptom = guide[0], guide[1]
        flow = Flow.for_symptom(symptom)
        saved = flow.step_url(2, "n")
        topic.slug = "messages"
        topic.save()
        symptom.slug = "not-delivered"
        symptom.save()
        response = client.get(saved)
        assert response.status_code == 301
        assert response["Location"] == Flow.for_symptom(symptom).step_url(2, "n")
        assert client.get(response["Location"]).status_code == 200

    def test_renamed_twice_still_leads_to_the_page(self, client, guide):
        topic = guide[0]
        first_url = topic.get_absolute_url()
        topic.slug = "second"
        topic.save()
        topic.slug = "third"
        topic.save()
        response = client.get(first_url)
        assert response.status_code == 301
        assert response["Location"] == "/third/"

    def test_renamed_question_redirects(self, client, guide):
        topic = guide[0]
        question = make_question(topic=topic)
        make_choice(question=guide[3], next_question=question)
        old = question.get_absolute_url()
        question.slug = "renamed-question"
        question.save()
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == question.get_absolute_url()

    def test_new_content_may_take_an_old_slug(self, client, guide):
        topic, symptom = guide[0], guide[1]
        old_slug = symptom.slug
        symptom.slug = "renamed"
        symptom.save()
        newcomer = make_symptom(topic=topic, slug=old_slug, steps=[make_step()])
        assert not SlugRedirect.objects.filter(old_slug=old_slug).exists()
        assert client.get(newcomer.get_absolute_url()).status_code == 200

    def test_unknown_slugs_still_get_the_friendly_404(self, client, guide):
        assert client.get("/no-such-topic/").status_code == 404
        assert (
            client.get(reverse("troubleshooting:symptom", args=[guide[0].slug, "nope"])).status_code
            == 404
        )

    def test_saving_without_renaming_records_nothing(self, guide):
        symptom = guide[1]
        symptom.title = "New title, same address"
        symptom.save()
        symptom.save(update_fields=["title"])
        assert not SlugRedirect.objects.exists()
