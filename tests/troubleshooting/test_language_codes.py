"""The language-code rule has one home, and the source language its two distinct codes."""

from pathlib import Path

import pytest
from django.conf import settings

from troubleshooting import language_codes
from troubleshooting.language_codes import SOURCE_ADDRESS_CODE, SOURCE_BASE_CODE, base_code

# Plain values and files in, a judgement out: no database engine or cache can change it.
pytestmark = pytest.mark.engine_independent

APP = Path(language_codes.__file__).parent


def test_a_base_code_drops_the_variant_and_the_case():
    assert base_code("en-gb") == "en"
    assert base_code("fr-CA") == "fr"
    assert base_code("es") == "es"


def test_the_source_language_has_an_address_code_and_a_base_code():
    assert SOURCE_ADDRESS_CODE == settings.LANGUAGE_CODE == "en-gb"
    assert SOURCE_BASE_CODE == "en"


def test_no_other_module_writes_the_rule_again():
    repeats = [
        path.relative_to(APP)
        for path in APP.rglob("*.py")
        if path.name != "language_codes.py"
        and ('split("-")[0]' in path.read_text() or "SOURCE_LANGUAGE" in path.read_text())
    ]
    assert repeats == []
