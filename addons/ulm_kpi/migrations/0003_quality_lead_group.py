"""The roles of the key figures: the service-center lead, "Servicecenter-Leitung", may see the
key figures and review the quality of answers (ulm_routing's escalation already names the same
group); the city's management, "Verwaltungsleitung", may see the key figures."""

from django.db import migrations

GROUPS = {
    "Servicecenter-Leitung": ["view_kpis", "review_quality"],
    "Verwaltungsleitung": ["view_kpis"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # permissions are made after all migrations (post_migrate): make ours now
    config = apps.get_app_config("ulm_kpi")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="ulm_kpi", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="ulm_kpi", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("ulm_kpi", "0002_quality"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
