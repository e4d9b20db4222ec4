"""core.ids.parse_id / require_id and the `<id:…>` path converter: ASCII digits, 1..2**63-1, nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hongshu.core.converters import IdConverter
from hongshu.core.errors import InvalidInput
from hongshu.core.ids import MAX_ID, parse_id, require_id
from hongshu.core.pagination import parse_cursor, parse_offset


@pytest.mark.parametrize("raw", ["1", "42", "0042", str(MAX_ID), "9" * 18])
def test_parse_id_reads_ascii_digits_in_the_64_bit_range(raw: str) -> None:
    assert parse_id(raw) == int(raw)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "0",
        "²",  # str.isdigit() is true and int() fails: the 500 of issue 20 item 6
        "1²",
        "١٢",  # Arabic-Indic digits: int() would read 12
        "１２",  # fullwidth digits
        "-1",
        "+1",
        " 1",
        "1 ",
        "1_000",
        "0x10",
        str(MAX_ID + 1),
        "9" * 19,
        "9" * 20,
        "1" * 5000,  # past int()'s digit limit: refused on length first
    ],
)
def test_parse_id_refuses_anything_else(raw: str | None) -> None:
    assert parse_id(raw) is None


@given(st.integers(min_value=1, max_value=MAX_ID))
def test_every_id_round_trips(value: int) -> None:
    assert parse_id(str(value)) == value


@given(st.text(max_size=25))
def test_parse_id_never_raises_and_only_reads_ascii(raw: str) -> None:
    value = parse_id(raw)
    assert value is None or (raw.isascii() and 1 <= value <= MAX_ID and int(raw) == value)


def test_require_id_is_a_422_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        require_id("²", field="reply_to")
    assert caught.value.code == "invalid_id"
    assert caught.value.extra["errors"][0]["field"] == "reply_to"


def test_unicode_digit_cursor_is_a_422_not_a_500() -> None:
    for raw in ("²", "١٢", str(MAX_ID + 1)):
        with pytest.raises(InvalidInput) as caught:
            parse_cursor(raw)
        assert caught.value.code == "invalid_cursor"
    assert parse_cursor("") is None
    assert parse_cursor("12") == 12


@pytest.mark.parametrize(
    ("raw", "offset"), [(None, 0), ("", 0), ("²", 0), ("١٢", 0), ("40", 40), ("9" * 30, 0)]
)
def test_unicode_digit_offset_is_the_first_page(raw: str | None, offset: int) -> None:
    assert parse_offset(raw, maximum=200) == offset


def test_parse_offset_caps_at_the_maximum() -> None:
    assert parse_offset("999", maximum=200) == 200


def test_id_converter_refuses_zero_and_values_past_64_bits() -> None:
    converter = IdConverter()
    assert converter.to_python(str(MAX_ID)) == MAX_ID
    assert converter.to_url(12) == "12"
    for raw in ("0", str(MAX_ID + 1)):
        with pytest.raises(ValueError, match=raw):
            converter.to_python(raw)
