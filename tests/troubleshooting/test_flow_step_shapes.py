"""A step's htmx fragment is filled into its shape: it must be the template's own output.

The fragment's ``main`` partial is rendered once per language and kind of step with stand-ins
for everything it prints (``shaped.fill``), then each request's values are filled in. What a
person sees must stay exactly what the template makes of the step: the same section as the
whole page's, whatever the step, its answers, its language or the banners shown.
"""

import re

import pytest
from django.test import override_settings

from tests.factories import make_step, make_symptom
from tests.troubleshooting.known_issue_factories import make_issue
from tests.troubleshooting.translation_factories import translate
from troubleshooting import shaped
from troubleshooting.flow import Flow
from troubleshooting.models import Severity
from troubleshooting.outcomes import recording

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
# Whole pages carry the CSRF token in their forms; fragments send the cookie's as a header.
TOKEN = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
SWITCHER = re.compile(r'<nav id="language-switcher".*?</nav>', re.DOTALL)


def _section(html: str) -> str:
    start = html.index('<section class="wrap flow"')
    return TOKEN.sub("", html[start : html.index("</section>", start) + len("</section>")])


def _switcher(html: str) -> str:
    return SWITCHER.search(html)[0].replace(' hx-swap-oob="true"', "")


def _same_step(client, url: str) -> str:
    """Return the fragment at ``url``, having held it to the whole page's step and switcher."""
    page = client.get(url, follow=True)
    if page.redirect_chain:  # English slugs, sent on to the language's own
        url = page.redirect_chain[-1][0]
    # Twice: the first fills a new shape, the second one kept.
    fragments = [client.get(url, headers=HTMX) for _ in range(2)]
    assert page.status_code == 200
    for fragment in fragments:
        assert fragment.status_code == 200
        assert fragment.text == fragments[0].text
        assert _section(fragment.text) == _section(page.text)
        assert _switcher(fragment.text) == _switcher(page.text)
    return fragments[0].text


@pytest.mark.usefixtures("uncached_blocks")
class TestTheFragmentIsThePagesStep:
    def test_plain_destructive_and_interrupting_steps(self, client):
        steps = [
            make_step(title="Restart <your> phone & wait"),
            make_step(severity=Severity.DESTRUCTIVE),
            make_step(interrupts=True),
        ]
        symptom = make_symptom(steps=steps, title='Stuck on "Sending"')
        flow = Flow.for_symptom(symptom)
        first = _same_step(client, flow.step_url(1, ""))
        assert "Restart &lt;your&gt; phone &amp; wait" in first
        assert "Step 1 of 3" in first
        unconfirmed = _same_step(client, flow.step_url(2, "n"))
        assert 'name="confirm" value="1" required' in unconfirmed
        confirmed = _same_step(client, flow.step_url(2, "n", confirm="1"))
        assert 'name="confirmed" value="1"' in confirmed
        interrupting = _same_step(client, flow.step_url(3, "nn"))
        assert 'class="callout keep-link"' in interrupting
        assert "carry on from step 3" in interrupting

    def test_the_way_in_the_session_and_a_known_issue(self, client):
        steps = [make_step(), make_step()]
        symptom = make_symptom(steps=steps)
        make_issue(symptoms=[symptom])
        key = recording.new_key()
        flow = Flow.for_symptom(symptom).with_via("which-app").with_session(key)
        first = _same_step(client, flow.step_url(1, ""))
        assert 'class="known-issue"' in first
        assert f'name="s" value="{key}"' not in first  # only a destructive step's form has it
        second = _same_step(client, flow.step_url(2, "n"))
        assert f"via=which-app&amp;s={key}" in second
        assert 'class="known-issue"' not in second

    def test_in_another_language_translated_or_not(self, client):
        steps = [make_step(), make_step(severity=Severity.DESTRUCTIVE)]
        symptom = make_symptom(steps=steps)
        flow = Flow.for_symptom(symptom)
        # Made before any page: a response leaves its language active in the test's thread.
        plain, confirmed = flow.step_url(2, "n"), flow.step_url(2, "n", confirm="1")
        untranslated = _same_step(client, f"/es{plain}")
        assert 'class="untranslated-notice"' in untranslated
        assert "Paso 2 de 2" in untranslated
        translate(symptom.topic)
        translate(symptom)
        for step in steps:
            translate(step)
        translated = _same_step(client, f"/es{confirmed}")
        assert 'class="untranslated-notice"' not in translated
        assert f"[es] {steps[1].title}" in translated


class TestFill:
    TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "twice.html": (
                                "<a href='{{ a }}'>{{ a }}</a>{% if b %}<b>{{ b }}</b>{% endif %}"
                                "{% if flag %}!{% endif %}{{ n }}"
                            ),
                            "filtered.html": "<i>{{ a|upper }}</i>",
                        },
                    )
                ]
            },
        }
    ]

    @staticmethod
    def _context(flags, values):
        return {"a": values[0], "b": values[1], "n": values[2], "flag": flags[0]}

    def test_values_are_escaped_and_printed_where_and_as_often_as_the_template_does(self):
        with override_settings(TEMPLATES=self.TEMPLATES):
            filled = shaped.fill("twice.html", (True,), ("<x>", "y & z", 12), self._context)
            assert filled == "<a href='&lt;x&gt;'>&lt;x&gt;</a><b>y &amp; z</b>!12"
            # A false value is printed as the template prints it: another shape.
            assert shaped.fill("twice.html", (False,), ("a", "", 0), self._context) == (
                "<a href='a'>a</a>0"
            )
            assert shaped.fill("twice.html", (False,), ("a", None, 3), self._context) == (
                "<a href='a'>a</a>3"
            )

    def test_a_template_that_changes_a_value_is_left_to_render(self):
        with override_settings(TEMPLATES=self.TEMPLATES):
            context = self._context
            assert shaped.fill("filtered.html", (False,), ("a", "", 1), context) is None
            # A value printed otherwise than a string or an integer (a date, a decimal).
            assert shaped.fill("twice.html", (False,), ("a", "", 1.5), context) is None
