from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "hongshu.security"
    label = "security"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from hongshu.security.middleware import record_sign_in

        # Bookkeeping of the sign-in itself (the session index), not a side effect to run after commit.
        user_logged_in.connect(record_sign_in, dispatch_uid="hongshu.security.record_sign_in")
