"""One HTTP call to a provider, with every transport or protocol problem turned into a TranslationFailure."""

from __future__ import annotations

from typing import Any

import httpx

from hongshu.language.translation.base import TranslationFailure


def post(
    url: str,
    *,
    timeout: float,
    json: Any = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """POST and return the decoded JSON body (a dict or list), or raise TranslationFailure."""
    try:
        response = httpx.post(url, json=json, headers=headers, timeout=timeout)
    except httpx.TimeoutException as exc:
        raise TranslationFailure("timeout", str(exc)) from exc
    except httpx.HTTPError as exc:
        raise TranslationFailure("upstream_error", str(exc)) from exc
    # DeepL answers 456 when the account's quota is used up: for the reader that is a rate limit too.
    if response.status_code in (429, 456):
        raise TranslationFailure("rate_limited", f"HTTP {response.status_code}")
    if response.status_code >= 400:
        raise TranslationFailure("upstream_error", f"HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError as exc:
        raise TranslationFailure("malformed", "the answer is not JSON") from exc


def dig(data: Any, *path: str | int) -> Any:
    """`data[path[0]][path[1]]…`, or a `malformed` failure when the answer does not have that shape."""
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError) as exc:
            raise TranslationFailure("malformed", f"no {step!r} in the answer") from exc
    return data


def text_of(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TranslationFailure("malformed", "the translation is empty or not text")
    return value.strip()
