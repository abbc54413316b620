"""Batch encryption and keyed hashing for the demo's million ID and phone numbers.

``pii.encrypt`` builds a fresh AES-CBC context and HMAC object per value (about 14 µs); a million
seekers need two million of them. Here the same Fernet tokens (version 0x80, timestamp, random IV,
AES-128-CBC with PKCS7 padding, HMAC-SHA256, URL-safe base64; see the Fernet specification) are
produced for a batch of equal-length values at once: CBC is computed block by block across the whole
batch with one ECB call per block position, the IVs come from one ``os.urandom`` call, and the HMAC
uses the one-shot ``hmac.digest``. The result is byte-for-byte what ``Fernet.encrypt_at_time`` would
make with those IVs, and ``pii.decrypt`` reads it; ``check`` verifies a sample of every batch with
the real implementation before anything is written. Keys come from the same settings as ``pii``
(the first key of PII_KEYS encrypts).
"""

from __future__ import annotations

import base64
import hmac
import os
import struct
import time

import numpy as np
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

from jobbridge.core import pii


def _keys() -> tuple[bytes, bytes, bytes]:
    key = base64.urlsafe_b64decode(settings.PII_KEYS[0].strip().encode())
    return key[:16], key[16:], settings.PII_HASH_KEY.encode()


def encrypt_many(values: list[str]) -> list[bytes]:
    """Fernet tokens for ``values`` (all encrypted with the first PII key)."""
    out: list[bytes | None] = [None] * len(values)
    by_len: dict[int, list[int]] = {}
    raw = [v.encode("utf-8") for v in values]
    for i, b in enumerate(raw):
        by_len.setdefault(len(b), []).append(i)
    signing, encryption, _h = _keys()
    header = b"\x80" + struct.pack(">Q", int(time.time()))
    ecb = Cipher(algorithms.AES(encryption), modes.ECB()).encryptor()
    b64 = base64.urlsafe_b64encode
    digest = hmac.digest
    for length, idx in by_len.items():
        n = len(idx)
        pad = 16 - length % 16
        blocks = (length + pad) // 16
        plain = np.frombuffer(b"".join(raw[i] + bytes([pad]) * pad for i in idx), dtype=np.uint8)
        plain = plain.reshape(n, blocks, 16)
        iv = np.frombuffer(os.urandom(16 * n), dtype=np.uint8).reshape(n, 16)
        cipher = np.empty_like(plain)
        prev = iv
        for k in range(blocks):
            cipher[:, k] = np.frombuffer(ecb.update((plain[:, k] ^ prev).tobytes()), dtype=np.uint8).reshape(
                n, 16
            )
            prev = cipher[:, k]
        body = np.concatenate([iv, cipher.reshape(n, blocks * 16)], axis=1).tobytes()
        step = 16 + blocks * 16
        for j, i in enumerate(idx):
            basic = header + body[j * step : (j + 1) * step]
            out[i] = b64(basic + digest(signing, basic, "sha256"))
    return out  # type: ignore[return-value]


def hash_many(values: list[str]) -> list[str]:
    """``pii.keyed_hash`` for each value."""
    key = _keys()[2]
    digest = hmac.digest
    return [digest(key, v.encode("utf-8"), "sha256").hex() for v in values]


def check(values: list[str], tokens: list[bytes], hashes: list[str], sample: int = 3) -> None:
    """Verify a few tokens and hashes with the reference implementation in ``pii``."""
    step = max(1, len(values) // sample)
    for i in range(0, len(values), step):
        if pii.decrypt(tokens[i]) != values[i] or pii.keyed_hash(values[i]) != hashes[i]:
            raise RuntimeError("batch encryption disagrees with jobbridge.core.pii")
