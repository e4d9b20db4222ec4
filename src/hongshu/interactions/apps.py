from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "hongshu.interactions"
    label = "interactions"
