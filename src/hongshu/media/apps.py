from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "hongshu.media"
    label = "media"

    def ready(self) -> None:
        from hongshu.media.imaging import configure_pillow

        configure_pillow()
