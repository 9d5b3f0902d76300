"""Guided fixes begun during a known issue are marked, and counted apart in the dashboards."""

import pytest

from tests.factories import make_guide
from tests.troubleshooting.known_issue_factories import make_issue
from troubleshooting.models import FlowSession, IssueState, Result
from troubleshooting.outcomes import recording, reports

pytestmark = pytest.mark.django_db


def begin(client, symptom):
    response = client.get(symptom.get_flow_url())
    assert response.status_code == 302
    return FlowSession.objects.latest("pk")


def test_a_session_begun_while_an_issue_affects_its_symptom_is_marked(client):
    guide, other = make_guide(2), make_guide(2)
    issue = make_issue(symptoms=[guide[1]])
    assert begin(client, guide[1]).known_issue == issue
    assert begin(client, other[1]).known_issue is None


def test_a_topic_wide_issue_marks_its_symptoms_sessions(client):
    guide = make_guide(2)
    issue = make_issue(topics=[guide[0]])
    assert begin(client, guide[1]).known_issue == issue


def test_sessions_after_it_is_resolved_are_not_marked(client):
    guide = make_guide(2)
    issue = make_issue(symptoms=[guide[1]])
    issue.state = IssueState.RESOLVED
    issue.save()
    assert begin(client, guide[1]).known_issue is None


def test_dashboards_count_marked_sessions_apart_from_the_rates(client, admin_client):
    topic, symptom, steps, _ = make_guide(2)
    period = reports.Period.last(7)
    plain = recording.start_session(symptom)
    recording.record_answer(
        key=plain, symptom=symptom, number=1, step=steps[0], result=Result.FIXED, is_last=False
    )
    make_issue(symptoms=[symptom])
    marked = recording.start_session(symptom)
    recording.record_answer(
        key=marked,
        symptom=symptom,
        number=1,
        step=steps[0],
        result=Result.NOT_FIXED,
        is_last=False,
    )
    report = reports.symptom_report(symptom.pk, period)
    assert report.during_known_issue == 1
    assert report.sessions.started == 1 and report.sessions.resolved == 1
    assert report.steps[0].fixed == 1 and report.steps[0].not_fixed == 0
    (row,) = [row for row in reports.overview(period) if row.symptom == symptom]
    assert row.during_known_issue == 1 and row.sessions.started == 1
    page = admin_client.get(f"/admin/troubleshooting/symptom/{symptom.pk}/outcomes/").text
    assert "1 more session began while a known issue affected this symptom" in page
    overview = admin_client.get("/admin/troubleshooting/symptom/outcomes/").text
    assert "During a known issue" in overview
