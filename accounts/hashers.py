"""How the portal keeps passwords: Argon2id (Django's hasher, argon2-cffi) with the
parameters of OWASP's Password Storage Cheat Sheet (19 MiB of memory, two passes, one
lane). A sign-in checked PBKDF2 with 1,500,000 rounds, 270 ms of a core each, which made
signing in the slowest thing residents do (300 ms at the median under load); a right
password now takes 16 ms here, and Argon2id is memory-hard, so guessing on graphics cards
gains far less. Passwords kept the older way still work and are rehashed this way at the
next sign-in.

Until every password is rehashed, the two kinds cost different time to check, and how
long a failed sign-in takes must not tell whether an address has an account (allauth
hashes the password for an unknown address too, with the newer kind). So whatever fails
costs both: a wrong password on either kind also does the other kind's work, and hashing
a password (the unknown address's stand-in check, a new password) does the older kind's
work too. A failed sign-in then takes what it took before, for every address; only a
right password is fast. docs/security.md, "Passwords kept"."""

from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher

_STAND_IN = "not anyone's password"


def _older_kinds_work() -> None:
    older = PBKDF2PasswordHasher()
    older.encode(_STAND_IN, older.salt())


def _newer_kinds_work() -> None:
    newer = PortalArgon2PasswordHasher()
    newer.encode_only(_STAND_IN, newer.salt())


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1

    def encode_only(self, password: str, salt: str) -> str:
        return super().encode(password, salt)

    def encode(self, password: str, salt: str) -> str:
        encoded = self.encode_only(password, salt)
        _older_kinds_work()
        return encoded

    def verify(self, password: str, encoded: str) -> bool:
        if super().verify(password, encoded):
            return True
        _older_kinds_work()
        return False


class PortalPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2 (the older kind, still read), doing the newer kind's work too when
    a password is wrong."""

    def verify(self, password: str, encoded: str) -> bool:
        if super().verify(password, encoded):
            return True
        _newer_kinds_work()
        return False
