"""Publishing, updating, resolving or a scheduled end retires cached pages on every server."""

from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from tests.factories import make_guide
from tests.troubleshooting.known_issue_factories import make_issue
from troubleshooting import caching
from troubleshooting.flow import Flow
from troubleshooting.models import IssueState, KnownIssue, KnownIssueUpdate, Status

pytestmark = pytest.mark.django_db
BANNER = 'class="known-issue"'


@pytest.fixture
def servers(settings):
    """Two app servers: each its own page cache (pages kept, version trusted), one database."""
    settings.CONTENT_VERSION_CHECK_SECONDS = 60  # as in production, each trusts what it read
    caching.content_changed()
    return caching.PageCache(), caching.PageCache()


@contextmanager
def on(server):
    with mock.patch.object(caching, "page_cache", server):
        yield


def shows_banner(client, server, url) -> bool:
    with on(server):
        return BANNER in client.get(url).content.decode()


def next_check(*servers):
    """The check interval passed: each server asks the database for the version again."""
    for server in servers:
        server.forget_version()


@pytest.fixture
def article(db):
    guide = make_guide(3)
    return guide[1], guide[1].get_absolute_url()


def test_publishing_an_issue_retires_pages_on_both_servers(client, servers, article):
    one, two = servers
    symptom, url = article
    issue = make_issue(symptoms=[symptom], status=Status.DRAFT)
    assert not shows_banner(client, one, url) and not shows_banner(client, two, url)
    with on(one):  # an editor's save, handled by the first server
        issue.status = Status.PUBLISHED
        issue.save()
    assert shows_banner(client, one, url)  # at once where it was saved
    assert not shows_banner(client, two, url)  # the other trusts what it read, for a second
    next_check(two)
    assert shows_banner(client, two, url)


def test_resolving_takes_every_banner_down_on_both_servers(client, servers, article):
    one, two = servers
    symptom, url = article
    issue = make_issue(symptoms=[symptom])
    home = "/"
    step_one = Flow.for_symptom(symptom).step_url(1, "")
    for server in servers:
        for page in (url, home, step_one):
            assert shows_banner(client, server, page)
    with on(one):
        issue.state = IssueState.RESOLVED
        issue.save()
    next_check(two)
    for server in servers:
        for page in (url, home, step_one):
            assert not shows_banner(client, server, page), page


def test_an_update_and_a_change_of_what_it_affects_retire_pages(client, servers, article):
    one, two = servers
    symptom, url = article
    issue = make_issue()
    assert not shows_banner(client, two, url)
    with on(one):
        issue.symptoms.add(symptom)  # the list of affected symptoms changed
    next_check(two)
    assert shows_banner(client, two, url)
    with on(two):
        page = client.get(issue.get_absolute_url()).content.decode()
    assert "Apple says a fix is coming." not in page
    with on(one):
        KnownIssueUpdate.objects.create(issue=issue, body="Apple says a fix is coming.")
    next_check(two)
    with on(two):
        assert "Apple says a fix is coming." in client.get(issue.get_absolute_url()).text


def test_a_scheduled_end_retires_pages_without_any_write(client, servers, article):
    symptom, url = article
    one, _ = servers
    issue = make_issue(symptoms=[symptom], ends_at=timezone.now() + timedelta(hours=1))
    assert shows_banner(client, one, url)
    token = caching.ContentVersion.objects.get().token
    # Its time comes (moved here without signals: nothing is saved when an end passes).
    ended = timezone.now() - timedelta(seconds=1)
    KnownIssue._base_manager.filter(pk=issue.pk).update(ends_at=ended)
    assert caching.ContentVersion.objects.get().token == token
    next_check(one)
    assert not shows_banner(client, one, url)


def test_a_scheduled_start_shows_the_banner_without_any_write(client, servers, article):
    symptom, url = article
    one, _ = servers
    issue = make_issue(symptoms=[symptom], publish_at=timezone.now() + timedelta(hours=1))
    assert not shows_banner(client, one, url)
    # Its time comes (SQLite's clock counts milliseconds: a second ago, not this microsecond).
    started = timezone.now() - timedelta(seconds=1)
    KnownIssue._base_manager.filter(pk=issue.pk).update(publish_at=started)
    next_check(one)
    assert shows_banner(client, one, url)


def test_pages_without_an_issue_are_still_served_from_the_cache(client, servers, article):
    _, url = article
    one, _ = servers
    with on(one):
        client.get(url)
        with mock.patch.object(caching, "_read_content_version") as read:
            assert client.get(url).status_code == 200
    read.assert_not_called()  # a cached page costs no query, issues or not
