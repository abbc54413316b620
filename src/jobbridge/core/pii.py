"""The PII vault: ID and phone numbers are stored encrypted, found by keyed hash, shown masked.

Fernet (AES-128-CBC + HMAC) with a MultiFernet so keys can be rotated: the first key encrypts,
all of them decrypt. The look-up hash is an HMAC with its own key, so the hash column alone
cannot be reversed by hashing every possible ID number (there are only ~10^11 of them).
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k.strip().encode()) for k in settings.PII_KEYS if k.strip()])


def encrypt(value: str) -> bytes:
    return _fernet().encrypt(value.encode("utf-8"))


def decrypt(token: bytes | memoryview) -> str:
    return _fernet().decrypt(bytes(token)).decode("utf-8")


@lru_cache(maxsize=1)
def _hmac_base() -> "hmac.HMAC":
    return hmac.new(settings.PII_HASH_KEY.encode(), digestmod=hashlib.sha256)


def keyed_hash(value: str) -> str:
    # Copying a keyed HMAC skips re-deriving the key pads: it matters at 100,000 rows.
    mac = _hmac_base().copy()
    mac.update(value.encode("utf-8"))
    return mac.hexdigest()


def mask_id_number(value: str) -> str:
    """6321**********1234: enough to tell people apart on a list, not enough to impersonate."""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else "*" * len(value)
