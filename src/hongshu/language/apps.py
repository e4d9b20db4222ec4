from django.apps import AppConfig


class LanguageConfig(AppConfig):
    name = "hongshu.language"
    label = "language"
    default_auto_field = "django.db.models.BigAutoField"
