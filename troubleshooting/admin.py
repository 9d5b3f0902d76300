"""The editors' admin: symptoms with their ordered steps and causes, steps, causes, triage."""

from functools import partial, update_wrapper

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.urls import path
from django.utils.html import format_html

from . import dashboards
from .models import (
    Cause,
    FixStep,
    SearchMiss,
    Severity,
    SlugRedirect,
    Status,
    Symptom,
    SymptomCause,
    SymptomStep,
    Topic,
    TriageChoice,
    TriageQuestion,
)


class PublishingAdmin(admin.ModelAdmin):
    """Drafts and publishing, shared by every content model."""

    actions = ["publish", "unpublish"]
    list_filter = ["status"]
    readonly_fields = ["created", "updated"]
    save_on_top = True

    @admin.action(description="Publish the selected items")
    def publish(self, request, queryset):
        count = self._set_status(queryset, Status.PUBLISHED)
        self.message_user(request, f"Published {count} item(s).", messages.SUCCESS)

    @admin.action(description="Unpublish the selected items (make them drafts)")
    def unpublish(self, request, queryset):
        count = self._set_status(queryset, Status.DRAFT)
        self.message_user(request, f"Moved {count} item(s) back to draft.", messages.SUCCESS)

    @staticmethod
    def _set_status(queryset, status) -> int:
        # One save each, so "updated" records when an item was published or withdrawn.
        changed = list(queryset.exclude(status=status))
        for obj in changed:
            obj.status = status
            obj.save(update_fields=["status", "updated"])
        return len(changed)

    @admin.display(description="On the site", boolean=True, ordering="status")
    def published(self, obj):
        return obj.is_published

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published else None


class OrderedInlineFormSet(BaseInlineFormSet):
    """Rows with a position that editors renumber to reorder, or point at another step.

    Django's formset validation already refuses duplicate rows; this saves a valid change that
    swaps values between rows (two positions, or two steps) without tripping a unique constraint
    half-way: the rows that change or go are removed first, and the changed ones written back.
    """

    def kept_forms(self):
        return [
            form
            for form in self.forms
            if form.is_valid() and form.cleaned_data and not self._should_delete_form(form)
        ]

    @transaction.atomic
    def save(self, commit=True):
        if commit:
            touched = [
                form.instance.pk
                for form in self.initial_forms
                if form.instance.pk and (form.has_changed() or self._should_delete_form(form))
            ]
            # Saving a changed row then inserts it again under its own id (its UPDATE finds
            # nothing), after every clashing value has gone.
            self.model._default_manager.filter(pk__in=touched).delete()
        return super().save(commit)


class SymptomStepFormSet(OrderedInlineFormSet):
    def clean(self):
        super().clean()
        rows = sorted(
            (form.cleaned_data["position"], form.cleaned_data["step"])
            for form in self.kept_forms()
            if form.cleaned_data.get("position") and form.cleaned_data.get("step")
        )
        destructive_seen = None
        for _, step in rows:
            if step.is_destructive:
                destructive_seen = destructive_seen or step
            elif destructive_seen is not None:
                raise ValidationError(
                    f"“{step}” comes after the destructive step “{destructive_seen}”. Destructive "
                    "steps can lose data, so they must come after every safer step."
                )


class SharedChoicesInline(admin.TabularInline):
    """Build each dropdown's options once per page rather than once per row."""

    shared_choice_fields: tuple[str, ...] = ()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for name in self.shared_choice_fields:
            field = formset.form.base_fields[name]
            choices = list(field.choices)
            field.choices = choices
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's wrapper
            widget.choices = choices
        return formset


class SymptomStepInline(SharedChoicesInline):
    model = SymptomStep
    formset = SymptomStepFormSet
    extra = 1
    shared_choice_fields = ("step",)
    fields = ["position", "step", "step_severity"]
    readonly_fields = ["step_severity"]
    ordering = ["position"]
    verbose_name = "fix step"
    verbose_name_plural = (
        "Fix steps, in the order people try them (quick and safe first, destructive last)"
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("symptom", "step")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "step":
            field.label_from_instance = lambda step: f"{step} ({step.get_severity_display()})"
        return field

    @admin.display(description="Severity")
    def step_severity(self, obj):
        return obj.step.get_severity_display() if obj.step_id else "—"


class SymptomCauseInline(SharedChoicesInline):
    model = SymptomCause
    formset = OrderedInlineFormSet
    extra = 1
    shared_choice_fields = ("cause",)
    fields = ["position", "cause"]
    ordering = ["position"]
    verbose_name = "likely cause"
    verbose_name_plural = "Likely causes, most likely first"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("symptom", "cause")


@admin.register(Topic)
class TopicAdmin(PublishingAdmin):
    list_display = ["title", "published", "position", "symptom_count"]
    list_editable = ["position"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "summary", "position", "escalation", "status", "created", "updated"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(symptom_total=Count("symptoms"))

    @admin.display(description="Symptoms", ordering="symptom_total")
    def symptom_count(self, obj):
        return obj.symptom_total


@admin.register(Symptom)
class SymptomAdmin(PublishingAdmin):
    list_display = ["title", "topic", "published", "featured", "position", "step_count"]
    list_filter = ["status", "topic", "featured"]
    list_editable = ["position"]
    list_select_related = ["topic"]
    search_fields = ["title", "summary", "body", "aliases"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SymptomStepInline, SymptomCauseInline]
    fieldsets = [
        (None, {"fields": ["topic", "title", "slug", "summary", "status"]}),
        ("Article", {"fields": ["body", "aliases", "next_moves"]}),
        ("Listing", {"fields": ["featured", "position", "created", "updated"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(step_total=Count("symptom_steps"))

    def get_urls(self):
        def view(route, function, name):
            wrapped = self.admin_site.admin_view(partial(function, model_admin=self))
            return path(route, update_wrapper(wrapped, function), name=name)

        urls = []
        for route, function, name in [
            ("outcomes/", dashboards.overview, "troubleshooting_outcomes"),
            ("outcomes.csv", dashboards.overview_csv, "troubleshooting_outcomes_csv"),
            (
                "<path:object_id>/outcomes/",
                dashboards.symptom_outcomes,
                "troubleshooting_symptom_outcomes",
            ),
            (
                "<path:object_id>/outcomes.csv",
                dashboards.symptom_outcomes_csv,
                "troubleshooting_symptom_outcomes_csv",
            ),
            (
                "<path:object_id>/outcomes/apply-order/",
                dashboards.apply_order,
                "troubleshooting_symptom_apply_order",
            ),
        ]:
            urls.append(view(route, function, name))
        return urls + super().get_urls()

    @admin.display(description="Steps", ordering="step_total")
    def step_count(self, obj):
        return obj.step_total


@admin.register(Cause)
class CauseAdmin(PublishingAdmin):
    list_display = ["title", "published", "slug"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "description", "status", "created", "updated"]

    def view_on_site(self, obj):
        return None


@admin.register(FixStep)
class FixStepAdmin(PublishingAdmin):
    list_display = ["title", "severity_badge", "minutes", "published", "used_in"]
    list_filter = ["status", "severity", "interrupts", "symptoms__topic"]
    search_fields = ["title", "instructions", "settings_path", "warning"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["causes"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status"]}),
        ("What to do", {"fields": ["instructions", "settings_path", "minutes", "interrupts"]}),
        (
            "Risk",
            {
                "fields": ["severity", "warning"],
                "description": "Destructive steps can lose data. They need a warning, come last in "
                "every symptom's list, and people confirm before they see them.",
            },
        ),
        ("Why it helps", {"fields": ["causes", "created", "updated"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(symptom_total=Count("symptom_steps"))

    @admin.display(description="Severity", ordering="severity")
    def severity_badge(self, obj):
        if obj.severity == Severity.DESTRUCTIVE:
            return format_html("<strong>{}</strong>", obj.get_severity_display())
        return obj.get_severity_display()

    @admin.display(description="Used by symptoms", ordering="symptom_total")
    def used_in(self, obj):
        return obj.symptom_total

    def view_on_site(self, obj):
        return None


class TriageChoiceInline(SharedChoicesInline):
    model = TriageChoice
    formset = OrderedInlineFormSet
    fk_name = "question"
    extra = 1
    fields = ["position", "label", "hint", "next_question", "symptom"]
    shared_choice_fields = ("next_question", "symptom")
    ordering = ["position"]
    verbose_name = "answer"
    verbose_name_plural = "Answers: each leads to another question or to a symptom's fix steps"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question", "next_question", "symptom")


@admin.register(TriageQuestion)
class TriageQuestionAdmin(PublishingAdmin):
    list_display = ["prompt", "topic", "is_start", "published"]
    list_filter = ["status", "topic", "is_start"]
    list_select_related = ["topic"]
    search_fields = ["prompt", "help", "slug"]
    prepopulated_fields = {"slug": ["prompt"]}
    inlines = [TriageChoiceInline]
    fields = ["topic", "prompt", "slug", "help", "is_start", "status", "created", "updated"]


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    """Old addresses kept when editors renamed content; they answer with a permanent redirect."""

    list_display = ["old_slug", "model", "object_id", "created"]
    list_filter = ["model"]
    search_fields = ["old_slug"]
    readonly_fields = ["model", "old_slug", "object_id", "created"]

    def has_add_permission(self, request):
        return False


@admin.register(SearchMiss)
class SearchMissAdmin(admin.ModelAdmin):
    """What people searched for and did not find: ideas for aliases and new guides."""

    list_display = ["query", "count", "last_seen", "first_seen"]
    search_fields = ["query"]
    date_hierarchy = "last_seen"
    readonly_fields = ["query", "count", "first_seen", "last_seen"]

    def has_add_permission(self, request):
        return False
