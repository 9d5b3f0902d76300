"""What every content admin shares: drafts and publishing, review dates, preview, history."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import reversion
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_list import _boolean_icon
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from reversion.admin import VersionAdmin
from reversion.models import Version

from troubleshooting import content_checks
from troubleshooting.markdown import render_markdown
from troubleshooting.models import (
    Status,
)
from troubleshooting.previewing import can_preview

from . import content_check, history
from .widgets import MarkdownWidget

# Markdown an editor previews at once; fields are far shorter, this only bounds the work.
MARKDOWN_PREVIEW_LIMIT = 50_000
# Markup the sanitizer removes (raw HTML, images): the preview says it was left out.
UNSAFE_MARKUP = re.compile(r"<(?!https?://|mailto:)[a-zA-Z!/?]|!\[|^# ", re.MULTILINE)


class ReviewFilter(admin.SimpleListFilter):
    """Content nobody has checked for a while: steps drift as iOS changes its settings."""

    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        days = settings.CONTENT_REVIEW_AFTER_DAYS
        return [("due", f"Due (not reviewed in {days} days)"), ("done", "Reviewed recently")]

    def queryset(self, request, queryset):
        due = Q(reviewed_on__isnull=True) | Q(reviewed_on__lt=review_cutoff())
        if self.value() == "due":
            return queryset.filter(due)
        if self.value() == "done":
            return queryset.exclude(due)
        return queryset


def review_cutoff():
    return timezone.localdate() - timedelta(days=settings.CONTENT_REVIEW_AFTER_DAYS)


class PublishingAdmin(VersionAdmin):
    """Drafts, scheduling, review dates, history and previews, shared by every content model."""

    actions = ["publish", "unpublish", "mark_reviewed"]
    list_filter = ["status", ReviewFilter]
    readonly_fields = ["created", "updated"]
    save_on_top = True
    # Our own templates (which keep reversion's "Recover deleted" link) rather than reversion's.
    change_list_template = None
    object_history_template = "admin/troubleshooting/object_history.html"
    history_latest_first = True
    publishing_fields = ["status", "publish_at"]
    review_fieldset = (
        "Review",
        {
            "fields": ["reviewed_on", "checked_on_ios"],
            "description": "Check the steps on a real phone from time to time: iOS moves "
            "settings around. Content not reviewed for a while is flagged in the lists.",
        },
    )

    class Media:
        css = {"all": ["css/admin.css"]}

    # Publishing ----------------------------------------------------------------------------

    def can_publish(self, request) -> bool:
        """Whether this user may publish; anyone who can edit, unless the site wants review."""
        if not settings.CONTENT_REQUIRE_REVIEW:
            return True
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def is_locked(self, request, obj) -> bool:
        """Whether ``obj`` is (or will be) live and so changes only through a publisher."""
        return obj is not None and obj.status == Status.PUBLISHED and not self.can_publish(request)

    def has_change_permission(self, request, obj=None):
        return not self.is_locked(request, obj) and super().has_change_permission(request, obj)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if not self.can_publish(request):
            changelist.list_editable = ()  # positions of live items are theirs to change
        return changelist

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.can_publish(request):
            fields += self.publishing_fields
        return fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.can_publish(request):
            actions.pop("publish", None)
            actions.pop("unpublish", None)
        return actions

    @admin.action(description="Publish the selected items", permissions=["change"])
    def publish(self, request, queryset):
        published = self._set_status(queryset, Status.PUBLISHED)
        reversion.set_comment("Published.")
        self.message_user(request, f"Published {len(published)} item(s).", messages.SUCCESS)
        problems = content_checks.check_content()  # once for all of them, not once per item
        for obj in published:
            content_check.add_problem_messages(
                request,
                obj,
                site_name=self.admin_site.name,
                problems=[problem for problem in problems if problem.concerns(obj)],
            )

    @admin.action(description="Unpublish the selected items (make them drafts)")
    def unpublish(self, request, queryset):
        count = len(self._set_status(queryset, Status.DRAFT))
        reversion.set_comment("Moved back to draft.")
        self.message_user(request, f"Moved {count} item(s) back to draft.", messages.SUCCESS)

    @admin.action(description="Mark the selected items as reviewed today", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        today = timezone.localdate()
        if not self.can_publish(request):
            queryset = queryset.exclude(status=Status.PUBLISHED)
        items = list(queryset)
        for obj in items:
            obj.reviewed_on = today
            obj.save(update_fields=["reviewed_on", "updated"])
        reversion.set_comment("Marked as reviewed.")
        self.message_user(request, f"Marked {len(items)} item(s) as reviewed.", messages.SUCCESS)

    @staticmethod
    def _set_status(queryset, status) -> list:
        """Set the status of the items that differ; return them."""
        # One save each, so "updated" records when an item was published or withdrawn.
        changed = list(queryset.exclude(status=status))
        for obj in changed:
            obj.status = status
            obj.save(update_fields=["status", "updated"])
        return changed

    @admin.display(description="On the site", ordering="status")
    def published(self, obj):
        if obj.is_scheduled:
            return format_html(
                '<span title="Published, shown from this time">Scheduled: {}</span>',
                date_format(timezone.localtime(obj.publish_at), "SHORT_DATETIME_FORMAT"),
            )
        return _boolean_icon(obj.is_published)

    @admin.display(description="Reviewed", ordering="reviewed_on")
    def review_state(self, obj):
        if obj.reviewed_on is None:
            return format_html('<span class="review-due">{}</span>', "Never: due")
        when = date_format(obj.reviewed_on, "SHORT_DATE_FORMAT")
        ios = f" (iOS {obj.checked_on_ios})" if obj.checked_on_ios else ""
        if obj.reviewed_on < review_cutoff():
            return format_html('<span class="review-due">{}{}: due</span>', when, ios)
        return f"{when}{ios}"

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published else None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Once the lists inside are saved too: say what would mislead people, and where.
        content_check.add_problem_messages(request, form.instance, site_name=self.admin_site.name)

    # Previews --------------------------------------------------------------------------------

    def preview_target(self, obj):
        """The public page that shows this object, if it has one."""
        return obj.get_absolute_url()

    def preview_links(self, obj) -> list[tuple[str, str]]:
        """(label, page) pairs an editor can preview, drafts and scheduled content included."""
        target = self.preview_target(obj)
        return [("Preview", target)] if target else []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, unquote(object_id))
        if self.is_locked(request, obj):
            self.message_user(
                request,
                "This is published, and this site has publishers review changes: only members "
                "of “Publishers” can change it. Ask one, or write the change in a new draft.",
                messages.INFO,
            )
        if obj is not None and can_preview(request.user):
            start = reverse("troubleshooting:preview")
            extra_context["preview_links"] = [
                (label, f"{start}?{urlencode({'next': target})}")
                for label, target in self.preview_links(obj)
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    # Markdown --------------------------------------------------------------------------------

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        sources = {source for source, _target in self.model.markdown_fields}
        if db_field.name in sources:
            opts = self.opts
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_markdown_preview")
            kwargs["widget"] = MarkdownWidget(preview_url=url, label=db_field.verbose_name)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def markdown_preview_view(self, request):
        """Render Markdown as the site will, for the live preview beside each Markdown field."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        text = request.POST.get(request.GET.get("field", ""), "")[:MARKDOWN_PREVIEW_LIMIT]
        context = {"html": render_markdown(text), "removed": bool(UNSAFE_MARKUP.search(text))}
        return TemplateResponse(request, "admin/troubleshooting/markdown_preview.html", context)

    # History ---------------------------------------------------------------------------------

    def get_urls(self):
        opts = self.opts
        info = f"{opts.app_label}_{opts.model_name}"
        urls = [
            path(
                "markdown-preview/",
                self.admin_site.admin_view(self.markdown_preview_view),
                name=f"{info}_markdown_preview",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/changes/",
                self.admin_site.admin_view(self.changes_view),
                name=f"{info}_changes",
            ),
        ]
        return urls + super().get_urls()

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        actions = getattr(response, "context_data", {}).get("action_list", [])
        if actions:
            versions = dict(
                Version.objects.get_for_object_reference(
                    self.model, unquote(object_id)
                ).values_list("revision_id", "pk")
            )
            name = f"admin:{self.opts.app_label}_{self.opts.model_name}_changes"
            for action in actions:
                version_id = versions.get(action["revision"].pk)
                action["changes_url"] = reverse(name, args=[object_id, version_id])
        return response

    def changes_view(self, request, object_id, version_id):
        """Show what one save changed, or how that version differs from today's content."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404("No such item.")
        version = get_object_or_404(
            Version.objects.get_for_object(obj).select_related("revision__user"), pk=version_id
        )
        against_current = request.GET.get("against") == "current"
        names = history.Names()
        lines = history.version_lines(version, names)
        if against_current:
            before, after = lines, history.current_lines(obj, names)
        else:
            previous = history.previous_version(version)
            before = history.version_lines(previous, names) if previous else {}
            after = lines
        opts = self.opts
        context = {
            **self.admin_site.each_context(request),
            "title": f"Changes to “{obj}”",
            "opts": opts,
            "original": obj,
            "object_id": object_id,
            "version": version,
            "against_current": against_current,
            "changes": history.changes(before, after),
            "restore_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_revision", args=[object_id, version.pk]
            )
            if self.has_change_permission(request, obj)
            else None,
        }
        return TemplateResponse(request, "admin/troubleshooting/changes.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Whether someone may restore depends on the item as it is now, not as it was.
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(obj), pk=version_id)
        missing = history.missing_references(version)
        if missing:
            self.message_user(
                request,
                "This version can't be restored: it uses "
                + ", ".join(missing)
                + ", deleted since. Restore or recreate that first.",
                messages.ERROR,
            )
            opts = self.opts
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[object_id])
            )
        return super().revision_view(request, object_id, version_id, extra_context)

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        # Rows of an ordered list are unique by position: restoring them one by one could clash
        # half-way (two steps trading places), so the owner's rows go first, inside the same
        # transaction that puts the saved ones back (and that a preview rolls back).
        revision = version.revision
        revert = revision.revert

        def revert_lists_first(delete=False):
            for _label, row_model, owner, _reads in history.LISTS.get(version._model, []):
                row_model._default_manager.filter(**{owner: version.object_id}).delete()
            revert(delete=delete)

        revision.revert = revert_lists_first
        return super()._reversion_revisionform_view(request, version, template_name, extra_context)
