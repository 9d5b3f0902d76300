"""What editors see of the outcomes in the admin, and the step order they can apply from it."""

import csv
import io
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from tests.factories import make_step, make_symptom
from troubleshooting.models import (
    ArticleVote,
    FlowSession,
    Outcome,
    SearchMiss,
    SessionTally,
    Severity,
    StepAnswer,
    SymptomStep,
)
from troubleshooting.outcomes import recording, reports

pytestmark = pytest.mark.django_db


def record(symptom, steps, answers: str, *, days_ago=1, outcome=None, note=""):
    """Add one finished guided session: ``answers`` has one letter per step, like the URL."""
    started = timezone.now() - timedelta(days=days_ago)
    if outcome is None:
        outcome = Outcome.RESOLVED if answers.endswith("y") else Outcome.ENDED
    session = FlowSession.objects.create(
        key=recording.new_key(),
        symptom=symptom,
        started_at=started,
        last_active_at=started,
        outcome=outcome,
        resolved_number=len(answers) if outcome == Outcome.RESOLVED else None,
    )
    for number, (step, result) in enumerate(zip(steps, answers, strict=False), start=1):
        StepAnswer.objects.create(
            session=session,
            number=number,
            step=step,
            result=result,
            reason="password" if result == "c" else "",
            note=note if result == "c" else "",
        )
    return session


def dashboard_url(symptom, **query):
    url = reverse("admin:troubleshooting_symptom_outcomes", args=[symptom.pk])
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


class TestWilson:
    def test_known_values(self):
        low, high = reports.wilson(5, 10)
        assert (round(low, 4), round(high, 4)) == (0.2366, 0.7634)
        assert reports.wilson(0, 0) is None
        low, high = reports.wilson(0, 20)
        assert low == 0 and 0.15 < high < 0.17

    def test_more_tries_narrow_the_range(self):
        few = reports.wilson(3, 10)
        many = reports.wilson(300, 1000)
        assert many[1] - many[0] < few[1] - few[0]


class TestSuggestedOrder:
    def build(self, severities_and_minutes):
        steps = [
            make_step(severity=severity, minutes=minutes)
            for severity, minutes in severities_and_minutes
        ]
        symptom = make_symptom(steps=steps)
        links = list(SymptomStep.objects.filter(symptom=symptom).select_related("step"))
        links.sort(key=lambda link: link.position)
        return symptom, steps, links

    def stats(self, links, fixed_and_tried):
        result = {}
        for link, (fixed, tried) in zip(links, fixed_and_tried, strict=True):
            stats = reports.StepStats(step=link.step)
            stats.add("y", "", fixed)
            stats.add("n", "", tried - fixed)
            result[link.step_id] = stats
        return result

    def test_steps_that_fix_more_per_minute_come_first_within_a_severity(self):
        _, steps, links = self.build([(Severity.QUICK, 1)] * 3)
        stats = self.stats(links, [(5, 100), (60, 100), (30, 100)])
        suggestion = reports.suggest_order(links, stats, min_tries=20)
        assert suggestion.step_ids == [steps[1].pk, steps[2].pk, steps[0].pk]
        assert [row.moved for row in suggestion.rows] == [1, 1, -2]
        assert suggestion.changed

    def test_a_quick_step_is_worth_more_than_a_slow_one_that_fixes_as_often(self):
        _, steps, links = self.build([(Severity.MODERATE, 10), (Severity.MODERATE, 2)])
        suggestion = reports.suggest_order(
            links, self.stats(links, [(50, 100), (50, 100)]), min_tries=20
        )
        assert suggestion.step_ids == [steps[1].pk, steps[0].pk]

    def test_a_destructive_step_never_moves_ahead_of_safer_ones(self):
        _, steps, links = self.build(
            [(Severity.QUICK, 1), (Severity.QUICK, 1), (Severity.DESTRUCTIVE, 1)]
        )
        # The destructive step fixes almost everyone: it still stays last.
        stats = self.stats(links, [(1, 100), (2, 100), (95, 100)])
        suggestion = reports.suggest_order(links, stats, min_tries=20)
        assert suggestion.step_ids == [steps[1].pk, steps[0].pk, steps[2].pk]
        assert [row.link.step.severity for row in suggestion.rows] == [1, 1, 4]

    def test_steps_with_too_few_tries_keep_their_place(self):
        _, steps, links = self.build([(Severity.QUICK, 1)] * 3)
        stats = self.stats(links, [(1, 50), (5, 5), (40, 50)])
        suggestion = reports.suggest_order(links, stats, min_tries=20)
        assert suggestion.step_ids == [steps[2].pk, steps[1].pk, steps[0].pk]
        assert suggestion.rows[1].moved == 0

    def test_no_change_when_the_order_is_already_best(self):
        _, _, links = self.build([(Severity.QUICK, 1)] * 2)
        suggestion = reports.suggest_order(
            links, self.stats(links, [(60, 100), (10, 100)]), min_tries=20
        )
        assert not suggestion.changed


@pytest.fixture
def outcomes_data(guide):
    """Sessions and votes for the guide's symptom, some recent and some rolled up long ago."""
    _, symptom, steps, _ = guide
    for answers in ["y", "y", "ny", "nny", "nnn", "cn"]:
        record(symptom, steps, answers, note="No Apple ID password to hand")
    record(symptom, steps, "n", outcome=Outcome.OPEN)  # no answer since yesterday: abandoned
    record(symptom, steps, "y", days_ago=60)  # outside the default 30 days
    ArticleVote.objects.create(
        symptom=symptom, voter=recording.new_key(), helpful=True, version="11111111"
    )
    ArticleVote.objects.create(
        symptom=symptom,
        voter=recording.new_key(),
        helpful=False,
        reason="outdated",
        comment="=HYPERLINK(evil)",
        version="22222222",
    )
    return symptom, steps


class TestSymptomDashboard:
    def test_counts_funnel_and_steps(self, admin_client, outcomes_data):
        symptom, steps = outcomes_data
        response = admin_client.get(dashboard_url(symptom))
        html = response.content.decode()
        assert response.status_code == 200
        totals = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)", html))
        assert totals == {
            "Started": "7",
            "Resolved": "4",
            "Reached the end page": "2",
            "Abandoned": "1",
            "In progress": "0",
        }
        # The chart is an image with a text alternative, and its figures are a table too.
        assert '<svg role="img" aria-labelledby="funnel-caption"' in html
        assert "Resolved at this step (striped)" in html
        step_rows = re.findall(
            r'<th scope="row">(Step \d|Started|End page)</th><td>(\d+)</td><td>(\d+)</td>', html
        )
        assert step_rows == [
            ("Started", "7", "0"),
            ("Step 1", "7", "2"),
            ("Step 2", "4", "1"),
            ("Step 3", "2", "1"),
            ("End page", "2", "0"),
        ]
        # Step 1: tried 6 (2 fixed), 1 couldn't do it, with the reason and the note.
        assert "Fixes it for about 1 in 3 people (between 10 % and 70 %)" in html
        assert "I don&#x27;t know the password or passcode it asks for: 1" in html
        assert "No Apple ID password to hand" in html

    def test_the_period_can_reach_back_to_rolled_up_days(self, admin_client, outcomes_data):
        symptom, _ = outcomes_data
        recording.purge(days=30)  # the 60-day-old session becomes a daily count
        assert SessionTally.objects.filter(symptom=symptom).exists()
        today = timezone.localdate()
        start = (today - timedelta(days=90)).isoformat()
        html = admin_client.get(dashboard_url(symptom, start=start)).content.decode()
        assert "<dt>Started</dt><dd>8</dd>" in html
        assert "<dt>Resolved</dt><dd>5 <span" in html

    def test_votes_per_version_with_reasons(self, admin_client, outcomes_data):
        symptom, _ = outcomes_data
        html = admin_client.get(dashboard_url(symptom)).content.decode()
        assert "1 of 2 said yes (50%)" in html
        assert "My screen looks different from what it describes: 1" in html
        assert "<code>22222222</code>" in html

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("start=2026-13-01", "Enter a valid date."),
            ("start=2026-11-20&end=2026-01-01", "The start date is after the end date."),
            ("start=2000-01-01&end=2026-01-01", "at most ten years"),
            ("start=1900-01-01", "Enter a date between 1 January 2000"),
        ],
    )
    def test_a_bad_period_is_explained_not_a_crash(self, admin_client, guide, query, message):
        url = f"{dashboard_url(guide[1])}?{query}"
        response = admin_client.get(url)
        assert response.status_code == 200
        assert message in response.content.decode()
        overview = admin_client.get(f"{reverse('admin:troubleshooting_outcomes')}?{query}")
        assert overview.status_code == 200

    def test_unknown_symptoms_are_404(self, admin_client):
        for object_id in ["999999", "abc"]:
            url = f"/admin/troubleshooting/symptom/{object_id}/outcomes/"
            assert admin_client.get(url).status_code == 404

    def test_a_fixed_number_of_queries_however_much_was_recorded(
        self, admin_client, outcomes_data, django_assert_max_num_queries
    ):
        symptom, steps = outcomes_data
        url = dashboard_url(symptom)
        with django_assert_max_num_queries(30) as small:
            admin_client.get(url)
        for _ in range(30):
            record(symptom, steps, "nnc")
        extra = make_step()
        SymptomStep.objects.create(symptom=symptom, step=extra, position=50)
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert admin_client.get(url).status_code == 200

    def test_the_csv_has_every_step_and_defuses_formulas(self, admin_client, outcomes_data):
        symptom, steps = outcomes_data
        steps[0].title = "=SUM(A1)"
        steps[0].save()
        response = admin_client.get(
            reverse("admin:troubleshooting_symptom_outcomes_csv", args=[symptom.pk])
        )
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][:5] == ["position", "step", "severity", "tried", "fixed"]
        assert rows[1][:5] == ["1", "'=SUM(A1)", "Quick and safe", "6", "2"]
        assert len(rows) == 1 + len(steps)


class TestOverview:
    def test_every_symptom_with_its_figures_and_searches_that_found_nothing(
        self, admin_client, outcomes_data
    ):
        symptom, _ = outcomes_data
        quiet = make_symptom(title="Nobody has this problem")
        SearchMiss.objects.create(query="blue bubble", count=4)
        html = admin_client.get(reverse("admin:troubleshooting_outcomes")).content.decode()
        assert symptom.title in html
        assert quiet.title in html
        assert "<dt>Started</dt><dd>7</dd>" in html
        assert "blue bubble" in html
        assert html.index(symptom.title) < html.index(quiet.title)  # busiest first

    def test_csv(self, admin_client, outcomes_data):
        symptom, _ = outcomes_data
        response = admin_client.get(reverse("admin:troubleshooting_outcomes_csv"))
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        row = next(r for r in rows if r[1] == symptom.title)
        # Sessions begun during a known issue are left out of the others; then the language.
        assert row[2:] == ["7", "4", "2", "1", "0", "57.1", "1", "1", "0", "all"]

    def test_linked_from_the_symptom_admin(self, admin_client, guide):
        changelist = admin_client.get(reverse("admin:troubleshooting_symptom_changelist"))
        assert reverse("admin:troubleshooting_outcomes") in changelist.content.decode()
        change = admin_client.get(
            reverse("admin:troubleshooting_symptom_change", args=[guide[1].pk])
        )
        assert dashboard_url(guide[1]) in change.content.decode()


class TestPermissions:
    def staff(self, *codenames):
        user = User.objects.create_user("editor", password="pw", is_staff=True)
        user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
        return user

    def test_anonymous_people_are_sent_to_log_in(self, client, guide):
        response = client.get(dashboard_url(guide[1]))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]

    def test_staff_without_the_view_permission_are_refused(self, client, guide):
        client.force_login(self.staff())
        assert client.get(dashboard_url(guide[1])).status_code == 403
        assert client.get(reverse("admin:troubleshooting_outcomes_csv")).status_code == 403

    def test_viewers_see_but_cannot_reorder(self, client, outcomes_data):
        symptom, steps = outcomes_data
        client.force_login(self.staff("view_symptom"))
        html = client.get(dashboard_url(symptom)).content.decode()
        assert "Apply the suggested order" not in html
        url = reverse("admin:troubleshooting_symptom_apply_order", args=[symptom.pk])
        assert client.post(url, {"token": "x"}).status_code == 403


class TestApplyingTheSuggestion:
    @pytest.fixture
    def evidence(self, guide, settings):
        settings.OUTCOMES_MIN_TRIES_TO_REORDER = 5
        _, symptom, steps, _ = guide
        for _ in range(10):
            record(symptom, steps, "nny")  # the third step fixes it every time
        return symptom, steps

    def test_one_action_applies_the_order_shown(self, admin_client, evidence):
        symptom, steps = evidence
        html = admin_client.get(dashboard_url(symptom)).content.decode()
        assert "Apply the suggested order" in html
        token = re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)
        url = reverse("admin:troubleshooting_symptom_apply_order", args=[symptom.pk])
        response = admin_client.post(url, {"token": token}, follow=True)
        assert "The steps are in the suggested order now." in response.content.decode()
        order = list(
            SymptomStep.objects.filter(symptom=symptom)
            .order_by("position")
            .values_list("step", flat=True)
        )
        assert order[0] == steps[2].pk
        # Positions are reused, and the editor's action is in the admin history.
        assert sorted(SymptomStep.objects.values_list("position", flat=True)) == [1, 2, 3]
        assert LogEntry.objects.filter(object_id=str(symptom.pk)).exists()
        # ...and in its revision history, so it can be undone from there.
        latest = Version.objects.get_for_object(symptom).first()
        assert latest.revision.get_comment() == "Reordered the steps as suggested by outcomes."

    def test_a_stale_suggestion_moves_nothing(self, admin_client, evidence):
        symptom, steps = evidence
        before = list(SymptomStep.objects.order_by("position").values_list("step", flat=True))
        url = reverse("admin:troubleshooting_symptom_apply_order", args=[symptom.pk])
        response = admin_client.post(url, {"token": "0000000000000000"}, follow=True)
        assert "nothing was moved" in response.content.decode()
        after = list(SymptomStep.objects.order_by("position").values_list("step", flat=True))
        assert before == after

    def test_it_needs_a_post(self, admin_client, evidence):
        url = reverse("admin:troubleshooting_symptom_apply_order", args=[evidence[0].pk])
        assert admin_client.get(url).status_code == 405


class TestSyntheticOutcomes:
    def test_refused_on_a_live_site(self, guide, settings):
        settings.DEBUG = False
        with pytest.raises(CommandError, match="fake outcomes"):
            call_command("generate_outcomes")

    def test_fills_the_dashboards(self, admin_client, guide):
        out = StringIO()
        call_command("generate_outcomes", sessions=200, votes=30, days=120, force=True, stdout=out)
        assert "Added 200 guided sessions and 30 votes" in out.getvalue()
        rolled = sum(SessionTally.objects.values_list("count", flat=True))
        assert FlowSession.objects.count() + rolled == 200
        assert rolled > 0  # older than the retention period: added up, as purging does
        assert StepAnswer.objects.exists()
        html = admin_client.get(dashboard_url(guide[1])).content.decode()
        assert "No guided fixes of this symptom in this period." not in html
