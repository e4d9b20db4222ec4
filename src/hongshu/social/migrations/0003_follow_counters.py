# Follower and following counters (social.services.counters), filled from the follow table as it stands:
# one grouped count per side, then one row (shard 0) per member who has any.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill(apps, schema_editor):
    Follow = apps.get_model("social", "Follow")
    FollowCounter = apps.get_model("social", "FollowCounter")
    accepted = Follow.objects.filter(state="accepted")
    followers = dict(
        accepted.filter(follower__is_active=True)
        .values("followee_id")
        .annotate(n=models.Count("id"))
        .values_list("followee_id", "n")
    )
    following = dict(
        accepted.filter(followee__is_active=True)
        .values("follower_id")
        .annotate(n=models.Count("id"))
        .values_list("follower_id", "n")
    )
    rows = [
        FollowCounter(user_id=pk, shard=0, followers=followers.get(pk, 0), following=following.get(pk, 0))
        for pk in set(followers) | set(following)
    ]
    FollowCounter.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('social', '0002_interactions_moved'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FollowCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('shard', models.PositiveSmallIntegerField()),
                ('followers', models.IntegerField(default=0)),
                ('following', models.IntegerField(default=0)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('user', 'shard'), name='follow_counter_shard_unique')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
