from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hongshu.accounts"
    label = "accounts"
