"""Encryption at rest: AES-GCM values that only the configured keys open, with rotation."""

import pytest

from flowstudio.crypto import DecryptionError, Keyring, KeyringError, is_sealed, new_key


def test_a_sealed_value_hides_the_text_and_opens_back() -> None:
    ring = Keyring.parse(f"k1:{new_key()}")
    sealed = ring.seal("meu CPF é 123.456.789-09", "message:7")
    assert is_sealed(sealed) and "CPF" not in sealed and sealed.startswith("fs1:k1:")
    assert ring.open(sealed, "message:7") == "meu CPF é 123.456.789-09"
    assert ring.seal("same", "x") != ring.seal("same", "x")  # a fresh nonce every time


def test_rotation_old_keys_still_decrypt_and_new_values_use_the_new_key() -> None:
    old = f"k1:{new_key()}"
    before = Keyring.parse(old).seal("antes", "a")
    rotated = Keyring.parse(f"k2:{new_key()},{old}")
    assert rotated.open(before, "a") == "antes"
    assert rotated.needs_rotation(before)
    after = rotated.seal("depois", "a")
    assert after.startswith("fs1:k2:") and not rotated.needs_rotation(after)


@pytest.mark.parametrize("tamper", ["other key", "moved", "edited"])
def test_values_that_were_tampered_with_or_moved_do_not_open(tamper: str) -> None:
    ring = Keyring.parse(f"k1:{new_key()}")
    sealed = ring.seal("segredo", "message:1")
    if tamper == "other key":
        with pytest.raises(DecryptionError):
            Keyring.parse(f"k1:{new_key()}").open(sealed, "message:1")
    elif tamper == "moved":
        with pytest.raises(DecryptionError):
            ring.open(sealed, "message:2")
    else:
        body = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
        with pytest.raises(DecryptionError):
            ring.open(body, "message:1")


def test_plaintext_from_before_encryption_passes_through() -> None:
    assert Keyring.parse(f"k1:{new_key()}").open("olá", "message:1") == "olá"


@pytest.mark.parametrize("spec", ["k1", "k1:short", "k1:%%%", f"k1:{'A' * 43},k1:{'B' * 43}"])
def test_bad_key_configuration_is_refused_with_a_reason(spec: str) -> None:
    with pytest.raises(KeyringError):
        Keyring.parse(spec)


def test_without_keys_one_is_derived_from_the_secret() -> None:
    ring = Keyring.parse("", fallback_secret="s3cret")
    assert Keyring.parse("", fallback_secret="s3cret").open(ring.seal("x")) == "x"
    with pytest.raises(KeyringError):
        Keyring.parse("")
