"""Registration numbers for persons, households and movements."""

import secrets

# Crockford-like alphabet without look-alikes (0/O, 1/I/L) for numbers read aloud in a tent.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_ALPHABET = ALPHABET


def new_number(prefix: str, length: int = 8) -> str:
    """A random registration number like P-7K3M9QXA: no sequence to leak counts, easy to read out."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))
