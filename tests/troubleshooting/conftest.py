"""Fixtures the troubleshooting app's tests share."""

import pytest

from troubleshooting import blocks, pieces


@pytest.fixture
def uncached_blocks(settings):
    """Render the page on every request, from an empty memory of blocks."""
    settings.PAGE_CACHE_SECONDS = 0
    blocks.memory.clear()
    yield
    blocks.memory.clear()


@pytest.fixture
def live_renders(monkeypatch):
    """Count the pieces a page had to render live, by the item's English slug.

    A save renders its row's pieces through the same function: those are not counted.
    """
    rendered, saving = [], []
    render_piece, render_row = pieces._render, pieces.render

    def counting(item, name):
        if not saving:
            rendered.append((getattr(item, "english_slug", item.slug), name))
        return render_piece(item, name)

    def rendering_for_a_save(item, language):
        saving.append(item)
        try:
            return render_row(item, language)
        finally:
            saving.pop()

    monkeypatch.setattr(pieces, "_render", counting)
    monkeypatch.setattr(pieces, "render", rendering_for_a_save)
    return rendered
