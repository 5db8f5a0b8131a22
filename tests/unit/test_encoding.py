"""Canonical bytes (core/encoding.py): ``canonical_json`` is RFC 8785 on every float-free JSON value."""

from __future__ import annotations

import json
import math
from typing import Any

import msgspec
import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from bayledger.core.encoding import (
    MAX_SAFE_INTEGER,
    CanonicalEncodingError,
    b64decode,
    b64encode,
    canonical_json,
)
from bayledger.core.errors import MalformedTxError
from bayledger.core.tx import Signature, Tx, TxBody, body_bytes, sign_bytes, tx_bytes

# Text without lone surrogates (JSON text cannot carry them); the sampled keys make sure that non-ASCII,
# astral-plane and look-alike keys whose UTF-16 order differs from code-point order come up often.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
TRICKY_KEYS = st.sampled_from(
    ["", "a", "A", "é", "ö", "€", "\u0080", "\ufb33", "\uffff", "😀", "\U0001f600a", "𝄞", "\r", "\x00", "1"]
)
KEYS = st.one_of(TEXT, TRICKY_KEYS)
ASCII_KEYS = st.text(st.characters(max_codepoint=0x7F), max_size=8)
SAFE_INTS = st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
SCALARS = st.one_of(st.none(), st.booleans(), SAFE_INTS, TEXT)


def json_values(keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """Nested JSON values without floats."""
    return st.recursive(
        SCALARS,
        lambda children: st.one_of(
            st.lists(children, max_size=5), st.dictionaries(keys, children, max_size=5)
        ),
        max_leaves=25,
    )


@settings(max_examples=400, deadline=None)
@given(json_values(KEYS))
def test_canonical_json_equals_rfc8785_reference(value: Any) -> None:
    encoded = canonical_json(value)
    assert encoded == rfc8785.dumps(value)
    assert json.loads(encoded) == value


@settings(max_examples=300, deadline=None)
@given(json_values(ASCII_KEYS))
def test_fast_path_with_ascii_keys_equals_rfc8785(value: Any) -> None:
    # ASCII keys and safe ints take the msgspec path; string *values* may still be any Unicode.
    assert canonical_json(value) == rfc8785.dumps(value)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(KEYS, SAFE_INTS, min_size=2, max_size=8))
def test_object_keys_are_ordered_by_utf16_code_units(value: dict[str, int]) -> None:
    keys = list(json.loads(canonical_json(value)))
    assert keys == sorted(value, key=lambda k: k.encode("utf-16-be"))


def test_astral_key_sorts_before_high_bmp_key() -> None:
    # U+1F600 is D83D DE00 in UTF-16, so it precedes U+FB33 although its code point is larger.
    value = {"\ufb33": 1, "\U0001f600": 2, "\u20ac": 3, "z": 4}
    assert canonical_json(value) == '{"z":4,"\u20ac":3,"\U0001f600":2,"\ufb33":1}'.encode()
    assert canonical_json(value) == rfc8785.dumps(value)


def test_nested_objects_are_sorted_and_compact() -> None:
    value = {"b": [3, {"y": None, "x": True}], "a": "é\n\u2028", "c": -(2**53 - 1)}
    assert canonical_json(value) == (
        b'{"a":"\xc3\xa9\\n\xe2\x80\xa8","b":[3,{"x":true,"y":null}],"c":-9007199254740991}'
    )


def test_control_characters_are_escaped_as_jcs_requires() -> None:
    assert canonical_json('\x00\x08\t\n\x0c\r\x1f\x7f"\\/') == (
        b'"\\u0000\\b\\t\\n\\f\\r\\u001f\x7f\\"\\\\/"'
    )


@pytest.mark.parametrize(
    "value",
    [
        1.0,
        0.5,
        -0.0,
        math.inf,
        math.nan,
        [1, 2.5],
        {"amount": 10.0},
        {"a": [{"b": {"c": 1e-7}}]},
        {"é": 0.1},  # non-ASCII key: the rfc8785 path must refuse it too
        [2**53, 1.5],
    ],
)
def test_floats_are_refused_with_a_typed_error(value: Any) -> None:
    with pytest.raises(CanonicalEncodingError) as info:
        canonical_json(value)
    assert isinstance(info.value, ValueError)
    assert "float" in str(info.value) or "2**53" in str(info.value)


@settings(max_examples=100, deadline=None)
@given(json_values(KEYS), st.floats(allow_nan=True, allow_infinity=True), st.integers(0, 2))
def test_a_float_anywhere_is_refused(value: Any, number: float, where: int) -> None:
    wrapped = [{"v": value, "f": number}, [value, [number]], {"é": [value, number]}][where]
    with pytest.raises(CanonicalEncodingError, match="float"):
        canonical_json(wrapped)


@pytest.mark.parametrize("number", [2**53, -(2**53), 2**64, -(2**70)])
def test_integers_beyond_the_safe_range_are_refused(number: int) -> None:
    with pytest.raises(CanonicalEncodingError, match="2\\*\\*53-1"):
        canonical_json({"n": number})
    with pytest.raises(CanonicalEncodingError):
        canonical_json({"ключ": [number]})


def test_safe_range_bounds_encode_exactly() -> None:
    assert canonical_json([MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER, 0, True, False, None]) == (
        b"[9007199254740991,-9007199254740991,0,true,false,null]"
    )


def test_base64_roundtrip_and_strict_decoding() -> None:
    assert b64encode(b"\x00\xffab") == "AP9hYg=="
    assert b64decode("AP9hYg==") == b"\x00\xffab"
    for bad in ("AP9hYg=", "AP9h*g==", "AP9hYg==\n"):
        with pytest.raises(ValueError):
            b64decode(bad)


# --- the tx envelope's own fast encoders (core/tx.py) produce the same bytes as RFC 8785 ------------------

tx_bodies = st.builds(
    TxBody,
    chain_id=TEXT,
    signer=TEXT,
    nonce=SAFE_INTS,
    msgs=st.lists(st.dictionaries(KEYS, json_values(KEYS), max_size=4), max_size=3),
    memo=TEXT,
    expiry_height=SAFE_INTS,
)
signatures = st.lists(
    st.builds(Signature, key_type=TEXT, public_key=st.binary(max_size=65), signature=st.binary(max_size=64)),
    max_size=3,
)


@settings(max_examples=300, deadline=None)
@given(tx_bodies, signatures)
def test_body_and_tx_bytes_equal_rfc8785(body: TxBody, sigs: list[Signature]) -> None:
    expected_body = rfc8785.dumps(msgspec.to_builtins(body))
    assert body_bytes(body) == expected_body
    assert sign_bytes(body) == b"bayledger/tx/v1\n" + expected_body
    tx = Tx(body=body, signatures=sigs)
    assert tx_bytes(tx) == rfc8785.dumps(msgspec.to_builtins(tx))
    assert tx_bytes(tx, body_bytes(body)) == tx_bytes(tx)


def test_tx_body_with_non_ascii_message_keys_is_sorted_by_utf16() -> None:
    body = TxBody(
        chain_id="c", signer="s", nonce=1, msgs=[{"\ufb33": 1, "\U0001f600": 2}], memo="", expiry_height=0
    )
    assert (
        body_bytes(body)
        == (
            '{"chain_id":"c","expiry_height":0,"memo":"","msgs":[{"\U0001f600":2,"\ufb33":1}],'
            '"nonce":1,"signer":"s"}'
        ).encode()
    )


@pytest.mark.parametrize("bad", [{"x": 0.5}, {"x": 2**53}, {"é": [1.5]}])
def test_tx_body_refuses_floats_and_unsafe_integers_in_messages(bad: dict[str, Any]) -> None:
    body = TxBody(chain_id="c", signer="s", nonce=1, msgs=[bad], memo="", expiry_height=0)
    with pytest.raises(MalformedTxError) as info:
        body_bytes(body)
    assert (info.value.codespace, info.value.code) == ("tx", 2)
    with pytest.raises(MalformedTxError):
        tx_bytes(Tx(body=body, signatures=[]))
