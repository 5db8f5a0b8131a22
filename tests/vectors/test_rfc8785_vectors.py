"""RFC 8785 (JCS) vectors without floats against ``canonical_json`` and the ``rfc8785`` reference library."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import rfc8785

from bayledger.core.encoding import CanonicalEncodingError, canonical_json

DATA = json.loads((Path(__file__).parent / "rfc8785.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("vector", DATA["vectors"], ids=lambda v: v["name"])
def test_canonical_json_matches_published_output(vector: dict[str, Any]) -> None:
    value = json.loads(vector["input"])
    expected = vector["expected"].encode("utf-8")
    assert canonical_json(value) == expected
    assert rfc8785.dumps(value) == expected


def test_sorting_example_orders_by_utf16_code_units() -> None:
    vector = next(v for v in DATA["vectors"] if v["name"] == "rfc8785-3.2.3-sorting")
    keys = list(json.loads(canonical_json(json.loads(vector["input"]))))
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


@pytest.mark.parametrize("vector", DATA["refused_by_canonical_json"], ids=lambda v: v["name"])
def test_floats_and_unsafe_integers_are_refused(vector: dict[str, Any]) -> None:
    value = json.loads(vector["input"])
    with pytest.raises(CanonicalEncodingError):
        canonical_json(value)
    if vector["expected"] is not None:
        assert rfc8785.dumps(value) == vector["expected"].encode("utf-8")
