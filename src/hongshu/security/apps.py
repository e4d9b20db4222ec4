from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "hongshu.security"
    label = "security"
