"""Schema migration: the yes/no flag is replaced by ``required_level`` (copied by 0012)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ulm_servicepoint", "0012_required_levels_data")]

    operations = [
        migrations.RemoveField(model_name="capturefield", name="required"),
    ]
