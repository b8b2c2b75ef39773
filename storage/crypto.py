"""Encryption of personal fields at rest: AES-256-GCM with a key id in every value.

A value looks like `v1.<key id>.<base64url(nonce | ciphertext+tag)>`. New values use the first
(current) key; older keys stay listed so that what they encrypted stays readable until
`python -m app reencrypt` has rewritten it. The associated data binds a value to its row, so a
ciphertext copied into another row does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger(__name__)

PREFIX = "v1"
LOCAL_KEY_FILE = "encryption.key"


class KeyConfigError(ValueError):
    """DATA_ENCRYPTION_KEY is missing or malformed."""


class DecryptionError(Exception):
    """A stored value cannot be decrypted: wrong or missing key, or tampered data."""


@dataclass(frozen=True)
class DataKey:
    """One named AES-256 key."""

    key_id: str
    secret: bytes


def generate_key_spec(key_id: str = "k1") -> str:
    """A new `key_id:base64key` entry for DATA_ENCRYPTION_KEY."""
    return f"{key_id}:{base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}"


def parse_keys(spec: str) -> list[DataKey]:
    """Parse `id1:base64key[,id2:base64key...]`; the first is the current key."""
    keys: list[DataKey] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        key_id, sep, encoded = part.partition(":")
        if not sep or not key_id.isalnum():
            raise KeyConfigError(
                "DATA_ENCRYPTION_KEY must be a comma-separated list of id:base64key entries."
            )
        try:
            secret = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError):
            raise KeyConfigError(f"DATA_ENCRYPTION_KEY entry {key_id!r} is not base64.") from None
        if len(secret) != 32:
            raise KeyConfigError(f"DATA_ENCRYPTION_KEY entry {key_id!r} must be 32 bytes.")
        keys.append(DataKey(key_id, secret))
    if not keys:
        raise KeyConfigError("DATA_ENCRYPTION_KEY holds no key.")
    if len({k.key_id for k in keys}) != len(keys):
        raise KeyConfigError("DATA_ENCRYPTION_KEY names the same key id twice.")
    return keys


class FieldCipher:
    """Encrypts and decrypts personal fields."""

    def __init__(self, keys: list[DataKey]) -> None:
        if not keys:
            raise KeyConfigError("at least one key is needed")
        self.current = keys[0]
        self._by_id = {k.key_id: AESGCM(k.secret) for k in keys}

    def encrypt(self, plaintext: str, context: str) -> str:
        """Encrypt `plaintext`, bound to `context` (e.g. 'referral:VIG-2026-0001')."""
        nonce = os.urandom(12)
        sealed = self._by_id[self.current.key_id].encrypt(
            nonce, plaintext.encode("utf-8"), context.encode("utf-8")
        )
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii")
        return f"{PREFIX}.{self.current.key_id}.{body}"

    def decrypt(self, token: str, context: str) -> str:
        """Decrypt a value; raise `DecryptionError` rather than ever return garbage."""
        try:
            prefix, key_id, body = token.split(".", 2)
        except ValueError:
            raise DecryptionError("stored value is not in the encrypted format") from None
        if prefix != PREFIX:
            raise DecryptionError(f"unknown encryption format {prefix!r}")
        aead = self._by_id.get(key_id)
        if aead is None:
            raise DecryptionError(f"no key with id {key_id!r} is configured in DATA_ENCRYPTION_KEY")
        try:
            raw = base64.urlsafe_b64decode(body)
            return aead.decrypt(raw[:12], raw[12:], context.encode("utf-8")).decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError):
            raise DecryptionError(
                f"value encrypted with key {key_id!r} failed its integrity check "
                "(wrong key for that id, or the data was changed)"
            ) from None

    def encrypt_json(self, value: Any, context: str) -> str:
        """Encrypt a JSON-serialisable value."""
        return self.encrypt(json.dumps(value, separators=(",", ":"), sort_keys=True), context)

    def decrypt_json(self, token: str, context: str) -> Any:
        """Decrypt a value written by `encrypt_json`."""
        return json.loads(self.decrypt(token, context))

    def needs_rotation(self, token: str) -> bool:
        """True when a value was encrypted with a key other than the current one."""
        parts = token.split(".", 2)
        return len(parts) == 3 and parts[1] != self.current.key_id


def local_key_spec(data_dir: Path) -> str:
    """The local-mode key: read from, or generated into, `data_dir` with owner-only access."""
    path = data_dir / LOCAL_KEY_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    spec = generate_key_spec("local1")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(spec + "\n")
    log.warning(
        "DATA_ENCRYPTION_KEY is not set: generated a local key in %s. "
        "Keep it: without it the local database cannot be read.",
        path,
    )
    return spec


def cipher_from_settings(key_spec: str, *, local_mode: bool, data_dir: Path) -> FieldCipher:
    """The cipher for this process; production must configure DATA_ENCRYPTION_KEY."""
    if not key_spec:
        if not local_mode:
            raise KeyConfigError(
                "DATA_ENCRYPTION_KEY is required when MicrosoftAppId is set "
                "(generate one with: python -m app genkey)."
            )
        key_spec = local_key_spec(data_dir)
    return FieldCipher(parse_keys(key_spec))
