"""The guided fix in Spanish and French, with JavaScript and without: to a fix, and to the end.

Every word the test clicks or expects comes from the translations themselves (the catalogues and
the demo guide's translated items), so it walks what a Spanish or French reader sees.
"""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.e2e.test_accessibility import assert_accessible
from troubleshooting.flow import Flow
from troubleshooting.models import FixStepTranslation, SymptomTranslation, TriageQuestion

READ = 3  # "Read" among the first question's answers: it leads to "Delivered or Read, no reply"
LANGUAGES = ["es", "fr"]
JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])


def words(language: str, text: str) -> str:
    """Return the interface's ``text`` as the site shows it in ``language``."""
    with translation.override(language):
        return translation.gettext(text)


def starting_with(text: str) -> re.Pattern:
    """Match an accessible name starting with ``text``, whatever its spaces (no-break ones)."""
    return re.compile(r"^" + r"\s+".join(re.escape(word) for word in text.split()))


def start_the_fix(page, site: str, language: str) -> tuple[SymptomTranslation, list[str]]:
    """From the language's home page, answer "Read" to the first question; return where it led.

    Returns the symptom's translation and its steps' translated titles, in the order shown.
    """
    question = TriageQuestion.objects.get(is_start=True)
    prompt = question.translations.get(language=language)
    page.goto(f"{site}/{language}/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.get_by_role("link", name=starting_with(_not_sure(language))).click()
    expect(page.locator("h1")).to_have_text(prompt.prompt)
    answer = prompt.choices[READ]["label"]
    page.get_by_role("link", name=starting_with(answer)).click()
    symptom = SymptomTranslation.objects.get(source__slug="delivered-no-reply", language=language)
    steps = [
        FixStepTranslation.objects.get(source=step, language=language).title
        for step in Flow.for_symptom(symptom.source).steps
    ]
    expect(page).to_have_url(re.compile(rf"/{language}/[\w-]+/{symptom.slug}/fix/1/"))
    expect(page.locator("h1")).to_have_text(steps[0])
    return symptom, steps


def _not_sure(language: str) -> str:
    with translation.override(language):
        text = translation.gettext(
            'Not sure? Answer a question<span class="visually-hidden"> about %(topic_title)s</span>'
        )
    return text.split("<")[0]


@pytest.mark.parametrize("language", LANGUAGES)
@JAVASCRIPT
def test_the_guided_fix_to_a_resolution(new_page, site, language, javascript):
    page = new_page(java_script_enabled=javascript)
    _symptom, steps = start_the_fix(page, site, language)
    page.get_by_role("button", name=words(language, "No, still not working")).click()
    expect(page).to_have_url(re.compile(r"/fix/2/\?r=n&v=\w+"))
    expect(page.locator("h1")).to_have_text(steps[1])
    page.get_by_role("button", name=words(language, "Yes, it's fixed")).click()
    expect(page).to_have_url(re.compile(rf"/{language}/[\w-]+/[\w-]+/fix/fixed/\?r=ny&v=\w+"))
    expect(page.locator("h1")).to_have_text(words(language, "Great, it's fixed"))
    expect(page.locator("main")).to_contain_text(steps[1])  # what fixed it, in the language
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
@JAVASCRIPT
def test_the_guided_fix_to_the_end_page(new_page, site, language, javascript):
    page = new_page(java_script_enabled=javascript)
    symptom, steps = start_the_fix(page, site, language)
    for number in range(2, len(steps) + 1):
        page.get_by_role("button", name=words(language, "No, still not working")).click()
        expect(page).to_have_url(re.compile(rf"/fix/{number}/\?r=n+&v=\w+"))
        expect(page.locator("h1")).to_have_text(steps[number - 1])
    page.get_by_role("button", name=words(language, "No, still not working")).click()
    expect(page).to_have_url(re.compile(rf"/{symptom.slug}/fix/end/\?r=n+&v=\w+"))
    heading = words(language, "Still not working? Here's where to go next")
    expect(page.locator("h1")).to_have_text(heading)
    main = page.locator("main")
    for title in steps:  # the summary of what was tried, in the reader's language
        expect(main).to_contain_text(title)
    assert_accessible(page)
