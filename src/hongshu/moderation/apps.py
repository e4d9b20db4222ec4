from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "hongshu.moderation"
    label = "moderation"
