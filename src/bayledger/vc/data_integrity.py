"""Data Integrity proofs (W3C VC Data Integrity 1.0) with the JCS cryptosuites of ``cryptosuites``.

- ``create_proof`` follows "Create Proof (eddsa-jcs-2022)" (§3.3.1 of the EdDSA cryptosuites spec) and
  its SM2 twin; ``add_proof`` attaches it, turning an existing proof into a **proof set** (Data Integrity
  §2.1.2: every proof of a set signs the document without any ``proof``). Proof chains (``previousProof``)
  are not supported and are refused.
- ``verify_proofs`` follows "Verify Proof (eddsa-jcs-2022)" (§3.3.2) for every proof of the document,
  after the generic checks of Data Integrity §4.2: required fields, expected ``proofPurpose``,
  ``challenge``, ``domain`` and ``expires`` against the caller's ``now``. Every proof must verify.
- Keys come from a ``KeyResolver``: a callable from a ``verificationMethod`` URL to a ``Multikey``. This
  module ships ``did_key_resolver`` (``did:key``) and ``StaticKeyResolver`` (a fixed table, e.g. keys read
  from a resolved ``did:bid`` document); nothing here touches the network or the clock.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bayledger.core import crypto
from bayledger.keys import SigningKey
from bayledger.vc.cryptosuites import (
    DEFAULT_CRYPTOSUITE,
    PROOF_TYPE,
    Cryptosuite,
    get_cryptosuite,
    proof_configuration,
    transform,
)
from bayledger.vc.errors import (
    ChallengeMismatchError,
    DomainMismatchError,
    ExpiredProofError,
    InvalidProofError,
    MalformedDocumentError,
    ProofPurposeMismatchError,
    UnresolvableKeyError,
    UnsupportedCryptosuiteError,
    VcError,
)
from bayledger.vc.multikey import BASE58BTC, Multikey, decode_multibase, decode_public_key, encode_multibase
from bayledger.vc.timestamps import format_datetime, parse_datetime_stamp, require_aware

KeyResolver = Callable[[str], Multikey]


@dataclass(frozen=True)
class VerifiedProof:
    """A proof that verified: the proof object, its suite and the key that checked it."""

    proof: dict[str, Any]
    cryptosuite: Cryptosuite
    key: Multikey

    @property
    def verification_method(self) -> str:
        """The proof's ``verificationMethod`` URL."""
        return str(self.proof["verificationMethod"])

    @property
    def controller(self) -> str:
        """The DID (or URL) controlling the key: the verification method without its fragment."""
        return controller_of(self.verification_method)


def controller_of(verification_method: str) -> str:
    """``did:bid:ef…#key-1`` -> ``did:bid:ef…``: the identifier a verification method belongs to."""
    return verification_method.split("#", 1)[0]


def did_key_resolver(verification_method: str) -> Multikey:
    """Resolve ``did:key:<multikey>`` or ``did:key:<multikey>#<multikey>`` to its key, offline."""
    did, _, fragment = verification_method.partition("#")
    if not did.startswith("did:key:") or (fragment and fragment != did[len("did:key:") :]):
        raise UnresolvableKeyError(f"{verification_method!r} is not a did:key verification method")
    return decode_public_key(did[len("did:key:") :])


class StaticKeyResolver:
    """Resolve verification methods from a fixed table of ``{id: Multikey | publicKeyMultibase}``."""

    def __init__(self, keys: Mapping[str, Multikey | str], fallback: KeyResolver | None = None) -> None:
        self._keys = {
            vm: key if isinstance(key, Multikey) else decode_public_key(key) for vm, key in keys.items()
        }
        self._fallback = fallback

    def __call__(self, verification_method: str) -> Multikey:
        """The key registered for ``verification_method`` (or the fallback's answer)."""
        key = self._keys.get(verification_method)
        if key is not None:
            return key
        if self._fallback is not None:
            return self._fallback(verification_method)
        raise UnresolvableKeyError(f"no key known for verification method {verification_method!r}")


def _proof_options(
    document: dict[str, Any],
    suite: Cryptosuite,
    verification_method: str,
    proof_purpose: str,
    created: datetime | None,
    challenge: str | None,
    domain: str | list[str] | None,
    expires: datetime | None,
    proof_id: str | None,
) -> dict[str, Any]:
    options: dict[str, Any] = {"type": PROOF_TYPE}
    if proof_id is not None:
        options["id"] = proof_id
    options["cryptosuite"] = suite.name
    if created is not None:
        options["created"] = format_datetime(created)
    options["verificationMethod"] = verification_method
    options["proofPurpose"] = proof_purpose
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = list(domain) if isinstance(domain, list) else domain
    if expires is not None:
        options["expires"] = format_datetime(expires)
    if "@context" in document:  # Create Proof step 2: the proof carries the document's context
        options["@context"] = copy.deepcopy(document["@context"])
    return options


def create_proof(
    unsecured_document: dict[str, Any],
    signing_key: SigningKey,
    *,
    verification_method: str,
    proof_purpose: str = "assertionMethod",
    created: datetime | None = None,
    cryptosuite: str | None = None,
    challenge: str | None = None,
    domain: str | list[str] | None = None,
    expires: datetime | None = None,
    proof_id: str | None = None,
) -> dict[str, Any]:
    """A Data Integrity proof of ``unsecured_document`` (which must not hold a ``proof``).

    ``cryptosuite`` defaults to the key's suite (``eddsa-jcs-2022`` for Ed25519, ``bayledger-sm2-jcs-2025``
    for SM2). Times are the caller's: nothing reads the clock.
    """
    if not isinstance(unsecured_document, dict) or "proof" in unsecured_document:
        raise MalformedDocumentError("create_proof takes a JSON object without a proof; use add_proof")
    suite = get_cryptosuite(PROOF_TYPE, cryptosuite or DEFAULT_CRYPTOSUITE.get(signing_key.key_type))
    if suite.key_type != signing_key.key_type:
        raise UnsupportedCryptosuiteError(
            f"{suite.name} signs with {suite.key_type}, not {signing_key.key_type}"
        )
    for moment in (created, expires):
        if moment is not None:
            require_aware(moment)
    proof = _proof_options(
        unsecured_document,
        suite,
        verification_method,
        proof_purpose,
        created,
        challenge,
        domain,
        expires,
        proof_id,
    )
    hash_data = suite.hash_data(transform(unsecured_document, proof), proof_configuration(proof))
    proof["proofValue"] = encode_multibase(signing_key.sign(hash_data))
    return proof


def add_proof(document: dict[str, Any], signing_key: SigningKey, **options: Any) -> dict[str, Any]:
    """A copy of ``document`` secured with one more proof (see ``create_proof`` for ``options``).

    A document that already has proofs gets a proof set: the new proof signs the document without its
    ``proof`` member, exactly as the existing ones do.
    """
    if not isinstance(document, dict):
        raise MalformedDocumentError("the document to secure must be a JSON object")
    existing = get_proofs(document) if "proof" in document else []
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    proof = create_proof(unsecured, signing_key, **options)
    secured = copy.deepcopy(unsecured)
    secured["proof"] = [*copy.deepcopy(existing), proof] if existing else proof
    return secured


def get_proofs(secured_document: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's proofs as a list (``proof`` may be one object or a set); at least one, all objects."""
    if not isinstance(secured_document, dict) or "proof" not in secured_document:
        raise InvalidProofError("the document has no proof")
    raw = secured_document["proof"]
    proofs = raw if isinstance(raw, list) else [raw]
    if not proofs or not all(isinstance(proof, dict) for proof in proofs):
        raise MalformedDocumentError("proof must be an object or a non-empty array of objects")
    return proofs


def _as_set(value: object) -> set[str] | None:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return set(value)
    return None


def _check_options(
    proof: dict[str, Any],
    expected_proof_purpose: str | None,
    challenge: str | None,
    domain: str | Iterable[str] | None,
    now: datetime | None,
) -> None:
    """Data Integrity §4.2 checks made before any cryptography."""
    for name in ("type", "verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(name), str):
            raise MalformedDocumentError(f"proof {name} is missing or not a string")
    if "previousProof" in proof:
        raise InvalidProofError("proof chains (previousProof) are not supported")
    if expected_proof_purpose is not None and proof["proofPurpose"] != expected_proof_purpose:
        raise ProofPurposeMismatchError(
            f"proof purpose {proof['proofPurpose']!r} is not the expected {expected_proof_purpose!r}"
        )
    if domain is not None:
        expected = {domain} if isinstance(domain, str) else set(domain)
        if _as_set(proof.get("domain")) != expected:
            raise DomainMismatchError(
                f"proof domain {proof.get('domain')!r} does not match {sorted(expected)}"
            )
    if challenge is not None and proof.get("challenge") != challenge:
        raise ChallengeMismatchError("proof challenge does not match the verifier's challenge")
    if now is not None and "expires" in proof:
        try:
            expires = parse_datetime_stamp(proof["expires"])
        except ValueError as error:
            raise MalformedDocumentError(f"proof expires: {error}") from None
        if require_aware(now) > expires:
            raise ExpiredProofError(f"proof expired at {proof['expires']}")


def _verify_one(
    unsecured: dict[str, Any], secured_context: object, proof: dict[str, Any], resolve_key: KeyResolver
) -> VerifiedProof:
    """Verify Proof (§3.3.2) for one proof over the document without its proofs."""
    suite = get_cryptosuite(proof.get("type"), proof.get("cryptosuite"))
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    try:
        signature = decode_multibase(proof["proofValue"], BASE58BTC)
    except ValueError as error:
        raise InvalidProofError(f"proofValue is not base58btc multibase: {error}") from None
    document = dict(unsecured)
    if "@context" in options:
        proof_context = options["@context"]
        contexts = secured_context if isinstance(secured_context, list) else [secured_context]
        expected = proof_context if isinstance(proof_context, list) else [proof_context]
        if contexts[: len(expected)] != expected:
            raise InvalidProofError("the document @context does not start with the proof's @context")
        document["@context"] = proof_context
    key = resolve_key(proof["verificationMethod"])
    if key.key_type != suite.key_type:
        raise InvalidProofError(f"{suite.name} needs a {suite.key_type} key, the method has {key.key_type}")
    hash_data = suite.hash_data(transform(document, options), proof_configuration(options))
    if not crypto.verify_signature(key.key_type, key.public_key, hash_data, signature):
        raise InvalidProofError(f"the {suite.name} signature does not verify")
    return VerifiedProof(proof=proof, cryptosuite=suite, key=key)


def verify_proofs(
    secured_document: dict[str, Any],
    *,
    resolve_key: KeyResolver,
    expected_proof_purpose: str | None = None,
    challenge: str | None = None,
    domain: str | Iterable[str] | None = None,
    now: datetime | None = None,
) -> tuple[VerifiedProof, ...]:
    """Verify every proof of ``secured_document``; raise the first failure as a typed ``VcError``.

    ``challenge``/``domain``, when given, must appear in every proof; ``now`` (aware ``datetime``) is
    compared with each proof's ``expires``.
    """
    proofs = get_proofs(secured_document)
    unsecured = {name: value for name, value in secured_document.items() if name != "proof"}
    results = []
    for proof in proofs:
        _check_options(proof, expected_proof_purpose, challenge, domain, now)
        try:
            results.append(_verify_one(unsecured, secured_document.get("@context"), proof, resolve_key))
        except VcError:
            raise
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidProofError(f"proof cannot be verified: {error}") from None
    return tuple(results)
