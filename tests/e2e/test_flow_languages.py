"""The guided fix in Spanish and French, with JavaScript and without: to a fix, and to the end.

Every word the test clicks or expects comes from the translations themselves (the catalogues and
the demo guide's translated items), so it walks what a Spanish or French reader sees. All of it
is read before the browser starts: the live server shares the test's database connection.
"""

import re
from dataclasses import dataclass

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_swapped, mark_page
from tests.e2e.test_accessibility import assert_accessible
from troubleshooting.flow import Flow
from troubleshooting.models import (
    FixStepTranslation,
    SymptomTranslation,
    TopicTranslation,
    TriageQuestionTranslation,
)

# Each language is walked with and without JavaScript, and every page of each walk is audited:
# the two walks of a case use the two colour schemes, so each kind of page is seen in both.
CASES = pytest.mark.parametrize(
    ("language", "javascript", "scheme"),
    [("es", True, "light"), ("es", False, "dark"), ("fr", True, "dark"), ("fr", False, "light")],
    ids=["es-js", "es-no-js", "fr-js", "fr-no-js"],
)
OTHER_SCHEME = {"light": "dark", "dark": "light"}


def words(language: str, text: str) -> str:
    """Return the interface's ``text`` as the site shows it in ``language``."""
    with translation.override(language):
        return translation.gettext(text)


def starting_with(text: str) -> re.Pattern:
    """Match an accessible name starting with ``text``, whatever its spaces (no-break ones)."""
    return re.compile(r"^" + r"\s+".join(re.escape(word) for word in text.split()))


def same_text(text: str) -> re.Pattern:
    """Match exactly ``text``, whatever its spaces (French puts no-break ones before ? and :)."""
    return re.compile(r"^\s*" + r"\s+".join(re.escape(word) for word in text.split()) + r"\s*$")


@dataclass(frozen=True)
class Guide:
    """What a reader of one language sees on a walk through one symptom's guided fix."""

    language: str
    topic: str  # the topic's slug in the language
    questions: list[tuple[str, str]]  # each question's prompt and the answer given
    symptom: str  # the symptom's slug in the language
    steps: list[str]  # the steps' titles, in order
    destructive: set[int]  # numbers of the steps that ask for a confirmation first
    interrupting: set[int]  # numbers of the steps that remind people to keep the link

    def step_path(self, number: int) -> str:
        return rf"/{self.language}/{self.topic}/{self.symptom}/fix/{number}/"

    def say(self, text: str) -> str:
        return words(self.language, text)


def read_guide(language: str, answers: list[tuple[str, int]], symptom_slug: str) -> Guide:
    """Read the translated guide for a walk: ``answers`` are (question slug, choice index)."""
    questions = []
    for slug, choice in answers:
        question = TriageQuestionTranslation.objects.get(source__slug=slug, language=language)
        questions.append((question.prompt, question.choices[choice]["label"]))
    symptom = SymptomTranslation.objects.select_related("source__topic").get(
        source__slug=symptom_slug, language=language
    )
    topic = TopicTranslation.objects.get(source=symptom.source.topic, language=language)
    flow = Flow.for_symptom(symptom.source)
    titles = dict(
        FixStepTranslation.objects.filter(source__in=flow.steps, language=language).values_list(
            "source_id", "title"
        )
    )
    numbered = list(enumerate(flow.steps, start=1))
    return Guide(
        language=language,
        topic=topic.slug,
        questions=questions,
        symptom=symptom.slug,
        steps=[titles[step.pk] for step in flow.steps],
        destructive={number for number, step in numbered if step.is_destructive},
        interrupting={number for number, step in numbered if step.interrupts},
    )


def not_sure(language: str) -> str:
    """The words of the home page's way into the questions, before their hidden part."""
    text = words(
        language,
        'Not sure? Answer a question<span class="visually-hidden"> about %(topic_title)s</span>',
    )
    return text.split("<")[0]


def arrive(page: Page, guide: Guide, javascript: bool, address: str, heading: str) -> None:
    """Assert the walk reached ``address`` with ``heading``, in the language, and passes axe.

    With JavaScript, htmx must have swapped the content in and moved focus to its heading.
    """
    if javascript:
        assert_swapped(page, address, same_text(heading))
    else:
        expect(page).to_have_url(re.compile(address))
        expect(page.locator("h1")).to_have_text(same_text(heading))
    expect(page.locator("html")).to_have_attribute("lang", guide.language)
    assert_accessible(page)


def answer_questions(page: Page, site: str, guide: Guide, javascript: bool) -> None:
    """From the language's home page, answer the questions; arrive at step 1."""
    page.goto(f"{site}/{guide.language}/")
    expect(page.locator("html")).to_have_attribute("lang", guide.language)
    if javascript:
        mark_page(page)
    assert_accessible(page)
    page.get_by_role("link", name=starting_with(not_sure(guide.language))).click()
    for number, (prompt, answer) in enumerate(guide.questions):
        path = rf"/{guide.language}/{guide.topic}/fix/" + ("$" if number == 0 else r"[\w-]+/")
        arrive(page, guide, javascript, path, prompt)
        page.get_by_role("link", name=starting_with(answer)).click()
    arrive(page, guide, javascript, guide.step_path(1), guide.steps[0])
    progress = guide.say("Step %(number)s of %(total)s") % {"number": 1, "total": len(guide.steps)}
    expect(page.locator("#progress-label")).to_have_text(same_text(progress))


def confirm_the_warning(page: Page, guide: Guide, javascript: bool, number: int) -> None:
    """Confirm a destructive step's warning, as the page asks before showing how."""
    page.get_by_label(guide.say("I've read the warning and understand what I could lose.")).check()
    page.get_by_role("button", name=guide.say("Show me how")).click()
    confirmed = guide.step_path(number) + r"\?.*confirm=1"
    arrive(page, guide, javascript, confirmed, guide.steps[number - 1])


@CASES
def test_the_guided_fix_to_a_resolution(new_page, site, language, javascript, scheme):
    guide = read_guide(language, [("what-does-it-say", 3)], "delivered-no-reply")  # "Read"
    page = new_page(java_script_enabled=javascript, color_scheme=scheme)
    answer_questions(page, site, guide, javascript)
    page.get_by_role("button", name=guide.say("No, still not working")).click()
    arrive(page, guide, javascript, guide.step_path(2) + r"\?r=n&v=\w+", guide.steps[1])
    page.get_by_role("button", name=guide.say("Yes, it's fixed")).click()
    fixed = rf"/{language}/{guide.topic}/{guide.symptom}/fix/fixed/\?r=ny&v=\w+"
    arrive(page, guide, javascript, fixed, guide.say("Great, it's fixed"))
    expect(page.locator("main .lede strong")).to_have_text(guide.steps[1])  # what fixed it


@CASES
def test_the_guided_fix_to_the_end_page(new_page, site, language, javascript, scheme):
    # "Not Delivered", then "Just one person": the longest list, with every kind of step in it.
    answers = [("what-does-it-say", 1), ("not-delivered-to-whom", 1)]
    guide = read_guide(language, answers, "only-one-contact")
    assert guide.destructive and guide.interrupting
    page = new_page(java_script_enabled=javascript, color_scheme=OTHER_SCHEME[scheme])
    answer_questions(page, site, guide, javascript)
    for number in range(1, len(guide.steps) + 1):
        if number in guide.destructive:
            confirm_the_warning(page, guide, javascript, number)
        if number in guide.interrupting:
            expect(page.locator("#keep-link-heading")).to_have_text(guide.say("Keep your place"))
        page.get_by_role("button", name=guide.say("No, still not working")).click()
        if number < len(guide.steps):
            address = guide.step_path(number + 1) + rf"\?r=n{{{number}}}&v=\w+"
            arrive(page, guide, javascript, address, guide.steps[number])
    end = rf"/{language}/{guide.topic}/{guide.symptom}/fix/end/\?r=n{{{len(guide.steps)}}}&v=\w+"
    arrive(page, guide, javascript, end, guide.say("Still not working? Here's where to go next"))
    summary = page.locator("section.tried")
    expect(summary.locator("h2")).to_have_text(same_text(guide.say("What you tried")))
    for title in guide.steps:  # the summary of what was tried, in the reader's language
        expect(summary).to_contain_text(title)
