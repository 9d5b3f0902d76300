"""How a guided-fix session ended: decided here for recording, purging and the reports alike.

The database stores what the answers say (open, resolved at a step, or ended); "abandoned" is never
stored: it is an open session with no answer for ``OUTCOMES_ABANDON_AFTER_MINUTES``, or one still
open when its raw records are added up into tallies.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, CharField, F, Q, Value, When
from django.utils import timezone

from troubleshooting.models import Outcome, Result


def after_answer(result: str, *, number: int, is_last: bool) -> tuple[Outcome, int | None]:
    """Return where a session stands after an answer, and the step that fixed it, if one did.

    The latest answer decides: going back and answering again replaces what came after it.
    """
    if result == Result.FIXED:
        return Outcome.RESOLVED, number
    if is_last:
        return Outcome.ENDED, None
    return Outcome.OPEN, None


def abandoned_before(now: datetime | None = None) -> datetime:
    """Return the time before which an open session's last answer makes it abandoned."""
    now = now or timezone.now()
    return now - timedelta(minutes=settings.OUTCOMES_ABANDON_AFTER_MINUTES)


def final_outcome(*, idle_since: datetime | None) -> Case:
    """Return an expression of how each session ended, "abandoned" included.

    An open session is abandoned if its last answer came before ``idle_since``; with ``None``,
    every open session is (its records are being closed for good).
    """
    idle = Q(outcome=Outcome.OPEN)
    if idle_since is not None:
        idle &= Q(last_active_at__lt=idle_since)
    return Case(
        When(idle, then=Value(Outcome.ABANDONED.value)),
        default=F("outcome"),
        output_field=CharField(),
    )
