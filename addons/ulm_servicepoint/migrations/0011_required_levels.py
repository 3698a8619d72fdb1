"""Schema migration: a capture field is required at one of three levels (not, for processing,
always) instead of yes/no. The old flag stays until 0012 has copied it (0013 drops it)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ulm_servicepoint", "0010_saved_views")]

    operations = [
        migrations.AddField(
            model_name="capturefield",
            name="required_level",
            field=models.CharField(
                choices=[
                    ("no", "not required"),
                    ("processing", "required for processing"),
                    ("always", "always required"),
                ],
                default="no",
                help_text=(
                    "“Required for processing”: needed to keep the request open or forward it, "
                    "and on the citizens' forms, but not for a first-contact answer. “Always "
                    "required”: also for a first-contact answer."
                ),
                max_length=10,
                verbose_name="required",
            ),
        ),
    ]
