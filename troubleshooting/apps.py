from django.apps import AppConfig


class TroubleshootingConfig(AppConfig):
    name = "troubleshooting"
    verbose_name = "Troubleshooting guides"
