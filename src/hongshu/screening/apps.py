from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "hongshu.screening"
    label = "screening"
