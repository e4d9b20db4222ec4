from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "hongshu.ops"
    label = "ops"

    def ready(self) -> None:
        # Web processes and Celery workers both load the apps: each reports its errors when a DSN is set.
        from hongshu.ops.sentry import sentry_start

        sentry_start()
