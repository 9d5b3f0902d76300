"""Django's admin app, installed with the editors' site as ``admin.site`` (see ``site``)."""

from django.contrib.admin.apps import AdminConfig


class EditorsAdminConfig(AdminConfig):
    """``django.contrib.admin`` whose default site is ``EditorsAdminSite``."""

    default_site = "troubleshooting.admin.site.EditorsAdminSite"
