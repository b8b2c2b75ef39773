"""Encryption keys: a wrong key fails loudly, the local key is private, production needs a key."""

from __future__ import annotations

import base64
import logging
import stat

import pytest

from app import build_cipher
from settings import Settings, load_settings
from storage.crypto import (
    DecryptionError,
    FieldCipher,
    KeyConfigError,
    cipher_from_settings,
    generate_key_spec,
    parse_keys,
)
from tests.test_privacy_support import CHILD_NAME

CONTEXT = "referral:VIG-2026-0001"
PRODUCTION_ENV = {"MicrosoftAppId": "00000000-0000-0000-0000-000000000001"}


def test_a_wrong_key_with_the_same_id_raises_instead_of_returning_garbage(cipher):
    sealed = cipher.encrypt(CHILD_NAME, CONTEXT)
    impostor = FieldCipher(parse_keys(generate_key_spec(cipher.current.key_id)))
    with pytest.raises(DecryptionError, match="integrity"):
        impostor.decrypt(sealed, CONTEXT)


def test_a_value_under_an_unknown_key_id_raises_naming_the_key(cipher):
    sealed = cipher.encrypt(CHILD_NAME, CONTEXT)
    other = FieldCipher(parse_keys(generate_key_spec("other9")))
    with pytest.raises(DecryptionError, match=cipher.current.key_id):
        other.decrypt(sealed, CONTEXT)


def test_a_tampered_value_raises(cipher):
    prefix, key_id, body = cipher.encrypt(CHILD_NAME, CONTEXT).split(".")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[15] ^= 0x01  # one bit of the ciphertext
    tampered = base64.urlsafe_b64encode(bytes(raw)).decode()
    with pytest.raises(DecryptionError, match="integrity"):
        cipher.decrypt(f"{prefix}.{key_id}.{tampered}", CONTEXT)


def test_a_value_copied_into_another_row_does_not_decrypt(cipher):
    sealed = cipher.encrypt(CHILD_NAME, CONTEXT)
    with pytest.raises(DecryptionError):
        cipher.decrypt(sealed, "referral:VIG-2026-0002")


def test_a_plain_text_value_is_refused(cipher):
    with pytest.raises(DecryptionError):
        cipher.decrypt(CHILD_NAME, CONTEXT)


def test_the_local_key_file_is_readable_by_its_owner_only(tmp_path):
    cipher_from_settings("", local_mode=True, data_dir=tmp_path / "data")
    mode = stat.S_IMODE((tmp_path / "data" / "encryption.key").stat().st_mode)
    assert mode == 0o600


def test_generating_the_local_key_warns(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    cipher_from_settings("", local_mode=True, data_dir=tmp_path)
    assert any("DATA_ENCRYPTION_KEY is not set" in r.getMessage() for r in caplog.records)


def test_the_local_key_is_reused_so_local_data_stays_readable(tmp_path):
    first = cipher_from_settings("", local_mode=True, data_dir=tmp_path)
    sealed = first.encrypt(CHILD_NAME, CONTEXT)
    second = cipher_from_settings("", local_mode=True, data_dir=tmp_path)
    assert second.decrypt(sealed, CONTEXT) == CHILD_NAME


def test_production_without_a_key_stops_naming_data_encryption_key(tmp_path):
    settings = Settings(app_id="app-id", app_password="secret", data_dir=tmp_path)
    with pytest.raises(KeyConfigError, match="DATA_ENCRYPTION_KEY"):
        build_cipher(settings)
    assert not (tmp_path / "encryption.key").exists()


def test_production_settings_from_the_environment_without_a_key_stop(tmp_path):
    env = {
        **PRODUCTION_ENV,
        "MicrosoftAppPassword": "secret",
        "VIG_DATA_DIR": str(tmp_path),
    }
    with pytest.raises(KeyConfigError, match="DATA_ENCRYPTION_KEY"):
        build_cipher(load_settings(env))


def test_a_malformed_key_is_a_configuration_error_naming_the_setting():
    with pytest.raises(KeyConfigError, match="DATA_ENCRYPTION_KEY"):
        parse_keys("k1:not-a-32-byte-key")
