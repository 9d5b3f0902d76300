"""Hot public querysets are built once per process, and still show exactly what is live now."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_guide
from troubleshooting import languages
from troubleshooting.models import Symptom, built_once
from troubleshooting.views import flow as flow_views

pytestmark = pytest.mark.django_db


def test_a_built_queryset_is_built_once_and_copied_for_each_call(django_assert_num_queries):
    make_guide()
    builds = []

    @built_once
    def symptoms(*, preview):
        builds.append(preview)
        return Symptom.objects.visible(preview=preview)

    first, second = symptoms(), symptoms()
    assert first is not second
    with django_assert_num_queries(2):  # a copy holds no rows: each reads the database
        assert list(first) == list(second)
    assert builds == [False]
    symptoms(preview=True), symptoms(preview=True)
    assert builds == [False, True, True]  # an editor's preview builds afresh


def test_a_scheduled_symptom_goes_live_at_its_time_without_a_save(client):
    _, symptom, _, _ = make_guide()
    assert client.get(symptom.get_flow_url()).status_code == 302  # built, while it is live
    soon = timezone.now() + timedelta(seconds=1.5)
    Symptom.objects.filter(pk=symptom.pk).update(publish_at=soon)  # no save, no signal
    assert client.get(symptom.get_flow_url()).status_code == 404
    time.sleep(max(0.0, (soon - timezone.now()).total_seconds()) + 0.1)
    assert flow_views._symptoms().filter(pk=symptom.pk).exists()
    assert client.get(symptom.get_flow_url()).status_code == 302


def test_the_switcher_and_the_alternates_work_out_the_addresses_once(client, monkeypatch):
    _, symptom, _, _ = make_guide()
    asked = []
    original = languages.addresses

    def counting(url, **kwargs):
        asked.append(url)
        return original(url, **kwargs)

    monkeypatch.setattr(languages, "addresses", counting)
    html = client.get(symptom.get_absolute_url()).text
    assert asked == [symptom.get_absolute_url()]
    assert 'hreflang="es"' in html and 'id="language-switcher"' in html
