"""Valid-looking identifiers and realistic keying errors for synthetic records. Pure Python."""

import random
import uuid

from stdnum.gb import upn as stdnum_upn

LUTON_LA_NUMBER = "821"  # DfE local authority number for Luton (see DOMAIN.md)


# The version 4 and RFC 4122 variant bits, set here as UUID(version=4) would, but faster.
_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (4 << 76) | (0x8000 << 48)


def new_uuid(rng: random.Random) -> uuid.UUID:
    """A primary key drawn from the run's random generator, so that a seed gives the same ids."""
    return uuid.UUID(int=rng.getrandbits(128) & _UUID4_CLEAR | _UUID4_SET)


def nhs_check_digit(nine_digits: str) -> int | None:
    """The NHS number check digit (NHS Data Dictionary, Modulus 11); None when it would be 10."""
    total = sum(int(d) * w for d, w in zip(nine_digits, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def new_nhs_number(rng: random.Random, issued: set[str]) -> str:
    """A valid, unused NHS number in the ranges issued in England and Wales (4xx, 6xx, 7xx)."""
    while True:
        body = f"{rng.choice('467')}{rng.randrange(10**8):08d}"
        check = nhs_check_digit(body)
        if check is None:
            continue
        number = f"{body}{check}"
        if number not in issued:
            issued.add(number)
            return number


def upn(
    establishment: str, year_issued: int, serial: int, *, la_number: str = LUTON_LA_NUMBER
) -> str:
    """A Unique Pupil Number: check letter, LA number, DfE establishment number, year, serial.

    The check letter follows the DfE's UPN guidance (weights 2-13, modulus 23), as implemented
    by python-stdnum.
    """
    body = f"{la_number}{establishment:0>4}{year_issued % 100:02d}{serial:03d}"
    return stdnum_upn.calc_check_digit(body) + body


VOWELS = "aeiou"
KEYBOARD_NEIGHBOURS = {
    "a": "sq",
    "b": "vn",
    "c": "xv",
    "d": "sf",
    "e": "wr",
    "f": "dg",
    "g": "fh",
    "h": "gj",
    "i": "uo",
    "j": "hk",
    "k": "jl",
    "l": "k",
    "m": "n",
    "n": "bm",
    "o": "ip",
    "p": "o",
    "q": "wa",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "u": "yi",
    "v": "cb",
    "w": "qe",
    "x": "zc",
    "y": "tu",
    "z": "x",
}


def typo(name: str, rng: random.Random) -> str:
    """The name as someone in a hurry might key it: one letter swapped, dropped, doubled or wrong.

    Always returns a different string (for names of two or more letters).
    """
    if len(name) < 2:
        return name + name[-1:]
    for _ in range(20):
        chars = list(name)
        # Leave the first letter alone: people rarely get it wrong, and it keeps names findable.
        i = rng.randrange(1, len(chars))
        kind = rng.choice(("swap", "drop", "double", "vowel", "neighbour"))
        lower = chars[i].lower()
        if kind == "swap" and i < len(chars) - 1 and chars[i] != chars[i + 1]:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif kind == "drop" and len(chars) > 3:
            del chars[i]
        elif kind == "double":
            chars.insert(i, chars[i])
        elif kind == "vowel" and lower in VOWELS:
            chars[i] = rng.choice([v for v in VOWELS if v != lower])
        elif kind == "neighbour" and lower in KEYBOARD_NEIGHBOURS:
            chars[i] = rng.choice(KEYBOARD_NEIGHBOURS[lower])
        else:
            continue
        result = "".join(chars)
        if result != name and result.strip() and result.lower() != name.lower():
            return result
    return name + name[-1]
