"""Encryption at rest: AES-256-GCM with a keyring that rotates.

`FLOWSTUDIO_ENCRYPTION_KEYS="k2:<base64url 32 bytes>,k1:<...>"`: the first key encrypts, every key
decrypts, so rotating is "put a new key first, keep the old ones until `reencrypt` has run". Without
the setting one key (`k0`) is derived from the secret key (development only: production sets keys).

A sealed value is text, `fs1:<key id>:<base64url(nonce | ciphertext | tag)>`, so it fits the text
columns it replaces and says which key opened it. `associated` binds a value to where it lives
(e.g. `"message:42"`), so a ciphertext copied to another row does not open.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from flowstudio.settings import get_settings

PREFIX = "fs1:"


class KeyringError(ValueError):
    """The configured keys cannot be read."""


class DecryptionError(ValueError):
    """A sealed value that no configured key opens (wrong key, altered or moved ciphertext)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_key() -> str:
    """A fresh random key, printed by `flowstudio keys new` (`<id>:<base64url>` is up to the caller)."""
    return _b64(os.urandom(32))


@dataclass(frozen=True)
class Keyring:
    """Key id -> AES-GCM cipher, and the id that encrypts."""

    current: str
    ciphers: dict[str, AESGCM]

    @classmethod
    def parse(cls, spec: str, *, fallback_secret: str = "") -> Keyring:
        """Read `id:key,id:key`; with an empty spec, derive `k0` from `fallback_secret`."""
        pairs: list[tuple[str, bytes]] = []
        for item in (part.strip() for part in spec.split(",")):
            if not item:
                continue
            key_id, sep, encoded = item.partition(":")
            if not sep or not key_id or ":" in encoded:
                raise KeyringError(f"encryption key {key_id or item[:8]!r}: write it as id:base64url-key")
            try:
                raw = _unb64(encoded)
            except ValueError as exc:
                raise KeyringError(f"encryption key {key_id!r} is not base64url") from exc
            if len(raw) != 32:
                raise KeyringError(f"encryption key {key_id!r} must be 32 bytes, not {len(raw)}")
            pairs.append((key_id, raw))
        if not pairs:
            if not fallback_secret:
                raise KeyringError("no encryption keys configured")
            pairs = [("k0", hashlib.sha256(b"flowstudio-at-rest:" + fallback_secret.encode()).digest())]
        if len({key_id for key_id, _ in pairs}) != len(pairs):
            raise KeyringError("two encryption keys have the same id")
        return cls(current=pairs[0][0], ciphers={key_id: AESGCM(raw) for key_id, raw in pairs})

    def seal(self, plaintext: str, associated: str = "") -> str:
        """Encrypt text with the current key."""
        nonce = os.urandom(12)
        sealed = self.ciphers[self.current].encrypt(nonce, plaintext.encode(), associated.encode() or None)
        return f"{PREFIX}{self.current}:{_b64(nonce + sealed)}"

    def open(self, value: str, associated: str = "") -> str:
        """Decrypt a sealed value; text that is not sealed comes back as it is (rows from before encryption)."""
        if not is_sealed(value):
            return value
        key_id, _, body = value[len(PREFIX) :].partition(":")
        cipher = self.ciphers.get(key_id)
        if cipher is None:
            raise DecryptionError(f"no key {key_id!r} is configured to decrypt this value")
        try:
            raw = _unb64(body)
            return cipher.decrypt(raw[:12], raw[12:], associated.encode() or None).decode()
        except (InvalidTag, ValueError) as exc:
            raise DecryptionError("the value does not decrypt (altered, moved, or another key)") from exc

    def needs_rotation(self, value: str) -> bool:
        """Whether the value is plaintext or sealed with a key other than the current one."""
        return not value.startswith(f"{PREFIX}{self.current}:")


def is_sealed(value: object) -> bool:
    """Whether a stored value is one of ours."""
    return isinstance(value, str) and value.startswith(PREFIX)


@lru_cache(maxsize=4)
def _keyring(spec: str, secret: str) -> Keyring:
    return Keyring.parse(spec, fallback_secret=secret)


def keyring() -> Keyring:
    """The keyring of the current settings (cached per configuration)."""
    settings = get_settings()
    return _keyring(settings.encryption_keys, "" if settings.encryption_keys else settings.resolved_secret_key())


def seal(plaintext: str, associated: str = "") -> str:
    """Encrypt with the configured current key."""
    return keyring().seal(plaintext, associated)


def open_sealed(value: str, associated: str = "") -> str:
    """Decrypt with whichever configured key sealed it (plaintext passes through)."""
    return keyring().open(value, associated)
