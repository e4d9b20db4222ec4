from django.apps import AppConfig


class EmbeddingsConfig(AppConfig):
    name = "hongshu.embeddings"
    label = "embeddings"
    default_auto_field = "django.db.models.BigAutoField"
