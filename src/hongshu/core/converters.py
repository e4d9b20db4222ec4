"""The `<id:…>` path converter: every ID in a page or fragment URL, bounded to the 64-bit range.

Django's `<int:…>` takes any run of digits, and a twenty-digit ID then overflows the database driver (a 500).
This one matches one to nineteen ASCII digits and refuses values outside 1..2**63-1, so such a URL does not
match at all: a 404 like any other unknown address. Registered once, in `CoreConfig.ready()`.
"""

from __future__ import annotations

from hongshu.core.ids import parse_id


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(value)  # Django reads a ValueError as "this pattern does not match"
        return parsed

    def to_url(self, value: int | str) -> str:
        return str(value)
