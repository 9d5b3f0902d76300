"""What every content admin shares: drafts and publishing, review dates, previews.

``PublishingAdmin`` also brings the Markdown preview (``markdown_preview``) and the history pages
(``history``), so every content model's admin is one subclass of it.
"""

from datetime import timedelta
from urllib.parse import urlencode

import reversion
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from troubleshooting import content_checks
from troubleshooting.models import Status
from troubleshooting.previewing import can_preview

from . import approval, concurrency, content_check, translations
from .history import HistoryAdmin
from .markdown_preview import MarkdownPreview


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
    """Return the day before which a review is due again."""
    return timezone.localdate() - timedelta(days=settings.CONTENT_REVIEW_AFTER_DAYS)


def yes_no_icon(value: bool):
    """Return the admin's yes/no icon, as its lists show a boolean column."""
    icon = "yes" if value else "no"
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), value)


class PublishingAdmin(MarkdownPreview, HistoryAdmin):
    """Drafts, scheduling, review dates, history and previews, shared by every content model."""

    actions = ["publish", "unpublish", "mark_reviewed"]
    list_filter = ["status", ReviewFilter]
    readonly_fields = ["created", "updated"]
    save_on_top = True
    publishing_fields = ["status", "publish_at"]
    review_fieldset = (
        _("Review"),
        {
            "fields": ["reviewed_on", "checked_on_ios"],
            "description": "Check the steps on a real phone from time to time: iOS moves "
            "settings around. Content not reviewed for a while is flagged in the lists.",
        },
    )

    class Media:
        css = {"all": ["css/admin.css", "css/admin-review.css"]}

    # Publishing ----------------------------------------------------------------------------

    def can_publish(self, request) -> bool:
        """Whether this user may publish; anyone who can edit, unless the site wants review."""
        if not settings.CONTENT_REQUIRE_REVIEW:
            return True
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def needs_approval(self, request, obj) -> bool:
        """Whether this user's save of ``obj`` waits for a publisher (it is, or will be, live)."""
        return obj is not None and obj.status == Status.PUBLISHED and not self.can_publish(request)

    def may_restore(self, request, obj) -> bool:
        # A restore writes the live tables at once: over live content, only a publisher's.
        return super().may_restore(request, obj) and not self.needs_approval(request, obj)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if not self.can_publish(request):
            # Positions of live items change through a change that waits for approval.
            changelist.list_editable = ()
        return changelist

    def get_changelist_form(self, request, **kwargs):
        form = super().get_changelist_form(request, **kwargs)
        return concurrency.guard_list_form(form, self.list_editable)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return concurrency.guard_change_form(form, obj) if obj is not None else form

    def response_change(self, request, obj):
        if self.needs_approval(request, obj):
            return HttpResponseRedirect(request.path)  # kept aside by ``approval.propose_change``
        return super().response_change(request, obj)

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

    @admin.action(description=_("Publish the selected items"), permissions=["change"])
    def publish(self, request, queryset):
        published = self._set_status(queryset, Status.PUBLISHED)
        reversion.set_comment("Published.")
        n = len(published)
        self.message_user(
            request,
            ngettext("Published %(n)d item.", "Published %(n)d items.", n) % {"n": n},
            messages.SUCCESS,
        )
        problems = content_checks.check_content()  # once for all of them, not once per item
        for obj in published:
            content_check.add_problem_messages(
                request,
                obj,
                site_name=self.admin_site.name,
                problems=[problem for problem in problems if problem.concerns(obj)],
            )

    @admin.action(description=_("Unpublish the selected items (make them drafts)"))
    def unpublish(self, request, queryset):
        count = len(self._set_status(queryset, Status.DRAFT))
        reversion.set_comment("Moved back to draft.")
        self.message_user(
            request,
            ngettext("Moved %(n)d item back to draft.", "Moved %(n)d items back to draft.", count)
            % {"n": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Mark the selected items as reviewed today"), permissions=["change"]
    )
    def mark_reviewed(self, request, queryset):
        today = timezone.localdate()
        if not self.can_publish(request):
            queryset = queryset.exclude(status=Status.PUBLISHED)
        items = list(queryset)
        for obj in items:
            obj.reviewed_on = today
            obj.save(update_fields=["reviewed_on", "updated"])
        reversion.set_comment("Marked as reviewed.")
        n = len(items)
        self.message_user(
            request,
            ngettext("Marked %(n)d item as reviewed.", "Marked %(n)d items as reviewed.", n)
            % {"n": n},
            messages.SUCCESS,
        )

    @staticmethod
    def _set_status(queryset, status) -> list:
        """Set the status of the items that differ; return them."""
        # One save each, so "updated" records when an item was published or withdrawn.
        changed = list(queryset.exclude(status=status))
        for obj in changed:
            obj.status = status
            obj.save(update_fields=["status", "updated"])
        return changed

    @admin.display(description=_("On the site"), ordering="status")
    def published(self, obj):
        if obj.is_scheduled:
            return format_html(
                '<span title="Published, shown from this time">Scheduled: {}</span>',
                date_format(timezone.localtime(obj.publish_at), "SHORT_DATETIME_FORMAT"),
            )
        return yes_no_icon(obj.is_published)

    @admin.display(description=_("Reviewed"), ordering="reviewed_on")
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
        if self.needs_approval(request, obj):
            if request.method == "POST":
                return approval.propose_change(
                    request,
                    obj,
                    lambda: super(PublishingAdmin, self).change_view(
                        request, object_id, form_url, extra_context
                    ),
                    site_name=self.admin_site.name,
                )
            self.message_user(
                request,
                gettext(
                    "This is live. Your changes will wait for a publisher’s approval: the site "
                    "keeps showing the live version until one approves them."
                ),
                messages.INFO,
            )
        if obj is not None:
            extra_context["pending_changes"] = approval.pending_for(obj)
            extra_context["translation_links"] = translations.translation_links(obj)
        if obj is not None and can_preview(request.user):
            start = reverse("troubleshooting:preview")
            extra_context["preview_links"] = [
                (label, f"{start}?{urlencode({'next': target})}")
                for label, target in self.preview_links(obj)
            ]
        return super().change_view(request, object_id, form_url, extra_context)
