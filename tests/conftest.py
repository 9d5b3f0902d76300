import pytest

from tests.factories import make_guide


@pytest.fixture
def guide(db):
    """A small published guide: topic, start question, symptom with three quick steps."""
    return make_guide(3)


@pytest.fixture
def destructive_guide(db):
    """A guide whose last step is destructive (needs a confirmation)."""
    return make_guide(2, destructive_last=True)


@pytest.fixture
def htmx_headers():
    return {"HTTP_HX_REQUEST": "true"}
