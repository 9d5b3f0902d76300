"""Create the "Editors" and "Publishers" groups with the permissions each role needs."""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

from troubleshooting import roles


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; these groups need them now.
    app_config = apps.get_app_config("troubleshooting")
    app_config.models_module = True
    create_contenttypes(app_config, apps=apps, verbosity=0)
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    roles.ensure_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[roles.EDITORS, roles.PUBLISHERS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("troubleshooting", "0005_publishing_schedule_and_review"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
