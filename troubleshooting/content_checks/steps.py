"""Checks of symptoms and their fix steps: something to try, warnings, and a safe order."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext, ngettext

from troubleshooting import rules
from troubleshooting.models import FixStep, Symptom

from .problems import Level, Problem, ProblemKind, Ref, field_name, quote
from .site import Site


def check_symptom_steps(site: Site) -> Iterator[Problem]:
    """A published symptom needs published fix steps: its article and guided fix show them."""
    for symptom in site.all(Symptom):
        if not site.is_live(symptom) or site.live_steps(symptom):
            continue
        drafts = [
            step
            for link in site.step_links.get(symptom.pk, [])
            if (step := site.get(FixStep, link.step_id)) is not None
        ]
        if drafts:
            message = ngettext(
                "This symptom is published but its %(count)d fix step is not, so its article "
                "and guided fix have nothing to try. Publish its fix step, or move the symptom "
                "back to draft.",
                "This symptom is published but none of its %(count)d fix steps is published, so "
                "its article and guided fix have nothing to try. Publish its fix steps, or move "
                "the symptom back to draft.",
                len(drafts),
            ) % {"count": len(drafts)}
        else:
            message = gettext(
                "This symptom is published but it has no fix steps, so its article and guided "
                "fix have nothing to try. Add fix steps, or move the symptom back to draft."
            )
        related = tuple(Ref.to(step) for step in drafts)
        yield Problem(
            Level.ERROR, ProblemKind.SYMPTOM_WITHOUT_STEPS, Ref.to(symptom), message, related
        )


def check_destructive_warnings(site: Site) -> Iterator[Problem]:
    """A step that can lose data must say so (the database refuses only an empty warning)."""
    for step in site.all(FixStep):
        if site.is_live(step) and rules.lacks_warning(step.severity, step.warning):
            message = gettext(
                "This step can lose people's data but has no warning. In %(field)s, say what can "
                "be lost and how to keep it safe (for example, take screenshots first)."
            ) % {"field": field_name(FixStep, "warning")}
            yield Problem(
                Level.ERROR, ProblemKind.DESTRUCTIVE_WITHOUT_WARNING, Ref.to(step), message
            )


def check_step_order(site: Site) -> Iterator[Problem]:
    """People try steps in order: nothing destructive may come before a safer step."""
    for symptom in site.all(Symptom):
        if not site.is_live(symptom):
            continue
        steps = site.live_steps(symptom)
        for step, safer in rules.destructive_before_safer(steps):
            where, safer_where = steps.index(step) + 1, steps.index(safer) + 1
            message = gettext(
                "The destructive step %(step)s (step %(where)d, it can lose data) comes before "
                "the safer step %(safer)s (step %(safer_where)d), so people could lose data "
                "before trying a gentler fix. In this symptom's fix steps, drag %(step)s below "
                "every safer step (or move it down with its ↓ button), then save."
            ) % {
                "step": quote(step),
                "where": where,
                "safer": quote(safer),
                "safer_where": safer_where,
            }
            yield Problem(
                Level.ERROR,
                ProblemKind.DESTRUCTIVE_BEFORE_SAFER,
                Ref.to(symptom),
                message,
                (Ref.to(step), Ref.to(safer)),
            )
