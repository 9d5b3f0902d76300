"""The editors' admin: symptoms with their ordered steps and causes, steps, causes, triage."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html

from .models import (
    Cause,
    FixStep,
    Severity,
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
        # Save one by one so rendering on save and validation still apply.
        count = 0
        for obj in queryset.exclude(status=Status.PUBLISHED):
            obj.status = Status.PUBLISHED
            obj.save(update_fields=["status", "updated"])
            count += 1
        self.message_user(request, f"Published {count} item(s).", messages.SUCCESS)

    @admin.action(description="Unpublish the selected items (make them drafts)")
    def unpublish(self, request, queryset):
        count = queryset.filter(status=Status.PUBLISHED).update(status=Status.DRAFT)
        self.message_user(request, f"Moved {count} item(s) back to draft.", messages.SUCCESS)

    @admin.display(description="On the site", boolean=True, ordering="status")
    def published(self, obj):
        return obj.is_published

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published else None


class SymptomStepInline(admin.TabularInline):
    model = SymptomStep
    extra = 1
    autocomplete_fields = ["step"]
    fields = ["position", "step", "step_severity"]
    readonly_fields = ["step_severity"]
    ordering = ["position"]
    verbose_name = "fix step"
    verbose_name_plural = (
        "Fix steps, in the order people try them (quick and safe first, destructive last)"
    )

    @admin.display(description="Severity")
    def step_severity(self, obj):
        return obj.step.get_severity_display() if obj.step_id else "—"


class SymptomCauseInline(admin.TabularInline):
    model = SymptomCause
    extra = 1
    autocomplete_fields = ["cause"]
    fields = ["position", "cause"]
    ordering = ["position"]
    verbose_name = "likely cause"
    verbose_name_plural = "Likely causes, most likely first"


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


class TriageChoiceInline(admin.TabularInline):
    model = TriageChoice
    fk_name = "question"
    extra = 1
    fields = ["position", "label", "hint", "next_question", "symptom"]
    autocomplete_fields = ["next_question", "symptom"]
    ordering = ["position"]
    verbose_name = "answer"
    verbose_name_plural = "Answers: each leads to another question or to a symptom's fix steps"


@admin.register(TriageQuestion)
class TriageQuestionAdmin(PublishingAdmin):
    list_display = ["prompt", "topic", "is_start", "published"]
    list_filter = ["status", "topic", "is_start"]
    list_select_related = ["topic"]
    search_fields = ["prompt", "help", "slug"]
    prepopulated_fields = {"slug": ["prompt"]}
    inlines = [TriageChoiceInline]
    fields = ["topic", "prompt", "slug", "help", "is_start", "status", "created", "updated"]
