"""Editors' writes to a symptom's step order: an order from the outcomes, destructive last."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from . import caching, rules
from .models import Symptom, SymptomStep


def _severity(link: SymptomStep) -> int:
    return link.step.severity


class StaleOrder(ValueError):
    """The steps changed since the new order was worked out."""


def reorder_steps(symptom: Symptom, step_ids: list[int]) -> None:
    """Put a symptom's steps in the given order, keeping the positions they already use.

    The new order must list the same steps and keep the same severity at every place, so a
    destructive step can never move ahead of safer ones this way.
    """
    with transaction.atomic():
        links = list(
            SymptomStep.objects.select_for_update()
            .filter(symptom=symptom)
            .select_related("step")
            .order_by("position")
        )
        by_step = {link.step_id: link for link in links}
        if sorted(step_ids) != sorted(by_step):
            raise StaleOrder("The steps of this symptom have changed.")
        new = [by_step[step_id] for step_id in step_ids]
        if not rules.keeps_severity_in_place(links, new, severity=_severity):
            raise ValueError("A new order may only swap steps of the same severity.")
        positions = [link.position for link in links]
        # Out of each other's way first: positions are unique within a symptom.
        SymptomStep.objects.filter(symptom=symptom).update(position=F("position") + 1000)
        for position, link in zip(positions, new, strict=True):
            SymptomStep.objects.filter(pk=link.pk).update(position=position)
        symptom.save(update_fields=["updated"])


def put_destructive_steps_last(symptom: Symptom) -> None:
    """Move any safer step that ended up after a destructive one (a new row) ahead of them all.

    The order within safer steps and within destructive steps stays as it is.
    """
    with transaction.atomic():
        links = list(
            SymptomStep.objects.select_for_update()
            .filter(symptom=symptom)
            .select_related("step")
            .order_by("position")
        )
        wanted = rules.destructive_last(links, severity=_severity)
        if wanted == links:
            return
        SymptomStep.objects.filter(symptom=symptom).update(position=F("position") + 1000)
        for position, link in enumerate(wanted, start=1):
            SymptomStep.objects.filter(pk=link.pk).update(position=position)
        caching.content_changed()  # update() sends no signal
