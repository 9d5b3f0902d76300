"""Drawings of what people see, and the layout around them, in the rendered pages."""

import re
from html import unescape

import pytest

from tests.factories import make_cause, make_step, make_symptom
from troubleshooting.flow import Flow
from troubleshooting.models import FixStep, Severity, Symptom, TriageQuestion
from troubleshooting.templatetags.pictures import BUTTONS, MESSAGE_STATES, SWITCHES, choice_state


def main_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = unescape(response.content.decode())
    return html[html.index('<main id="main"') : html.index("</main>")]


def drawings(main: str) -> list[str]:
    """The text alternatives of the drawings on a page."""
    return re.findall(r'class="pic [^"]*" role="img" aria-label="([^"]+)"', main)


@pytest.mark.django_db
def test_every_demo_symptom_opens_with_its_message_state(client, demo_content):
    for symptom in Symptom.objects.all():
        labels = drawings(main_of(client, symptom.get_absolute_url()))
        assert labels, symptom.slug
        assert "message bubble" in labels[0], symptom.slug


@pytest.mark.django_db
def test_the_first_triage_answers_each_show_their_message_state(client, demo_content):
    question = TriageQuestion.objects.get(is_start=True)
    states = [choice_state(choice) for choice in question.choices.all()]
    assert sorted(states) == sorted(MESSAGE_STATES), states  # every state, once
    main = main_of(client, question.get_absolute_url())
    # The drawing repeats the answer's words, so it is hidden from screen readers there.
    assert main.count('class="pic pic-message" aria-hidden="true"') == len(states)
    for words in ["Sending…", "Not Delivered", "Delivered", "Read 10:42", "msg-green"]:
        assert words in main, words
    assert 'class="msg-alert"' in main  # the red exclamation mark


@pytest.mark.django_db
def test_a_settings_path_is_drawn_as_rows_ending_with_the_switch(client, demo_content):
    step = FixStep.objects.get(slug="turn-imessage-off-and-on")
    symptom = Symptom.objects.get(slug="stuck-on-sending")
    flow = Flow.for_symptom(symptom)
    number = [s.slug for s in flow.steps].index(step.slug) + 1
    for url in [flow.step_url(number, "n" * (number - 1)), symptom.get_absolute_url()]:
        main = main_of(client, url)
        assert (
            "Tap through: Settings, then Messages, then the iMessage switch, turned on."
            in drawings(main)
        )
        assert 'class="set-switch"' in main


@pytest.mark.django_db
def test_every_demo_settings_path_and_risky_step_has_its_drawing(client, demo_content):
    for slug in [*SWITCHES, *BUTTONS]:
        assert FixStep.objects.filter(slug=slug).exists(), f"no demo step {slug}"
    reset = FixStep.objects.get(slug="reset-all-settings")
    symptom = reset.symptoms.first()
    main = main_of(client, symptom.get_absolute_url())
    assert (
        "On the Reset screen, tap “Reset All Settings”. "
        "Don't tap “Erase All Content and Settings”, close to it." in drawings(main)
    )
    assert re.search(
        r"btn-avoid\">Erase All Content and Settings<span class=\"btn-tag\">Not this", main
    )


@pytest.mark.django_db
def test_a_reassurance_looks_different_from_a_warning(client):
    safe = make_step(severity=Severity.QUICK, warning="")
    risky = make_step(severity=Severity.DESTRUCTIVE, warning="It deletes things.")
    main = main_of(client, make_symptom(steps=[safe, risky]).get_absolute_url())
    assert main.count('<p class="reassure">') == 1
    assert main.count('<div class="warning" role="note">') == 1
    assert "you won't lose any data" in main


@pytest.mark.django_db
def test_an_article_has_contents_and_folds_a_long_list_of_causes(client):
    causes = [make_cause(title=f"Cause number {n}") for n in range(5)]
    main = main_of(client, make_symptom(steps=[make_step()], causes=causes).get_absolute_url())
    toc = main[main.index('<nav class="toc') : main.index("</nav>", main.index('<nav class="toc'))]
    for anchor in ["#meaning-heading", "#causes-heading", "#steps-heading", "#next-heading"]:
        assert f'href="{anchor}"' in toc
        assert f'id="{anchor[1:]}"' in main
    folded = main[main.index('<details class="more-causes">') :]
    assert "2 more possible causes" in folded
    assert main.count("Cause number") == 5
    assert folded.count("Cause number") == 2


@pytest.mark.django_db
def test_a_short_list_of_causes_is_not_folded(client):
    symptom = make_symptom(steps=[make_step()], causes=[make_cause(), make_cause()])
    assert "more-causes" not in main_of(client, symptom.get_absolute_url())


@pytest.mark.django_db
def test_the_end_page_leads_with_what_was_tried_then_each_way_on_once(client, demo_content):
    symptom = Symptom.objects.get(slug="only-one-contact")
    flow = Flow.for_symptom(symptom)
    main = main_of(client, flow.end_url("n" * len(flow)))
    order = [
        main.index("What you tried"),
        main.index("data-copy-summary"),
        main.index("Where to go next"),
        main.index("Send this guide to the other person"),
    ]
    assert order == sorted(order)
    assert main.count("data-copy-summary hidden") == 1  # shown by the script where it works
    assert main.count("data-share-summary hidden") == 1
    assert main.count("Send this guide") == 1
    assert main.count("Apple Support") <= 1


@pytest.mark.django_db
def test_the_resolved_page_names_the_step_that_worked(client, demo_content):
    flow = Flow.for_symptom(Symptom.objects.get(slug="stuck-on-sending"))
    main = main_of(client, flow.fixed_url("nny"))
    assert f"It was step 3, <strong>{flow.steps[2].title}</strong>, that did it." in main
    assert "What you tried before that (2)" in main
    first = main_of(client, flow.fixed_url("y"))
    assert "sticking with it" not in first
    assert "What you tried before that" not in first


@pytest.mark.django_db
def test_the_answers_sit_in_a_bar_with_no_as_the_main_answer(client):
    for step in [make_step(), make_step(severity=Severity.DESTRUCTIVE, warning="Deletes.")]:
        flow = Flow.for_symptom(make_symptom(steps=[step]))
        main = main_of(
            client, flow.step_url(1, "", **({"confirm": "1"} if step.is_destructive else {}))
        )
        bar = main[main.index('class="answer-bar"') :]
        assert re.search(r'value="n" class="button button-main">No, still not working', bar)
        assert re.search(r'value="s" class="button button-quiet">', bar)
        assert re.search(r'value="y" class="button button-yes">', bar)
    warning = main_of(client, flow.step_url(1, ""))
    assert 'class="answer-bar answer-bar-confirm"' in warning
    assert 'class="button button-main">Show me how' in warning


@pytest.mark.django_db
def test_a_message_drawing_kept_rendered_is_in_each_pages_language(client, demo_content):
    english_url = Symptom.objects.get(slug="stuck-on-sending").get_absolute_url()
    english = drawings(main_of(client, english_url))[0]
    # The English slugs under /es/ lead to the Spanish ones.
    spanish_url = client.get(f"/es{english_url}")["Location"]
    for _ in range(2):  # drawn, then the kept drawing
        assert drawings(main_of(client, spanish_url))[0] != english
        assert drawings(main_of(client, english_url))[0] == english
