"""Translated content in a real browser: Spanish pages, the fallback notice, the guided fix."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import SCHEMES, assert_accessible
from troubleshooting.caching import content_changed
from troubleshooting.models import Status, SymptomTranslation


@pytest.fixture
def spanish_site(site):
    """The demo site, its Spanish guide live but for one article still a draft in Spanish."""
    SymptomTranslation.objects.filter(source__slug="stuck-on-sending", language="es").update(
        status=Status.DRAFT
    )
    content_changed()
    return site


@SCHEMES
def test_spanish_pages_and_the_notice_pass_axe(new_page, spanish_site, scheme):
    page = new_page(color_scheme=scheme)
    page.goto(spanish_site + "/es/mensajes/no-entregado/")
    expect(page.locator("h1")).to_have_text("No entregado")
    assert_accessible(page)
    page.goto(spanish_site + "/es/mensajes/stuck-on-sending/")
    expect(page.locator(".untranslated-notice")).to_contain_text(
        "Esta página aún no está disponible en español"
    )
    assert_accessible(page)
    page.goto(spanish_site + "/es/mensajes/fix/")
    expect(page.locator("h1")).to_have_text("¿Qué pone debajo de tu mensaje?")
    assert_accessible(page)


def test_the_guided_fix_in_spanish_without_javascript(new_page, spanish_site):
    page = new_page(java_script_enabled=False)
    page.goto(spanish_site + "/es/mensajes/fix/")
    page.get_by_role("link", name=re.compile("^No entregado")).click()
    expect(page).to_have_url(re.compile(r"/es/mensajes/fix/no-entregado-a-quien/\?via="))
    expect(page.locator("h1")).to_have_text(
        "¿Pone No entregado con todo el mundo o solo con una persona?"
    )
    page.get_by_role("link", name=re.compile("^Con todo el mundo")).click()
    expect(page).to_have_url(re.compile(r"/es/mensajes/no-entregado/fix/1/"))
    page.get_by_role("button", name="No, sigue sin funcionar").click()
    expect(page).to_have_url(re.compile(r"/es/mensajes/no-entregado/fix/2/\?r=n"))
    page.get_by_role("button", name="Sí, ya funciona").click()
    expect(page).to_have_url(re.compile(r"/es/mensajes/no-entregado/fix/fixed/"))
