"""Secrets at rest: memory-hard password hashes and tokens stored only as digests."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # Argon2id with the library's (RFC 9106 low-memory) defaults

# Verified against when the username is unknown, so timing does not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """An opaque bearer token with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """Tokens have full entropy, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_id(prefix: str = "") -> str:
    """Unguessable, yet ordered by creation time like a ULID, so rows list in the order made."""
    return f"{prefix}{time.time_ns():016x}{secrets.token_hex(4)}"


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
