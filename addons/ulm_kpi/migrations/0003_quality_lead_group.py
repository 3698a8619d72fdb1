"""The group of the service-center lead, "Servicecenter-Leitung", may see the key figures and
review the quality of answers (ulm_routing's escalation already names the same group)."""

from django.db import migrations

LEAD_GROUP = "Servicecenter-Leitung"
CODENAMES = ["view_kpis", "review_quality"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # permissions are made after all migrations (post_migrate): make ours now
    config = apps.get_app_config("ulm_kpi")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=LEAD_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="ulm_kpi", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=LEAD_GROUP):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="ulm_kpi", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("ulm_kpi", "0002_quality"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
