"""The counter tasks moved from the social app to interactions and kept their Celery names: jobs already
queued under the old names, and the periodic schedule, still reach them."""

from __future__ import annotations

from hongshu.core.periodic import periodic_task
from hongshu.interactions.tasks import reconcile_counters_task, reconcile_drifted_counters_task


def test_the_counter_tasks_keep_their_names():
    assert reconcile_counters_task.name == "social.reconcile_counters"
    assert reconcile_drifted_counters_task.name == "social.reconcile_drifted_counters"
    assert periodic_task("social.reconcile_counters").name == "social.reconcile_counters"
