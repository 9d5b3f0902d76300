"""Outcomes carry the visitor's language, and the editors' figures can be read per language."""

import csv
import io
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from troubleshooting.models import (
    AnswerTally,
    ArticleVote,
    FlowSession,
    Outcome,
    SearchMiss,
    SearchQuery,
    SessionTally,
    StepAnswer,
    SymptomStep,
    VoteTally,
)
from troubleshooting.outcomes import languages, recording
from troubleshooting.outcomes.languages import recorded_language, validate_language
from troubleshooting.search import usage

pytestmark = pytest.mark.django_db

OVERVIEW = "admin:troubleshooting_outcomes"


def session(symptom, steps, answers: str, *, language: str, days_ago: int = 1):
    """Add one finished guided session in ``language``; one letter per step, as in the URL."""
    started = timezone.now() - timedelta(days=days_ago)
    resolved = answers.endswith("y")
    made = FlowSession.objects.create(
        key=recording.new_key(),
        symptom=symptom,
        started_at=started,
        last_active_at=started,
        outcome=Outcome.RESOLVED if resolved else Outcome.ENDED,
        resolved_number=len(answers) if resolved else None,
        language=language,
    )
    for number, (step, result) in enumerate(zip(steps, answers, strict=False), start=1):
        StepAnswer.objects.create(session=made, number=number, step=step, result=result)
    return made


def vote(symptom, *, language: str, helpful: bool = False, days_ago: int = 1):
    when = timezone.now() - timedelta(days=days_ago)
    return ArticleVote.objects.create(
        symptom=symptom,
        voter=recording.new_key(),
        helpful=helpful,
        reason="" if helpful else "hard",
        version="abcd1234",
        language=language,
        created_at=when,
        updated_at=when,
    )


@pytest.fixture
def mixed(guide, settings):
    """Three Spanish and two English sessions this month; two more Spanish, long rolled up."""
    settings.OUTCOMES_RETENTION_DAYS = 30
    _, symptom, steps, _ = guide
    for answers in ["y", "ny", "nnn"]:
        session(symptom, steps, answers, language="es")
    for answers in ["y", "y"]:
        session(symptom, steps, answers, language="en")
    session(symptom, steps, "y", language="es", days_ago=40)
    session(symptom, steps, "nny", language="fr", days_ago=40)
    vote(symptom, language="es", days_ago=40)
    recording.purge()  # the 40-day-old ones now live in tallies only
    vote(symptom, language="es")
    vote(symptom, language="en", helpful=True)
    return symptom, steps


def figure(html: str, label: str) -> str:
    """Return the number an editor reads beside ``label`` in a dashboard's totals."""
    start = html.index(f"<dt>{label}</dt><dd>") + len(f"<dt>{label}</dt><dd>")
    return html[start:].split("<", 1)[0].strip()


class TestRecordedLanguage:
    @pytest.mark.parametrize(
        ("code", "recorded"),
        [("es", "es"), ("fr", "fr"), ("en-gb", "en"), ("es-mx", "es"), ("fr-CA", "fr")],
    )
    def test_a_variant_is_recorded_as_its_language(self, code, recorded):
        assert recorded_language(code) == recorded

    @pytest.mark.parametrize("code", ["de", "pt-br", "xx", "../../etc", "e" * 300])
    def test_a_language_the_site_does_not_serve_is_recorded_as_english(self, code):
        assert recorded_language(code) == "en"

    def test_the_active_language_is_the_default(self):
        assert recorded_language() == "en"  # LANGUAGE_CODE en-gb, the source language
        with translation.override("fr"):
            assert recorded_language() == "fr"

    def test_a_change_to_the_sites_languages_is_followed_at_once(self, settings):
        assert recorded_language("de") == "en"
        settings.LANGUAGES = [*settings.LANGUAGES, ("de", "Deutsch")]
        assert recorded_language("de") == "de"
        settings.LANGUAGES = settings.LANGUAGES[:-1]
        assert recorded_language("de") == "en"

    def test_codes_from_anywhere_are_remembered_only_up_to_a_bound(self):
        for number in range(200):
            assert recorded_language(f"x{number}") == "en"
        assert len(languages._recorded) <= languages._REMEMBERED

    def test_the_models_refuse_a_language_the_site_does_not_serve(self):
        with pytest.raises(ValidationError, match="Choose one of the site's languages."):
            validate_language("de")
        validate_language("fr")
        field = SearchMiss._meta.get_field("language")
        assert field.default == "en" and validate_language in field.validators


class TestRecording:
    def test_a_guided_fix_and_its_answers_are_in_the_language_it_began_in(self, client, guide):
        symptom = guide[1]
        with translation.override("es"):
            step_one = client.get(symptom.get_flow_url())["Location"]
            assert client.post(step_one, {"answer": "n"}).status_code == 303
        made = FlowSession.objects.get()
        assert made.language == "es"
        assert made.answers.count() == 1

    def test_an_answer_from_an_old_link_starts_a_session_in_its_language(self, client, guide):
        symptom = guide[1]
        with translation.override("fr"):
            step_one = client.get(symptom.get_flow_url())["Location"].split("?")[0]
        assert step_one.startswith("/fr/")
        FlowSession.objects.all().delete()
        assert client.post(step_one, {"answer": "n"}).status_code == 303
        assert FlowSession.objects.get().language == "fr"

    def test_english_unless_another_language_is_active(self, client, guide):
        client.get(guide[1].get_flow_url())
        assert FlowSession.objects.get().language == "en"

    def test_a_vote_is_recorded_with_its_language(self, client, guide):
        symptom = guide[1]
        with translation.override("es"):
            url = reverse(
                "troubleshooting:symptom_feedback", args=[symptom.topic.slug, symptom.slug]
            )
        assert url.startswith("/es/")
        client.post(url, {"helpful": "no", "reason": "hard"})
        assert ArticleVote.objects.get().language == "es"

    def test_searches_are_counted_per_language(self, client, guide, settings):
        settings.SEARCH_COUNT_SECONDS = 0
        client.get("/es/search/?q=zzyzx")
        client.get("/es/search/?q=zzyzx")
        client.get("/search/?q=zzyzx")
        misses = dict(SearchMiss.objects.values_list("language", "count"))
        assert misses == {"es": 2, "en": 1}
        searches = dict(SearchQuery.objects.values_list("language", "searches"))
        assert searches == {"es": 2, "en": 1}

    def test_a_result_opened_counts_in_the_language_of_its_search(self, guide):
        with translation.override("fr"):
            usage.record_open("redemarrer", kind="symptom", object_id=guide[1].pk, title="T")
        opened = SearchQuery.objects.get()
        assert (opened.language, opened.opens, opened.results_opened.get().count) == ("fr", 1, 1)


class TestTallies:
    def test_a_roll_up_keeps_languages_apart(self, guide, settings):
        settings.OUTCOMES_RETENTION_DAYS = 30
        _, symptom, steps, _ = guide
        for language in ["es", "es", "en"]:
            session(symptom, steps, "ny", language=language, days_ago=40)
            vote(symptom, language=language, days_ago=40)
        recording.purge()
        sessions = dict(SessionTally.objects.values_list("language", "count"))
        assert sessions == {"es": 2, "en": 1}
        answers = AnswerTally.objects.filter(number=2)
        assert dict(answers.values_list("language", "count")) == {"es": 2, "en": 1}
        assert dict(VoteTally.objects.values_list("language", "count")) == {"es": 2, "en": 1}

    def test_a_later_roll_up_adds_to_its_own_language(self, guide, settings):
        settings.OUTCOMES_RETENTION_DAYS = 30
        _, symptom, steps, _ = guide
        session(symptom, steps, "y", language="fr", days_ago=40)
        recording.purge()
        session(symptom, steps, "y", language="fr", days_ago=40)
        session(symptom, steps, "y", language="en", days_ago=40)
        recording.purge()
        assert dict(SessionTally.objects.values_list("language", "count")) == {"fr": 2, "en": 1}


class TestDashboards:
    def test_the_overview_in_spanish_counts_only_spanish_sessions(self, admin_client, mixed):
        url = reverse(OVERVIEW)
        everyone = admin_client.get(url).content.decode()
        assert figure(everyone, "Started") == "5"
        spanish = admin_client.get(f"{url}?language=es").content.decode()
        assert figure(spanish, "Started") == "3"
        assert figure(spanish, "Resolved") == "2"
        assert "Counted in Español only." in spanish
        assert '<option value="es" selected>Español</option>' in spanish

    def test_the_filter_reads_tallies_too(self, admin_client, mixed):
        long_ago = f"start={timezone.localdate() - timedelta(days=90)}"
        url = reverse(OVERVIEW)
        spanish = admin_client.get(f"{url}?{long_ago}&language=es").content.decode()
        assert figure(spanish, "Started") == "4"  # 3 this month, 1 rolled up
        french = admin_client.get(f"{url}?{long_ago}&language=fr").content.decode()
        assert figure(french, "Started") == "1"  # only in a tally

    def test_a_symptoms_dashboard_in_one_language(self, admin_client, mixed):
        symptom, _ = mixed
        url = reverse("admin:troubleshooting_symptom_outcomes", args=[symptom.pk])
        english = admin_client.get(f"{url}?language=en").content.decode()
        assert figure(english, "Started") == "2"
        assert figure(english, "Reached the end page") == "0"
        spanish = admin_client.get(f"{url}?language=es").content.decode()
        assert figure(spanish, "Started") == "3"
        assert figure(spanish, "Reached the end page") == "1"

    def test_links_and_presets_keep_the_language(self, admin_client, mixed):
        symptom, _ = mixed
        html = admin_client.get(f"{reverse(OVERVIEW)}?language=fr").content.decode()
        assert "&amp;language=fr" in html  # the presets
        dashboard = reverse("admin:troubleshooting_symptom_outcomes", args=[symptom.pk])
        assert f"{dashboard}?language=fr" in html
        assert f"{reverse('admin:troubleshooting_outcomes_csv')}?language=fr" in html

    def test_the_csv_says_which_language_it_counts(self, admin_client, mixed):
        symptom, _ = mixed
        response = admin_client.get(f"{reverse('admin:troubleshooting_outcomes_csv')}?language=es")
        assert "-es.csv" in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][-1] == "language"
        row = next(r for r in rows if r[1] == symptom.title)
        assert (row[2], row[-1]) == ("3", "es")
        everyone = admin_client.get(reverse("admin:troubleshooting_outcomes_csv"))
        rows = list(csv.reader(io.StringIO(everyone.content.decode())))
        assert next(r for r in rows if r[1] == symptom.title)[-1] == "all"

    def test_a_symptoms_csv_says_which_language_it_counts(self, admin_client, mixed):
        symptom, _ = mixed
        url = reverse("admin:troubleshooting_symptom_outcomes_csv", args=[symptom.pk])
        rows = list(
            csv.reader(io.StringIO(admin_client.get(f"{url}?language=en").content.decode()))
        )
        assert rows[0][-1] == "language"
        assert rows[1][3:5] == ["2", "2"]  # step 1: tried by the two English, fixed both
        assert {row[-1] for row in rows[1:]} == {"en"}

    @pytest.mark.parametrize("bad", ["de", "xx", "es-mx", "%00", "ES"])
    def test_an_unknown_language_is_a_form_error_and_a_400_for_downloads(
        self, admin_client, mixed, bad
    ):
        symptom, _ = mixed
        page = admin_client.get(reverse(OVERVIEW), {"language": bad})
        assert page.status_code == 200
        html = page.content.decode()
        assert "Choose a language from the list." in html
        assert figure(html, "Started") == "5"  # the default: all languages
        for name, args in [
            ("admin:troubleshooting_outcomes_csv", []),
            ("admin:troubleshooting_symptom_outcomes_csv", [symptom.pk]),
        ]:
            download = admin_client.get(reverse(name, args=args), {"language": bad})
            assert download.status_code == 400
            assert "Choose a language from the list." in download.content.decode()

    def test_the_language_costs_no_extra_query(
        self, admin_client, mixed, django_assert_max_num_queries
    ):
        url = reverse(OVERVIEW)
        with django_assert_max_num_queries(30) as everyone:
            admin_client.get(url)
        with django_assert_max_num_queries(len(everyone.captured_queries)):
            admin_client.get(f"{url}?language=es")


class TestEditorsHome:
    def test_the_home_counts_outcomes_in_the_language_chosen(self, admin_client, mixed):
        symptom, _ = mixed
        SearchMiss.objects.create(query="mensaje verde", language="es", count=3)
        SearchMiss.objects.create(query="green bubble", language="en", count=1)
        SearchMiss.objects.create(query="bulle verte", language="fr", count=1)
        home = reverse("admin:index")
        everyone = admin_client.get(home).content.decode()
        assert 'id="attention-votes" data-count="1"' in everyone
        assert 'id="attention-searches" data-count="3"' in everyone
        spanish = admin_client.get(f"{home}?language=es").content.decode()
        assert 'id="attention-votes" data-count="1"' in spanish
        assert 'id="attention-searches" data-count="1"' in spanish
        assert "1 search found nothing." in spanish and "Counted in Español only." in spanish
        assert "mensaje verde" in spanish and "green bubble" not in spanish
        assert f"{reverse(OVERVIEW)}?language=es" in spanish
        searches = reverse("admin:troubleshooting_searchmiss_changelist")
        assert f"{searches}?language=es" in spanish
        english = admin_client.get(f"{home}?language=en").content.decode()
        assert 'id="attention-votes" data-count="0"' in english

    def test_an_unknown_language_on_the_home_is_a_form_error(self, admin_client, guide):
        response = admin_client.get(reverse("admin:index"), {"language": "klingon"})
        assert response.status_code == 200
        assert "Choose a language from the list." in response.content.decode()

    def test_content_gaps_in_one_language(self, admin_client, guide):
        SearchMiss.objects.create(query="mensaje verde", language="es", count=3)
        SearchMiss.objects.create(query="green bubble", language="en", count=1)
        SearchQuery.objects.create(query="no llega", language="es", searches=4)
        SearchQuery.objects.create(query="no llega", language="fr", searches=4)
        url = reverse("admin:troubleshooting_searchquery_gaps")
        html = admin_client.get(f"{url}?language=fr").content.decode()
        assert "no llega" in html and "mensaje verde" not in html and "green bubble" not in html
        bad = admin_client.get(f"{url}?language=zz")
        assert bad.status_code == 200
        assert "Choose a language from the list." in bad.content.decode()


class TestDemoOutcomes:
    def test_mostly_english_with_spanish_and_french(self, guide):
        call_command(
            "generate_outcomes", sessions=400, votes=200, days=10, force=True, stdout=StringIO()
        )
        for model in (FlowSession, ArticleVote):
            share = {
                code: model.objects.filter(language=code).count() / model.objects.count()
                for code in ("en", "es", "fr")
            }
            assert share["en"] > 0.55
            assert share["es"] > share["fr"] > 0.03


class TestSearchLists:
    @pytest.mark.parametrize("model", ["searchmiss", "searchquery"])
    def test_the_lists_filter_by_language(self, admin_client, guide, model):
        SearchMiss.objects.create(query="mensaje verde", language="es")
        SearchMiss.objects.create(query="green bubble", language="en")
        SearchQuery.objects.create(query="mensaje verde", language="es", searches=2)
        SearchQuery.objects.create(query="green bubble", language="en", searches=2)
        url = reverse(f"admin:troubleshooting_{model}_changelist")
        html = admin_client.get(f"{url}?language=es").content.decode()
        assert "mensaje verde" in html and "green bubble" not in html
        assert "Español" in html


class TestSuggestionInOneLanguage:
    def test_the_order_suggested_from_one_language_is_the_one_applied(
        self, admin_client, guide, settings
    ):
        settings.OUTCOMES_MIN_TRIES_TO_REORDER = 5
        _, symptom, steps, _ = guide
        for _ in range(10):
            session(symptom, steps, "nny", language="es")  # the third step fixes it in Spanish
            session(symptom, steps, "y", language="en")
        url = reverse("admin:troubleshooting_symptom_outcomes", args=[symptom.pk])
        html = admin_client.get(f"{url}?language=es").content.decode()
        assert "counts visitors in Español only; the order applies in every language" in html
        fields = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', html))
        assert fields["language"] == "es"
        apply = reverse("admin:troubleshooting_symptom_apply_order", args=[symptom.pk])
        response = admin_client.post(apply, fields, follow=True)
        assert "The steps are in the suggested order now." in response.content.decode()
        first = SymptomStep.objects.filter(symptom=symptom).order_by("position").first()
        assert first.step_id == steps[2].pk
