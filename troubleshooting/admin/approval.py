"""Editors change live content through changes that wait for a publisher's approval.

With ``CONTENT_REQUIRE_REVIEW``, an editor's save of a published item runs the admin's own form,
lists and checks as any save does, inside a transaction that is then rolled back: the item as it
would have been saved is kept as a ``PendingChange`` and the live tables never see it.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from troubleshooting import review
from troubleshooting.models import PendingChange


class Proposed(Exception):
    """Carry the saved version out of its transaction, so that the save itself rolls back."""

    def __init__(self, proposed: str):
        super().__init__()
        self.proposed = proposed


def propose_change(request, obj, save, *, site_name: str):
    """Run ``save`` (the admin's own change view) and keep its result aside for approval."""
    try:
        with transaction.atomic():
            base = review.snapshot(obj)
            response = save()
            if response.status_code != 302:  # the form was refused: nothing was written
                return response
            raise Proposed(review.snapshot(obj))
    except Proposed as saved:
        if review.fingerprint_of(saved.proposed) == review.fingerprint_of(base):
            messages.info(request, _("Nothing changed, so there is nothing to approve."))
            return HttpResponseRedirect(request.path)
        change = review.propose(obj=obj, proposed=saved.proposed, base=base, author=request.user)
    messages.success(
        request,
        _(
            "Your change to “%(item)s” is saved and waits for a publisher’s approval. The site "
            "keeps showing the live version until then."
        )
        % {"item": obj},
    )
    return HttpResponseRedirect(
        reverse(f"{site_name}:troubleshooting_pendingchange_change", args=[change.pk])
    )


def pending_for(obj) -> list:
    """Return the open changes proposed to ``obj``, oldest first, with their authors."""
    return list(
        PendingChange.objects.for_object(obj).open().select_related("author").order_by("pk")
    )
