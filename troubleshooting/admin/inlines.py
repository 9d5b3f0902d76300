"""The ordered lists inside a symptom or question: steps, causes and answers."""

from adminsortable2.admin import CustomInlineFormSetMixin, SortableTabularInline
from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from troubleshooting import rules, step_order
from troubleshooting.models import (
    FixStep,
    SymptomCause,
    SymptomStep,
    TriageChoice,
)

from .widgets import TextBox


class OrderedInlineFormSet(BaseInlineFormSet):
    """Rows with a position that editors renumber to reorder, or point at another step.

    Django's formset validation already refuses duplicate rows; this saves a valid change that
    swaps values between rows (two positions, or two steps) without tripping a unique constraint
    half-way: the rows that go, or whose unique values change, are removed first, and the
    changed ones written back. A row changed otherwise (an answer's label) is saved in place.
    """

    def marked_for_deletion(self, form) -> bool:
        """Whether the editor ticked "Delete" on this row."""
        return self.can_delete and bool(getattr(form, "cleaned_data", {}).get(DELETION_FIELD_NAME))

    def kept_forms(self):
        """Return the valid rows that stay, new ones included."""
        return [
            form
            for form in self.forms
            if form.is_valid() and form.cleaned_data and not self.marked_for_deletion(form)
        ]

    @transaction.atomic
    def save(self, commit=True):
        if commit:
            unique = rules.unique_fields(self.model)
            touched = [
                form.instance.pk
                for form in self.initial_forms
                if form.instance.pk
                and (self.marked_for_deletion(form) or unique.intersection(form.changed_data))
            ]
            # Saving a changed row then inserts it again under its own id (its UPDATE finds
            # nothing), after every clashing value has gone.
            self.model._default_manager.filter(pk__in=touched).delete()
        return super().save(commit)


class SortableFormSet(CustomInlineFormSetMixin, OrderedInlineFormSet):
    """Rows reordered by dragging (or the Move buttons), saved without clashing positions."""


class SymptomStepFormSet(SortableFormSet):
    def clean(self):
        super().clean()
        # New rows have no position yet; ``save`` puts a safer one ahead of the destructive steps.
        rows = sorted(
            (form.cleaned_data["position"], form.cleaned_data["step"])
            for form in self.kept_forms()
            if form.cleaned_data.get("position") and form.cleaned_data.get("step")
        )
        clash = rules.first_destructive_before_safer(step for _, step in rows)
        if clash is not None:
            destructive, safer = clash
            raise ValidationError(
                f"“{safer}” comes after the destructive step “{destructive}”. Destructive "
                "steps can lose data, so they must come after every safer step."
            )

    def save(self, commit=True):
        saved = super().save(commit)
        if commit:
            step_order.put_destructive_steps_last(self.instance)
        return saved


class SharedChoicesInline(SortableTabularInline):
    """A list edited in its owner's page: drag rows (or use the Move buttons) to reorder them.

    Each dropdown's options are built once per page rather than once per row.
    """

    formset = SortableFormSet

    shared_choice_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            # A red ✕ beside a row's dropdown would delete the step (or question) everywhere.
            field.widget.can_delete_related = False
        return field

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for name in self.shared_choice_fields:
            field = formset.form.base_fields[name]
            choices = list(field.choices)
            field.choices = choices
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's wrapper
            widget.choices = choices
        return formset


class SymptomStepForm(forms.ModelForm):
    """A row of a symptom's steps, with the step's own instructions editable in place.

    Steps are shared: the text changes wherever the step is used, and goes into the same
    history entry as the symptom's save. New rows get the box once saved (the step they will
    point at is not known before).
    """

    instructions = forms.CharField(
        label=_("What to do"),
        required=False,
        widget=TextBox(attrs={"rows": 3, "cols": 60}),
        help_text=_("The step's instructions (Markdown), shared by every symptom that uses it."),
    )
    # Whether the user may change this step; set per request by the inline.
    may_change_step = staticmethod(lambda step: True)

    class Meta:
        model = SymptomStep
        fields = ["position", "step"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["instructions"]
        step = self.instance.step if self.instance.step_id else None
        if self.is_bound and self.add_prefix("instructions") not in self.data:
            field.disabled = True  # a form posted without the box (a script) keeps the text
        elif step is None or not self.may_change_step(step):
            field.disabled = True
            field.widget.attrs["placeholder"] = (
                "Choose a step and save: its text can then be changed here."
                if step is None
                else "Only a publisher can change this live step."
            )
        field.initial = step.instructions if step is not None else ""
        field.validators = list(FixStep._meta.get_field("instructions").validators)

    def clean_instructions(self):
        text = self.cleaned_data["instructions"]
        if not self.fields["instructions"].disabled and not text.strip():
            raise ValidationError("A step needs instructions: say what to do.")
        return text

    def save(self, commit=True):
        link = super().save(commit)
        editable = not self.fields["instructions"].disabled
        if commit and editable and "instructions" in self.changed_data:
            step = link.step
            step.instructions = self.cleaned_data["instructions"]
            step.save()
        return link


class SymptomStepInline(SharedChoicesInline):
    model = SymptomStep
    form = SymptomStepForm
    formset = SymptomStepFormSet
    extra = 1
    shared_choice_fields = ("step",)
    fields = ["position", "step", "instructions"]
    ordering = ["position"]
    verbose_name = _("fix step")
    verbose_name_plural = _(
        "Fix steps, in the order people try them (quick and safe first, destructive last)"
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("symptom", "step")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        step_admin = self.admin_site.get_model_admin(FixStep)
        # The factory made this form class for this request alone (a subclass would rebuild
        # its fields, and with them one query per row for the step dropdown).
        # A step's text is saved straight into the live tables from here, so only where the
        # step's own page would save it live: a change that waits for approval goes there.
        formset.form.may_change_step = staticmethod(
            lambda step: (
                step_admin.has_change_permission(request, step)
                and not step_admin.needs_approval(request, step)
            )
        )
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "step":
            field.label_from_instance = lambda step: f"{step} · {step.get_severity_display()}"
        return field


class SymptomCauseInline(SharedChoicesInline):
    model = SymptomCause
    extra = 1
    shared_choice_fields = ("cause",)
    fields = ["position", "cause"]
    ordering = ["position"]
    verbose_name = "likely cause"
    verbose_name_plural = _("Likely causes, most likely first")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("symptom", "cause")


class TriageChoiceInline(SharedChoicesInline):
    model = TriageChoice
    fk_name = "question"
    extra = 1
    fields = ["position", "label", "hint", "next_question", "symptom"]
    shared_choice_fields = ("next_question", "symptom")
    ordering = ["position"]
    verbose_name = "answer"
    verbose_name_plural = "Answers: each leads to another question or to a symptom's fix steps"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question", "next_question", "symptom")
