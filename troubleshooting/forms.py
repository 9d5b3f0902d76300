"""Forms of the guided fix flow and of article feedback."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .flow import Answer
from .models import CantDoReason, FeedbackReason


class AnswerForm(forms.Form):
    """ "Did this fix it?" for one step; destructive steps need their warning confirmed first."""

    answer = forms.ChoiceField(
        choices=Answer.choices,
        error_messages={
            "required": _("Choose Yes, No or Skip."),
            "invalid_choice": _("Choose Yes, No or Skip."),
        },
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # Only read with "I can't do this step": what stood in the way, so editors can fix the step.
    reason = forms.ChoiceField(
        label=_("What's stopping you? (optional)"),
        choices=CantDoReason.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the reasons listed, or none.")},
    )
    note = forms.CharField(
        label=_("Anything else we should know? (optional, no personal details please)"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Please keep the note to %(limit_value)d characters.")},
    )

    def __init__(self, *args, needs_confirmation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_confirmation = needs_confirmation

    def clean(self):
        cleaned = super().clean()
        # The step page shows the form's own errors by the buttons, not the reason's: an
        # unknown reason (a tampered or outdated form) would be refused without a word.
        for message in self.errors.get("reason", []):
            self.add_error(None, message)
        if _unconfirmed(cleaned, needs_confirmation=self.needs_confirmation):
            raise forms.ValidationError(
                _(
                    "This step can delete data. Read the warning and confirm you understand it "
                    "before you try the step, or skip it."
                ),
                code="not_confirmed",
            )
        return cleaned

    @classmethod
    def valid_answer(cls, data, *, needs_confirmation: bool = False) -> dict | None:
        """Return what a bound form would clean ``data`` to if it is valid; None otherwise."""
        # The same fields clean the same values, without the copy of every field, widget and
        # list of choices each form instance makes: an answer's POST needs only the verdict, and
        # a refused answer is shown by a real form, built where the page is rendered.
        cleaned = {}
        try:
            for name, field in cls.base_fields.items():
                cleaned[name] = field.clean(field.widget.value_from_datadict(data, {}, name))
        except forms.ValidationError:
            return None
        return None if _unconfirmed(cleaned, needs_confirmation=needs_confirmation) else cleaned


def _unconfirmed(cleaned: dict, *, needs_confirmation: bool) -> bool:
    """Return whether an answer says it tried a destructive step without confirming its warning."""
    return (
        needs_confirmation
        and cleaned.get("answer") in {Answer.FIXED, Answer.NOT_FIXED}
        and not cleaned.get("confirmed")
    )


class FeedbackForm(forms.Form):
    """ "Was this helpful?" on an article, with an optional reason when it was not."""

    helpful = forms.ChoiceField(
        choices=[("yes", pgettext_lazy("answer", "Yes")), ("no", pgettext_lazy("answer", "No"))],
        error_messages={
            "required": _("Choose Yes or No."),
            "invalid_choice": _("Choose Yes or No."),
        },
    )
    reason = forms.ChoiceField(
        label=_("What went wrong? (optional)"),
        choices=FeedbackReason.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything else we should know? (optional, no personal details please)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Please keep it to %(limit_value)d characters.")},
    )
    # The article version shown; a bad one is replaced by the current version, not an error.
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_version(self):
        version = self.cleaned_data["version"]
        return version if re.fullmatch(r"[0-9a-f]{8}", version) else ""
