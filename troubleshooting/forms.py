"""Forms of the guided fix flow."""

from django import forms

from .services import Answer


class AnswerForm(forms.Form):
    """ "Did this fix it?" for one step; destructive steps need their warning confirmed first."""

    answer = forms.ChoiceField(
        choices=Answer.choices,
        error_messages={
            "required": "Choose Yes, No or Skip.",
            "invalid_choice": "Choose Yes, No or Skip.",
        },
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, needs_confirmation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_confirmation = needs_confirmation

    def clean(self):
        cleaned = super().clean()
        answer = cleaned.get("answer")
        if (
            self.needs_confirmation
            and answer in {Answer.FIXED, Answer.NOT_FIXED}
            and not cleaned.get("confirmed")
        ):
            raise forms.ValidationError(
                "This step can delete data. Read the warning and confirm you understand it "
                "before you try the step, or skip it.",
                code="not_confirmed",
            )
        return cleaned
