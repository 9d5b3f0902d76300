"""How content rows keep their pre-rendered pieces: the field, its save, and bulk writes.

The pieces themselves (what they are, when a page may use them) are ``pieces.py``'s; this is
the model side that keeps them right: a save renders them (``HasPieces``), and a write that
skips ``save()`` empties them (``PiecesWrites``). Translations' pieces build on these in
``translations.py``.
"""

from django.db import connections, models, router, transaction

from .publishing import PublishableQuerySet, SlugManager


def pieces_field():
    """Return the field that keeps an item's pre-rendered blocks of HTML (``pieces.py``)."""
    # Derived, like the *_html fields, but tied to a release: never serialized, so no fixture,
    # history version or change awaiting approval carries a piece into another release.
    return models.JSONField(default=dict, blank=True, editable=False, serialize=False)


class HasPieces:
    """Render an item's pieces with its Markdown, and again its translations' on save."""

    def render_markdown(self, update_fields=None) -> None:
        from ..pieces import render_for_row, shows_any

        super().render_markdown(update_fields)
        # A save of fields no piece shows (see save()) leaves the pieces as they are, unrendered.
        if update_fields is None or shows_any(self, update_fields):
            self.pieces = render_for_row(self)

    def save(self, *args, **kwargs):
        from ..pieces import refresh_translations, shows_any

        update_fields = kwargs.get("update_fields")
        # A save of fields no piece shows (a review date, the status) leaves them as they are,
        # the translations' too: the admin's bulk actions save items one by one this way.
        shown = update_fields is None or shows_any(self, update_fields)
        if shown and update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "pieces"}
        refresh = shown and not self._state.adding
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # One transaction (the caller's, if any): the save's new content version is never seen
        # with its translations' pieces still as they were, or a page rendered in between, in
        # another language, would be kept under the new version with the old pieces.
        with transaction.atomic(using=using, savepoint=False):
            if refresh and connections[using].features.has_select_for_update:
                # Their rows first, as a translation's own save takes its row before the content
                # version's: the two saves never wait for each other in a circle.
                list(self.translations.using(using).select_for_update().values_list("pk"))
            super().save(*args, **kwargs)
            if refresh:
                refresh_translations(self)


class PiecesWrites:
    """Leave no stored piece showing what a write that skips ``save()`` changed.

    ``update()`` (and ``bulk_update()``, which goes through it) and ``bulk_create()``: pages
    render those rows live until they are saved again or ``render_content`` runs.
    """

    def update(self, **kwargs):
        from ..pieces import forget_pieces

        # The write retires the pages too (``PublishableQuerySet.update``).
        values, _ = forget_pieces(self, kwargs)
        return super().update(**values)

    def bulk_create(self, objs, *args, **kwargs):
        # Rows written in bulk (a copy of others, rows of another release) carry no piece.
        objs = list(objs)
        for obj in objs:
            obj.pieces = {}
        return super().bulk_create(objs, *args, **kwargs)


class PiecesQuerySet(PiecesWrites, PublishableQuerySet):
    pass


class PiecesManager(SlugManager.from_queryset(PiecesQuerySet)):
    """Look items up by slug; their bulk writes keep their pieces right (``PiecesWrites``)."""
