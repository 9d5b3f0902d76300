"""The demo guide passes the admin's validation, the new length and Markdown limits included."""

import pytest

from troubleshooting.models import Cause, FixStep, Symptom, Topic, TriageChoice, TriageQuestion


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Topic, Cause, FixStep, Symptom, TriageQuestion, TriageChoice])
def test_every_demo_item_passes_full_clean(demo_content, model):
    objects = list(model.objects.all())
    assert objects
    for obj in objects:
        obj.full_clean()
