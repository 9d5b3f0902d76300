"""Guided-fix links made before an editor changed the steps keep working, by step identity."""

import importlib
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from tests.factories import make_choice, make_guide, make_question, make_step
from troubleshooting.flow import Flow
from troubleshooting.models import (
    FlowSession,
    Outcome,
    PastStepList,
    Status,
    StepAnswer,
    SymptomStep,
)
from troubleshooting.page_query import SESSION_PLACEHOLDER

from .translation_factories import translate

pytestmark = pytest.mark.django_db


def set_steps(symptom, steps):
    """Save a new order for a symptom's steps, as the admin does (rows deleted, re-inserted)."""
    SymptomStep.objects.filter(symptom=symptom).delete()
    for position, step in enumerate(steps, start=1):
        SymptomStep.objects.create(symptom=symptom, step=step, position=position)


def walk(client, symptom, answers: str) -> str:
    """Start the guided fix and answer one step per letter; return where that leads."""
    response = client.get(symptom.get_flow_url())
    if response.status_code == 301:  # to the symptom's address in the active language
        response = client.get(response["Location"])
    url = response["Location"]
    for letter in answers:
        response = client.post(url, {"answer": letter})
        assert response.status_code == 303, response.content.decode()[:300]
        url = response["Location"]
    return url


def follow(client, url):
    """Follow an old address to where it leads now; return the final address and its page."""
    response = client.get(url)
    while response.status_code in (301, 302):
        url = response["Location"]
        response = client.get(url)
    return url, response


def number_of(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def query(url: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def four():
    topic, symptom, steps, question = make_guide(4)
    return symptom, steps


class TestOldLinksCarryOn:
    def test_a_swap_of_steps_not_yet_answered(self, client, four):
        symptom, (a, b, c, d) = four
        saved = walk(client, symptom, "ns")
        set_steps(symptom, [a, b, d, c])
        url, page = follow(client, saved)
        assert page.status_code == 200
        assert number_of(url) == "3"
        assert f'<h1 id="page-heading" tabindex="-1">{d.title}</h1>' in page.content.decode()
        assert query(url)["r"] == "ns"
        assert query(url)["s"] == query(saved)["s"]  # still the same outcomes session

    def test_a_swap_of_answered_steps_keeps_each_answer_with_its_step(self, client, four):
        symptom, (a, b, c, d) = four
        saved = walk(client, symptom, "ns")
        set_steps(symptom, [b, a, c, d])
        url, page = follow(client, saved)
        assert (number_of(url), query(url)["r"]) == ("3", "sn")
        end = client.get(
            Flow.for_symptom(symptom).end_url(query(url)["r"]) + f"&v={query(url)['v']}"
        )
        html = end.content.decode()
        assert html.index(b.title) < html.index(a.title)

    def test_a_step_inserted_before_the_current_one_is_offered_next(self, client, four):
        symptom, (a, b, c, d) = four
        saved = walk(client, symptom, "nn")  # at c, step 3
        x = make_step(title="Inserted before")
        set_steps(symptom, [a, x, b, c, d])
        url, page = follow(client, saved)
        assert number_of(url) == "2"
        assert "Inserted before" in page.content.decode()
        assert query(url)["r"] == "n-n"
        # Answering it goes on at the first step still not answered: c, now step 4.
        after = client.post(url, {"answer": "n"})["Location"]
        assert number_of(after) == "4"
        assert c.title in client.get(after).content.decode()

    def test_a_step_inserted_after_the_current_one_changes_nothing_here(self, client, four):
        symptom, (a, b, c, d) = four
        saved = walk(client, symptom, "n")  # at b, step 2
        set_steps(symptom, [a, b, make_step(title="Inserted after"), c, d])
        url, page = follow(client, saved)
        assert (number_of(url), query(url)["r"]) == ("2", "n")
        assert b.title in page.content.decode()
        assert "of 5" in page.content.decode()

    def test_a_removed_answered_step_still_shows_in_the_summary(self, client, four):
        symptom, (a, b, c, d) = four
        saved = walk(client, symptom, "nn")  # at c, step 3
        set_steps(symptom, [b, c, d])
        url, page = follow(client, saved)
        assert number_of(url) == "2"
        assert c.title in page.content.decode()
        end_url = walk_on(client, url, "nn")
        end = client.get(end_url).content.decode()
        assert all(step.title in end for step in (a, b, c, d))
        assert "Not tried" not in end

    def test_a_step_unpublished_mid_flow_is_passed_over(self, client, four):
        symptom, (a, b, c, d) = four
        saved = walk(client, symptom, "n")  # at b, step 2
        b.status = Status.DRAFT
        b.save()
        url, page = follow(client, saved)
        assert (number_of(url), query(url)["r"]) == ("2", "n")
        assert c.title in page.content.decode()
        assert "of 3" in page.content.decode()

    def test_an_answer_to_a_step_unpublished_while_it_was_shown_is_not_lost(self, client, four):
        symptom, (a, b, c, d) = four
        at_b = walk(client, symptom, "n")
        b.status = Status.DRAFT
        b.save()
        # The page still showed b: its answer cannot count, the person is shown c.
        response = client.post(at_b, {"answer": "n", "step": b.pk})
        assert response.status_code == 303
        assert number_of(response["Location"]) == "2"
        assert not StepAnswer.objects.filter(step=b).exists()

    def test_an_answer_posted_after_an_insertion_goes_to_the_step_shown(self, client, four):
        symptom, (a, b, c, d) = four
        at_c = walk(client, symptom, "nn")
        x = make_step(title="Inserted before")
        set_steps(symptom, [a, x, b, c, d])
        response = client.post(at_c, {"answer": "n", "step": c.pk})
        # c is answered; x, never answered, comes next.
        assert number_of(response["Location"]) == "2"
        assert StepAnswer.objects.get(step=c).number == 4

    def test_a_symptom_unpublished_mid_flow_gets_a_clear_page(self, client, four):
        symptom, _ = four
        saved = walk(client, symptom, "n")
        symptom.status = Status.DRAFT
        symptom.save()
        for response in (client.get(saved), client.post(saved, {"answer": "n"})):
            assert response.status_code == 404
            assert "We can't find that page" in response.content.decode()

    def test_an_address_the_flow_never_made_is_still_refused(self, client, four):
        symptom, _ = four
        url = reverse("troubleshooting:flow_step", args=[symptom.topic.slug, symptom.slug, 2])
        assert client.get(url + "?r=n&v=0123456789ab").status_code == 400

    def test_a_link_made_before_this_release_keeps_working(self, client, four):
        """Its ``v`` fingerprints slugs; the migration kept the lists of that day."""
        symptom, (a, b, c, d) = four
        migration = importlib.import_module(
            "troubleshooting.migrations.0013_flow_links_survive_edits_and_answers_by_reach"
        )
        migration.remember_current_step_lists(apps, None)
        legacy = PastStepList.objects.get(symptom=symptom)
        set_steps(symptom, [b, a, c, d])
        url = reverse("troubleshooting:flow_step", args=[symptom.topic.slug, symptom.slug, 2])
        final, page = follow(client, f"{url}?r=n&v={legacy.version}")
        # a was answered; b, moved before it, comes first.
        assert (number_of(final), query(final)["r"]) == ("1", "-n")
        assert b.title in page.content.decode()

    def test_a_page_for_a_list_with_a_removed_step_carries_the_persons_session(self, client, four):
        # Such a page is never kept in the page cache, which showed its view a stand-in for the
        # session key: every link on it must carry the person's own, or their answers from
        # there would be recorded under the stand-in, shared by everyone in the same case.
        symptom, (a, b, c, d) = four
        saved = walk(client, symptom, "n")  # at b, step 2
        set_steps(symptom, [b, c, d])
        url, page = follow(client, saved)
        assert page.status_code == 200
        session = query(saved)["s"]
        fragment = client.get(url, headers={"HX-Request": "true"})
        fixed = client.get(client.post(url, {"answer": "y"})["Location"])
        for html in (page.content.decode(), fragment.content.decode(), fixed.content.decode()):
            assert SESSION_PLACEHOLDER not in html
            assert f"s={session}" in html

    @pytest.mark.parametrize(
        ("where", "status"),
        [
            pytest.param("fix/99/", 404, id="a step out of range"),
            pytest.param("fix/2/?r=zz", 400, id="answers it never wrote"),
            pytest.param("fix/fixed/?r=n&v=000000000000", 400, id="a list it never kept"),
        ],
    )
    def test_an_error_page_in_a_fix_carries_the_persons_session(self, client, four, where, status):
        symptom, _steps = four
        session = query(walk(client, symptom, ""))["s"]
        joined = "&" if "?" in where else "?"
        response = client.get(f"{symptom.get_absolute_url()}{where}{joined}s={session}")
        assert response.status_code == status
        html = response.content.decode()
        assert SESSION_PLACEHOLDER not in html
        assert f"s={session}" in html  # the language switcher's links keep it

    def test_an_old_link_never_gets_the_cached_page_of_the_old_list(self, client, four):
        symptom, (a, b, c, d) = four
        saved = walk(client, symptom, "n")
        assert b.title in client.get(saved).content.decode()  # now in the page cache
        set_steps(symptom, [a, c, b, d])
        url, page = follow(client, saved)
        assert url != saved
        assert c.title in page.content.decode()


class TestOldLinksInAnotherLanguage:
    """A removed step that was answered is summed up in the language the fix is walked in."""

    @pytest.fixture
    def spanish(self, four):
        symptom, steps = four
        for item in (symptom.topic, symptom, *steps):
            translate(item, "es")
        with translation.override("es"):
            yield four

    @staticmethod
    def in_spanish_only(html: str, title: str) -> bool:
        return f"[es] {title}" in html and html.count(title) == html.count(f"[es] {title}")

    def test_the_summary_at_the_end(self, client, spanish):
        symptom, (a, b, c, d) = spanish
        saved = walk(client, symptom, "nn")  # at c, step 3
        set_steps(symptom, [b, c, d])
        url, _ = follow(client, saved)
        end = client.get(walk_on(client, url, "nn")).content.decode()
        assert all(self.in_spanish_only(end, step.title) for step in (a, b, c, d))

    def test_the_fixed_page(self, client, spanish):
        symptom, (a, b, c, d) = spanish
        saved = walk(client, symptom, "n")  # at b, step 2
        set_steps(symptom, [b, c, d])
        url, _ = follow(client, saved)
        fixed = client.get(client.post(url, {"answer": "y"})["Location"]).content.decode()
        assert self.in_spanish_only(fixed, a.title)
        assert self.in_spanish_only(fixed, b.title)


def walk_on(client, url: str, answers: str) -> str:
    for letter in answers:
        url = client.post(url, {"answer": letter})["Location"]
    return url


class TestOutcomesAfterEdits:
    def test_each_answer_stays_with_its_step_and_the_session_ends_right(self, client, four):
        symptom, (a, b, c, d) = four
        saved = walk(client, symptom, "nn")
        x = make_step(title="Inserted before")
        set_steps(symptom, [a, x, b, c, d])
        url, _ = follow(client, saved)
        walk_on(client, url, "nnn")  # x, c, d
        answers = {answer.step: answer.number for answer in StepAnswer.objects.all()}
        assert answers == {a: 1, b: 2, x: 2, c: 4, d: 5}
        assert FlowSession.objects.get().outcome == Outcome.ENDED

    def test_fixed_after_an_edit_resolves_at_the_step_shown(self, client, four):
        symptom, (a, b, c, d) = four
        saved = walk(client, symptom, "n")
        set_steps(symptom, [a, c, b, d])
        url, _ = follow(client, saved)
        fixed = client.post(url, {"answer": "y"})["Location"]
        assert "/fix/fixed/" in fixed
        session = FlowSession.objects.get()
        assert (session.outcome, session.resolved_number) == (Outcome.RESOLVED, 2)
        assert f"It was step 2, <strong>{c.title}</strong>, that did it." in client.get(fixed).text


class TestWayBack:
    def test_every_question_has_a_way_back(self, client):
        topic, symptom, steps, start = make_guide(2)
        follow_up = make_question(topic=topic, prompt="Everyone, or one person?")
        make_choice(question=start, label="Not Delivered", next_question=follow_up)
        html = client.get(start.get_absolute_url()).content.decode()
        assert f'href="{topic.get_absolute_url()}"' in html
        html = client.get(follow_up.get_absolute_url() + f"?via={start.slug}").content.decode()
        assert f'href="{start.get_absolute_url()}"' in html
        assert "Back to the last question" in html

    def test_change_my_answer_returns_to_the_question_answered(self, client):
        topic, symptom, steps, start = make_guide(2)
        other = make_question(topic=topic, prompt="Is it one person?")
        make_choice(question=start, label="Not Delivered", next_question=other)
        make_choice(question=other, label="Just one", symptom=symptom)
        for via, expected in [(other, other), (start, start)]:
            first = client.get(symptom.get_flow_url() + f"?via={via.slug}")["Location"]
            html = client.get(first).content.decode()
            assert "Change my answer" in html
            assert f'href="{expected.get_absolute_url()}"' in html
            # Back from step 2 to step 1 keeps it.
            second = client.post(first, {"answer": "n"})["Location"]
            assert f"via={via.slug}" in second

    def test_without_a_question_step_one_leads_back_to_the_article(self, client):
        topic, symptom, steps, start = make_guide(2)
        start.choices.all().delete()
        html = client.get(client.get(symptom.get_flow_url())["Location"]).content.decode()
        assert "Back to the article" in html
        assert "Change my answer" not in html
