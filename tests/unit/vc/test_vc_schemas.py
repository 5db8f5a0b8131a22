"""Subject JSON Schemas: the files (valid draft 2020-12) and validation through ``jsonschema``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, SchemaError
from vckit import subject

from bayledger.vc import subject_schemas
from bayledger.vc.errors import SchemaViolationError, UnknownCredentialTypeError

GBA_CITIES = [
    "Hong Kong", "Macao", "Guangzhou", "Shenzhen", "Zhuhai", "Foshan",
    "Huizhou", "Dongguan", "Zhongshan", "Jiangmen", "Zhaoqing",
]  # fmt: skip
USER_TYPES = [name for name in subject_schemas.CREDENTIAL_TYPES if name != "BitstringStatusListCredential"]
HOLDER = "did:bid:efHolder1234567890"


def test_every_type_has_a_draft_2020_12_schema_file() -> None:
    folder = resources.files("bayledger.vc").joinpath("schemas")
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".json"))
    assert names == sorted(f"{name}.json" for name in subject_schemas.CREDENTIAL_TYPES)
    for name in subject_schemas.CREDENTIAL_TYPES:
        schema = subject_schemas.load_schema(name)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["type"] == "object" and schema["additionalProperties"] is False
        Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("credential_type", USER_TYPES)
def test_sample_subjects_are_valid(credential_type: str) -> None:
    subject_schemas.validate_subject(credential_type, subject(credential_type, HOLDER))
    missing_id = {k: v for k, v in subject(credential_type, HOLDER).items() if k != "id"}
    with pytest.raises(SchemaViolationError, match="'id'"):
        subject_schemas.validate_subject(credential_type, missing_id)


def test_data_recipient_must_be_registered_in_one_of_the_11_gba_cities() -> None:
    schema = subject_schemas.load_schema("DataRecipientCredential")
    assert schema["properties"]["registeredCity"]["enum"] == GBA_CITIES
    for city in GBA_CITIES:
        body = {**subject("DataRecipientCredential", HOLDER), "registeredCity": city}
        subject_schemas.validate_subject("DataRecipientCredential", body)
    for city in ("Beijing", "Shanghai", "Macau", "hong kong", ""):
        body = {**subject("DataRecipientCredential", HOLDER), "registeredCity": city}
        with pytest.raises(SchemaViolationError):
            subject_schemas.validate_subject("DataRecipientCredential", body)


@pytest.mark.parametrize("level", [1, 2, 3])
def test_kyc_levels(level: int) -> None:
    subject_schemas.validate_subject("KycCredential", {**subject("KycCredential", HOLDER), "kycLevel": level})


@pytest.mark.parametrize("level", [0, 4, True, "1", None])
def test_kyc_level_out_of_range_or_wrong_type(level: Any) -> None:
    errors = subject_schemas.subject_errors(
        "KycCredential", {**subject("KycCredential", HOLDER), "kycLevel": level}
    )
    assert errors and all("kycLevel" in error for error in errors)


@pytest.mark.parametrize("level", [2.5, "2", 4])
def test_kyc_level_must_be_an_integer_from_1_to_3(level: Any) -> None:
    with pytest.raises(SchemaViolationError, match="kycLevel"):
        subject_schemas.validate_subject(
            "KycCredential", {**subject("KycCredential", HOLDER), "kycLevel": level}
        )


def test_kyc_level_follows_json_schema_integer_semantics() -> None:
    # JSON Schema: "integer" is any number with a zero fractional part, so 2.0 is an integer.
    body = {**subject("KycCredential", HOLDER), "kycLevel": 2.0}
    assert subject_schemas.subject_errors("KycCredential", body) == []


@pytest.mark.parametrize("jurisdiction", ["HK", "MO", "CN", "CN-GD", "CN-SZ", "CN-GZ", "CN-ZQ"])
def test_jurisdictions(jurisdiction: str) -> None:
    subject_schemas.validate_subject(
        "KycCredential", {**subject("KycCredential", HOLDER), "jurisdiction": jurisdiction}
    )


def test_all_violations_are_reported() -> None:
    body = {"id": HOLDER, "kycLevel": 9, "jurisdiction": "XX", "surplus": 1}
    errors = subject_schemas.subject_errors("KycCredential", body)
    assert len(errors) == 4  # kycLevel, jurisdiction, missing expiry, extra property


def test_unknown_types() -> None:
    with pytest.raises(UnknownCredentialTypeError):
        subject_schemas.load_schema("AlumniCredential")
    with pytest.raises(UnknownCredentialTypeError):
        subject_schemas.credential_type_of(
            ["VerifiableCredential", "KycCredential", "DataRecipientCredential"]
        )
    assert (
        subject_schemas.credential_type_of(["VerifiableCredential", "KycCredential", "Extra"])
        == "KycCredential"
    )


def test_unknown_type_has_no_subject_errors_but_raises() -> None:
    with pytest.raises(UnknownCredentialTypeError):
        subject_schemas.subject_errors("AlumniCredential", {"id": HOLDER})


def test_schema_files_are_checked_at_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "KycCredential.json").write_text('{"type": "decimal"}', "utf-8")
    monkeypatch.setattr(subject_schemas.resources, "files", lambda _package: tmp_path)
    with pytest.raises(SchemaError):
        subject_schemas._load.__wrapped__("KycCredential")
