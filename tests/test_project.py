"""Project-level checks: settings safety, migrations, commands and error pages."""

import os
import re
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory

from tests import demo_data
from troubleshooting.models import Topic


def run_settings(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "helpcenter.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.engine_independent
def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_settings({"DJANGO_SECRET_KEY": "", "DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.engine_independent
def test_starts_with_a_secret_key_or_in_debug():
    configured = {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "help.example.com"}
    assert run_settings({**configured, "DJANGO_DEBUG": "0"}).returncode == 0
    assert run_settings({"DJANGO_SECRET_KEY": "", "DJANGO_DEBUG": "1"}).returncode == 0


def test_no_pending_migrations(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_load_demo_fills_an_empty_database_once():
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "Demo content loaded" in out.getvalue()
    topic = Topic.objects.get(slug="messages")
    topic.title = "Edited by an editor"
    topic.save()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "already present" in out.getvalue()
    assert Topic.objects.get(slug="messages").title == "Edited by an editor"
    call_command("load_demo", "--force", stdout=StringIO())
    assert Topic.objects.get(slug="messages").title == "Messages and iMessage"


@pytest.mark.django_db
def test_render_content_restores_html(client):
    # The demo guide as load_demo writes it, copied: render_content is what is tested here.
    demo_data.load_demo()
    Topic.objects.update(escalation_html="")
    call_command("render_content", stdout=StringIO())
    assert "support.apple.com" in Topic.objects.get().escalation_html


@pytest.mark.engine_independent
def test_server_error_page_is_friendly_and_self_contained():
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert html.count("<h1") == 1


def test_bad_request_page(client):
    from django.views.defaults import bad_request

    response = bad_request(RequestFactory().get("/"), exception=None)
    assert response.status_code == 400
    assert (
        "isn&#x27;t right" in response.content.decode()
        or "isn't right" in response.content.decode()
    )


@pytest.mark.django_db
def test_disallowed_host_gets_a_400(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400


@pytest.mark.django_db
def test_forced_reload_restores_the_demo_after_editors_reordered_it():
    from troubleshooting.models import SymptomStep

    demo_data.load_demo()  # the guide as loaded before (copied): the forced reload is tested
    links = SymptomStep.objects.filter(symptom__slug="stuck-on-sending").order_by("position")
    original = list(links.values_list("step__slug", flat=True))
    first, second = links[0], links[1]
    first.position, second.position = 99, 1
    first.save()
    second.save()
    first.position = 2
    first.save()
    call_command("load_demo", "--force", stdout=StringIO())
    assert list(links.values_list("step__slug", flat=True)) == original


@pytest.mark.engine_independent
def test_a_quiet_database_server_is_given_up_on_within_seconds():
    configured = {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "help.example.com"}
    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"

    def options(**env) -> str:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
        return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [sys.executable, "-c", f"import django; django.setup(); {show}"],
            env={**clean, "DJANGO_SETTINGS_MODULE": "helpcenter.settings", **configured, **env},
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    url = "postgres://u:p@db.example:5432/help"
    assert "'connect_timeout': 5" in options(DATABASE_URL=url)
    assert "'connect_timeout': 2" in options(DATABASE_URL=url, DJANGO_DB_CONNECT_TIMEOUT="2")
    assert "connect_timeout" not in options(DATABASE_URL="sqlite:///db.sqlite3")


@pytest.mark.engine_independent
def test_refuses_to_start_without_allowed_hosts_when_debug_is_off():
    result = run_settings(
        {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": ""}
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_it_was_given():
    """DATABASE_URL chooses the engine: a PostgreSQL run must really be on PostgreSQL."""
    from django.db import connection

    url = os.environ.get("DATABASE_URL", "sqlite:")
    expected = "postgresql" if url.startswith(("postgres:", "postgresql:")) else "sqlite"
    assert connection.vendor == expected


@pytest.mark.django_db
def test_the_migrations_create_the_groups_the_roles_define():
    """A change to ``roles.PERMISSIONS`` needs a data migration of its own (with frozen data)."""
    from django.contrib.auth.models import Group

    from troubleshooting import roles

    assert {
        group.name: set(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.all()
    } == {name: set(codenames) for name, codenames in roles.PERMISSIONS.items()}


# Django names a field's validators by their import path; nothing else of the app may be imported.
VALIDATORS_MIGRATIONS_NAME = {
    "troubleshooting.models": {
        "troubleshooting.models.validate_slug_not_reserved",
        "troubleshooting.models.validate_issue_slug",
        "troubleshooting.models.validate_choice_texts",
        "troubleshooting.models.validate_update_texts",
    },
    "troubleshooting.markdown": {"troubleshooting.markdown.validate_markdown"},
    "troubleshooting.outcomes.languages": {"troubleshooting.outcomes.languages.validate_language"},
}


@pytest.mark.engine_independent
def test_migrations_import_no_live_module_of_the_app():
    """Migrations freeze the data they need; only validators are referenced by their path."""
    folder = settings.BASE_DIR / "troubleshooting" / "migrations"
    for path in folder.glob("[0-9]*.py"):
        for line in path.read_text().splitlines():
            if line.startswith(("import troubleshooting", "from troubleshooting")):
                module = line.removeprefix("import ")
                assert module in VALIDATORS_MIGRATIONS_NAME, (path.name, line)
                references = re.findall(rf"{re.escape(module)}\.\w+", path.read_text())
                assert set(references) <= VALIDATORS_MIGRATIONS_NAME[module], path.name
