"""Each topic's number of published symptoms, stored on the topic and kept right by every write.

The home page shows "All N problems" per topic. Counting a topic's live symptoms on every
request walks thousands of index entries; the topic stores how many of its symptoms are
published instead (scheduled ones included), and the page subtracts only those still waiting
for their time (``publishing.live_count``): a range that is empty on almost every
site, so a symptom appears at its time with no write, by the database's clock.

Every write that can change a number asks for its topics to be counted again from the rows,
never +1/-1 from what Python believes: a symptom saved (its old topic and its new one) or
deleted, a topic saved (its form, a history restore or an approved change writes the number it
loaded), a queryset's ``update()``, ``bulk_update()`` and ``bulk_create()`` (``CountsWrites``);
fixtures, the guide files' import, history restores and approved changes save through the
model, so the signals below see them. ``recount_all()`` (run by ``render_content`` on every
deploy) is the safety net, and the content checks report a number that disagrees with its rows.
"""

import threading

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import Count
from django.db.models.signals import post_delete, post_save, pre_save

# The fields of a symptom that decide which number counts it.
COUNTED_FIELDS = frozenset({"status", "topic", "topic_id"})

# Topics to count again after the current transaction commits, by database alias, per thread
# (a connection belongs to one thread).
_pending = threading.local()


def count_field():
    """Return the field that keeps a topic's number of published symptoms."""
    # Derived from the rows, like the pieces: never serialized, so no fixture, history version
    # or change awaiting approval carries a number of another time; the save that writes one
    # back counts again (see ``topic_saved``).
    # Its default kept in the database too: a server on the release before this field (a
    # rolling upgrade) creates topics without naming it.
    return models.PositiveIntegerField(db_default=0, default=0, editable=False, serialize=False)


def recount_later(topic_ids, *, using: str = "default") -> None:
    """Count these topics' published symptoms again once the current transaction commits."""
    topic_ids = {pk for pk in topic_ids if pk is not None}
    if not topic_ids:
        return
    pending = _pending.__dict__.setdefault(using, set())
    pending.update(topic_ids)
    # One callback per write: the first to run counts every pending topic, the rest find
    # nothing left. Ids of a write rolled back stay pending and are counted with the next
    # commit's: counting a topic again is always right.
    _after_commit(_flush, using)


def _after_commit(flush, using: str) -> None:
    transaction.on_commit(lambda: flush(using), using=using, robust=True)


def _flush(using: str) -> None:
    pending = _pending.__dict__.get(using)
    if pending:
        topic_ids = set(pending)
        pending.clear()
        try:
            recount(topic_ids, using=using)
        except Exception:
            # A lock timeout or a lost connection: counted with the next write's commit instead
            # of left wrong until the next deploy (on_commit logs the error and goes on).
            pending.update(topic_ids)
            raise


def recount(topic_ids=None, *, using: str = "default") -> int:
    """Count the published symptoms of these topics (all: ``None``) from the rows; return changes.

    Locks the topic rows first, then counts in statements of their own. On PostgreSQL's READ
    COMMITTED each statement sees what was committed when it began: counting after the lock was
    granted sees every writer that committed before the previous recount let go of it. An
    ``UPDATE ... SET n = (SELECT COUNT(*) ...)`` that waited for another's lock would keep the
    count of the snapshot it took before waiting, and could write it over a newer one. The lock
    is FOR NO KEY UPDATE: writers adding symptoms to the topic (whose foreign key takes a key
    share lock) are not held up by it.
    """
    from ..caching import content_changed
    from .content import Symptom, Topic
    from .publishing import Status

    with transaction.atomic(using=using):
        topics = Topic.objects.using(using).select_for_update(no_key=True).order_by("pk")
        if topic_ids is not None:
            topics = topics.filter(pk__in=topic_ids)
        stored = dict(topics.values_list("pk", "published_symptoms"))
        published = Symptom.objects.using(using).filter(status=Status.PUBLISHED)
        if topic_ids is not None:
            published = published.filter(topic__in=list(stored))
        counted = published.order_by().values("topic").annotate(n=Count("*"))
        counts = dict(counted.values_list("topic", "n"))
        changed = {pk: counts.get(pk, 0) for pk, n in stored.items() if counts.get(pk, 0) != n}
        for pk, n in changed.items():
            Topic.objects.using(using).filter(pk=pk).update(published_symptoms=n)
        if changed:
            # A home page rendered between the write's commit and this one showed the old
            # number under the write's new content version: retire it.
            content_changed()
    return len(changed)


def recount_all(*, using: str = "default") -> int:
    """Count every topic's published symptoms again; return how many numbers were wrong."""
    return recount(using=using)


def recount_after_migrate(using: str = "default", apps=None, **kwargs) -> None:
    """Count every topic again after migrations: a data migration writes without signals.

    Skipped while the migrations stop short of the field (``migrate troubleshooting 0020``).
    """
    if apps is None:
        return
    try:
        apps.get_model("troubleshooting", "Topic")._meta.get_field("published_symptoms")
    except (LookupError, FieldDoesNotExist):
        return
    recount_all(using=using)


class CountsWrites:
    """Count again the topics of symptoms written without ``save()``: no signal sees those."""

    def update(self, **kwargs):
        if not COUNTED_FIELDS.intersection(kwargs):
            return super().update(**kwargs)
        rows = self.order_by().values_list("pk", "topic_id")
        before = dict(rows)
        count = super().update(**kwargs)
        topics = set(before.values())
        if "topic" in kwargs or "topic_id" in kwargs:
            # Where they went: an expression (bulk_update()'s Case) is known only once written.
            moved = self.model._base_manager.using(self.db).filter(pk__in=list(before))
            topics.update(moved.values_list("topic_id", flat=True))
        recount_later(topics, using=self.db)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        recount_later({obj.topic_id for obj in objs}, using=self.db)
        return objs


def symptom_saving(sender, instance, raw=False, using="default", update_fields=None, **kwargs):
    """Note the topic a symptom may leave, as the database has it before the save."""
    instance._topic_before_save = None
    if instance.pk is not None and _counted(update_fields):
        before = sender._base_manager.using(using).filter(pk=instance.pk)
        instance._topic_before_save = before.values_list("topic_id", flat=True).first()


def symptom_saved(sender, instance, raw=False, using="default", update_fields=None, **kwargs):
    """Count again the topic a saved symptom is in, and the one it left."""
    # After the write, not in pre_save: outside a transaction a recount runs at once, and would
    # count the topic it leaves before the symptom left it.
    left = instance.__dict__.pop("_topic_before_save", None)
    if _counted(update_fields):
        recount_later({instance.topic_id, left}, using=using)


def symptom_deleted(sender, instance, using="default", **kwargs):
    """Count again the topic a deleted symptom was in (a queryset's delete() sends this too)."""
    recount_later({instance.topic_id}, using=using)


def topic_saved(sender, instance, raw=False, using="default", update_fields=None, **kwargs):
    """Count a saved topic again: a whole save writes back the number it loaded, maybe stale."""
    if update_fields is None or "published_symptoms" in update_fields:
        recount_later({instance.pk}, using=using)


def _counted(update_fields) -> bool:
    return update_fields is None or bool(COUNTED_FIELDS.intersection(update_fields))


# Lazy senders: this module is imported by the models it keeps right.
pre_save.connect(symptom_saving, sender="troubleshooting.Symptom", dispatch_uid="count-symptom-pre")
post_save.connect(symptom_saved, sender="troubleshooting.Symptom", dispatch_uid="count-symptom")
post_delete.connect(symptom_deleted, sender="troubleshooting.Symptom", dispatch_uid="count-del")
post_save.connect(topic_saved, sender="troubleshooting.Topic", dispatch_uid="count-topic")
