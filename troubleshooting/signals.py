"""Keep the search index in step with the content, whichever way it is written.

A signal, not a service call, because fixtures (loaddata) and every other write path save through
the model without going through our services; indexing is bookkeeping, not domain logic.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import search
from .models import Cause, FixStep, Symptom


@receiver(post_save, sender=Symptom)
@receiver(post_save, sender=FixStep)
@receiver(post_save, sender=Cause)
def index_saved_content(sender, instance, **kwargs):
    search.index(instance)


@receiver(post_delete, sender=Symptom)
@receiver(post_delete, sender=FixStep)
@receiver(post_delete, sender=Cause)
def unindex_deleted_content(sender, instance, **kwargs):
    search.unindex(instance)
