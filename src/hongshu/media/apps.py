from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "hongshu.media"
    label = "media"
