from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hongshu.web"
    label = "web"
