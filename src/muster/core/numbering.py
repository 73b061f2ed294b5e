"""Registration numbers for persons, households and movements."""

import secrets

# Crockford-like alphabet without look-alikes (0/O, 1/I/L) for numbers read aloud in a tent.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_ALPHABET = ALPHABET


def new_number(prefix: str, length: int = 8) -> str:
    """A random registration number like P-7K3M9QXA: no sequence to leak counts, easy to read out."""
    # One draw for the whole number (its characters are its digits in base len(ALPHABET)): the
    # same uniform choice as a draw per character, at an eighth of the calls to the system's
    # random source (a bulk import numbers a hundred thousand persons).
    value = secrets.randbelow(len(_ALPHABET) ** length)
    digits = []
    for _ in range(length):
        value, digit = divmod(value, len(_ALPHABET))
        digits.append(_ALPHABET[digit])
    return prefix + "".join(digits)
