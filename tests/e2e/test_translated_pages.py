"""Translated content in a real browser: Spanish pages, the fallback notice, the guided fix."""

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.test_accessibility import SCHEMES, assert_accessible

SAMPLE = Path(__file__).parent.parent / "troubleshooting" / "translation_sample"


@pytest.fixture
def spanish_site(site, tmp_path):
    """The demo site with the Spanish and French sample translations imported."""
    guide = tmp_path / "guide"
    shutil.copytree(settings.BASE_DIR / "content", guide)
    shutil.copytree(SAMPLE, guide, dirs_exist_ok=True)
    call_command("import_guide", str(guide), verbosity=0, stdout=None)
    return site


@SCHEMES
def test_spanish_pages_and_the_notice_pass_axe(new_page, spanish_site, scheme):
    page = new_page(color_scheme=scheme)
    page.goto(spanish_site + "/es/mensajes/no-entregado/")
    expect(page.locator("h1")).to_have_text("No entregado")
    assert_accessible(page)
    page.goto(spanish_site + "/es/mensajes/stuck-on-sending/")
    expect(page.locator(".untranslated-notice")).to_contain_text("isn't available in")
    assert_accessible(page)
    page.goto(spanish_site + "/es/mensajes/fix/")
    expect(page.locator("h1")).to_have_text("¿Qué dice debajo de tu mensaje?")
    assert_accessible(page)


def test_the_guided_fix_in_spanish_without_javascript(new_page, spanish_site):
    page = new_page(java_script_enabled=False)
    page.goto(spanish_site + "/es/mensajes/fix/")
    page.get_by_role("link", name=re.compile("^No entregado")).click()
    expect(page).to_have_url(re.compile(r"/es/mensajes/fix/not-delivered-to-whom/\?via="))
    expect(page.locator(".untranslated-notice")).to_be_visible()  # not translated yet
    page.get_by_role("link", name=re.compile("^Everyone")).click()
    expect(page).to_have_url(re.compile(r"/es/mensajes/no-entregado/fix/1/"))
    page.get_by_role("button", name="No, still not working").click()
    expect(page).to_have_url(re.compile(r"/es/mensajes/no-entregado/fix/2/\?r=n"))
    page.get_by_role("button", name="Yes, it's fixed").click()
    expect(page).to_have_url(re.compile(r"/es/mensajes/no-entregado/fix/fixed/"))
