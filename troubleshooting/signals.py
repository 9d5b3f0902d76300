"""Keep the search index and the page cache in step with the content, whichever way it is written.

Signals, not service calls, because fixtures (loaddata), the admin, history restores and every
other write path save through the model without going through our services; indexing and
retiring cached pages are bookkeeping, not domain logic.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from . import caching, search
from .models import (
    TRANSLATION_MODELS,
    Cause,
    FixStep,
    KnownIssue,
    KnownIssueUpdate,
    SearchSynonym,
    SlugRedirect,
    Symptom,
    SymptomCause,
    SymptomStep,
    Topic,
    TriageChoice,
    TriageQuestion,
)

# Everything a public page shows comes from these.
SHOWN_MODELS = (
    Topic,
    Symptom,
    Cause,
    FixStep,
    SymptomCause,
    SymptomStep,
    TriageQuestion,
    TriageChoice,
    SlugRedirect,
    KnownIssue,
    KnownIssueUpdate,
    SearchSynonym,  # search results are found through them
    *TRANSLATION_MODELS.values(),
)


# Each item is indexed in English and in every language it is published in.
INDEXED_MODELS = (Symptom, FixStep, Cause)


def index_saved_content(sender, instance, **kwargs):
    search.index(instance)


def unindex_deleted_content(sender, instance, **kwargs):
    search.unindex(instance)


for model in (*INDEXED_MODELS, *(TRANSLATION_MODELS[model] for model in INDEXED_MODELS)):
    post_save.connect(index_saved_content, sender=model, dispatch_uid=f"index-{model}")
    post_delete.connect(unindex_deleted_content, sender=model, dispatch_uid=f"unindex-{model}")


for model in SHOWN_MODELS:
    if model in caching.SHOWN_ON:
        # Shown on some symptoms' pages (an issue's banner, a shared step or cause): its save
        # retires those symptoms' pages and the listings, not the others'.
        post_save.connect(
            caching.shared_content_saved, sender=model, dispatch_uid=f"cache-save-{model}"
        )
    elif model in caching.OWN_PAGE_FIELDS or model in caching.QUESTION_PAGE_FIELDS:
        # Its save may show on its own pages alone (a symptom's), or on the questions alone:
        # what it changes says which pages to retire.
        pre_save.connect(caching.remember_shown, sender=model, dispatch_uid=f"cache-pre-{model}")
        post_save.connect(caching.content_saved, sender=model, dispatch_uid=f"cache-save-{model}")
    else:
        post_save.connect(caching.content_changed, sender=model, dispatch_uid=f"cache-save-{model}")
    post_delete.connect(caching.content_changed, sender=model, dispatch_uid=f"cache-del-{model}")
for through in (FixStep.causes.through, Symptom.causes.through, Symptom.steps.through):
    m2m_changed.connect(caching.content_changed, sender=through, dispatch_uid=f"cache-{through}")
# What an issue names decides which symptoms' pages show its banner.
for through in (KnownIssue.topics.through, KnownIssue.symptoms.through):
    m2m_changed.connect(
        caching.known_issue_lists_changed, sender=through, dispatch_uid=f"cache-{through}"
    )
# A topic's stored listings go with it (a cascade, before its own row): its new token is
# written first, so a deleting writer takes the content version's lock before the listings'
# rows, in the order a relist takes them, and neither waits for the other in a circle.
pre_delete.connect(caching.content_changed, sender=Topic, dispatch_uid="cache-before-del-topic")
