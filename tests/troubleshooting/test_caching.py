"""Public pages come from the cache, and never show anything out of date or someone else's."""

import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpResponseRedirect
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_guide, make_step, make_symptom
from tests.troubleshooting.known_issue_factories import make_issue
from troubleshooting import caching, page_entries, page_query, step_order
from troubleshooting.flow import Flow
from troubleshooting.models import ContentVersion, SearchMiss, Severity, Status, Symptom
from troubleshooting.outcomes.recording import new_key
from troubleshooting.page_query import SESSION_PLACEHOLDER

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def queries_for(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response, len(queries)


def page_urls(guide):
    topic, symptom, _, question = guide
    flow = Flow.for_symptom(symptom)
    return [
        "/",
        topic.get_absolute_url(),
        symptom.get_absolute_url(),
        question.get_absolute_url(),
        flow.step_url(1, ""),
        flow.step_url(2, "n"),
        flow.fixed_url("ny"),
        f"/search/?q={symptom.title.split()[0]}",
    ]


@pytest.fixture
def trust_version(settings):
    """Production's behaviour: a process trusts the content version it read for a while."""
    settings.CONTENT_VERSION_CHECK_SECONDS = 60
    caching.content_changed()  # forget what an earlier test trusted
    yield
    caching.content_changed()


class TestServedFromCache:
    def test_a_page_seen_again_needs_only_the_version_check(self, client, guide):
        for url in page_urls(guide):
            first, _ = queries_for(client, url)
            again, count = queries_for(client, url)
            assert count <= 1, url
            assert TOKEN.sub("", again.content.decode()) == TOKEN.sub("", first.content.decode())

    def test_with_the_version_trusted_a_page_costs_no_query(self, client, guide, trust_version):
        for url in page_urls(guide):
            queries_for(client, url)
            _, count = queries_for(client, url)
            assert count == 0, url

    def test_cache_off_renders_every_time(self, client, guide, settings):
        settings.PAGE_CACHE_SECONDS = 0
        url = guide[1].get_absolute_url()
        queries_for(client, url)
        _, count = queries_for(client, url)
        assert count > 1

    def test_full_page_and_fragment_are_kept_apart(self, client, guide, htmx_headers):
        url = Flow.for_symptom(guide[1]).step_url(2, "n")
        for _ in range(2):
            page = client.get(url)
            fragment = client.get(url, **htmx_headers)
            assert b"<html" in page.content
            assert b"<html" not in fragment.content
            assert "HX-Request" in page["Vary"]
            assert "HX-Request" in fragment["Vary"]

    def test_host_is_part_of_the_key(self, client, guide, settings):
        settings.ALLOWED_HOSTS = ["help.example.org", "other.example.org"]
        url = guide[1].get_absolute_url()
        one = client.get(url, HTTP_HOST="help.example.org").content.decode()
        two = client.get(url, HTTP_HOST="other.example.org").content.decode()
        assert "http://help.example.org/" in one
        assert "http://other.example.org/" in two
        assert "help.example.org" not in two

    def test_searches_that_find_nothing_are_all_counted(self, client, guide):
        for _ in range(3):
            assert client.get("/search/?q=zzyzx").status_code == 200
        assert SearchMiss.objects.get(query="zzyzx").count == 3

    def test_a_refused_flow_link_is_not_kept(self, client, guide):
        symptom = guide[1]
        url = Flow.for_symptom(symptom).step_url(2, "n").replace("r=n", "r=q")
        assert client.get(url).status_code == 400
        assert client.get(url).status_code == 400


class TestChangesShowAtOnce:
    def test_an_editors_save_shows_on_every_page(self, client, guide):
        topic, symptom = guide[0], guide[1]
        flow = Flow.for_symptom(symptom)
        urls = [
            topic.get_absolute_url(),
            symptom.get_absolute_url(),
            flow.step_url(1, ""),
            flow.step_url(2, "n"),
            flow.fixed_url("ny"),
        ]
        for url in urls:
            assert symptom.title in client.get(url).content.decode(), url
        symptom.title = "Messages stuck forever"
        symptom.save()
        for url in urls:
            assert "Messages stuck forever" in client.get(url).content.decode(), url

    def test_unpublishing_takes_the_article_away(self, client, guide):
        symptom = guide[1]
        assert client.get(symptom.get_absolute_url()).status_code == 200
        symptom.status = Status.DRAFT
        symptom.save()
        assert client.get(symptom.get_absolute_url()).status_code == 404

    def test_a_deleted_symptom_leaves_the_topic_page(self, client, guide):
        topic = guide[0]
        extra = make_symptom(topic=topic, title="Photos will not attach", steps=[make_step()])
        assert "Photos will not attach" in client.get(topic.get_absolute_url()).content.decode()
        extra.delete()
        assert "Photos will not attach" not in client.get(topic.get_absolute_url()).content.decode()

    def test_a_change_to_a_shared_step_shows_in_the_flow(self, client, guide):
        symptom, steps = guide[1], guide[2]
        url = Flow.for_symptom(symptom).step_url(1, "")
        client.get(url)
        steps[0].instructions = "Turn Airplane Mode **on and off**."
        steps[0].save()
        assert "<strong>on and off</strong>" in client.get(url).content.decode()

    def test_a_new_order_shows_in_the_flow(self, client, guide):
        symptom, steps = guide[1], guide[2]
        risky = make_step(title="Reset all settings", severity=Severity.DESTRUCTIVE)
        risky.symptom_steps.create(symptom=symptom, position=0)
        first = Flow.for_symptom(symptom).step_url(1, "")
        assert "Reset all settings" in client.get(first).content.decode()
        step_order.put_destructive_steps_last(symptom)
        page = client.get(Flow.for_symptom(symptom).step_url(1, "")).content.decode()
        assert "Reset all settings" not in page
        assert steps[0].title in page

    def test_other_processes_see_the_change_once_they_check_again(
        self, client, guide, trust_version, settings
    ):
        symptom = guide[1]
        url = symptom.get_absolute_url()
        client.get(url)
        # Another app server saved: the database knows, this process has not asked yet (the
        # plain manager: this process's own bulk writes retire its pages at once).
        Symptom._base_manager.filter(pk=symptom.pk).update(title="Changed elsewhere")
        caching.ContentVersion.objects.filter(pk=1).update(token="changed-elsewhere")
        assert "Changed elsewhere" not in client.get(url).content.decode()
        caching.page_cache.forget_version()  # the second has passed
        assert "Changed elsewhere" in client.get(url).content.decode()

    def test_a_change_rolled_back_keeps_the_version(self, guide):
        before = caching.content_version()
        with pytest.raises(RuntimeError), transaction.atomic():
            guide[1].save()
            raise RuntimeError("the editor's save failed")
        assert caching.content_version() == before

    def test_scheduled_content_appears_when_its_time_comes(self, client, guide):
        topic = guide[0]
        soon = timezone.now() + timedelta(seconds=1.5)
        make_symptom(topic=topic, title="Effects do not play", steps=[make_step()], publish_at=soon)
        assert "Effects do not play" not in client.get(topic.get_absolute_url()).content.decode()
        time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.1)
        assert "Effects do not play" in client.get(topic.get_absolute_url()).content.decode()


class TestNothingPersonalIsShared:
    def test_each_visitor_gets_their_own_working_csrf_token(self, guide):
        url = Flow.for_symptom(guide[1]).step_url(2, "n")
        tokens = []
        for _ in range(2):
            visitor = Client(enforce_csrf_checks=True)
            page = visitor.get(url).content.decode()
            token = TOKEN.search(page).group(1)
            assert page_entries.CSRF_PLACEHOLDER.decode() not in page
            response = visitor.post(url, {"answer": "n", "csrfmiddlewaretoken": token})
            assert response.status_code == 303
            tokens.append(token)
        assert tokens[0] != tokens[1]

    def test_each_guided_fix_keeps_its_own_session_key(self, client, guide):
        flow = Flow.for_symptom(guide[1])
        keys = [new_key(), new_key()]
        for key in keys:
            page = client.get(flow.with_session(key).step_url(2, "n")).content.decode()
            assert f"s={key}" in page
            assert page_query.SESSION_PLACEHOLDER not in page
            other = keys[1] if key == keys[0] else keys[0]
            assert other not in page
        without = client.get(flow.step_url(2, "n")).content.decode()
        assert "s=" not in without.replace("&amp;", "&").split("?", 1)[-1].split('"')[0]
        assert not any(key in without for key in keys)

    def test_the_resume_link_names_the_step_not_the_first_visitor(self, client, guide):
        symptom = guide[1]
        step = symptom.symptom_steps.order_by("position")[1].step
        step.interrupts = True
        step.save()
        flow = Flow.for_symptom(symptom)
        first, second = new_key(), new_key()
        client.get(flow.with_session(first).step_url(2, "n") + "&utm_source=mail")
        page = client.get(flow.with_session(second).step_url(2, "n")).content.decode()
        link = re.search(r'id="resume-link"[^>]*value="([^"]+)"', page).group(1)
        assert link.replace("&amp;", "&").endswith(flow.with_session(second).step_url(2, "n"))
        assert first not in page

    def test_editors_previewing_never_get_or_leave_cached_pages(self, client, admin_client, guide):
        topic = guide[0]
        make_symptom(topic=topic, title="Draft symptom", steps=[make_step()], status="draft")
        assert "Draft symptom" not in client.get(topic.get_absolute_url()).content.decode()
        admin_client.get("/preview/", {"next": "/"})
        previewed = admin_client.get(topic.get_absolute_url())
        assert "Draft symptom" in previewed.content.decode()
        assert "no-store" in previewed["Cache-Control"]
        assert "Draft symptom" not in client.get(topic.get_absolute_url()).content.decode()

    def test_a_step_needing_confirmation_is_cached_per_state(self, client, db):
        _, symptom, _, _ = make_guide(2, destructive_last=True)
        flow = Flow.for_symptom(symptom)
        warning = client.get(flow.step_url(3, "nn")).content.decode()
        confirmed = client.get(flow.step_url(3, "nn", confirm="1")).content.decode()
        assert "understand what I could lose" in warning
        assert "understand what I could lose" not in confirmed
        assert "Did this fix it?" in confirmed


class TestFragmentsPostWithTheCookie:
    """htmx sends the CSRF cookie as a header, so the flow's fragments carry no token."""

    def test_a_fragment_has_no_token_and_gives_the_cookie(self, guide, htmx_headers):
        url = Flow.for_symptom(guide[1]).step_url(2, "n")
        browser = Client(enforce_csrf_checks=True)
        fragment = browser.get(url, **htmx_headers)
        assert b"csrfmiddlewaretoken" not in fragment.content
        cookie = browser.cookies["csrftoken"].value
        again = browser.get(url, **htmx_headers)
        assert "csrftoken" not in again.cookies  # already there: nothing to set
        refused = browser.post(url, {"answer": "n"}, **htmx_headers)
        assert refused.status_code == 403
        answered = browser.post(url, {"answer": "n"}, HTTP_X_CSRFTOKEN=cookie, **htmx_headers)
        assert answered.status_code == 303

    def test_the_whole_page_keeps_its_token_for_browsers_without_javascript(self, guide):
        url = Flow.for_symptom(guide[1]).step_url(2, "n")
        page = Client(enforce_csrf_checks=True).get(url).content.decode()
        assert len(TOKEN.findall(page)) == 1


def test_the_sitemap_is_cached_and_follows_changes(client, guide):
    symptom = guide[1]
    assert symptom.get_absolute_url() in client.get("/sitemap.xml").content.decode()
    _, count = queries_for(client, "/sitemap.xml")
    assert count <= 1
    symptom.slug = "renamed-symptom"
    symptom.save()
    assert "/renamed-symptom/" in client.get("/sitemap.xml").content.decode()


def test_each_process_keeps_pages_it_serves_in_front_of_the_shared_cache(client, guide):
    url = guide[1].get_absolute_url()
    first, _ = queries_for(client, url)
    caches["default"].clear()  # the shared cache lost it: this process still has it
    again, count = queries_for(client, url)
    assert (again.content, count) == (first.content, 1)
    caching.page_cache.recent.clear()  # a new process: the shared cache has it again
    queries_for(client, url)
    caching.page_cache.recent.clear()
    _, count = queries_for(client, url)
    assert count == 1
    guide[1].title = "Retitled"
    guide[1].save()  # a new version: neither copy is used
    assert "Retitled" in client.get(url).content.decode()


def test_this_process_keeps_only_its_most_recent_pages(settings):
    pages = caching.RecentPages(size=2)
    for key in ("a", "b", "c"):
        pages.put(key, (200, {}, key.encode()))
    assert pages.get("a") is None
    assert pages.get("c") == (200, {}, b"c")
    settings.PAGE_CACHE_SECONDS = -1  # kept no time at all
    pages.put("d", (200, {}, b"d"))
    assert pages.get("d") is None


def test_text_that_looks_like_a_placeholder_is_shown_as_written(client, db):
    _, symptom, _, _ = make_guide(2)
    symptom.summary = 'It says csrf-token-to-fill-in and value="csrf-token-to-fill-in".'
    symptom.save()
    flow = Flow.for_symptom(symptom)
    for url in [symptom.get_absolute_url(), flow.step_url(1, "")] * 2:
        page = client.get(url).content.decode()
        assert "csrf-token-to-fill-in and value=&quot;csrf-token-to-fill-in&quot;" in page, url


class TestEverythingThatChangesPagesRetiresThem:
    def test_adding_a_step_to_a_symptom(self, client, guide):
        symptom, step = guide[1], make_step(title="Check the SIM")
        assert "Check the SIM" not in client.get(symptom.get_absolute_url()).content.decode()
        symptom.steps.add(step, through_defaults={"position": 50})
        assert "Check the SIM" in client.get(symptom.get_absolute_url()).content.decode()

    def test_rebuilding_the_search_index(self, guide):
        before = caching.content_version()
        call_command("rebuild_search_index", verbosity=0)
        assert caching.content_version() != before

    def test_migrating(self, guide):
        before = caching.content_version()
        call_command("migrate", verbosity=0)
        assert caching.content_version() != before

    def test_a_new_release_of_the_code_or_templates(self, client, guide, monkeypatch):
        url = guide[1].get_absolute_url()
        queries_for(client, url)
        monkeypatch.setattr(caching, "release", lambda: "next-release")
        _, count = queries_for(client, url)
        assert count > 1  # rendered again, not the previous release's page

    def test_the_release_fingerprint_follows_the_templates(self, settings, tmp_path):
        (tmp_path / "templates").mkdir()
        page = tmp_path / "templates" / "page.html"
        page.write_text("<h1>One</h1>")
        settings.BASE_DIR = tmp_path
        forget_release()
        try:
            first = caching.release()
            page.write_text("<h1>Two</h1>")
            forget_release()
            assert caching.release() != first
        finally:
            forget_release()


def test_a_hanging_cache_is_left_alone_for_a_while(client, guide):
    url = guide[1].get_absolute_url()
    calls = []

    def hangs(*args):
        calls.append(args)
        raise TimeoutError("no answer")

    # Whichever backend the suite runs on: local memory, or Redis (TEST_REDIS_URL).
    with mock.patch.object(type(caches["default"]), "get", side_effect=hangs):
        for _ in range(3):
            assert client.get(url).status_code == 200
    assert len(calls) == 1


def test_the_suite_never_uses_the_sites_redis():
    found = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-c", "from helpcenter import test_settings as s; print(s.CACHES)"],
        env={**os.environ, "REDIS_URL": "redis://shared.example:6379/0", "TEST_REDIS_URL": ""},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "shared.example" not in found
    assert "LocMemCache" in found


def forget_release() -> None:
    """Have the release fingerprint, and the rendering part it starts from, read afresh."""
    caching.release.cache_clear()
    caching.rendering_release.cache_clear()


@pytest.mark.django_db
def test_the_version_is_read_the_same_from_the_querys_statement_as_from_the_orm():
    # The read's SQL is written once per process, then run through a cursor: the driver's row
    # must make the same version as the ORM's first one, or every page would be retired once.
    past = timezone.now() - timedelta(hours=1)
    make_symptom(publish_at=past)  # gone live an hour ago: its time is in the version
    make_issue(ends_at=past)  # ended then: so is its end
    caching._content_version_read.forget()
    first = caching._read_content_version()  # the statement written: the ORM's row
    assert first == caching._read_content_version()  # run from the statement: the driver's row
    assert caching._content_version_read.rows() == list(
        caching._content_version_query(preview=False)
    )
    (row,) = caching._content_version_read.rows()
    times = row[2:-1]  # after the token and what was scoped, before the first change due
    assert sum(time is not None for time in times) == 2, row  # the start and the end


@pytest.mark.django_db
def test_a_database_without_a_content_version_gets_one_on_the_first_page(client):
    # A database whose content was never saved through the site (loaded by hand, restored
    # from an older dump) has no version row: the first page makes it, and is served.
    symptom = make_symptom()
    ContentVersion.objects.all().delete()
    caching.page_cache.reset()
    assert client.get(symptom.get_absolute_url()).status_code == 200
    (row,) = ContentVersion.objects.all()
    assert caching.content_version().startswith(f"{row.token}:")


def test_a_redirect_the_cache_does_not_keep_carries_the_persons_session(rf):
    # A view shown the placeholder may build an address from it: the person's key goes there.
    key = new_key()
    response = caching._render_and_keep(
        rf.get("/"), HttpResponseRedirect(f"/fix/2/?r=n&s={SESSION_PLACEHOLDER}"), "k", key
    )
    assert response["Location"] == f"/fix/2/?r=n&s={key}"
