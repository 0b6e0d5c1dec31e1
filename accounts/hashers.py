"""How the portal keeps passwords: Argon2id (Django's hasher, argon2-cffi) with the
parameters of OWASP's Password Storage Cheat Sheet (19 MiB of memory, two passes, one
lane). A sign-in checked PBKDF2 with 1,500,000 rounds, 270 ms of a core each, which made
signing in the slowest thing residents do (300 ms at the median under load); this takes
16 ms here and is memory-hard, so guessing on graphics cards gains far less. Passwords
kept the older way still work and are rehashed this way at the next sign-in."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1
