"""The editors' admin site: its titles, its home page, the models it edits and its site-wide pages.

Installed as Django's default site (``EditorsAdminConfig.default_site``), so ``admin.site`` is this
site and the admins of other apps (users, groups, lockouts) register here too: those are for
administrators (superusers) only, kept out of the editors' way. Pages about one model live on
that model's admin; pages about the whole content live here.
"""

from django.contrib import admin
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from troubleshooting.models import (
    Cause,
    FixStep,
    KnownIssue,
    PendingChange,
    SearchMiss,
    SearchQuery,
    SearchSynonym,
    SlugRedirect,
    Symptom,
    Topic,
    TriageQuestion,
)

from . import attention, content, known_issues, review, search, translations
from .content_check import ContentCheckPage
from .outcomes import PeriodForm

CONTENT_APP = "troubleshooting"


class AdministratorsOnly:
    """A ModelAdmin of the site's machinery (accounts, lockouts): superusers only."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class EditorsAdminSite(ContentCheckPage, admin.AdminSite):
    """The admin editors use to write guides, publish them and read the outcomes."""

    site_header = _("Help site editors")
    site_title = _("Help site editors")
    index_title = _("What needs attention")
    index_template = "admin/troubleshooting/home.html"
    # The home page is the way round; the sidebar would squeeze every list at 1280 px.
    enable_nav_sidebar = False

    def __init__(self, name="admin"):
        super().__init__(name)
        # Registered here rather than by decorators: importing the content admins never has to
        # reach ``admin.site`` while Django is still building this very site.
        self.register(Topic, content.TopicAdmin)
        self.register(Symptom, content.SymptomAdmin)
        self.register(Cause, content.CauseAdmin)
        self.register(FixStep, content.FixStepAdmin)
        self.register(TriageQuestion, content.TriageQuestionAdmin)
        self.register(SlugRedirect, content.SlugRedirectAdmin)
        self.register(SearchMiss, content.SearchMissAdmin)
        self.register(PendingChange, review.PendingChangeAdmin)
        self.register(KnownIssue, known_issues.KnownIssueAdmin)
        self.register(SearchSynonym, search.SearchSynonymAdmin)
        self.register(SearchQuery, search.SearchQueryAdmin)
        translations.register(self)

    def register(self, model_or_iterable, admin_class=None, **options):
        """Register content as given, and other apps' models for administrators only."""
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        for model in models:
            cls = admin_class or admin.ModelAdmin
            if model._meta.app_label != CONTENT_APP and not issubclass(cls, AdministratorsOnly):
                cls = type(cls.__name__, (AdministratorsOnly, cls), {"__module__": cls.__module__})
            super().register(model, cls, **options)

    @method_decorator(require_safe)
    def index(self, request, extra_context=None):
        """Show what needs attention, then the content, then (for administrators) the site."""
        apps = self.get_app_list(request)
        # Only the language: the home's figures are always the last 30 days.
        form = PeriodForm(
            {"language": request.GET["language"]} if "language" in request.GET else None
        )
        language = form.period().language
        context = {
            "attention": attention.everything(language=language, site_name=self.name),
            "language_form": form,
            "content_apps": [app for app in apps if app["app_label"] == CONTENT_APP],
            "other_apps": [app for app in apps if app["app_label"] != CONTENT_APP],
            "topics": Topic.objects.order_by("position", "title"),
            **(extra_context or {}),
        }
        return super().index(request, context)
