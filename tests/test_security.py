"""Security an operator, an editor or an attacker would notice: deploy checks, HTTPS, headers,
the Content Security Policy, admin login lockout, and the cache and proxy settings."""

import json
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.urls import reverse

from tests.factories import make_guide

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "help.example.com",
    "DJANGO_HTTPS": "1",
}


def run_django(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run Python in a fresh process with the real settings and only the given DJANGO_ variables."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, *args],
        env={**clean, "DJANGO_SETTINGS_MODULE": "helpcenter.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def production_env(tmp_path, collected_static):
    """Return a function making a production deployment's environment, plus extra variables."""

    def make(**extra: str) -> dict[str, str]:
        return {
            **PRODUCTION,
            # What an operator generates (see .env.example): long and random.
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            # Static files collected as a deployment does, so pages render as they would there.
            "DJANGO_STATIC_ROOT": str(collected_static),
            # A throwaway database, so nothing here can touch db.sqlite3.
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
            # Blank means the default, and keeps out whatever a local .env sets.
            **dict.fromkeys(
                [
                    "DJANGO_HSTS_SECONDS",
                    "DJANGO_HSTS_INCLUDE_SUBDOMAINS",
                    "DJANGO_HSTS_PRELOAD",
                    "DJANGO_TRUSTED_PROXY_COUNT",
                    "REDIS_URL",
                    "DJANGO_CACHE_KEY_PREFIX",
                    "DJANGO_STATIC_HOST",
                ],
                "",
            ),
            **extra,
        }

    return make


def run_in_django(code: str, env: dict[str, str]) -> dict:
    """Run `code` after django.setup() in a fresh process; it prints one JSON object."""
    result = run_django(["-c", "import django, json\ndjango.setup()\n" + code], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def csp(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


# Deployment: `check --deploy` and HTTPS.


@pytest.mark.engine_independent
def test_deploy_check_is_clean_with_production_settings(production_env):
    # With the database's checks too (as `migrate` runs them): its indexes' warnings included.
    command = ["manage.py", "check", "--deploy", "--database", "default", "--fail-level", "WARNING"]
    result = run_django(command, production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.engine_independent
def test_https_deployment_redirects_sets_hsts_secure_cookies_and_trusts_the_proxy(production_env):
    seen = run_in_django(
        """
from django.conf import settings
from django.test import Client
client = Client()
plain = client.get("/admin/login/", HTTP_HOST="help.example.com")
probe = client.get("/health/", HTTP_HOST="help.example.com")
proxied = client.get("/admin/login/", HTTP_HOST="help.example.com", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "probe": probe.status_code,
    "proxied": [proxied.status_code, proxied.get("Strict-Transport-Security", "")],
    "csrf_cookie_secure": bool(proxied.cookies["csrftoken"]["secure"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
}))
""",
        production_env(),
    )
    assert seen["plain"] == [301, "https://help.example.com/admin/login/"]
    # A load balancer's health probe over plain HTTP gets an answer, not a redirect (here 503:
    # the throwaway database has no tables).
    assert seen["probe"] in (200, 503)
    # Behind the TLS proxy (X-Forwarded-Proto: https) the page is served, with HSTS.
    assert seen["proxied"] == [200, "max-age=31536000; includeSubDomains"]
    assert seen["csrf_cookie_secure"] is True
    assert seen["session_cookie_secure"] is True


@pytest.mark.django_db
def test_without_https_configured_the_proxy_header_is_not_trusted(client):
    response = client.get("/admin/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
    assert not response.cookies["csrftoken"]["secure"]


# Headers and the Content Security Policy.


def assert_safe_headers(response):
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert policy[directive] == ["'self'"], directive
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def assert_nothing_inline(html: str):
    """Nothing the policy would block: every script is a file, no style blocks or attributes."""
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)


def htmx_config(html: str) -> dict:
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert meta, "no htmx-config meta"
    return json.loads(meta.group(1))


@pytest.mark.django_db
def test_public_pages_and_error_pages_carry_the_policy_and_nothing_inline(client):
    topic, symptom, _steps, question = make_guide(2)
    pages = {
        "/": 200,
        topic.get_absolute_url(): 200,
        symptom.get_absolute_url(): 200,
        question.get_absolute_url(): 200,
        symptom.get_flow_url(): 200,  # redirects to its first step
        "/search/?q=sending": 200,
        "/no-such-topic/": 404,
    }
    for url, status in pages.items():
        response = client.get(url, follow=True)
        assert response.status_code == status, url
        assert_safe_headers(response)
        html = response.content.decode()
        assert_nothing_inline(html)
        # htmx would otherwise add an inline <style>, and run code from attributes.
        config = htmx_config(html)
        assert config["includeIndicatorStyles"] is False
        assert config["allowEval"] is False


@pytest.mark.django_db
def test_admin_pages_carry_the_same_policy(client, admin_user):
    _topic, symptom, steps, _question = make_guide(2)
    assert_safe_headers(client.get(reverse("admin:login")))
    client.force_login(admin_user)
    for url in (
        reverse("admin:index"),
        reverse("admin:troubleshooting_symptom_changelist"),
        reverse("admin:troubleshooting_symptom_change", args=[symptom.pk]),
        reverse("admin:troubleshooting_fixstep_change", args=[steps[0].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_safe_headers(response)
    # The Markdown editor's htmx, too, is kept from adding inline styles.
    config = htmx_config(response.content.decode())
    assert config["includeIndicatorStyles"] is False


# Admin login: brute force.

PASSWORD = "right-horse-battery-staple"


def log_in(client: Client, username: str, password: str, ip: str = "192.0.2.10"):
    """Post the real admin login form, from the address `ip`."""
    return client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def minutes_pass(minutes: int):
    """Move every recorded login attempt back in time, as if `minutes` had passed."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


@pytest.fixture
def editors(django_user_model):
    for name in ("editor", "other"):
        django_user_model.objects.create_superuser(name, f"{name}@example.org", PASSWORD)


@pytest.mark.django_db
def test_wrong_passwords_lock_the_login_until_the_cool_off_has_passed(client, editors):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        response = log_in(client, "editor", "guess")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    locked = log_in(client, "editor", "guess")
    assert locked.status_code == 429

    # Now even the right password is refused, with a page that says why and when to come back.
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Sign-in paused for 15 minutes" in html
    assert "After 5 wrong passwords in a row" in html
    assert "Try again in 15 minutes" in html
    assert_nothing_inline(html)
    assert_safe_headers(response)
    assert client.get("/admin/").status_code == 302  # still signed out

    # Trying during the pause starts the wait again.
    minutes_pass(14)
    assert log_in(client, "editor", PASSWORD).status_code == 429
    minutes_pass(14)
    assert log_in(client, "editor", PASSWORD).status_code == 429

    minutes_pass(16)
    assert signed_in(log_in(client, "editor", PASSWORD))
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_lockout_is_for_one_username_from_one_address(editors):
    for _ in range(5):
        log_in(Client(), "editor", "guess", ip="192.0.2.10")
    assert log_in(Client(), "editor", PASSWORD, ip="192.0.2.10").status_code == 429
    # Someone else at that address, and the same editor elsewhere, sign in as usual.
    assert signed_in(log_in(Client(), "other", PASSWORD, ip="192.0.2.10"))
    assert signed_in(log_in(Client(), "editor", PASSWORD, ip="198.51.100.20"))


@pytest.mark.django_db
def test_signing_in_clears_earlier_mistakes(client, editors):
    for _ in range(4):
        log_in(client, "editor", "guess")
    assert signed_in(log_in(client, "editor", PASSWORD))
    client.logout()
    for _ in range(4):
        assert log_in(client, "editor", "guess").status_code == 200
    assert signed_in(log_in(client, "editor", PASSWORD))


CLIENT_IP = """
from axes.helpers import get_client_ip_address
from django.test import RequestFactory
request = RequestFactory().get(
    "/admin/login/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7"
)
print(json.dumps(get_client_ip_address(request)))
"""


@pytest.mark.engine_independent
def test_login_lockouts_see_the_real_client_address_only_behind_trusted_proxies(production_env):
    # Directly on the internet, X-Forwarded-For is whatever the client wrote: ignored.
    assert run_in_django(CLIENT_IP, production_env()) == "10.0.0.1"
    # Behind one proxy that appends the address it saw, that last entry is the client; what the
    # client forged to the left of it is ignored.
    behind_one = production_env(DJANGO_TRUSTED_PROXY_COUNT="1")
    assert run_in_django(CLIENT_IP, behind_one) == "198.51.100.7"
    # Behind a load balancer and a proxy, the client is the entry before the load balancer's.
    behind_two = production_env(DJANGO_TRUSTED_PROXY_COUNT="2")
    assert run_in_django(CLIENT_IP, behind_two) == "203.0.113.66"


# The cache.

CACHE = """
from django.conf import settings
from django.core.cache import caches
caches["default"]._cache  # builds the client without connecting: fails if its library is missing
print(json.dumps(settings.CACHES["default"]))
"""


@pytest.mark.engine_independent
def test_cache_is_local_memory_by_default(production_env):
    cache = run_in_django(CACHE, production_env())
    assert cache["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert cache["OPTIONS"]["MAX_ENTRIES"] == 2000
    assert cache["KEY_PREFIX"] == "helpcenter"


@pytest.mark.engine_independent
def test_cache_is_redis_when_redis_url_is_set(production_env):
    env = production_env(
        REDIS_URL="redis://cache.internal:6379/2", DJANGO_CACHE_KEY_PREFIX="help-staging"
    )
    cache = run_in_django(CACHE, env)
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/2"
    assert cache["KEY_PREFIX"] == "help-staging"


STATIC = """
from django.conf import settings
from django.contrib.staticfiles.storage import StaticFilesStorage
link = StaticFilesStorage().url("css/site.css")  # as {% static %} builds it, less the hash
print(json.dumps({"url": settings.STATIC_URL, "link": link,
                  "csp": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]}))
"""


@pytest.mark.engine_independent
def test_static_files_come_from_the_site_itself_by_default(production_env):
    found = run_in_django(STATIC, production_env())
    assert found["link"] == "/static/css/site.css"
    assert found["csp"]["script-src"] == ["'self'"]


@pytest.mark.engine_independent
def test_a_cdn_serves_the_static_files_and_the_policy_allows_it(production_env):
    env = production_env(DJANGO_STATIC_HOST="https://cdn.example.com/")
    found = run_in_django(STATIC, env)
    assert found["url"] == "https://cdn.example.com/static/"
    assert found["link"] == "https://cdn.example.com/static/css/site.css"
    for directive in ("script-src", "style-src", "img-src"):
        assert found["csp"][directive] == ["'self'", "https://cdn.example.com"], directive
