from django.db import models

from hongshu.core.ids import next_id


class SnowflakeModel(models.Model):
    """Base for every table whose rows are listed by time: a 64-bit time-ordered primary key."""

    id = models.BigIntegerField(primary_key=True, default=next_id, editable=False)

    class Meta:
        abstract = True
