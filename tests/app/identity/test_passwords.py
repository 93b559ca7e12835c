"""Password hashing (argon2id, legacy scrypt upgraded) and the strength rules."""

import hashlib
import secrets

import pytest

from flowstudio.services.identity import passwords
from flowstudio.services.identity.passwords import StrengthRules


def _legacy_scrypt(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, n=2**14, r=8, p=1)
    return f"scrypt${2**14}$8$1${salt.hex()}${digest.hex()}"


def test_new_hashes_are_argon2id_salted_and_verify_only_the_right_password() -> None:
    encoded = passwords.hash_password("correct horse")
    assert encoded.startswith("$argon2id$") and "correct horse" not in encoded
    assert passwords.verify_password("correct horse", encoded)
    assert not passwords.verify_password("correct hors", encoded)
    assert passwords.hash_password("correct horse") != encoded
    assert not passwords.verify_password("x", "not-a-hash")
    assert not passwords.verify_password("x", "$argon2id$garbage")


def test_legacy_scrypt_hashes_still_verify_and_ask_for_an_upgrade() -> None:
    legacy = _legacy_scrypt("old-pass-123")
    assert passwords.verify_password("old-pass-123", legacy)
    assert not passwords.verify_password("old-pass-124", legacy)
    assert passwords.needs_rehash(legacy)
    assert not passwords.needs_rehash(passwords.hash_password("x"))


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1!", "pwd.too_short"),
        ("Password123", "pwd.common"),
        ("senha123", "pwd.common"),
        ("qwerty123!!", "pwd.common"),
        ("aaaaaaaaaaaa", "pwd.common"),
        ("alllowercase", "pwd.classes"),
        ("Maria.Silva2026", "pwd.personal"),
        ("x" * 300, "pwd.too_long"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password: str, reason: str) -> None:
    rules = StrengthRules(min_length=10, personal=("maria.silva@example.com", "Maria Silva"))
    assert reason in [key for key, _ in passwords.problems(password, rules)]
    with pytest.raises(passwords.WeakPassword):
        passwords.check(password, rules)


def test_strong_passwords_and_long_passphrases_pass() -> None:
    rules = StrengthRules(min_length=10, personal=("maria.silva@example.com", "Maria Silva"))
    assert passwords.problems("Tr0mbone-Azul", rules) == []
    assert passwords.problems("cavalo correto bateria grampo", rules) == []  # one class, but long


def test_the_minimum_length_comes_from_the_rules() -> None:
    assert passwords.problems("Tr0mbone-Azul", StrengthRules(min_length=14))[0] == ("pwd.too_short", {"n": 14})
