"""Optional error tracking: Sentry (or a compatible service) when `sentry_dsn` is set, else nothing at all.

`sentry-sdk` is an optional extra (`pip install hongshu[sentry]`); it is imported only when a DSN is set.
"""

from __future__ import annotations

from django.conf import settings


class SentryMissingError(RuntimeError):
    """A DSN is set but the sentry-sdk package is not installed."""


def sentry_start() -> bool:
    """Initialise the SDK when a DSN is configured; whether it was."""
    dsn = settings.HONGSHU.sentry_dsn
    if not dsn:
        return False
    try:
        import sentry_sdk
    except ImportError as missing:
        raise SentryMissingError(
            "HONGSHU_SENTRY_DSN is set but sentry-sdk is not installed: pip install 'hongshu[sentry]'"
        ) from missing
    sentry_sdk.init(
        dsn=dsn,
        environment=settings.HONGSHU_ENVIRONMENT,
        traces_sample_rate=settings.HONGSHU.sentry_traces_sample_rate,
        # Members' addresses, cookies and bodies stay here: the stack and the request id are enough.
        send_default_pii=False,
    )
    return True
