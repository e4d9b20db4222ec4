from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hongshu.core"
    label = "core"

    def ready(self) -> None:
        # Importing the Celery app here registers @shared_task functions with it in every process.
        from hongshu.config import celery  # noqa: F401
