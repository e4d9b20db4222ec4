from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "hongshu.registration"
    label = "registration"
