"""The content ModelAdmins: topics, symptoms with their ordered steps and causes, steps, causes,
triage questions, and the read-only lists of old addresses and missed searches.

``site.EditorsAdminSite`` registers them; the outcome pages come with ``SymptomAdmin``.
"""

from adminsortable2.admin import SortableAdminBase
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db import models
from django.db.models import Count
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ..models import Symptom, Topic, TriageQuestion
from .changelists import DateSafeChangeList, LanguageFilter, language_column
from .inlines import SymptomCauseInline, SymptomStepInline, TriageChoiceInline
from .outcomes import OutcomeDashboards
from .publishing import PublishingAdmin, ReviewFilter
from .triage_tree import TriageTreePage
from .widgets import TextBox


def _first_symptom_url(links) -> str | None:
    """A shared step or cause has no page of its own: preview the first symptom that lists it."""
    link = links.select_related("symptom__topic").order_by("symptom__position", "pk").first()
    return link.symptom.get_absolute_url() if link else None


class EditorFields:
    """How a content admin's fields look: summaries in a box, no ✕ that deletes what a field
    points at (on a symptom, the ✕ beside Topic offered to delete the whole topic)."""

    formfield_overrides = {models.TextField: {"widget": TextBox}}
    textarea_fields = ("summary",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.textarea_fields:
            kwargs["widget"] = TextBox(attrs={"rows": 3, "cols": 80})
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            field.widget.can_delete_related = False
        return field


class TopicAdmin(TriageTreePage, EditorFields, PublishingAdmin):
    list_display = ["title", "published", "position", "symptom_count", "review_state"]
    list_editable = ["position"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "position", "escalation"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "created", "updated"]}),
        PublishingAdmin.review_fieldset,
    ]

    def get_queryset(self, request):
        # Ordered again: a GROUP BY drops the default order, which the autocomplete pages need.
        queryset = super().get_queryset(request).annotate(symptom_total=Count("symptoms"))
        return queryset.order_by(*self.model._meta.ordering)

    @admin.display(description=_("Symptoms"), ordering="symptom_total")
    def symptom_count(self, obj):
        return obj.symptom_total


class SymptomAdmin(SortableAdminBase, OutcomeDashboards, EditorFields, PublishingAdmin):
    list_display = [
        "title",
        "topic",
        "published",
        "featured",
        "position",
        "step_count",
        "review_state",
    ]
    list_filter = ["status", ReviewFilter, "topic", "featured"]
    list_editable = ["position"]
    list_select_related = ["topic"]
    search_fields = ["title", "summary", "body", "aliases"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SymptomStepInline, SymptomCauseInline]
    fieldsets = [
        (None, {"fields": ["topic", "title", "slug", "summary"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "created", "updated"]}),
        (_("Article"), {"fields": ["body", "aliases", "next_moves"]}),
        (_("Listing"), {"fields": ["featured", "position"]}),
        PublishingAdmin.review_fieldset,
    ]

    class Media:
        js = ["js/admin-order.js"]

    def preview_links(self, obj):
        return [
            ("Preview the article", obj.get_absolute_url()),
            ("Preview the guided fix", obj.get_flow_url()),
        ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(step_total=Count("symptom_steps"))
        return queryset.order_by(*self.model._meta.ordering)  # as TopicAdmin's

    @admin.display(description=_("Steps"), ordering="step_total")
    def step_count(self, obj):
        return obj.step_total


class CauseAdmin(EditorFields, PublishingAdmin):
    list_display = ["title", "published", "slug", "review_state"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "description"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "created", "updated"]}),
        PublishingAdmin.review_fieldset,
    ]

    def view_on_site(self, obj):
        return None

    def preview_target(self, obj):
        return _first_symptom_url(obj.symptom_causes)


class FixStepAdmin(EditorFields, PublishingAdmin):
    list_display = ["title", "severity_badge", "minutes", "published", "used_in", "review_state"]
    list_filter = ["status", ReviewFilter, "severity", "interrupts", "symptoms__topic"]
    search_fields = ["title", "instructions", "settings_path", "warning"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["causes"]
    fieldsets = [
        (None, {"fields": ["title", "slug"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "created", "updated"]}),
        (_("What to do"), {"fields": ["instructions", "settings_path", "minutes", "interrupts"]}),
        (
            "Risk",
            {
                "fields": ["severity", "warning"],
                "description": "Destructive steps can lose data. They need a warning, come last in "
                "every symptom's list, and people confirm before they see them.",
            },
        ),
        (_("Why it helps"), {"fields": ["causes"]}),
        PublishingAdmin.review_fieldset,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(symptom_total=Count("symptom_steps"))

    @admin.display(description=_("Severity"), ordering="severity")
    def severity_badge(self, obj):
        if obj.is_destructive:
            return format_html("<strong>{}</strong>", obj.get_severity_display())
        return obj.get_severity_display()

    @admin.display(description=_("Used by symptoms"), ordering="symptom_total")
    def used_in(self, obj):
        return obj.symptom_total

    def view_on_site(self, obj):
        return None

    def preview_target(self, obj):
        return _first_symptom_url(obj.symptom_steps)


class TriageQuestionAdmin(SortableAdminBase, EditorFields, PublishingAdmin):
    list_display = ["prompt", "topic", "is_start", "published", "review_state"]
    list_filter = ["status", ReviewFilter, "topic", "is_start"]
    list_select_related = ["topic"]
    search_fields = ["prompt", "help", "slug"]
    prepopulated_fields = {"slug": ["prompt"]}
    inlines = [TriageChoiceInline]
    fieldsets = [
        (None, {"fields": ["topic", "prompt", "slug", "help", "is_start"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "created", "updated"]}),
        PublishingAdmin.review_fieldset,
    ]

    class Media:
        js = ["js/admin-order.js"]


# The kinds of item whose renamed addresses are kept, by the label a redirect stores.
REDIRECTED_KINDS = {model._meta.model_name: model for model in (Topic, Symptom, TriageQuestion)}


class RedirectKindFilter(admin.SimpleListFilter):
    """Show only the renamed addresses of one kind of item, named in the editor's language."""

    title = _("kind")
    parameter_name = "model"

    def lookups(self, request, model_admin):
        return [
            (label, capfirst(model._meta.verbose_name)) for label, model in REDIRECTED_KINDS.items()
        ]

    def queryset(self, request, queryset):
        return queryset.filter(model=self.value()) if self.value() else queryset


@admin.display(description=_("kind"), ordering="model")
def redirect_kind(redirect) -> str:
    """Name the kind of item a renamed address led to, as the admin names it."""
    model = REDIRECTED_KINDS.get(redirect.model)
    return capfirst(model._meta.verbose_name) if model else redirect.model


class SlugRedirectAdmin(admin.ModelAdmin):
    """Old addresses kept when editors renamed content; they answer with a permanent redirect.

    English slugs and translations' own slugs alike, each with its language.
    """

    list_display = ["old_slug", redirect_kind, language_column, "object_id", "created"]
    list_filter = [RedirectKindFilter, LanguageFilter]
    search_fields = ["old_slug"]
    readonly_fields = ["model", "language", "old_slug", "object_id", "created"]

    def has_add_permission(self, request):
        return False


class SearchMissAdmin(admin.ModelAdmin):
    """What people searched for and did not find: ideas for aliases and new guides."""

    list_display = ["query", language_column, "count", "last_seen", "first_seen"]
    list_filter = [LanguageFilter]
    search_fields = ["query"]
    date_hierarchy = "last_seen"

    def get_changelist(self, request, **kwargs):
        return DateSafeChangeList

    readonly_fields = ["query", "language", "count", "first_seen", "last_seen"]

    def has_add_permission(self, request):
        return False
