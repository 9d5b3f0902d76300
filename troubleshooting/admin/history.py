"""History pages of every content admin: the list of saves, "What changed", restore and recover.

django-reversion keeps the saves and lists them; this adds a "What changed" page per save, and owns
the restore and recover pages so that an item's ordered lists come back whole (see
``versions.revert``) and a version pointing at deleted content is refused before anything moves.
"""

from contextlib import nullcontext

import reversion
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import localize
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version
from reversion.utils import mute_signals

from . import versions


class PreviewRendered(Exception):
    """Carry a restore preview's page out of its transaction, so that the revert rolls back."""

    def __init__(self, response):
        super().__init__()
        self.response = response


class HistoryAdmin(VersionAdmin):
    """Every save kept, shown as "What changed", and any of them restored with its lists."""

    # Our own templates (which keep reversion's "Recover deleted" link) rather than reversion's.
    change_list_template = None
    object_history_template = "admin/troubleshooting/object_history.html"
    revision_form_template = "reversion/revision_form.html"
    recover_form_template = "reversion/recover_form.html"
    history_latest_first = True

    def may_restore(self, request, obj) -> bool:
        """Whether this user may put an old version of ``obj`` back in place of today's."""
        return self.has_change_permission(request, obj)

    def _url_name(self, page: str) -> str:
        return f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{page}"

    def get_urls(self):
        opts = self.opts
        changes = path(
            "<path:object_id>/history/<int:version_id>/changes/",
            self.admin_site.admin_view(self.changes_view),
            name=f"{opts.app_label}_{opts.model_name}_changes",
        )
        return [changes, *super().get_urls()]

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        actions = getattr(response, "context_data", {}).get("action_list", [])
        if actions:
            saved = Version.objects.get_for_object_reference(self.model, unquote(object_id))
            version_ids = dict(saved.values_list("revision_id", "pk"))
            for action in actions:
                version_id = version_ids.get(action["revision"].pk)
                action["changes_url"] = reverse(
                    self._url_name("changes"), args=[object_id, version_id]
                )
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
        names = versions.Names()
        lines = versions.version_lines(version, names)
        if against_current:
            before, after = lines, versions.current_lines(obj, names)
        else:
            previous = versions.previous_version(version)
            before = versions.version_lines(previous, names) if previous else {}
            after = lines
        can_restore = self.may_restore(request, obj)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Changes to “{obj}”",
            "opts": self.opts,
            "original": obj,
            "object_id": object_id,
            "version": version,
            "against_current": against_current,
            "changes": versions.changes(before, after),
            "restore_url": reverse(self._url_name("revision"), args=[object_id, version.pk])
            if can_restore
            else None,
        }
        return TemplateResponse(request, "admin/troubleshooting/changes.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Show a saved version in the change form; saving it restores it."""
        # Whether someone may restore depends on the item as it is now, not as it was.
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.may_restore(request, obj):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(obj), pk=version_id)
        missing = versions.missing_references(version)
        if missing:
            self.message_user(
                request,
                "This version can't be restored: it uses "
                + ", ".join(missing)
                + ", deleted since. Restore or recreate that first.",
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse(self._url_name("history"), args=[object_id]))
        context = {"title": _("Revert %(name)s") % {"name": version.object_repr}, "revert": True}
        context.update(extra_context or {})
        return self.restore_form_view(request, version, self.revision_form_template, context)

    def recover_view(self, request, version_id, extra_context=None):
        """Show a deleted item as it was last saved; saving it brings it back."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = get_object_or_404(Version, pk=version_id)
        context = {"title": _("Recover %(name)s") % {"name": version.object_repr}, "recover": True}
        context.update(extra_context or {})
        return self.restore_form_view(request, version, self.recover_form_template, context)

    def restore_form_view(self, request, version, template_name, extra_context):
        """Revert to ``version`` and show the change form: kept on save, rolled back otherwise."""
        # A preview changes nothing for good, so nothing (search index, page cache) may hear of it.
        quiet = (
            mute_signals(pre_save, post_save, pre_delete, post_delete, m2m_changed)
            if request.method == "GET"
            else nullcontext()
        )
        try:
            with transaction.atomic(using=version.db), quiet:
                versions.revert(version)
                with self.create_revision(request):
                    return self._restore_form(request, version, template_name, extra_context)
        except (RevertError, ProtectedError) as error:
            messages.error(request, str(error))
            return redirect(self._url_name("changelist"))
        except PreviewRendered as preview:
            return preview.response

    def _restore_form(self, request, version, template_name, extra_context):
        response = self.changeform_view(
            request, quote(version.object_id), request.path, extra_context
        )
        if request.method == "POST" and response.status_code == 302:
            when = localize(template_localtime(version.revision.date_created))
            reversion.set_comment(
                _("Reverted to previous version, saved on %(datetime)s") % {"datetime": when}
            )
            return response
        if response.status_code == 200:
            response.template_name = template_name
            response.render()  # now, while the reverted content is in the database
            raise PreviewRendered(response)
        raise RevertError(
            _("Could not load %(object_repr)s version - not found")
            % {"object_repr": version.object_repr}
        )
