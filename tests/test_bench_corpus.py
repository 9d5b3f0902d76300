"""The benchmarks' bigger guide: copies of the demo guide, translations included."""

import io

import pytest
from django.core.management import call_command

from bench.corpus import SURGE_ISSUE, _wait_for_cue, copy_guide, edit
from troubleshooting import caching
from troubleshooting.management.commands.load_demo import DEMO_FIXTURE
from troubleshooting.models import (
    ContentVersion,
    KnownIssue,
    Symptom,
    Topic,
    TriageQuestion,
    TriageQuestionTranslation,
)

pytestmark = pytest.mark.django_db


def test_copies_of_the_guide_carry_its_translations_whole(client):
    call_command("loaddata", str(DEMO_FIXTURE), verbosity=0)
    copy_guide(2)
    translations = TriageQuestionTranslation.objects.order_by("language", "slug")
    original = translations.filter(source__topic__slug="messages")
    copied = translations.filter(source__topic__slug="messages-2")
    assert [row.choices for row in copied] == [row.choices for row in original]
    assert all(isinstance(choice, dict) for row in copied for choice in row.choices)
    for address in ("/es/mensajes-2/no-entregado-2/", "/es/mensajes-2/fix/", "/fr/messages-2/fix/"):
        response = client.get(address)
        assert response.status_code == 200, address
        assert "untranslated-notice" not in response.content.decode(), address


def test_the_editor_saves_only_once_told_to_go_after_saying_it_is_ready(monkeypatch, capsys):
    # The saves scenario starts its measured phase between "ready" and "go": the editor's set-up
    # then falls before it.
    call_command("loaddata", str(DEMO_FIXTURE), verbosity=0)
    monkeypatch.setattr("sys.stdin", io.StringIO("go\n"))
    _wait_for_cue()
    assert capsys.readouterr().out == "ready\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # the scenario gone before saying "go"
    with pytest.raises(SystemExit):
        _wait_for_cue()


@pytest.mark.parametrize("field", ["summary", "title"])
def test_the_editor_changes_the_articles_field_asked_for_and_back(field):
    # A summary or a title retires the article's own pages and the listings, no other's.
    call_command("loaddata", str(DEMO_FIXTURE), verbosity=0)
    caching.content_version()  # the version's row is there, as once any page was served
    before = getattr(Symptom.objects.get(slug="not-delivered"), field)
    assert edit(every=1, seconds=0.2, field=field) == 1
    assert getattr(Symptom.objects.get(slug="not-delivered"), field) != before
    version = ContentVersion.objects.get()
    assert "not-delivered" in caching._frame(version.token, version.scoped)[1]
    edit(every=1, seconds=0.2, field=field)
    assert getattr(Symptom.objects.get(slug="not-delivered"), field) == before


def test_the_editor_renames_the_articles_topic_and_back():
    # The topic shows on every page of it (breadcrumbs): each save retires every cached page.
    call_command("loaddata", str(DEMO_FIXTURE), verbosity=0)
    caching.content_version()
    topic = Topic.objects.get(symptoms__slug="not-delivered")
    assert edit(every=1, seconds=0.2, field="topic") == 1
    assert Topic.objects.get(pk=topic.pk).title == topic.title + " (Updated.)"
    version = ContentVersion.objects.get()
    assert caching._frame(version.token, version.scoped) == (version.token, {})
    edit(every=1, seconds=0.2, field="topic")
    assert Topic.objects.get(pk=topic.pk).title == topic.title


def test_the_editor_posts_updates_to_one_issue_naming_the_article(client):
    # The outage's edit: each save an update to the issue, scoped to the article it names.
    call_command("loaddata", str(DEMO_FIXTURE), verbosity=0)
    caching.content_version()
    assert edit(every=1, seconds=0.2, field="issue") == 1
    assert edit(every=1, seconds=0.2, field="issue") == 1
    issue = KnownIssue.objects.get(slug=SURGE_ISSUE)
    assert list(issue.symptoms.values_list("slug", flat=True)) == ["not-delivered"]
    assert issue.updates.count() == 2
    version = ContentVersion.objects.get()
    assert "not-delivered" in caching._frame(version.token, version.scoped)[1]
    page = client.get(Symptom.objects.get(slug="not-delivered").get_absolute_url()).text
    assert issue.title in page


def test_the_editor_rewords_the_question_leading_to_the_article_and_back():
    # A triage question's words: the questions and listings retire, every symptom's page stays.
    call_command("loaddata", str(DEMO_FIXTURE), verbosity=0)
    caching.content_version()
    frame = caching._frame(*ContentVersion.objects.values_list("token", "scoped").get())[0]
    question = TriageQuestion.objects.get(choices__symptom__slug="not-delivered")
    assert edit(every=1, seconds=0.2, field="question") == 1
    assert TriageQuestion.objects.get(pk=question.pk).prompt == question.prompt + " (Updated.)"
    version = ContentVersion.objects.get()
    assert caching._frame(version.token, version.scoped)[0] == frame
    edit(every=1, seconds=0.2, field="question")
    assert TriageQuestion.objects.get(pk=question.pk).prompt == question.prompt
    version = ContentVersion.objects.get()
    assert caching._frame(version.token, version.scoped)[0] == frame
