"""SD-JWT VC: selectively disclosable credentials with key binding (RFC 9901, draft-ietf-oauth-sd-jwt-vc).

An issuer signs a JWT (``typ: dc+sd-jwt``) whose payload carries, instead of the disclosable claims, the
sorted SHA-256 digests (``_sd``) of their Disclosures, ``base64url(JSON [salt, name, value])``. The holder
keeps every Disclosure, presents only those it chooses, and appends a Key Binding JWT (``typ: kb+jwt``)
signed with the key named in ``cnf.jwk`` over ``aud``, ``nonce``, ``iat`` and ``sd_hash`` (the digest of
everything it presents before the KB-JWT). The verifier checks the issuer signature with a key the caller
supplies, every Disclosure against the signed digests, validity times against a ``now`` it is given, and
the Key Binding JWT, and gets back exactly the disclosed claims.

Scope (kept small on purpose): JWS Compact Serialization, ``alg: EdDSA`` (Ed25519) only, ``_sd_alg:
sha-256`` only, selectively disclosable claims at the top level of the payload only (no nested ``_sd``, no
array-element Disclosures, no decoys), key binding always required by the verifier. Nothing here reads the
clock, the network or the file system; salts come from ``secrets`` through a replaceable ``salt_generator``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from bayledger.keys import SigningKey
from bayledger.vc.errors import (
    ChallengeMismatchError,
    DisclosureDigestMismatchError,
    DomainMismatchError,
    DuplicateDisclosureError,
    ExpiredCredentialError,
    InvalidProofError,
    IssuerMismatchError,
    KeyBindingError,
    MalformedDocumentError,
    NotYetValidError,
    SdHashMismatchError,
    UnsupportedCryptosuiteError,
)
from bayledger.vc.multikey import Multikey
from bayledger.vc.timestamps import require_aware

__all__ = [
    "JWS_ALG",
    "KB_JWT_TYP",
    "SD_ALG",
    "SD_JWT_VC_TYP",
    "Disclosure",
    "SaltGenerator",
    "SdJwt",
    "VerifiedSdJwtVc",
    "b64url_decode",
    "b64url_encode",
    "create_key_binding_jwt",
    "default_salt",
    "disclosure_digest",
    "ed25519_jwk",
    "encode_disclosure",
    "issue_sd_jwt_vc",
    "parse_disclosure",
    "parse_sd_jwt",
    "present_sd_jwt_vc",
    "sd_hash",
    "verify_sd_jwt_vc",
]

SD_JWT_VC_TYP = "dc+sd-jwt"
KB_JWT_TYP = "kb+jwt"
SD_ALG = "sha-256"
JWS_ALG = "EdDSA"

SaltGenerator = Callable[[], str]

# Claims the issuer always sets in clear; SD-JWT VC forbids making iss, nbf, exp, cnf, vct, vct#integrity
# and status selectively disclosable, and _sd / _sd_alg / "..." are SD-JWT's own keys.
_RESERVED = frozenset(
    {"iss", "iat", "nbf", "exp", "cnf", "vct", "vct#integrity", "status", "_sd", "_sd_alg", "..."}
)
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def default_salt() -> str:
    """128 bits from ``secrets``, base64url-encoded (RFC 9901 §9.3 recommends at least 128 bits)."""
    return b64url_encode(secrets.token_bytes(16))


def b64url_encode(data: bytes) -> str:
    """base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url without padding: other characters, padding or non-canonical trailing bits are
    refused (``MalformedDocumentError``)."""
    if not isinstance(text, str) or not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise MalformedDocumentError("not base64url without padding")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:  # pragma: no cover - excluded by the regex above
        raise MalformedDocumentError("not base64url") from exc
    if b64url_encode(data) != text:
        raise MalformedDocumentError("non-canonical base64url")
    return data


def _sha256_b64(text: str) -> str:
    return b64url_encode(hashlib.sha256(text.encode("ascii")).digest())


def disclosure_digest(disclosure: str) -> str:
    """base64url(SHA-256(ASCII bytes of the base64url Disclosure)) (RFC 9901 §4.2.3)."""
    return _sha256_b64(disclosure)


def sd_hash(presented_without_kb: str) -> str:
    """The ``sd_hash`` of ``<issuer JWT>~<Disclosure>~…~`` (RFC 9901 §4.3.1)."""
    if not presented_without_kb.endswith("~"):
        raise MalformedDocumentError("sd_hash is taken over an SD-JWT ending with '~'")
    return _sha256_b64(presented_without_kb)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateDisclosureError(f"duplicate JSON member {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise MalformedDocumentError(f"JSON constant {name} is not allowed")


def _json_loads(data: bytes) -> Any:
    try:
        text = data.decode("utf-8")
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedDocumentError("not UTF-8 JSON") from exc


def _json_bytes(value: Any) -> bytes:
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise MalformedDocumentError(f"value is not JSON: {exc}") from exc


# --------------------------------------------------------------------------------------------- Disclosures


@dataclass(frozen=True)
class Disclosure:
    """An object-property Disclosure: ``salt``, claim ``name`` and ``value``, with its encoded form."""

    salt: str
    name: str
    value: Any
    encoded: str

    @property
    def digest(self) -> str:
        return disclosure_digest(self.encoded)


def encode_disclosure(salt: str, name: str, value: Any) -> Disclosure:
    """``base64url(UTF-8 JSON [salt, name, value])``, JSON with ``", "`` separators as in RFC 9901's
    examples (any JSON encoding is valid: the digest is taken over the encoded string, never re-encoded)."""
    if not isinstance(salt, str) or not salt:
        raise MalformedDocumentError("a salt must be a non-empty string")
    if not isinstance(name, str) or name in ("_sd", "..."):
        raise MalformedDocumentError(f"claim name {name!r} cannot be selectively disclosed")
    try:
        text = json.dumps([salt, name, value], ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise MalformedDocumentError(f"claim {name!r} is not JSON: {exc}") from exc
    return Disclosure(salt, name, value, b64url_encode(text.encode("utf-8")))


def parse_disclosure(encoded: str) -> Disclosure:
    """Decode an object-property Disclosure. Array-element Disclosures (two elements) are not supported."""
    content = _json_loads(b64url_decode(encoded))
    if not isinstance(content, list) or len(content) != 3:
        raise MalformedDocumentError("a Disclosure must be a JSON array [salt, name, value]")
    salt, name, value = content
    if not isinstance(salt, str) or not isinstance(name, str):
        raise MalformedDocumentError("a Disclosure's salt and claim name must be strings")
    if name in ("_sd", "..."):
        raise MalformedDocumentError(f"claim name {name!r} is not allowed in a Disclosure")
    _reject_nested_sd(value, name)
    return Disclosure(salt, name, value, encoded)


def _reject_nested_sd(value: Any, where: str) -> None:
    if isinstance(value, dict):
        if "_sd" in value or "..." in value:
            raise MalformedDocumentError(f"nested selective disclosure in {where!r} is not supported")
        for key, item in value.items():
            _reject_nested_sd(item, f"{where}.{key}")
    elif isinstance(value, list):
        for item in value:
            _reject_nested_sd(item, where)


# --------------------------------------------------------------------------------------------------- JWS


def ed25519_jwk(public_key: bytes) -> dict[str, str]:
    """The RFC 8037 OKP JWK of a raw 32-byte Ed25519 public key."""
    if len(public_key) != 32:
        raise MalformedDocumentError("an Ed25519 public key is 32 bytes")
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(public_key)}


def _public_key_from_jwk(jwk: Any) -> bytes:
    if not isinstance(jwk, dict):
        raise MalformedDocumentError("cnf.jwk must be a JSON object")
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or not isinstance(jwk.get("x"), str):
        raise UnsupportedCryptosuiteError("cnf.jwk must be an OKP Ed25519 key")
    if "d" in jwk:
        raise MalformedDocumentError("cnf.jwk contains private key material")
    raw = b64url_decode(jwk["x"])
    if len(raw) != 32:
        raise MalformedDocumentError("an Ed25519 public key is 32 bytes")
    return raw


def _ed25519_raw(key: bytes | Multikey) -> bytes:
    if isinstance(key, Multikey):
        if key.key_type != "ed25519":
            raise UnsupportedCryptosuiteError(f"EdDSA needs an Ed25519 key, not {key.key_type}")
        key = key.public_key
    if not isinstance(key, bytes) or len(key) != 32:
        raise UnsupportedCryptosuiteError("EdDSA needs a 32-byte Ed25519 public key")
    return key


def _sign_jws(header: dict[str, Any], payload: dict[str, Any], key: SigningKey) -> str:
    if key.key_type != "ed25519":
        raise UnsupportedCryptosuiteError(f"alg EdDSA needs an Ed25519 signing key, not {key.key_type}")
    signing_input = f"{b64url_encode(_json_bytes(header))}.{b64url_encode(_json_bytes(payload))}"
    return f"{signing_input}.{b64url_encode(key.sign(signing_input.encode('ascii')))}"


@dataclass(frozen=True)
class _Jws:
    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes

    def verify(self, public_key: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(self.signature, self.signing_input)
        except (InvalidSignature, ValueError):
            return False
        return True


def _parse_jws(compact: str, *, typ: str, what: str) -> _Jws:
    parts = compact.split(".")
    if len(parts) != 3:
        raise MalformedDocumentError(f"the {what} is not a JWS in Compact Serialization")
    header = _json_loads(b64url_decode(parts[0]))
    payload = _json_loads(b64url_decode(parts[1]))
    signature = b64url_decode(parts[2])
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise MalformedDocumentError(f"the {what}'s header and payload must be JSON objects")
    if header.get("alg") != JWS_ALG:
        raise UnsupportedCryptosuiteError(f"the {what}'s alg must be {JWS_ALG}, not {header.get('alg')!r}")
    if header.get("typ") != typ:
        raise MalformedDocumentError(f"the {what}'s typ must be {typ!r}, not {header.get('typ')!r}")
    if "crit" in header:
        raise MalformedDocumentError(f"the {what} has critical header parameters this library does not know")
    return _Jws(header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)


def _numeric_date(moment: datetime) -> int:
    return int(require_aware(moment).timestamp())


# ----------------------------------------------------------------------------------------------- Formats


@dataclass(frozen=True)
class SdJwt:
    """The parts of ``<issuer JWT>~<Disclosure 1>~…~<Disclosure N>~[<KB-JWT>]``."""

    issuer_jwt: str
    disclosures: tuple[str, ...]
    kb_jwt: str | None = None

    def without_key_binding(self) -> str:
        """``<issuer JWT>~<Disclosure>~…~``: the issued form, and the input of ``sd_hash``."""
        return "".join(f"{part}~" for part in (self.issuer_jwt, *self.disclosures))

    def serialize(self) -> str:
        return self.without_key_binding() + (self.kb_jwt or "")


def parse_sd_jwt(text: str) -> SdJwt:
    """Split an SD-JWT or SD-JWT+KB. Empty Disclosures (``~~``) are refused."""
    if not isinstance(text, str) or "~" not in text:
        raise MalformedDocumentError("an SD-JWT is '<issuer JWT>~<Disclosures>~[<KB-JWT>]'")
    parts = text.split("~")
    issuer_jwt, disclosures, last = parts[0], parts[1:-1], parts[-1]
    if not issuer_jwt or any(not d for d in disclosures):
        raise MalformedDocumentError("an SD-JWT has an empty component")
    return SdJwt(issuer_jwt, tuple(disclosures), last or None)


# ------------------------------------------------------------------------------------------------ Issuer


def issue_sd_jwt_vc(
    *,
    issuer: str,
    vct: str,
    signing_key: SigningKey,
    holder_public_key: bytes | Multikey,
    issued_at: datetime,
    expires_at: datetime | None,
    disclosable_claims: Mapping[str, Any],
    visible_claims: Mapping[str, Any] | None = None,
    salt_generator: SaltGenerator = default_salt,
) -> str:
    """Issue an SD-JWT VC: ``<issuer JWT>~<Disclosure 1>~…~<Disclosure N>~``.

    Every entry of ``disclosable_claims`` becomes a Disclosure with a fresh salt from ``salt_generator``;
    ``visible_claims`` are signed in clear. ``iss``, ``vct``, ``iat``, ``exp``, ``cnf.jwk`` (the holder's
    Ed25519 key) and ``_sd_alg`` are set here and cannot be passed as claims.
    """
    visible = dict(visible_claims or {})
    for name in (*disclosable_claims, *visible):
        if not isinstance(name, str) or name in _RESERVED:
            raise MalformedDocumentError(f"claim {name!r} is reserved and cannot be passed as a claim")
    overlap = set(disclosable_claims) & set(visible)
    if overlap:
        raise MalformedDocumentError(f"claims both visible and disclosable: {sorted(overlap)}")
    _reject_nested_sd(visible, "visible claims")
    _reject_nested_sd(dict(disclosable_claims), "disclosable claims")
    if not issuer or not vct:
        raise MalformedDocumentError("iss and vct are required")
    iat = _numeric_date(issued_at)
    exp = None if expires_at is None else _numeric_date(expires_at)
    if exp is not None and exp <= iat:
        raise MalformedDocumentError("exp must be after iat")

    disclosures = [
        encode_disclosure(salt_generator(), name, value) for name, value in disclosable_claims.items()
    ]
    digests = sorted(d.digest for d in disclosures)
    if len(set(digests)) != len(digests):
        raise DuplicateDisclosureError("two Disclosures have the same digest (salt reused?)")
    payload: dict[str, Any] = {"iss": issuer, "iat": iat, "vct": vct, **visible}
    if exp is not None:
        payload["exp"] = exp
    payload["cnf"] = {"jwk": ed25519_jwk(_ed25519_raw(holder_public_key))}
    if digests:
        payload["_sd"] = digests
    payload["_sd_alg"] = SD_ALG
    jwt = _sign_jws({"alg": JWS_ALG, "typ": SD_JWT_VC_TYP}, payload, signing_key)
    return SdJwt(jwt, tuple(d.encoded for d in disclosures)).without_key_binding()


# ------------------------------------------------------------------------------------------------ Holder


def create_key_binding_jwt(
    presented_without_kb: str, *, holder_key: SigningKey, audience: str, nonce: str, issued_at: datetime
) -> str:
    """The KB-JWT for ``<issuer JWT>~<Disclosure>~…~``: ``aud``, ``nonce``, ``iat``, ``sd_hash``."""
    payload = {
        "iat": _numeric_date(issued_at),
        "aud": audience,
        "nonce": nonce,
        "sd_hash": sd_hash(presented_without_kb),
    }
    return _sign_jws({"alg": JWS_ALG, "typ": KB_JWT_TYP}, payload, holder_key)


def present_sd_jwt_vc(
    issued: str,
    *,
    disclose: Iterable[str],
    holder_key: SigningKey,
    audience: str,
    nonce: str,
    issued_at: datetime,
) -> str:
    """Select the Disclosures of the claims named in ``disclose`` and append a Key Binding JWT.

    The holder first checks that every Disclosure it received is referenced by the issuer-signed JWT (RFC
    9901 §7.2); it does not check the issuer's signature (the verifier does). Naming a claim that has no
    Disclosure raises ``MalformedDocumentError``.
    """
    sd_jwt = parse_sd_jwt(issued)
    if sd_jwt.kb_jwt is not None:
        raise MalformedDocumentError("the issued SD-JWT already carries a Key Binding JWT")
    jws = _parse_jws(sd_jwt.issuer_jwt, typ=SD_JWT_VC_TYP, what="issuer-signed JWT")
    signed = _signed_digests(jws.payload)
    by_name: dict[str, str] = {}
    for encoded in sd_jwt.disclosures:
        disclosure = parse_disclosure(encoded)
        if disclosure.digest not in signed:
            raise DisclosureDigestMismatchError(f"Disclosure of {disclosure.name!r} is not in the SD-JWT")
        if disclosure.name in by_name:
            raise DuplicateDisclosureError(f"two Disclosures of claim {disclosure.name!r}")
        by_name[disclosure.name] = encoded
    wanted = list(dict.fromkeys(disclose))
    missing = [name for name in wanted if name not in by_name]
    if missing:
        raise MalformedDocumentError(f"no Disclosure for claims {missing}")
    presented = SdJwt(sd_jwt.issuer_jwt, tuple(by_name[name] for name in wanted)).without_key_binding()
    kb_jwt = create_key_binding_jwt(
        presented, holder_key=holder_key, audience=audience, nonce=nonce, issued_at=issued_at
    )
    return presented + kb_jwt


# ---------------------------------------------------------------------------------------------- Verifier


@dataclass(frozen=True)
class VerifiedSdJwtVc:
    """A verified presentation: the disclosed claims (plus any claims the issuer signed in clear) and the
    credential's registered claims."""

    issuer: str
    vct: str
    issued_at: int
    expires_at: int | None
    claims: dict[str, Any]
    holder_jwk: dict[str, str]
    disclosed: tuple[str, ...]


def _signed_digests(payload: dict[str, Any]) -> set[str]:
    digests = payload.get("_sd", [])
    if not isinstance(digests, list) or not all(isinstance(d, str) for d in digests):
        raise MalformedDocumentError("_sd must be an array of strings")
    if len(set(digests)) != len(digests):
        raise DuplicateDisclosureError("a digest appears more than once in _sd")
    alg = payload.get("_sd_alg", SD_ALG)
    if alg != SD_ALG:
        raise UnsupportedCryptosuiteError(f"_sd_alg {alg!r} is not supported (only {SD_ALG})")
    for key, value in payload.items():
        if key not in ("_sd", "cnf"):
            _reject_nested_sd(value, key)
    return set(digests)


def _int_claim(payload: dict[str, Any], name: str, *, required: bool) -> int | None:
    value = payload.get(name)
    if value is None:
        if required:
            raise MalformedDocumentError(f"claim {name!r} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedDocumentError(f"claim {name!r} must be an integer NumericDate")
    return value


def verify_sd_jwt_vc(
    presentation: str,
    *,
    issuer_public_key: bytes | Multikey,
    now: datetime,
    audience: str,
    nonce: str,
    expected_issuer: str | None = None,
    expected_vct: str | None = None,
    max_key_binding_age: timedelta = timedelta(minutes=5),
    leeway: timedelta = timedelta(0),
) -> VerifiedSdJwtVc:
    """Verify an SD-JWT VC presentation with Key Binding (RFC 9901 §7.1 and §7.3) and return its claims.

    Order: split → issuer-signed JWT (``typ``, ``alg``, signature with ``issuer_public_key``, ``iss``,
    ``vct``, ``iat``/``nbf``/``exp`` against ``now``) → Disclosures (digest signed, no digest or claim
    twice) → Key Binding JWT (signature with ``cnf.jwk``, ``sd_hash``, ``aud``, ``nonce``, ``iat`` within
    ``max_key_binding_age`` of ``now``). Key binding is always required.
    """
    now_s = _numeric_date(now)
    skew = int(leeway.total_seconds())
    sd_jwt = parse_sd_jwt(presentation)

    # 1. The issuer-signed JWT.
    jws = _parse_jws(sd_jwt.issuer_jwt, typ=SD_JWT_VC_TYP, what="issuer-signed JWT")
    if not jws.verify(_ed25519_raw(issuer_public_key)):
        raise InvalidProofError("the issuer-signed JWT's signature does not verify with the issuer key")
    payload = jws.payload
    issuer, vct = payload.get("iss"), payload.get("vct")
    if not isinstance(issuer, str) or not isinstance(vct, str):
        raise MalformedDocumentError("iss and vct must be strings")
    if expected_issuer is not None and issuer != expected_issuer:
        raise IssuerMismatchError(f"iss is {issuer!r}, expected {expected_issuer!r}")
    if expected_vct is not None and vct != expected_vct:
        raise MalformedDocumentError(f"vct is {vct!r}, expected {expected_vct!r}")
    iat = _int_claim(payload, "iat", required=True)
    nbf = _int_claim(payload, "nbf", required=False)
    exp = _int_claim(payload, "exp", required=False)
    assert iat is not None
    if iat > now_s + skew or (nbf is not None and nbf > now_s + skew):
        raise NotYetValidError("the credential's iat or nbf is after now")
    if exp is not None and now_s >= exp + skew:
        raise ExpiredCredentialError("the credential's exp has passed")
    cnf = payload.get("cnf")
    if not isinstance(cnf, dict) or "jwk" not in cnf:
        raise KeyBindingError("the credential has no cnf.jwk holder key")
    holder_key = _public_key_from_jwk(cnf["jwk"])

    # 2. The Disclosures.
    signed = _signed_digests(payload)
    claims = {k: v for k, v in payload.items() if k not in _RESERVED}
    seen: set[str] = set()
    disclosed: list[str] = []
    for encoded in sd_jwt.disclosures:
        disclosure = parse_disclosure(encoded)
        digest = disclosure.digest
        if digest in seen:
            raise DuplicateDisclosureError(f"the Disclosure of {disclosure.name!r} is presented twice")
        if digest not in signed:
            raise DisclosureDigestMismatchError(f"the Disclosure of {disclosure.name!r} is not in the SD-JWT")
        if disclosure.name in claims or disclosure.name in _RESERVED:
            raise DuplicateDisclosureError(f"claim {disclosure.name!r} is already present")
        seen.add(digest)
        claims[disclosure.name] = disclosure.value
        disclosed.append(disclosure.name)

    # 3. The Key Binding JWT.
    if sd_jwt.kb_jwt is None:
        raise KeyBindingError("the presentation has no Key Binding JWT")
    kb = _parse_kb_jwt(sd_jwt.kb_jwt)
    if not kb.verify(holder_key):
        raise KeyBindingError("the Key Binding JWT is not signed by the credential's cnf key")
    if kb.payload.get("sd_hash") != sd_hash(sd_jwt.without_key_binding()):
        raise SdHashMismatchError("sd_hash does not match the presented SD-JWT and Disclosures")
    if kb.payload.get("aud") != audience:
        raise DomainMismatchError(f"KB-JWT aud is {kb.payload.get('aud')!r}, expected {audience!r}")
    if kb.payload.get("nonce") != nonce:
        raise ChallengeMismatchError("KB-JWT nonce differs from the verifier's")
    kb_iat = _int_claim(kb.payload, "iat", required=True)
    assert kb_iat is not None
    if kb_iat > now_s + skew or now_s - kb_iat > int(max_key_binding_age.total_seconds()) + skew:
        raise KeyBindingError("the Key Binding JWT's iat is outside the acceptable window")

    return VerifiedSdJwtVc(
        issuer=issuer,
        vct=vct,
        issued_at=iat,
        expires_at=exp,
        claims=claims,
        holder_jwk=dict(cnf["jwk"]),
        disclosed=tuple(disclosed),
    )


def _parse_kb_jwt(compact: str) -> _Jws:
    try:
        return _parse_jws(compact, typ=KB_JWT_TYP, what="Key Binding JWT")
    except (MalformedDocumentError, UnsupportedCryptosuiteError) as exc:
        raise KeyBindingError(f"malformed Key Binding JWT: {exc}") from exc
