"""The browser tests' fast copy of the demo guide is the data that loading the fixture gives."""

import re

from django.core.management import call_command

from tests import demo_data

HREF = re.compile(r'href="([^"]+)"')


def stored(models) -> dict:
    """Return every row of the models, every field, in key order."""
    return {model: list(model._base_manager.order_by("pk").values()) for model in models}


def found(client, query: str) -> list[str]:
    """Return the links of a search results page, as a visitor's browser would follow them."""
    return HREF.findall(client.get("/search/", {"q": query}).content.decode())


def test_the_copy_holds_what_loading_the_fixture_wrote(transactional_db, client):
    demo_data._loaded.clear()  # as in a new process: the fixture itself is loaded
    demo_data.load_demo()
    loaded, results = stored(demo_data._loaded), found(client, "green bubble")
    assert len(loaded) > 10 and results

    call_command("flush", "--noinput", verbosity=0)  # as pytest-django does after each test
    demo_data.load_demo()

    assert stored(demo_data._loaded) == loaded  # times and search index included
    assert found(client, "green bubble") == results
