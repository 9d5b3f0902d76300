"""A topic's triage tree, drawn: every node linked, drafts, dead ends and unreachable marked."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_choice, make_guide, make_question, make_symptom
from troubleshooting.models import Status

pytestmark = pytest.mark.django_db


def tree_url(topic):
    return reverse("admin:troubleshooting_topic_triage", args=[topic.pk])


def list_item(html: str, text: str) -> str:
    """Return the list row (not the drawing) that names ``text``, with its badges."""
    section = html[html.index('id="tree-list-heading"') :]
    match = re.search(
        rf"<a href=\"[^\"]+\">[^<]*{re.escape(text)}</a>(.*?)(<ul>|</li>)", section, re.S
    )
    assert match, text
    return match.group(0)


@pytest.fixture
def tree(db):
    topic, symptom, _steps, start = make_guide(2)
    follow_up = make_question(topic=topic, prompt="Which phone?")
    make_choice(question=start, label="Something else", next_question=follow_up)
    draft = make_symptom(topic=topic, title="Draft symptom", status=Status.DRAFT)
    make_choice(question=follow_up, label="An old one", symptom=draft)  # a dead end
    orphan = make_question(topic=topic, prompt="Nobody asks this?")
    make_choice(question=orphan, label="Yes", symptom=symptom)
    return topic, start, follow_up, draft, orphan


def test_tree_draws_every_node_with_a_link_to_its_edit_page(admin_client, tree):
    topic, start, follow_up, draft, orphan = tree
    response = admin_client.get(tree_url(topic))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'aria-hidden="true"' in html
    for question in (start, follow_up, orphan):
        url = reverse("admin:troubleshooting_triagequestion_change", args=[question.pk])
        assert html.count(f'href="{url}"') >= 2  # in the drawing and in the list
    assert reverse("admin:troubleshooting_symptom_change", args=[draft.pk]) in html


def test_tree_marks_drafts_dead_ends_and_unreachable_questions(admin_client, tree):
    topic, *_ = tree
    html = admin_client.get(tree_url(topic)).content.decode()
    assert "Draft" in list_item(html, "Symptom: Draft symptom")
    assert "Dead end" in list_item(html, "Question: Which phone?")
    assert "Hidden from people" in list_item(html, "Answer: An old one")
    assert "Unreachable" in list_item(html, "Question: Nobody asks this?")
    assert "Questions the first question never leads to" in html
    assert "Unreachable" not in list_item(html, "Question: What does it say?")
    assert "tree-problem" in html and "tree-draft" in html


def test_a_loop_is_drawn_once(admin_client):
    topic, _symptom, _steps, start = make_guide(1)
    other = make_question(topic=topic, prompt="Again?")
    make_choice(question=start, label="Go on", next_question=other)
    # The database refuses a loop through forms; the drawing must still end if one got in.
    from troubleshooting.models import TriageChoice

    TriageChoice.objects.bulk_create(
        [TriageChoice(question=other, label="Back", position=1, next_question=start)]
    )
    html = admin_client.get(tree_url(topic)).content.decode()
    assert "Leads back: a loop" in html


def test_tree_page_needs_view_permission_and_a_real_topic(client, admin_client, tree):
    topic, *_ = tree
    assert client.get(tree_url(topic)).status_code == 302
    assert admin_client.get("/admin/troubleshooting/topic/999999/triage/").status_code == 404
    assert admin_client.get("/admin/troubleshooting/topic/x²/triage/").status_code == 404
    assert admin_client.post(tree_url(topic)).status_code == 405


def test_tree_runs_a_fixed_number_of_queries(admin_client, tree, django_assert_max_num_queries):
    topic, start, *_ = tree
    with django_assert_max_num_queries(20) as few:
        admin_client.get(tree_url(topic))
    for n in range(10):
        make_choice(question=start, label=f"More {n}", symptom=make_symptom(topic=topic))
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(tree_url(topic))


def test_topic_page_links_to_its_tree(admin_client, tree):
    topic, *_ = tree
    url = reverse("admin:troubleshooting_topic_change", args=[topic.pk])
    assert tree_url(topic) in admin_client.get(url).content.decode()
