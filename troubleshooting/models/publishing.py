"""What "public" means (draft or published, a publication time), and the base of all content."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models
from django.db.models import Expression, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..markdown import render_markdown, validate_markdown
from .site import KeepsOldSlugs


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft (only editors can see it)")
    PUBLISHED = "published", _("Published")


def live(prefix: str = "", *, preview: bool = False) -> Q:
    """Match content the public can see now: published, and its publication time (if any) passed.

    ``prefix`` reaches related content (``"topic__"``); in ``preview`` everything matches, so
    editors see drafts and scheduled content exactly as the public will.
    """
    if preview:
        return Q()
    return Q(**{f"{prefix}status": Status.PUBLISHED}) & (
        Q(**{f"{prefix}publish_at__isnull": True}) | Q(**{f"{prefix}publish_at__lte": Now()})
    )


def live_count(
    model: type[models.Model],
    parent: str,
    *,
    preview: bool = False,
    published: Expression | None = None,
) -> Expression:
    """Count the live rows of ``model`` whose ``parent`` is the outer query's row, as ``live()``.

    As the published rows less those whose publication time is still to come: each count is
    then one range of an index on (parent, status, publication time). Counting with ``live()``'s
    "no time, or a time passed" made SQLite compare every row's time with the clock, twice as
    slow on a topic of thousands of symptoms. ``published``: the number of published rows where
    the parent stores it (``Topic.published_symptoms``), so only those still to come, a range
    empty on almost every site, are counted. In ``preview`` every row counts.
    """
    rows = model.objects.filter(**{parent: OuterRef("pk")})
    if preview:
        return _count(rows)
    published_rows = rows.filter(status=Status.PUBLISHED)
    if published is None:
        published = _count(published_rows)
    return published - _count(published_rows.filter(publish_at__gt=Now()))


def _count(rows: models.QuerySet) -> Subquery:
    # COUNT(*): the index then answers alone (PostgreSQL's index-only scan), where a count of
    # the ids would read each row. A plain function, not the ``Count`` aggregate, which makes
    # the ORM group the rows (a third of the count's time on SQLite): ungrouped, the subquery
    # is always one row, 0 when nothing matches.
    counted = rows.order_by().annotate(n=Func(template="COUNT(*)", output_field=IntegerField()))
    return Subquery(counted.values("n"))


# Columns derived from the others and kept by the code that writes them, which retires the
# content version itself when a page would show a change (``topic_counts.recount``, a render of
# the pieces): their ``update()`` alone retires nothing, and a recount never bumps it twice.
DERIVED_FIELDS = frozenset({"published_symptoms", "pieces"})


class PublishableQuerySet(models.QuerySet):
    """Content's queryset: its writes that skip ``save()`` retire the content version too.

    ``update()`` (and ``bulk_update()``, which goes through it) and ``bulk_create()`` (an upsert
    too) send no signal: without this, pages cached and the home page's stored listings
    (``listings.py``) would keep showing the rows as they were, under the same token.
    """

    def update(self, **kwargs):
        from ..caching import content_changed  # caching reads content: imported on use

        count = super().update(**kwargs)
        if not DERIVED_FIELDS.issuperset(kwargs):
            # After the write, as the signals after a save: a page rendered in between is
            # filed under the old version, never the new one with the old rows.
            content_changed()
        return count

    def bulk_create(self, objs, *args, **kwargs):
        from ..caching import content_changed

        objs = super().bulk_create(objs, *args, **kwargs)
        if objs:
            content_changed()
        return objs

    def visible(self, *, preview: bool = False):
        """Return what the public may see now, or everything for an editor previewing."""
        return self.filter(live(preview=preview))

    def in_visible_topic(self, *, preview: bool = False):
        """``visible()`` for content of a topic (symptoms, questions): its topic must be too."""
        return self.visible(preview=preview).filter(live("topic__", preview=preview))


def built_once(build: Callable[..., models.QuerySet]) -> Callable[..., models.QuerySet]:
    """Build a hot public queryset once per process and hand out a fresh copy of it each call.

    Building a filter (``live()``, joins, subqueries) costs more than running the query on a
    public page: a copy skips it. The built queryset is never evaluated, so it holds no rows
    and every call still reads the database. ``live()`` compares with the database's clock
    (``Now()``), never a time taken when it was built. An editor's preview builds afresh.
    """
    public = None

    @wraps(build)
    def queryset(*, preview: bool = False) -> models.QuerySet:
        nonlocal public
        if preview:
            return build(preview=True)
        if public is None:
            public = build(preview=False)
        return public.all()

    return queryset


class SlugManager(models.Manager.from_queryset(PublishableQuerySet)):
    """Look content up by its slug, so fixtures load the same on every database."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def normalize_newlines(text: str) -> str:
    """Use "\n" for line breaks: browsers send "\r\n", files and fixtures have "\n"."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def markdown_field(*args, max_length: int, **kwargs) -> models.TextField:
    """Return a TextField for editor Markdown, refused when too long or too slow to render."""
    # max_length on a TextField reaches the form (and the textarea) only; the validator holds it
    # for every write path that calls full_clean(): the admin, the importer, a shell.
    validators = [MaxLengthValidator(max_length), validate_markdown]
    return models.TextField(*args, max_length=max_length, validators=validators, **kwargs)


_refuse_nul = ProhibitNullCharactersValidator()


def clean_fields_without_nul(instance: models.Model, exclude=None, *, clean_fields) -> None:
    """Run ``clean_fields``, refusing NUL characters in any text field first, as forms do.

    Forms refuse them, but a model field does not, and PostgreSQL cannot store them.
    """
    errors: dict[str, list] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, str) and field.name not in (exclude or ()):
            try:
                _refuse_nul(value)
            except ValidationError as error:
                errors[field.name] = error.error_list
    try:
        clean_fields(exclude={*(exclude or ()), *errors})
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


class Content(KeepsOldSlugs):
    """Fields and behaviour shared by every editable piece of content."""

    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text=_("Drafts are hidden from the public site until you publish them."),
    )
    publish_at = models.DateTimeField(
        _("publish on"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: with the status Published, it appears on the site only from this "
            "date and time. Leave empty to publish as soon as you save."
        ),
    )
    reviewed_on = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("When someone last checked, on a real phone, that this is still right."),
    )
    checked_on_ios = models.CharField(
        _("checked on iOS"),
        max_length=20,
        blank=True,
        help_text=_('The iOS version it was checked on, e.g. "18.1".'),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    # Pairs of (Markdown source field, rendered HTML field), rendered once on save.
    markdown_fields: tuple[tuple[str, str], ...] = ()

    objects = SlugManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.normalize_newlines()
        update_fields = kwargs.get("update_fields")
        self.render_markdown(update_fields)
        if update_fields is not None:
            extra = {target for source, target in self.markdown_fields if source in update_fields}
            kwargs["update_fields"] = set(update_fields) | extra
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.slug,)

    def clean_fields(self, exclude=None):
        clean_fields_without_nul(self, exclude, clean_fields=super().clean_fields)

    def is_live_at(self, moment) -> bool:
        """Whether the public sees it at ``moment``: the Python twin of ``live()``."""
        return self.status == Status.PUBLISHED and (
            self.publish_at is None or self.publish_at <= moment
        )

    @property
    def is_published(self) -> bool:
        """Whether the public can see it now."""
        return self.is_live_at(timezone.now())

    @property
    def is_scheduled(self) -> bool:
        """Whether it is published but waits for its publication time."""
        return self.status == Status.PUBLISHED and not self.is_published

    def normalize_newlines(self) -> None:
        """Store every text field's line breaks as "\n", whoever sent them."""
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if isinstance(value, str) and "\r" in value:
                setattr(self, field.attname, normalize_newlines(value))

    def render_markdown(self, update_fields=None) -> None:
        """Store the sanitized HTML of every Markdown field beside its source.

        ``update_fields``: those of the save it is for, if it writes only some (``None``: all).
        """
        for source, target in self.markdown_fields:
            setattr(self, target, render_markdown(getattr(self, source)))
