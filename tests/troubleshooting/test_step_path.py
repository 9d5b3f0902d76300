"""Where a fix step is on the phone: said once, with one separator."""

import re
from html import unescape

import pytest

from tests.factories import make_step, make_symptom
from troubleshooting.flow import Flow
from troubleshooting.models import FixStep


@pytest.mark.django_db
def test_the_settings_path_is_shown_once_with_one_separator(client):
    step = make_step(
        settings_path="Settings > Messages > Send as SMS",
        instructions="1. Open **Settings > Messages**.\n2. Turn on **Send as SMS**.",
    )
    symptom = make_symptom(steps=[step])
    for url in [Flow.for_symptom(symptom).step_url(1, ""), symptom.get_absolute_url()]:
        html = unescape(client.get(url).content.decode())
        main = html[html.index('<main id="main"') : html.index("</main>")]
        assert len(re.findall(r"<strong>Settings\b", main)) == 1, url
        assert "›" not in main, url


@pytest.mark.django_db
def test_every_demo_step_walks_through_its_settings_path(demo_content):
    """The step meta no longer shows the path, so the instructions must reach its last screen."""
    for step in FixStep.objects.exclude(settings_path=""):
        assert step.settings_path_parts[-1] in step.instructions, step.slug
