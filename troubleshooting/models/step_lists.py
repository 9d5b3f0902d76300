"""The step lists that guided-fix addresses have referred to, kept so old links keep working."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .content import Symptom


class PastStepList(models.Model):
    """One list of steps a flow address's answers refer to, by the fingerprint ``v`` it carries.

    Immutable: a row is written the first time a list appears in an address and never changed,
    so a link made before an editor reordered, added or removed steps still says which step
    each of its answers was given to.
    """

    symptom = models.ForeignKey(Symptom, on_delete=models.CASCADE, related_name="past_step_lists")
    version = models.CharField(max_length=16)
    steps = models.JSONField(help_text=_("The steps' ids, in the order the answers refer to."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["symptom", "version"], name="unique_past_step_list"),
        ]

    def __str__(self):
        return f"{self.symptom}: {self.version}"
