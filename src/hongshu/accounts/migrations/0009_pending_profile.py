from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_door"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="pending_profile",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
