"""The article's and the topic page's reads: written once by the ORM, the same pages and 404s."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests.factories import make_cause, make_guide, make_step, make_symptom, make_topic
from tests.troubleshooting.translation_factories import translate
from troubleshooting.models import Status, Symptom, SymptomCause, SymptomStep, Topic
from troubleshooting.prepared import logged_sql
from troubleshooting.views import article, browse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Every request renders: these tests are about the pages made without the cache."""
    settings.PAGE_CACHE_SECONDS = 0


def later(**delta):
    return timezone.now() + timedelta(**delta)


def queries_of(client, url: str, status: int = 200) -> int:
    """Return how many queries the page at ``url`` reads of the content itself."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == status, url
    # Whether the content changed is checked per request by the caches, not by the page.
    return sum("troubleshooting_contentversion" not in logged_sql(q["sql"]) for q in queries)


# The reads are the querysets' rows


def orm_rows(read, **values) -> list[tuple]:
    """Return what the ORM reads for ``read``'s queryset, built afresh."""
    return list(read.build(preview=False, **values))


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_article_and_topic_reads_are_the_querysets_rows(language):
    topic, symptom, steps, _question = make_guide(3)
    SymptomCause.objects.create(symptom=symptom, cause=make_cause(), position=2)
    make_symptom(topic=topic, title="Drafted", status=Status.DRAFT)
    make_symptom(topic=topic, title="Another", position=5)
    slugs = dict.fromkeys(("slug", "causes_of", "steps_of"), symptom.slug)
    with translation.override(language):
        for _ in range(2):  # written, then run from the statement
            found = article._article.rows(**slugs)
            assert found == orm_rows(article._article, **slugs)
            assert found[0][:5] == (-1, 0, symptom.pk, symptom.slug, symptom.title)
            assert found[0][8] == topic.pk  # the symptom's topic_id, the topic's id too
            causes = [cause.pk for cause in symptom.causes.order_by("symptom_causes__position")]
            assert [row[:3] for row in found[1:]] == [
                *((0, n, pk) for n, pk in enumerate(causes, start=1)),
                *((1, n, step.pk) for n, step in enumerate(steps, start=1)),
            ]
            # The items as an editor's preview reads them by the ORM, less the padding.
            ids = {"causes_of": symptom.pk, "steps_of": symptom.pk}
            items = list(article._article_items_query(preview=False, **ids))
            assert [row[:5] for row in found[1:]] == items
            assert all(row[5:] == (None,) * 7 for row in found[1:])
            found = browse._topic_row.rows(slug=topic.slug)
            assert found == orm_rows(browse._topic_row, slug=topic.slug)
            assert found == [(topic.pk, topic.slug, topic.title, topic.summary, True)]
            listed = browse._topic_symptoms.rows(topic=topic.pk)
            assert listed == orm_rows(browse._topic_symptoms, topic=topic.pk)
            assert [row[2] for row in listed] == [symptom.title, "Another"]


def article_rows(slug: str) -> list[tuple]:
    """Return the public article read's rows for the symptom at ``slug``."""
    return article._article.rows(**dict.fromkeys(("slug", "causes_of", "steps_of"), slug))


def test_a_read_for_one_slug_never_answers_for_another():
    first = make_symptom(steps=[make_step()])
    second = make_symptom(steps=[make_step(), make_step()])
    for symptom in (first, second, first):
        rows = article_rows(symptom.slug)
        assert rows[0][2] == symptom.pk
        assert [row[2] for row in rows[1:]] == [step.pk for step in symptom.steps.all()]
    assert article_rows("no-such-symptom") == []


def test_a_hidden_symptoms_items_come_without_its_row():
    """The page answers 404 where the symptom's own row is missing, whatever items come."""
    topic, symptom, _steps, _question = make_guide(2)
    Symptom.objects.filter(pk=symptom.pk).update(status=Status.DRAFT)
    rows = article_rows(symptom.slug)
    assert rows and all(row[0] != -1 for row in rows)
    Symptom.objects.filter(pk=symptom.pk).update(status=Status.PUBLISHED)
    Topic.objects.filter(pk=topic.pk).update(publish_at=later(hours=1))
    assert all(row[0] != -1 for row in article_rows(symptom.slug))


# The pages


def test_the_article_reads_one_query_and_the_topic_page_two(client):
    topic, symptom, _steps, _question = make_guide(4)
    page = client.get(symptom.get_absolute_url()).text
    feedback = f'hx-get="{symptom.get_absolute_url()}feedback/"'
    assert feedback in page and 'id="step-4"' in page
    assert f'href="{symptom.get_flow_url()}" hx-get="{symptom.get_flow_url()}"' in page
    for url, most in ((symptom.get_absolute_url(), 1), (topic.get_absolute_url(), 2)):
        client.get(url)  # what is kept per content version (translations, banners) is read
        assert queries_of(client, url) <= most


def test_a_translated_article_and_topic_page_read_no_more_than_the_english(client):
    topic, symptom, steps, _question = make_guide(3)
    for item in (topic, symptom, *steps, *symptom.causes.all()):
        translate(item)
    article = f"/es/{topic.slug}-es/{symptom.slug}-es/"
    page = client.get(article)
    assert f"[es] {symptom.title}" in page.text and f"[es] {steps[0].title}" in page.text
    assert f"/es/{topic.slug}-es/" in page.text  # the breadcrumb, in the topic's Spanish slug
    assert queries_of(client, article) <= 1  # the same one read as the English page
    listing = client.get(f"/es/{topic.slug}-es/").text
    assert f'href="/es/{topic.slug}-es/{symptom.slug}-es/"' in listing
    assert f"[es] {symptom.summary}" in listing
    assert f'href="/es/{topic.slug}-es/fix/"' in listing  # the first question, in Spanish
    assert queries_of(client, f"/es/{topic.slug}-es/") <= 2


def test_english_slugs_under_a_language_redirect_to_its_slugs(client):
    topic, symptom, _steps, _question = make_guide(1)
    translate(topic)
    translate(symptom)
    response = client.get(f"/es/{topic.slug}/{symptom.slug}/")
    assert response.status_code in {301, 302}
    assert response["Location"] == f"/es/{topic.slug}-es/{symptom.slug}-es/"


def test_the_article_and_topic_are_found_only_where_the_public_may_see_them(client):
    topic, symptom, _steps, _question = make_guide(1)
    other = make_topic()
    assert queries_of(client, f"/{other.slug}/{symptom.slug}/", 404) <= 6
    assert client.get(f"/{topic.slug}/no-such-symptom/").status_code == 404
    assert client.get("/no-such-topic/").status_code == 404
    assert "We can't find that page" in client.get("/no-such-topic/").text

    Symptom.objects.filter(pk=symptom.pk).update(publish_at=later(hours=1))
    assert client.get(symptom.get_absolute_url()).status_code == 404
    # Scheduled: shown once the database's clock passes its time, with no other change.
    Symptom.objects.filter(pk=symptom.pk).update(publish_at=later(seconds=-1))
    assert client.get(symptom.get_absolute_url()).status_code == 200

    Topic.objects.filter(pk=topic.pk).update(status=Status.DRAFT)
    assert client.get(symptom.get_absolute_url()).status_code == 404
    assert client.get(topic.get_absolute_url()).status_code == 404
    Topic.objects.filter(pk=topic.pk).update(status=Status.PUBLISHED, publish_at=later(hours=1))
    assert client.get(symptom.get_absolute_url()).status_code == 404
    assert client.get(topic.get_absolute_url()).status_code == 404


def test_a_renamed_slug_still_leads_to_the_article(client):
    topic, symptom, _steps, _question = make_guide(1)
    old = symptom.get_absolute_url()
    symptom.slug = "renamed-symptom"
    symptom.save()
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == f"/{topic.slug}/renamed-symptom/"


def test_an_edit_shows_on_the_next_request(client):
    topic, symptom, steps, _question = make_guide(2)
    assert symptom.title in client.get(symptom.get_absolute_url()).text
    symptom.title = "Says Not Delivered"
    symptom.save()
    steps[0].title = "Turn Wi-Fi off and on"
    steps[0].save()
    page = client.get(symptom.get_absolute_url()).text
    assert "Says Not Delivered" in page and "Turn Wi-Fi off and on" in page
    assert "Says Not Delivered" in client.get(topic.get_absolute_url()).text


def test_the_topic_offers_its_first_question_only_while_it_is_live(client):
    topic, _symptom, _steps, question = make_guide(1)
    start = f'href="/{topic.slug}/fix/"'
    page = client.get(topic.get_absolute_url()).text
    assert "Not sure which one you have?" in page and start in page
    question.status = Status.DRAFT
    question.save()
    assert "Not sure which one you have?" not in client.get(topic.get_absolute_url()).text
    assert start not in client.get(topic.get_absolute_url()).text


def test_an_editors_preview_shows_drafts_the_public_never_sees(admin_client, client):
    topic = make_topic(status=Status.DRAFT)
    draft_step = make_step(title="Drafted fix", status=Status.DRAFT)
    symptom = make_symptom(topic=topic, steps=[make_step(), draft_step], status=Status.DRAFT)
    assert client.get(symptom.get_absolute_url()).status_code == 404
    assert client.get(topic.get_absolute_url()).status_code == 404
    admin_client.get("/preview/", {"next": "/"})
    page = admin_client.get(symptom.get_absolute_url())
    assert page.status_code == 200
    assert "Drafted fix" in page.text and "Stop previewing" in page.text
    assert "Was this guide helpful?" not in page.text  # feedback is the public's to give
    listing = admin_client.get(topic.get_absolute_url()).text
    assert symptom.title in listing and "Stop previewing" in listing
    assert client.get(symptom.get_absolute_url()).status_code == 404
    assert SymptomStep.objects.filter(symptom=symptom).count() == 2


def between(page: str, start: str, end: str) -> str:
    return page.split(start, 1)[1].split(end, 1)[0]


def test_the_lists_show_every_cause_and_step_in_order_for_any_number(client):
    """The lists are rendered from a shape per number of items: each count shows its own."""
    topic, symptom, steps, _question = make_guide(2)
    for position in range(2, 6):
        SymptomCause.objects.create(symptom=symptom, cause=make_cause(), position=position)
    causes = list(symptom.causes.order_by("symptom_causes__position"))
    url = f"/{topic.slug}/{symptom.slug}/"
    for count in (2, 3):
        page = client.get(url).text
        assert page.count('<li class="step" id="step-') == count
        for number, step in enumerate(steps, start=1):
            assert step.title in between(page, f'id="step-{number}"', "</li>")
        shown = between(page, '<ul class="causes">', "</ul>")
        assert [cause.title in shown for cause in causes] == [True] * 3 + [False] * 2
        hidden = between(page, '<details class="more-causes">', "</details>")
        assert "2 more possible causes" in hidden
        assert all(cause.title in hidden for cause in causes[3:])
        steps.append(make_step())
        SymptomStep.objects.create(symptom=symptom, step=steps[-1], position=count + 1)
    page = client.get(f"/es{url}").text  # the lists' words are the page's language's
    assert "2 causas posibles más" in page and 'id="step-4"' in page


def test_an_article_without_causes_or_steps_shows_neither_list(client):
    symptom = make_symptom()
    page = client.get(symptom.get_absolute_url()).text
    assert '<ul class="causes">' not in page and '<ol class="steps">' not in page
    assert "There are no published fixes for this problem yet." in page
    SymptomCause.objects.create(symptom=symptom, cause=make_cause(title="Only cause"), position=1)
    page = client.get(symptom.get_absolute_url()).text
    assert "Only cause" in between(page, '<ul class="causes">', "</ul>")
    assert "more-causes" not in page
