"""Let "Editors" write translations of the content, and "Publishers" publish and delete them.

Frozen here as it was when it was written, like ``0006_editor_groups``: the models, the permissions
Django would create for them, and what each group gains. It imports no module of the app.
"""

from django.db import migrations

APP_LABEL = "troubleshooting"
DEFAULT_ACTIONS = ("add", "change", "delete", "view")
MODELS = {
    "topictranslation": "topic translation",
    "symptomtranslation": "symptom translation",
    "causetranslation": "cause translation",
    "fixsteptranslation": "fix step translation",
    "triagequestiontranslation": "triage question translation",
}
CUSTOM_PERMISSIONS = {
    model: [(f"publish_{model}", f"Can publish {name}s")] for model, name in MODELS.items()
}
ADDED = {
    "Editors": [f"{action}_{model}" for model in MODELS for action in ("add", "change", "view")],
    "Publishers": [f"{action}_{model}" for model in MODELS for action in ("publish", "delete")],
}


def add_permissions(apps, schema_editor):
    # Django creates permissions after all migrations ran; the groups need them now. Rows that
    # already exist are kept, so post_migrate finds nothing left to add.
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    db = schema_editor.connection.alias
    by_codename = {}
    for model, verbose_name in MODELS.items():
        content_type, _ = content_type_model.objects.using(db).get_or_create(
            app_label=APP_LABEL, model=model
        )
        pairs = [
            (f"{action}_{model}", f"Can {action} {verbose_name}") for action in DEFAULT_ACTIONS
        ]
        for codename, name in pairs + CUSTOM_PERMISSIONS.get(model, []):
            permission, _ = permission_model.objects.using(db).get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
            by_codename[codename] = permission
    for name, codenames in ADDED.items():
        group, _ = group_model.objects.using(db).get_or_create(name=name)
        group.permissions.add(*[by_codename[codename] for codename in codenames])


def remove_permissions(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    db = schema_editor.connection.alias
    for name, codenames in ADDED.items():
        for group in group_model.objects.using(db).filter(name=name):
            group.permissions.remove(
                *group.permissions.filter(content_type__app_label=APP_LABEL, codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("troubleshooting", "0016_content_translations")]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
