from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "hongshu.notifications"
    label = "notifications"
