"""Known issues in the admin: publish one in under a minute, post updates, resolve it.

The same drafts, scheduling, previews, history and approval rules as all content
(``PublishingAdmin``); updates are edited inline and build the public timeline.
"""

import reversion
from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from troubleshooting.models import IssueState, KnownIssue, KnownIssueUpdate

from .publishing import PublishingAdmin

# What the timeline says when an editor changes where an issue stands without writing an update.
STATE_CHANGED = {
    IssueState.INVESTIGATING: "We're looking into reports of this problem.",
    IssueState.IDENTIFIED: "The cause has been found.",
    IssueState.MONITORING: "A fix is out; we're watching that it holds.",
    IssueState.RESOLVED: "This problem is resolved.",
}


class KnownIssueUpdateInline(admin.StackedInline):
    """The issue's timeline, newest first; a new update takes the issue's current state."""

    model = KnownIssueUpdate
    extra = 1
    fields = ["posted_at", "state", "body"]
    ordering = ["-posted_at", "-pk"]
    formfield_overrides = {
        KnownIssueUpdate._meta.get_field("body").__class__: {
            "widget": forms.Textarea(attrs={"rows": 3})
        }
    }

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            formset.form.base_fields["state"].initial = obj.state
        return formset


class KnownIssueAdmin(PublishingAdmin):
    actions = ["publish", "unpublish", "resolve"]
    list_display = ["title", "state", "published", "started_at", "ends_at"]
    list_filter = ["state", "status"]
    search_fields = ["title", "symptoms_seen", "known", "workaround"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics", "symptoms"]
    inlines = [KnownIssueUpdateInline]
    readonly_fields = ["resolved_at", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "state", "symptoms_seen", "known", "workaround"]}),
        (
            "Where it shows",
            {
                "fields": ["topics", "symptoms", "ios_versions"],
                "description": "A banner shows on the home page, on these topics and articles, "
                "and at the start of their guided fixes, while the issue is published and not "
                "resolved.",
            },
        ),
        (_("Timing"), {"fields": ["started_at", "ends_at", "resolved_at"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "created", "updated"]}),
    ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.can_publish(request):
            actions.pop("resolve", None)  # resolving changes what is live
        return actions

    @admin.action(description=_("Resolve the selected issues (take their banners down)"))
    def resolve(self, request, queryset):
        issues = list(queryset.exclude(state=IssueState.RESOLVED))
        for issue in issues:
            issue.state = IssueState.RESOLVED
            issue.save(update_fields=["state", "updated"])
            _note_state(issue)
        reversion.set_comment("Resolved.")
        n = len(issues)
        self.message_user(
            request,
            ngettext("Resolved %(n)d issue.", "Resolved %(n)d issues.", n) % {"n": n},
            messages.SUCCESS,
        )

    def save_related(self, request, form, formsets, change):
        # Not PublishingAdmin's: the content checks are about the guides, not known issues.
        super(PublishingAdmin, self).save_related(request, form, formsets, change)
        issue = form.instance
        if "state" in form.changed_data or not change:
            written = [
                update
                for formset in formsets
                for update in getattr(formset, "new_objects", [])
                if isinstance(update, KnownIssueUpdate) and update.state == issue.state
            ]
            if not written:
                _note_state(issue)

    def preview_links(self, obj):
        links = [("Preview the issue's page", obj.get_absolute_url())]
        return [*links, ("Preview the banner on the home page", reverse("troubleshooting:home"))]


def _note_state(issue: KnownIssue) -> None:
    """Add where the issue stands now to its timeline, in the standard words."""
    KnownIssueUpdate.objects.create(issue=issue, state=issue.state, body=STATE_CHANGED[issue.state])
