"""Recording what happens in the guided fix: anonymous, exact, and never in the person's way."""

import logging
import re
from contextlib import contextmanager
from datetime import timedelta
from html import unescape
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_guide, make_step, make_symptom
from troubleshooting.models import (
    AnswerTally,
    ArticleVote,
    FlowSession,
    Outcome,
    Result,
    SearchMiss,
    SessionTally,
    StepAnswer,
    VoteTally,
)
from troubleshooting.outcomes import recording

pytestmark = pytest.mark.django_db


def begin(client, symptom) -> str:
    """Start a guided fix the way people do, and return the address of step 1."""
    response = client.get(symptom.get_flow_url())
    assert response.status_code == 302
    return response["Location"]


def answer(client, url, value, **extra) -> str:
    response = client.post(url, {"answer": value, **extra})
    assert response.status_code == 303, response.content.decode()[:500]
    return response["Location"]


class TestSessions:
    def test_starting_the_guided_fix_starts_an_anonymous_session(self, client, guide):
        symptom = guide[1]
        url = begin(client, symptom)
        session = FlowSession.objects.get()
        assert url.endswith(f"?s={session.key}")
        assert session.symptom == symptom
        assert session.outcome == Outcome.OPEN

    def test_confirming_a_destructive_step_keeps_the_session(self, client, destructive_guide):
        url = begin(client, destructive_guide[1])
        for value in "n" * (len(destructive_guide[2]) - 1):
            url = answer(client, url, value)
        html = client.get(url).content.decode()
        # Submit the warning's GET form as a browser would: its hidden fields plus the checkbox.
        form = re.search(
            r'<form class="confirm" method="get" action="([^"]+)".*?</form>', html, re.S
        )
        fields = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)))
        page = client.get(form.group(1), {**fields, "confirm": "1"}).content.decode()
        action = unescape(
            re.search(r'<form class="answer" method="post" action="([^"]+)"', page)[1]
        )
        answer(client, action, "y", confirmed="1")
        session = FlowSession.objects.get()
        assert (session.outcome, session.answers.count()) == (Outcome.RESOLVED, 3)

    def test_a_head_request_starts_nothing(self, client, guide):
        assert client.head(guide[1].get_flow_url()).status_code == 302
        assert not FlowSession.objects.exists()

    def test_answers_are_recorded_and_the_session_resolves_at_the_fixing_step(self, client, guide):
        symptom, steps = guide[1], guide[2]
        url = answer(client, begin(client, symptom), "n")
        url = answer(client, url, "s")
        assert "/fix/3/" in url
        answer(client, url, "y")
        session = FlowSession.objects.get()
        assert (session.outcome, session.resolved_number) == (Outcome.RESOLVED, 3)
        recorded = list(session.answers.order_by("number").values_list("step", "result"))
        assert recorded == [(steps[0].pk, "n"), (steps[1].pk, "s"), (steps[2].pk, "y")]

    def test_nothing_working_ends_on_the_end_page(self, client, guide):
        url = begin(client, guide[1])
        for value in "nnn":
            url = answer(client, url, value)
        assert "/fix/end/" in url
        assert FlowSession.objects.get().outcome == Outcome.ENDED

    def test_stopping_early_for_help_counts_as_reaching_the_end(self, client, guide):
        url = answer(client, begin(client, guide[1]), "n")
        key = FlowSession.objects.get().key
        end = reverse("troubleshooting:flow_end", args=[guide[0].slug, guide[1].slug])
        flow_params = url.split("?", 1)[1]
        assert client.head(f"{end}?{flow_params}").status_code == 200
        assert FlowSession.objects.get().outcome == Outcome.OPEN
        assert client.get(f"{end}?{flow_params}").status_code == 200
        assert FlowSession.objects.get(key=key).outcome == Outcome.ENDED

    def test_the_end_page_never_undoes_a_resolution(self, client, guide):
        url = answer(client, begin(client, guide[1]), "y")
        assert "/fix/fixed/" in url
        key = FlowSession.objects.get().key
        end = reverse("troubleshooting:flow_end", args=[guide[0].slug, guide[1].slug])
        client.get(f"{end}?s={key}")
        assert FlowSession.objects.get().outcome == Outcome.RESOLVED

    def test_going_back_and_answering_again_replaces_the_answer(self, client, guide):
        first = begin(client, guide[1])
        answer(client, first, "y")
        assert FlowSession.objects.get().outcome == Outcome.RESOLVED
        # "Back": the same step, same session, answered differently.
        answer(client, first, "n")
        session = FlowSession.objects.get()
        assert (session.outcome, session.resolved_number) == (Outcome.OPEN, None)
        assert list(session.answers.values_list("result", flat=True)) == ["n"]

    def test_a_link_without_a_session_starts_one_at_the_first_answer(self, client, guide):
        symptom = guide[1]
        step_one = reverse("troubleshooting:flow_step", args=[symptom.topic.slug, symptom.slug, 1])
        url = answer(client, step_one, "n")
        session = FlowSession.objects.get()
        assert url.endswith(f"&s={session.key}")
        answer(client, url, "y")
        assert FlowSession.objects.count() == 1
        assert FlowSession.objects.get().resolved_number == 2

    @pytest.mark.parametrize("key", ["short", "x" * 23, "<script>alert(1)</script>", "a b"])
    def test_a_malformed_session_key_is_ignored_not_echoed(self, client, guide, key):
        symptom = guide[1]
        step_one = reverse("troubleshooting:flow_step", args=[symptom.topic.slug, symptom.slug, 1])
        page = client.get(step_one, {"s": key})
        assert page.status_code == 200
        assert "alert(1)" not in page.content.decode()
        url = answer(client, f"{step_one}?s={key}", "n")
        assert FlowSession.objects.get().key in url
        assert key not in url

    def test_a_session_of_another_guide_is_not_reused(self, client, guide):
        other = make_guide(2)[1]
        key = begin(client, other).rsplit("=", 1)[1]
        symptom = guide[1]
        step_one = reverse("troubleshooting:flow_step", args=[symptom.topic.slug, symptom.slug, 1])
        url = answer(client, f"{step_one}?s={key}", "n")
        assert key not in url
        assert FlowSession.objects.get(key=key).answers.count() == 0
        assert FlowSession.objects.filter(symptom=symptom).count() == 1

    def test_nothing_about_the_person_is_stored(self, client, guide):
        headers = {"REMOTE_ADDR": "203.0.113.77", "HTTP_USER_AGENT": "DistinctiveAgent/9.9"}
        response = client.get(guide[1].get_flow_url(), **headers)
        client.post(response["Location"], {"answer": "c", "reason": "other"}, **headers)
        stored = repr(list(FlowSession.objects.values())) + repr(list(StepAnswer.objects.values()))
        assert "203.0.113.77" not in stored
        assert "DistinctiveAgent" not in stored


class TestCantDo:
    def test_cant_do_goes_on_and_records_the_reason_and_note(self, client, guide):
        url = begin(client, guide[1])
        url = answer(
            client, url, "c", reason="password", note="  I never set an Apple ID password  "
        )
        assert "/fix/2/" in url
        assert "r=c" in url
        recorded = StepAnswer.objects.get()
        assert (recorded.result, recorded.reason) == ("c", "password")
        assert recorded.note == "I never set an Apple ID password"

    def test_a_reason_is_only_kept_with_cant_do(self, client, guide):
        answer(client, begin(client, guide[1]), "n", reason="password", note="ignored")
        recorded = StepAnswer.objects.get()
        assert (recorded.reason, recorded.note) == ("", "")

    def test_the_step_page_offers_it_with_labelled_reasons(self, client, guide):
        html = client.get(begin(client, guide[1])).content.decode()
        assert "<summary>I can't do this step</summary>" in html
        assert '<label for="id_reason_1">' in html
        assert "I don&#x27;t know the password or passcode it asks for" in html
        assert 'maxlength="200"' in html

    def test_an_overlong_note_is_a_form_error_and_nothing_is_recorded(self, client, guide):
        url = begin(client, guide[1])
        response = client.post(url, {"answer": "c", "note": "x" * 201})
        assert response.status_code == 400
        assert "Please keep the note to 200 characters." in response.content.decode()
        assert not StepAnswer.objects.exists()

    def test_an_unknown_reason_is_a_form_error(self, client, guide):
        response = client.post(begin(client, guide[1]), {"answer": "c", "reason": "bogus"})
        assert response.status_code == 400
        assert not StepAnswer.objects.exists()

    def test_the_summary_counts_steps_people_could_not_do(self, client, guide):
        url = begin(client, guide[1])
        for value in "ncs":
            url = answer(client, url, value)
        html = client.get(url).content.decode()
        assert "You tried 1 fix, skipped 1 and couldn&#x27;t do 1." in html
        assert "Couldn&#x27;t do it" in html

    def test_destructive_steps_need_no_confirmation_to_say_you_cannot_do_them(
        self, client, destructive_guide
    ):
        symptom, steps = destructive_guide[1], destructive_guide[2]
        url = begin(client, symptom)
        for value in "n" * (len(steps) - 1):
            url = answer(client, url, value)
        assert "Warning: this step can delete data" in client.get(url).content.decode()
        assert "/fix/end/" in answer(client, url, "c")


class TestRecordingNeverGetsInTheWay:
    def test_a_database_failure_is_logged_and_the_flow_carries_on(self, client, guide, caplog):
        url = begin(client, guide[1])

        def broken(execute, sql, params, many, context):
            # The database refuses the answer's write, whatever statement carries it.
            if "INSERT" in sql and StepAnswer._meta.db_table in sql:
                raise DatabaseError("disk full")
            return execute(sql, params, many, context)

        with (
            connection.execute_wrapper(broken),
            caplog.at_level(logging.ERROR, logger="troubleshooting.outcomes"),
        ):
            next_url = answer(client, url, "n")
        assert "/fix/2/" in next_url
        assert "Could not record an answer" in caplog.text
        assert client.get(next_url).status_code == 200
        assert not StepAnswer.objects.exists()

    def test_a_refused_first_answer_leaves_no_session_and_the_flow_carries_on(
        self, client, guide, caplog
    ):
        """An answer without a session starts one with it: refused, neither row is stored."""
        step_one = begin(client, guide[1]).split("?")[0]

        def refused(execute, sql, params, many, context):
            # The answer's letter made one no answer has, so the database's CHECK constraint
            # refuses the row once sent: with the session's insert (PostgreSQL) or after it.
            if "INSERT" in sql and StepAnswer._meta.db_table in sql:
                params = ["z" if value == Result.NOT_FIXED else value for value in params]
            return execute(sql, params, many, context)

        with (
            connection.execute_wrapper(refused),
            caplog.at_level(logging.ERROR, logger="troubleshooting.outcomes"),
        ):
            next_url = answer(client, step_one, "n")
        assert "/fix/2/" in next_url
        assert "Could not record an answer" in caplog.text
        assert not StepAnswer.objects.exists()
        assert FlowSession.objects.count() == 1  # only the one the first page started

    def test_a_failure_to_start_a_session_still_shows_step_one(self, client, guide, monkeypatch):
        def broken(*args, **kwargs):
            raise DatabaseError("read-only replica")

        monkeypatch.setattr(FlowSession.objects, "create", broken)
        url = begin(client, guide[1])
        assert client.get(url).status_code == 200

    def test_a_transaction_that_cannot_begin_is_logged_and_the_flow_carries_on(
        self, client, guide, monkeypatch, caplog
    ):
        """The write lock held elsewhere past the wait: BEGIN itself fails, before any write."""
        url = begin(client, guide[1])

        @contextmanager
        def locked(*args, **kwargs):
            raise OperationalError("database is locked")
            yield  # never reached: the transaction never begins

        monkeypatch.setattr(recording.transaction, "atomic", locked)
        next_url = answer(client, url, "n")
        assert "/fix/2/" in next_url
        assert "Could not record an answer in the guided fix" in caplog.text
        assert not StepAnswer.objects.exists()

    def test_a_search_miss_that_cannot_be_counted_still_answers(self, client, db, monkeypatch):
        def broken(*args, **kwargs):
            raise OperationalError("attempt to write a readonly database")

        monkeypatch.setattr(SearchMiss.objects, "create", broken)
        response = client.get(reverse("troubleshooting:search") + "?q=zorblax")
        assert response.status_code == 200
        assert not SearchMiss.objects.exists()

    def test_answers_beyond_the_rate_limit_are_not_recorded(self, client, guide, settings):
        settings.OUTCOMES_RATE_LIMIT_PER_MINUTE = 2
        first = begin(client, guide[1])
        for value in "nyn":
            answer(client, first, value)  # the same step, again and again
        # The third answer in a minute went unrecorded; the page still moved on.
        assert StepAnswer.objects.get().result == "y"


class TestRetention:
    def make_history(self, days_ago: int):
        symptom = make_symptom(steps=[make_step(), make_step()])
        steps = list(symptom.steps.order_by("symptom_steps__position"))
        when = timezone.now() - timedelta(days=days_ago)
        resolved = FlowSession.objects.create(
            key=recording.new_key(),
            symptom=symptom,
            started_at=when,
            outcome=Outcome.RESOLVED,
            resolved_number=2,
        )
        StepAnswer.objects.create(session=resolved, number=1, step=steps[0], result="n")
        StepAnswer.objects.create(session=resolved, number=2, step=steps[1], result="y")
        left = FlowSession.objects.create(key=recording.new_key(), symptom=symptom, started_at=when)
        StepAnswer.objects.create(
            session=left, number=1, step=steps[0], result="c", reason="password"
        )
        ArticleVote.objects.create(
            symptom=symptom,
            voter=recording.new_key(),
            helpful=False,
            reason="hard",
            comment="Too long",
            version="abcd1234",
            created_at=when,
            updated_at=when,
        )
        return symptom, steps

    def test_old_raw_records_become_daily_counts(self, settings):
        settings.OUTCOMES_RETENTION_DAYS = 30
        symptom, steps = self.make_history(days_ago=40)
        recent, _ = self.make_history(days_ago=3)
        purged = recording.purge()
        assert (purged.sessions, purged.answers, purged.votes) == (2, 3, 1)
        assert not FlowSession.objects.filter(symptom=symptom).exists()
        assert not ArticleVote.objects.filter(symptom=symptom).exists()
        assert FlowSession.objects.filter(symptom=recent).count() == 2  # within retention
        tallies = {
            (t.outcome, t.resolved_number): t.count
            for t in SessionTally.objects.filter(symptom=symptom)
        }
        # An unfinished session, once old, counts as abandoned.
        assert tallies == {(Outcome.RESOLVED, 2): 1, (Outcome.ABANDONED, 0): 1}
        answers = {
            (t.step_id, t.result, t.reason): t.count
            for t in AnswerTally.objects.filter(symptom=symptom)
        }
        assert answers == {
            (steps[0].pk, "n", ""): 1,
            (steps[1].pk, "y", ""): 1,
            (steps[0].pk, "c", "password"): 1,
        }
        vote = VoteTally.objects.get(symptom=symptom)
        assert (vote.helpful, vote.reason, vote.version, vote.count) == (
            False,
            "hard",
            "abcd1234",
            1,
        )

    def test_purging_twice_counts_nothing_twice(self, settings):
        settings.OUTCOMES_RETENTION_DAYS = 30
        self.make_history(days_ago=40)
        recording.purge()
        assert recording.purge() == recording.Purged(sessions=0, answers=0, votes=0)
        assert sum(SessionTally.objects.values_list("count", flat=True)) == 2

    def test_a_later_purge_adds_to_the_same_days_counts(self):
        symptom, _ = self.make_history(days_ago=40)
        when = timezone.now() - timedelta(days=40)
        recording.purge(days=30)
        FlowSession.objects.create(
            key=recording.new_key(), symptom=symptom, started_at=when, outcome=Outcome.ENDED
        )
        recording.purge(days=30)
        assert SessionTally.objects.get(symptom=symptom, outcome=Outcome.ENDED).count == 1
        assert sum(SessionTally.objects.values_list("count", flat=True)) == 3

    def test_the_command_purges_and_says_what_it_did(self, settings):
        self.make_history(days_ago=100)
        out = StringIO()
        call_command("purge_outcomes", stdout=out)  # default: OUTCOMES_RETENTION_DAYS (90)
        assert "2 session(s), 3 answer(s) and 1 vote(s)" in out.getvalue()
        assert not FlowSession.objects.exists()
        with pytest.raises(CommandError, match="at least 1"):
            call_command("purge_outcomes", days=0)
