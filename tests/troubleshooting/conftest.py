"""Fixtures the troubleshooting app's tests share."""

import pytest

from troubleshooting import pieces


@pytest.fixture
def live_renders(monkeypatch):
    """Count the pieces a page had to render live, by the item's English slug."""
    rendered = []
    render = pieces.live

    def counting(item, name):
        rendered.append((getattr(item, "english_slug", item.slug), name))
        return render(item, name)

    monkeypatch.setattr(pieces, "live", counting)
    return rendered
