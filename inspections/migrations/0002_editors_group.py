"""The Editors group: staff who keep the data right. They may change inspection data and see
the change history, but not manage users or groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITED_MODELS = [
    "sourcedocument",
    "ownergroup",
    "provider",
    "ownership",
    "report",
    "inspection",
    "standardrating",
    "keyquestionscore",
    "fact",
    "metric",
    "finding",
    "recommendation",
    "reporttable",
]
READ_ONLY_MODELS = ["framework", "domain", "standard", "keyquestion"]


def create_editors(apps, schema_editor):
    # Permissions are normally created after migrations; create them now so the group can use them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in EDITED_MODELS for action in ("add", "change", "delete", "view")]
    codenames += [f"view_{model}" for model in READ_ONLY_MODELS]
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(Permission.objects.filter(content_type__app_label="inspections", codename__in=codenames))
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="admin", codename="view_logentry"))


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
