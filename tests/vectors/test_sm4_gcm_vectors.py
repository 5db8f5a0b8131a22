"""SM4-GCM as the national-crypto vault envelope uses it: the RFC 8998 (Appendix A.1) test vector."""

from __future__ import annotations

import pytest

from bayledger.offchain.envelope import EnvelopeError, _sm4_gcm_decrypt, _sm4_gcm_encrypt

KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
IV = bytes.fromhex("00001234567800000000ABCD")
AAD = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
PLAINTEXT = bytes.fromhex(
    "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
    "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
)
CIPHERTEXT = bytes.fromhex(
    "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
    "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
)
TAG = bytes.fromhex("83DE3541E4C2B58177E065A9BF7B62EC")


def test_rfc8998_sm4_gcm_vector() -> None:
    assert _sm4_gcm_encrypt(KEY, IV, PLAINTEXT, AAD) == CIPHERTEXT + TAG
    assert _sm4_gcm_decrypt(KEY, IV, CIPHERTEXT + TAG, AAD) == PLAINTEXT


def test_sm4_gcm_refuses_an_altered_tag_or_aad() -> None:
    with pytest.raises(EnvelopeError):
        _sm4_gcm_decrypt(KEY, IV, CIPHERTEXT + bytes(16), AAD)
    with pytest.raises(EnvelopeError):
        _sm4_gcm_decrypt(KEY, IV, CIPHERTEXT + TAG, AAD + b"x")
