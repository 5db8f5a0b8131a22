"""SD-JWT (RFC 9901) published Disclosure / digest / sd_hash examples against ``bayledger.vc.sdjwt``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bayledger.vc.sdjwt import disclosure_digest, encode_disclosure, parse_disclosure, parse_sd_jwt, sd_hash

DATA = json.loads((Path(__file__).parent / "sd_jwt_disclosures.json").read_text(encoding="utf-8"))
OBJECT_VECTORS = DATA["object_property_disclosures"]
DIGEST_VECTORS = OBJECT_VECTORS + DATA["array_element_disclosures"] + DATA["hashing_examples"]


@pytest.mark.parametrize("vector", DIGEST_VECTORS, ids=lambda v: v["name"])
def test_disclosure_digest_matches_published_value(vector: dict[str, Any]) -> None:
    assert disclosure_digest(vector["disclosure"]) == vector["sha256_digest"]


@pytest.mark.parametrize("vector", OBJECT_VECTORS, ids=lambda v: v["name"])
def test_encoding_and_parsing_reproduce_published_disclosure(vector: dict[str, Any]) -> None:
    salt, name, value = vector["contents"]
    encoded = encode_disclosure(salt, name, value)
    assert encoded.encoded == vector["disclosure"]
    assert encoded.digest == vector["sha256_digest"]
    parsed = parse_disclosure(vector["disclosure"])
    assert (parsed.salt, parsed.name, parsed.value) == (salt, name, value)


def test_non_ascii_encoding_example_and_its_equivalent_encodings() -> None:
    vector = DATA["encoding_example"]
    salt, name, value = vector["contents"]
    assert encode_disclosure(salt, name, value).encoded == vector["disclosure"]
    for encoded in [vector["disclosure"], *vector["equivalent_encodings"]]:
        parsed = parse_disclosure(encoded)
        assert (parsed.salt, parsed.name, parsed.value) == (salt, name, value)
        # The digest is over the string as sent, so equivalent encodings have different digests.
    digests = {disclosure_digest(e) for e in [vector["disclosure"], *vector["equivalent_encodings"]]}
    assert len(digests) == 4


def test_sd_hash_of_published_presentation() -> None:
    vector = DATA["sd_hash_example"]
    assert sd_hash(vector["presented_without_kb"]) == vector["sd_hash"]
    presentation = parse_sd_jwt(vector["presented_without_kb"] + vector["kb_jwt"])
    assert presentation.kb_jwt == vector["kb_jwt"]
    assert presentation.without_key_binding() == vector["presented_without_kb"]
    assert len(presentation.disclosures) == 4
