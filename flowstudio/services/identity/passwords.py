"""Password hashing (argon2id, with older scrypt hashes still accepted) and the strength rules.

New hashes are argon2id with argon2-cffi's RFC 9106 low-memory profile (64 MiB, 3 passes). Hashes made
before (`scrypt$n$r$p$salt$hash`) still verify, and `needs_rehash` says so, so the next successful
sign-in stores an argon2id hash instead. Under `FLOWSTUDIO_ENV=test` the cheapest argon2id parameters
are used (the hash is still argon2id; production verifies it and upgrades it on the next sign-in), so
the thousands of test users do not each cost 100 ms.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from functools import cache

from argon2 import PasswordHasher, exceptions, profiles

from flowstudio.settings import Environment, get_settings

MIN_LENGTH_DEFAULT = 10
PASSPHRASE_LENGTH = 16  # at this length any mix of characters passes the character-class rule
MAX_LENGTH = 256

# The most used passwords of the big leak lists (and their pt/es favourites), lower case. A password
# whose lower-cased form, with trailing digits and symbols dropped, is one of these is refused.
COMMON = frozenset(
    [
        "123456",
        "123456789",
        "12345678",
        "password",
        "qwerty",
        "12345",
        "1234567",
        "111111",
        "1234567890",
        "123123",
        "abc123",
        "1234",
        "password1",
        "iloveyou",
        "1q2w3e4r",
        "000000",
        "qwerty123",
        "zaq12wsx",
        "dragon",
        "sunshine",
        "princess",
        "letmein",
        "654321",
        "monkey",
        "27653",
        "1qaz2wsx",
        "123321",
        "qwertyuiop",
        "superman",
        "asdfghjkl",
        "123qwe",
        "football",
        "baseball",
        "welcome",
        "admin",
        "administrator",
        "master",
        "login",
        "passw0rd",
        "starwars",
        "shadow",
        "michael",
        "jennifer",
        "trustno1",
        "hello",
        "freedom",
        "whatever",
        "qazwsx",
        "ninja",
        "mustang",
        "access",
        "charlie",
        "donald",
        "batman",
        "loveme",
        "flower",
        "hottie",
        "lovely",
        "zxcvbnm",
        "121212",
        "solo",
        "666666",
        "888888",
        "987654321",
        "secret",
        "changeme",
        "default",
        "senha",
        "senha123",
        "mudar123",
        "mudarsenha",
        "brasil",
        "flamengo",
        "corinthians",
        "palmeiras",
        "saopaulo",
        "gremio",
        "santos",
        "vasco",
        "botafogo",
        "cruzeiro",
        "internacional",
        "amor",
        "amoreterno",
        "meuamor",
        "deus",
        "jesus",
        "familia",
        "contrasena",
        "contraseña",
        "hola",
        "espana",
        "argentina",
        "mexico",
        "colombia",
        "barcelona",
        "realmadrid",
        "boca",
        "river",
        "teamo",
        "tequiero",
        "micontrasena",
        "flowstudio",
        "pizzaria",
        "abcdef",
        "abcdefgh",
        "abcdefghij",
        "aaaaaa",
        "qwerty1",
        "q1w2e3r4",
        "asdf1234",
        "password123",
        "welcome1",
        "admin123",
        "root",
        "toor",
        "test",
        "test123",
        "guest",
        "user",
        "usuario",
        "user123",
        "letmein1",
        "summer",
        "winter",
        "autumn",
        "spring",
        "monday",
        "computer",
        "internet",
        "samsung",
        "iphone",
        "google",
        "facebook",
        "instagram",
        "whatsapp",
    ]
)


class WeakPassword(ValueError):
    """A password the policy refuses; `reasons` are i18n keys with their parameters."""

    def __init__(self, reasons: list[tuple[str, dict[str, object]]]) -> None:
        super().__init__(", ".join(key for key, _ in reasons))
        self.reasons = reasons


@cache
def _hasher(test_profile: bool) -> PasswordHasher:
    return PasswordHasher.from_parameters(profiles.CHEAPEST if test_profile else profiles.RFC_9106_LOW_MEMORY)


def _argon2() -> PasswordHasher:
    return _hasher(get_settings().env is Environment.TEST)


def hash_password(password: str) -> str:
    """An argon2id hash of `password` (self-describing, salted)."""
    return _argon2().hash(password)


def verify_password(password: str, encoded: str) -> bool:
    """Whether `password` matches `encoded` (argon2id, or a legacy scrypt hash), in constant time."""
    if encoded.startswith("$argon2"):
        try:
            return _argon2().verify(encoded, password)
        except (exceptions.VerificationError, exceptions.InvalidHashError):
            return False
    return _verify_scrypt(password, encoded)


def needs_rehash(encoded: str) -> bool:
    """Whether a matching hash should be replaced: scrypt, or argon2 with other parameters."""
    if not encoded.startswith("$argon2"):
        return True
    try:
        return _argon2().check_needs_rehash(encoded)
    except exceptions.InvalidHashError:
        return True


def _verify_scrypt(password: str, encoded: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=int(r), p=int(p), maxmem=64 * 1024 * 1024
        )
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def burn_time(password: str) -> None:
    """Spend what a real verification costs, so an unknown e-mail answers as slowly as a known one."""
    verify_password(password, _dummy_hash())


@cache
def _dummy_hash() -> str:
    return hash_password("flowstudio-timing-equaliser")


@dataclass(frozen=True)
class StrengthRules:
    """What a new password must satisfy; `min_length` comes from the workspace policy."""

    min_length: int = MIN_LENGTH_DEFAULT
    personal: tuple[str, ...] = field(default=())  # the user's e-mail and name: not allowed inside


def _classes(password: str) -> int:
    return sum(bool(re.search(pattern, password)) for pattern in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))


def _personal_parts(personal: tuple[str, ...]) -> set[str]:
    parts: set[str] = set()
    for value in personal:
        value = (value or "").lower()
        local = value.split("@")[0]
        parts.update(p for p in re.split(r"[^a-z0-9à-ÿ]+", local) if len(p) >= 4)
        if len(local) >= 4:
            parts.add(local)
    return parts


def problems(password: str, rules: StrengthRules) -> list[tuple[str, dict[str, object]]]:
    """Every rule `password` breaks, as (i18n key, parameters); [] when it is acceptable."""
    found: list[tuple[str, dict[str, object]]] = []
    if len(password) < rules.min_length:
        found.append(("pwd.too_short", {"n": rules.min_length}))
    if len(password) > MAX_LENGTH:
        found.append(("pwd.too_long", {"n": MAX_LENGTH}))
    lowered = password.lower()
    core = re.sub(r"[\d\W_]+$", "", lowered)
    if lowered in COMMON or core in COMMON or len(set(lowered)) <= 2:
        found.append(("pwd.common", {}))
    if any(part in lowered for part in _personal_parts(rules.personal)):
        found.append(("pwd.personal", {}))
    if len(password) < PASSPHRASE_LENGTH and _classes(password) < 3:
        found.append(("pwd.classes", {"n": PASSPHRASE_LENGTH}))
    return found


def check(password: str, rules: StrengthRules) -> None:
    """Raise `WeakPassword` with every broken rule."""
    found = problems(password, rules)
    if found:
        raise WeakPassword(found)
