from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ulm_knowledge", "0008_service_slug_fill")]

    operations = [
        migrations.AlterField(
            model_name="service",
            name="slug",
            field=models.SlugField(
                editable=False, max_length=100, unique=True, verbose_name="web address"
            ),
        ),
    ]
