"""Create the "Editors" and "Publishers" groups with the permissions each role needs.

Everything this migration needs is frozen here, as it was when it was written: the app's models and
their verbose names, the permissions Django would create for them, and each group's codenames. It
imports no module of the app, so a role or model changed later cannot break a fresh ``migrate``.
A later change to the roles comes with a data migration of its own, frozen the same way.
"""

from django.db import migrations

APP_LABEL = "troubleshooting"
DEFAULT_ACTIONS = ("add", "change", "delete", "view")

# Every model of the app at this migration, with its verbose name (Django's "Can add <name>").
MODELS = {
    "cause": "cause",
    "symptom": "symptom",
    "topic": "topic",
    "fixstep": "fix step",
    "slugredirect": "slug redirect",
    "symptomcause": "symptom cause",
    "symptomstep": "symptom step",
    "triagequestion": "triage question",
    "triagechoice": "triage choice",
    "searchmiss": "search that found nothing",
    "searchdocument": "search document",
    "flowsession": "flow session",
    "sessiontally": "session tally",
    "stepanswer": "step answer",
    "votetally": "vote tally",
    "answertally": "answer tally",
    "articlevote": "article vote",
}
# The models' own permissions (Meta.permissions): model -> (codename, name).
CUSTOM_PERMISSIONS = {
    "cause": ("publish_cause", "Can publish causes"),
    "symptom": ("publish_symptom", "Can publish symptoms"),
    "topic": ("publish_topic", "Can publish topics"),
    "fixstep": ("publish_fixstep", "Can publish fix steps"),
    "triagequestion": ("publish_triagequestion", "Can publish triage questions"),
}
# Each group's permissions, by codename.
GROUPS = {
    "Editors": [
        "add_topic",
        "change_topic",
        "view_topic",
        "add_symptom",
        "change_symptom",
        "view_symptom",
        "add_cause",
        "change_cause",
        "view_cause",
        "add_fixstep",
        "change_fixstep",
        "view_fixstep",
        "add_triagequestion",
        "change_triagequestion",
        "view_triagequestion",
        "add_symptomstep",
        "change_symptomstep",
        "delete_symptomstep",
        "view_symptomstep",
        "add_symptomcause",
        "change_symptomcause",
        "delete_symptomcause",
        "view_symptomcause",
        "add_triagechoice",
        "change_triagechoice",
        "delete_triagechoice",
        "view_triagechoice",
        "view_slugredirect",
        "view_searchmiss",
    ],
    "Publishers": [
        "publish_topic",
        "publish_symptom",
        "publish_cause",
        "publish_fixstep",
        "publish_triagequestion",
        "delete_topic",
        "delete_symptom",
        "delete_cause",
        "delete_fixstep",
        "delete_triagequestion",
    ],
}


def permissions_of(model):
    """Return the (codename, name) pairs Django gives a model, as it gave them then."""
    pairs = [(f"{action}_{model}", f"Can {action} {MODELS[model]}") for action in DEFAULT_ACTIONS]
    if model in CUSTOM_PERMISSIONS:
        pairs.append(CUSTOM_PERMISSIONS[model])
    return pairs


def create_groups(apps, schema_editor):
    # Django creates content types and permissions after all migrations ran; these groups need
    # them now. Rows that already exist are kept, so post_migrate finds nothing left to add.
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    db = schema_editor.connection.alias
    by_codename = {}
    for model in MODELS:
        content_type, _ = content_type_model.objects.using(db).get_or_create(
            app_label=APP_LABEL, model=model
        )
        for codename, name in permissions_of(model):
            permission, _ = permission_model.objects.using(db).get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
            by_codename[codename] = permission
    for name, codenames in GROUPS.items():
        group, _ = group_model.objects.using(db).get_or_create(name=name)
        group.permissions.set([by_codename[codename] for codename in codenames])


def remove_groups(apps, schema_editor):
    db = schema_editor.connection.alias
    apps.get_model("auth", "Group").objects.using(db).filter(name__in=list(GROUPS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("troubleshooting", "0005_publishing_schedule_and_review"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
