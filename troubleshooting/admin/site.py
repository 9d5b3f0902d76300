"""The editors' admin site: its titles, the models it edits and its site-wide pages.

Installed as Django's default site (``EditorsAdminConfig.default_site``), so ``admin.site`` is this
site and the admins of other apps (users, groups, lockouts) register here too. Pages about one
model live on that model's admin; pages about the whole content live here.
"""

from django.contrib import admin

from troubleshooting.models import (
    Cause,
    FixStep,
    SearchMiss,
    SearchQuery,
    SearchSynonym,
    SlugRedirect,
    Symptom,
    Topic,
    TriageQuestion,
)

from . import content, search
from .content_check import ContentCheckPage


class EditorsAdminSite(ContentCheckPage, admin.AdminSite):
    """The admin editors use to write guides, publish them and read the outcomes."""

    site_header = "Help site editors"
    site_title = "Help site editors"
    index_title = "Guides and content"

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
        self.register(SearchSynonym, search.SearchSynonymAdmin)
        self.register(SearchQuery, search.SearchQueryAdmin)
