from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "hongshu.social"
    label = "social"

    def ready(self) -> None:
        # The account policy (accounts, one layer down) hides blocked pairs with the graph's rule.
        from hongshu.accounts.querysets import install_pair_rule
        from hongshu.social.querysets import blocked_with

        install_pair_rule(blocked_with)
