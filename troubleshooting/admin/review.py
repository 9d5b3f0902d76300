"""Changes awaiting approval: the list, and one change's page (compare with live, approve now or
at a time, send back with a comment, withdraw)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from troubleshooting import review
from troubleshooting.models import PendingChange, ReviewState

from . import versions


class ReviewForm(forms.Form):
    """What a publisher (or the change's author) decides about a change."""

    action = forms.ChoiceField(
        choices=[
            ("approve", "Approve and publish now"),
            ("schedule", "Approve for a time"),
            ("send_back", "Send back"),
            ("withdraw", "Withdraw"),
        ]
    )
    apply_at = forms.DateTimeField(
        label=_("Goes live on"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        help_text=_("In the site’s time zone. It goes live on its own then."),
    )
    comment = forms.CharField(
        label=_("Comment for the editor"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What to change before it can go live."),
    )

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "schedule":
            when = cleaned.get("apply_at")
            if when is None:
                self.add_error("apply_at", "Say when it should go live.")
            elif when <= timezone.now():
                self.add_error("apply_at", "Pick a time in the future, or approve it now.")
        if action == "send_back" and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Tell the editor what to change.")
        return cleaned


class MineFilter(admin.SimpleListFilter):
    title = "proposed by"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", "Me")]

    def queryset(self, request, queryset):
        return queryset.filter(author=request.user) if self.value() == "1" else queryset


class PendingChangeAdmin(admin.ModelAdmin):
    """Every change proposed to live content, and the page where a publisher decides on one."""

    list_display = ["item", "kind", "author", "created", "where_it_stands"]
    list_filter = ["state", MineFilter]
    list_select_related = ["author", "reviewer", "content_type"]
    search_fields = ["object_repr"]

    def has_view_permission(self, request, obj=None):
        models = [obj.model] if obj is not None else review.REVIEWED_MODELS
        return (
            request.user.is_active
            and request.user.is_staff
            and any(
                request.user.has_perm(f"{m._meta.app_label}.view_{m._meta.model_name}")
                for m in models
            )
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Item"), ordering="object_repr")
    def item(self, change):
        url = reverse(
            f"{self.admin_site.name}:troubleshooting_pendingchange_change", args=[change.pk]
        )
        return format_html('<a href="{}">{}</a>', url, change.object_repr)

    @admin.display(description=_("Kind"))
    def kind(self, change):
        return change.model._meta.verbose_name.capitalize()

    @admin.display(description=_("Where it stands"), ordering="state")
    def where_it_stands(self, change):
        return standing(change)

    def _publisher_admin(self, change):
        return self.admin_site.get_model_admin(change.model)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Show one change compared with the live item, with what this user may do about it."""
        change = (
            self.get_queryset(request).filter(pk=object_id).first() if object_id.isdigit() else None
        )
        if change is None:
            raise Http404("No such change.")
        if not self.has_view_permission(request, change):
            raise PermissionDenied
        live = change.live_object()
        may_review = (
            change.is_open
            and live is not None
            and self._publisher_admin(change).can_publish(request)
        )
        may_withdraw = change.is_open and change.author_id == request.user.pk
        form = ReviewForm(request.POST or None)
        if request.method == "POST":
            allowed = may_review or (may_withdraw and request.POST.get("action") == "withdraw")
            if not allowed:
                raise PermissionDenied
            if form.is_valid():
                self._decide(request, change, form.cleaned_data)
                return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": str(change),
            "opts": self.opts,
            "change": change,
            "standing": standing(change),
            "live": live,
            "live_url": reverse(
                f"{self.admin_site.name}:troubleshooting_{change.model._meta.model_name}_change",
                args=[change.object_id],
            )
            if live is not None
            else None,
            "form": form,
            "may_review": may_review,
            "may_withdraw": may_withdraw,
            **comparisons(change, live),
        }
        return TemplateResponse(request, "admin/troubleshooting/pending_change.html", context)

    def _decide(self, request, change, data) -> None:
        action = data["action"]
        if action == "withdraw":
            review.withdraw(change)
            messages.success(request, gettext("Withdrawn: nothing of it will go live."))
        elif action == "send_back":
            review.send_back(change, user=request.user, comment=data["comment"].strip())
            messages.success(request, gettext("Sent back to the editor with your comment."))
        else:
            at = data["apply_at"] if action == "schedule" else None
            try:
                review.approve(change, user=request.user, at=at)
            except review.StaleChange:
                messages.error(
                    request,
                    gettext(
                        "This change can’t be approved: the live item changed after the editor "
                        "started from it (see “What changed on the live item” below). Approving "
                        "it would undo that. Send it back so they can redo it on today’s version."
                    ),
                )
                return
            messages.success(request, standing(change) + ".")


def standing(change: PendingChange) -> str:
    """Say where a change stands, in words."""
    if change.state == ReviewState.SCHEDULED:
        when = date_format(timezone.localtime(change.apply_at), "DATETIME_FORMAT")
        return gettext("Approved: goes live on %(when)s") % {"when": when}
    if change.state == ReviewState.APPLIED:
        return gettext("Approved: live now")
    return change.get_state_display()


def comparisons(change: PendingChange, live) -> dict:
    """Return the change compared with the live item, and what changed on it meanwhile."""
    if live is None:
        return {"compared": [], "meanwhile": [], "gone": True}
    names = versions.Names()
    model, pk = change.model, change.object_id
    proposed = versions.snapshot_lines(change.proposed, model, pk, names)
    base = versions.snapshot_lines(change.base, model, pk, names)
    now = versions.current_lines(live, names)
    stale = change.is_open and review.fingerprint(live) != change.base_fingerprint
    return {
        "compared": versions.changes(now if change.is_open else base, proposed),
        "meanwhile": versions.changes(base, now) if stale else [],
        "stale": stale,
        "gone": False,
    }
