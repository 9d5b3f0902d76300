"""Known issues in the visitor's language: banners, pages, feeds, the admin, checks and cache."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from troubleshooting import caching
from troubleshooting.content_checks import check_content
from troubleshooting.flow import Flow
from troubleshooting.models import KnownIssueTranslation, KnownIssueUpdate, Status

from .known_issue_factories import make_issue
from .translation_factories import translate

pytestmark = pytest.mark.django_db
NOTICE_ES = "Esta página aún no está disponible en español"


def english(call):
    with translation.override("en-gb"):
        return call()


def translate_issue(issue, **fields):
    defaults = {
        "slug": "caida-de-imessage",
        "title": "Caída de iMessage",
        "symptoms_seen": "Los mensajes se quedan en **Enviando…**.",
        "known": "Apple lo está investigando.",
        "workaround": "Envíalo como SMS.",
        "updates": ["Lo estamos investigando."],
    }
    return translate(issue, **{**defaults, **fields})


@pytest.fixture
def issue(guide):
    return make_issue(
        title="iMessage outage",
        slug="imessage-outage",
        symptoms=[guide[1]],
        updates=["We are looking into it."],
    )


def banner_pages(guide) -> list[str]:
    topic, symptom, _, _ = guide
    return [
        "/",
        english(topic.get_absolute_url),
        english(symptom.get_absolute_url),
        english(lambda: Flow.for_symptom(symptom).step_url(1, "")),
    ]


class TestBanners:
    def test_a_spanish_page_shows_the_spanish_banner(self, client, guide, issue):
        translate_issue(issue)
        for url in banner_pages(guide):
            html = client.get("/es" + url).content.decode()
            assert "Caída de iMessage" in html, url
            assert "iMessage outage" not in html, url
            assert 'href="/es/known-issues/caida-de-imessage/"' in html, url
            english_html = client.get(url).content.decode()
            assert "iMessage outage" in english_html and "Caída" not in english_html, url

    def test_without_a_visible_translation_the_banner_is_english_and_marked_so(
        self, client, guide, issue
    ):
        translate_issue(issue, status=Status.DRAFT)
        html = client.get("/es/").content.decode()
        assert '<span lang="en">iMessage outage</span>' in html
        assert "Caída" not in html
        assert 'href="/es/known-issues/imessage-outage/"' in html

    def test_a_scheduled_translation_waits_for_its_time(self, client, guide, issue):
        soon = timezone.now() + datetime.timedelta(hours=1)
        row = translate_issue(issue, publish_at=soon)
        assert "Caída de iMessage" not in client.get("/es/").content.decode()
        assert client.get("/es/known-issues/caida-de-imessage/").status_code == 404
        # Its time comes: no save, yet the pages kept in the cache follow.
        KnownIssueTranslation.objects.filter(pk=row.pk).update(
            publish_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        caching.page_cache.forget_version()
        assert "Caída de iMessage" in client.get("/es/").content.decode()

    @pytest.mark.parametrize("first", ["", "/es", "/fr"])
    def test_a_banner_cached_in_one_language_is_served_in_no_other(
        self, client, guide, issue, first
    ):
        translate_issue(issue)
        translate(issue, language="fr", slug="panne-imessage", title="Panne d’iMessage")
        titles = {"": "iMessage outage", "/es": "Caída de iMessage", "/fr": "Panne d’iMessage"}
        for url in banner_pages(guide):
            client.get(first + url)
            for prefix, title in titles.items():
                html = client.get(prefix + url).content.decode()
                assert title in html, (first, prefix, url)
                others = set(titles.values()) - {title}
                assert not any(other in html for other in others), (first, prefix, url)

    def test_banners_cost_no_query_per_issue_in_any_language(
        self, client, guide, django_assert_max_num_queries
    ):
        for n in range(3):
            translate_issue(make_issue(symptoms=[guide[1]]), slug=f"caida-{n}", title=f"Caída {n}")
        url = "/es" + english(guide[1].get_absolute_url)
        with CaptureQueriesContext(connection) as first:
            client.get(url)
        for n in range(3, 8):
            translate_issue(make_issue(symptoms=[guide[1]]), slug=f"caida-{n}", title=f"Caída {n}")
        with django_assert_max_num_queries(len(first)):
            html = client.get(url).content.decode()
        assert "Caída 7" in html and "Caída 0" in html


class TestPages:
    def test_the_spanish_list_and_page_show_the_translation_and_its_timeline(
        self, client, guide, issue
    ):
        translate_issue(issue)
        translate(guide[0])
        translate(guide[1])
        KnownIssueUpdate.objects.create(issue=issue, state=issue.state, body="Apple fixed it.")
        listing = client.get("/es/known-issues/").content.decode()
        assert "Caída de iMessage" in listing and "Envi" in listing
        page = client.get("/es/known-issues/caida-de-imessage/")
        html = page.content.decode()
        assert page.status_code == 200
        assert "<h1" in html and "Caída de iMessage</h1>" in html
        assert "<strong>Enviando…</strong>" in html and "Envíalo como SMS." in html
        assert "Lo estamos investigando." in html  # the update translated
        assert "Apple fixed it." in html  # the newer one not yet: in English, in its place
        assert NOTICE_ES not in html
        symptom = guide[1]
        article = f"/es/{symptom.topic.slug}-es/{symptom.slug}-es/"
        assert f'href="{article}"' in html  # straight to the translated address, no 301
        assert 'hreflang="en-gb" href="http://testserver/known-issues/imessage-outage/"' in html

    def test_the_english_slug_under_es_leads_to_the_spanish_address(self, client, guide, issue):
        translate_issue(issue)
        response = client.get("/es/known-issues/imessage-outage/")
        assert response.status_code == 301
        assert response["Location"] == "/es/known-issues/caida-de-imessage/"
        switcher = client.get("/es/known-issues/caida-de-imessage/").content.decode()
        assert 'href="/fr/known-issues/imessage-outage/"' in switcher
        assert 'href="/known-issues/imessage-outage/"' in switcher

    def test_renamed_addresses_lead_to_the_new_ones_in_english_and_spanish(
        self, client, guide, issue
    ):
        spanish = translate_issue(issue)
        issue.slug = "imessage-down"
        issue.save()
        spanish.slug = "imessage-caido"
        spanish.save()
        response = client.get("/known-issues/imessage-outage/")
        assert response.status_code == 301
        assert response["Location"] == "/known-issues/imessage-down/"
        response = client.get("/es/known-issues/caida-de-imessage/")
        assert response.status_code == 301
        assert response["Location"] == "/es/known-issues/imessage-caido/"
        assert client.get("/es/known-issues/imessage-caido/").status_code == 200

    def test_an_untranslated_issue_is_english_with_the_notice(self, client, guide, issue):
        html = client.get("/es/known-issues/imessage-outage/").content.decode()
        assert "iMessage outage" in html
        assert NOTICE_ES in html

    def test_the_pages_keep_their_queries_with_more_issues(
        self, client, guide, issue, django_assert_max_num_queries
    ):
        translate_issue(issue)
        client.get("/es/known-issues/")
        with django_assert_max_num_queries(16):
            client.get("/es/known-issues/?a")
        for n in range(5):
            translate_issue(make_issue(updates=["Uno", "Dos"]), slug=f"caida-{n}")
        with django_assert_max_num_queries(16):
            assert client.get("/es/known-issues/?b").status_code == 200


class TestFeeds:
    def test_the_spanish_feed_is_in_spanish(self, client, guide, issue):
        translate_issue(issue)
        response = client.get("/es/known-issues/feed/")
        xml = response.content.decode()
        assert 'xml:lang="es"' in xml
        assert "Caída de iMessage" in xml and "Lo estamos investigando." in xml
        assert "/es/known-issues/caida-de-imessage/" in xml
        assert "Problemas conocidos" in xml or "Incidencias conocidas" in xml
        assert "iMessage outage" in client.get("/known-issues/feed/").content.decode()

    def test_the_spanish_summary_is_in_spanish(self, client, guide, issue):
        translate_issue(issue)
        summary = json.loads(client.get("/es/known-issues/summary.json").content)
        assert summary["page"]["language"] == "es"
        incident = summary["incidents"][0]
        assert incident["name"] == "Caída de iMessage"
        assert incident["id"] == "imessage-outage"
        assert incident["workaround"] == "Envíalo como SMS."
        assert incident["url"].endswith("/es/known-issues/caida-de-imessage/")
        assert incident["incident_updates"][0]["body"] == "Lo estamos investigando."
        english_summary = json.loads(client.get("/known-issues/summary.json").content)
        assert english_summary["page"]["language"] == "en"
        assert english_summary["incidents"][0]["name"] == "iMessage outage"


def admin_url(view, *args):
    return reverse(f"admin:troubleshooting_knownissuetranslation_{view}", args=args)


class TestAdmin:
    def test_side_by_side_with_the_english_and_outdated_after_the_english_changes(
        self, admin_client, guide, issue
    ):
        row = translate_issue(issue)
        html = admin_client.get(admin_url("change", row.pk)).content.decode()
        assert '<div class="source-text" lang="en">iMessage outage</div>' in html
        assert '<div class="source-text" lang="en">We are looking into it.</div>' in html
        assert "Lo estamos investigando.</textarea>" in html
        assert "Nothing: this translation is up to date with the English." in html

        KnownIssueUpdate.objects.create(issue=issue, state=issue.state, body="Apple fixed it.")
        row.refresh_from_db()
        assert row.is_outdated
        html = admin_client.get(admin_url("change", row.pk)).content.decode()
        assert "<ins>" in html and "Apple fixed it." in html
        data = {
            "slug": "caida-de-imessage",
            "title": "Caída de iMessage",
            "symptoms_seen": row.symptoms_seen,
            "known": row.known,
            "workaround": row.workaround,
            "updates": "Lo estamos investigando.\r\n\r\n---\r\n\r\nApple lo ha solucionado.",
            "status": Status.PUBLISHED,
            "publish_at_0": "",
            "publish_at_1": "",
            "_mark_up_to_date": "1",
        }
        response = admin_client.post(admin_url("change", row.pk), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        row.refresh_from_db()
        assert not row.is_outdated
        assert row.updates_html[1] == "<p>Apple lo ha solucionado.</p>"

    def test_more_updates_than_the_english_are_refused(self, admin_client, guide, issue):
        row = translate_issue(issue)
        data = {
            "slug": row.slug,
            "title": row.title,
            "symptoms_seen": row.symptoms_seen,
            "known": row.known,
            "workaround": row.workaround,
            "updates": "Uno\n---\nDos",
            "status": Status.PUBLISHED,
            "publish_at_0": "",
            "publish_at_1": "",
        }
        response = admin_client.post(admin_url("change", row.pk), data)
        assert response.status_code == 200
        assert "translate each update once, oldest first" in response.content.decode()

    def test_an_update_left_empty_keeps_its_place_and_shows_in_english(
        self, admin_client, client, guide, issue
    ):
        KnownIssueUpdate.objects.create(issue=issue, state=issue.state, body="Apple fixed it.")
        row = translate_issue(issue)
        data = {
            "slug": row.slug,
            "title": row.title,
            "symptoms_seen": row.symptoms_seen,
            "known": row.known,
            "workaround": row.workaround,
            "updates": "\n---\nApple lo ha solucionado:\n\n  - en *iOS 18.3*",
            "status": Status.PUBLISHED,
            "publish_at_0": "",
            "publish_at_1": "",
        }
        response = admin_client.post(admin_url("change", row.pk), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        row.refresh_from_db()
        assert row.updates == ["", "Apple lo ha solucionado:\n\n  - en *iOS 18.3*"]
        html = client.get("/es/known-issues/caida-de-imessage/").content.decode()
        assert "We are looking into it." in html and "<em>iOS 18.3</em>" in html

    def test_the_issue_page_links_to_translate_it(self, admin_client, guide, issue):
        change = reverse("admin:troubleshooting_knownissue_change", args=[issue.pk])
        html = admin_client.get(change).content.decode()
        assert f"{admin_url('add')}?source={issue.pk}&amp;language=es" in html

    def test_editors_translate_and_publishers_publish(self):
        from django.contrib.auth.models import Group

        editors = set(
            Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
        )
        publishers = set(
            Group.objects.get(name="Publishers").permissions.values_list("codename", flat=True)
        )
        assert {"add_knownissuetranslation", "change_knownissuetranslation"} <= editors
        assert "publish_knownissuetranslation" not in editors
        assert {"publish_knownissuetranslation", "delete_knownissuetranslation"} <= publishers


def test_the_checks_flag_an_outdated_or_incomplete_issue_translation(guide, issue):
    row = translate_issue(issue, known="")
    issue.title = "iMessage outage in Europe"
    issue.save()
    problems = [problem for problem in check_content() if problem.obj.is_for(row)]
    kinds = {problem.kind.name for problem in problems}
    assert {"TRANSLATION_MISSING_TEXT", "TRANSLATION_OUTDATED"} <= kinds, problems
