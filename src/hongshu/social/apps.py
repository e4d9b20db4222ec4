from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "hongshu.social"
    label = "social"
