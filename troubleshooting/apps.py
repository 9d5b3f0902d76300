from django.apps import AppConfig


class TroubleshootingConfig(AppConfig):
    name = "troubleshooting"
    verbose_name = "Troubleshooting guides"

    def ready(self):
        from . import signals  # noqa: F401 (connects the search index to content saves)
