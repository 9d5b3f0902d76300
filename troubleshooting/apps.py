from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TroubleshootingConfig(AppConfig):
    name = "troubleshooting"
    verbose_name = _("Troubleshooting guides")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import caching, roles, signals  # noqa: F401 (signals: search index, page cache)
        from .models import topic_counts

        post_migrate.connect(caching.content_changed_after_migrate, sender=self)
        post_migrate.connect(topic_counts.recount_after_migrate, sender=self)
        # After Django's own post_migrate work (auth's app comes first), so permissions exist.
        post_migrate.connect(roles.create_missing_groups, sender=self)
