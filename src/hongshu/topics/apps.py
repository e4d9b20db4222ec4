from django.apps import AppConfig


class TopicsConfig(AppConfig):
    name = "hongshu.topics"
    label = "topics"
