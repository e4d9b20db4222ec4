from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "hongshu.comments"
    label = "comments"
