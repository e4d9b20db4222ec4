from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "hongshu.notes"
    label = "notes"
