"""The hand-written name lists under data/names/, read into weighted lists to draw from.

See data/names/README.txt for the file format. Names earlier in a list are drawn more often
(a Zipf-like weight by rank), so that a town has many Smiths and Khans and few Tiernans, and
each name's alternative spellings are drawn too, so that matching is not trivially exact.
"""

import bisect
import itertools
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

NAMES_DIR = Path(__file__).parent / "data" / "names"


@dataclass(frozen=True)
class Name:
    spellings: tuple[str, ...]
    short_forms: tuple[str, ...] = ()

    @property
    def usual(self) -> str:
        return self.spellings[0]


def _split_entries(text: str) -> list[str]:
    """Split on commas that are not inside parentheses."""
    entries, depth, current = [], 0, []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            entries.append("".join(current))
            current = []
        else:
            current.append(char)
    entries.append("".join(current))
    return [e.strip() for e in entries if e.strip()]


def _parse_entry(entry: str) -> Name:
    short_forms: tuple[str, ...] = ()
    if "(" in entry:
        entry, _, rest = entry.partition("(")
        short_forms = tuple(s.strip() for s in rest.rstrip(")").split(",") if s.strip())
    spellings = tuple(dict.fromkeys(s.strip() for s in entry.split("|") if s.strip()))
    return Name(spellings=spellings, short_forms=short_forms)


def parse(text: str) -> dict[str, list[Name]]:
    """Sections of a names file, each a list of names, repeats (by usual spelling) dropped."""
    sections: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            sections.setdefault(current, [])
            continue
        if current is None:
            raise ValueError(f"Name before any [section]: {line[:40]}")
        sections[current].append(line)
    parsed = {}
    for section, lines in sections.items():
        seen, names = set(), []
        for entry in _split_entries(",".join(lines)):
            name = _parse_entry(entry)
            key = name.usual.casefold()
            if name.spellings and key not in seen:
                seen.add(key)
                names.append(name)
        parsed[section] = names
    return parsed


@cache
def read_file(stem: str) -> dict[str, list[Name]]:
    return parse((NAMES_DIR / f"{stem}.txt").read_text(encoding="utf-8"))


class NameList:
    """Names to draw from, the earlier ones more often: weight 1 / (rank + offset) ** steepness."""

    def __init__(self, names: list[Name], *, steepness: float = 1.0, offset: float = 3.0):
        if not names:
            raise ValueError("A name list needs at least one name")
        self.names = names
        weights = [1.0 / (rank + offset) ** steepness for rank in range(len(names))]
        self._cumulative = list(itertools.accumulate(weights))
        self._total = self._cumulative[-1]

    def __len__(self) -> int:
        return len(self.names)

    def pick(self, rng: random.Random) -> Name:
        return self.names[bisect.bisect_right(self._cumulative, rng.random() * self._total)]

    def pick_spelling(self, rng: random.Random) -> tuple[Name, str]:
        name = self.pick(rng)
        return name, spelling_of(name, rng)


def spelling_of(name: Name, rng: random.Random) -> str:
    """The usual spelling seven times in ten; otherwise one of the others, earlier ones likelier."""
    if len(name.spellings) == 1 or rng.random() < 0.7:
        return name.spellings[0]
    others = name.spellings[1:]
    weights = [1.0 / (i + 1) for i in range(len(others))]
    return rng.choices(others, weights=weights)[0]


@cache
def name_index() -> dict[str, Name]:
    """Every spelling in every file, to the name it belongs to (for variants and short forms)."""
    index: dict[str, Name] = {}
    for path in sorted(NAMES_DIR.glob("*.txt")):
        if path.stem == "README":
            continue
        for names in read_file(path.stem).values():
            for name in names:
                for spelling in name.spellings:
                    index.setdefault(spelling.casefold(), name)
    return index


POLISH_FEMININE_ENDINGS = (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka"))


def feminine_polish(family_name: str) -> str:
    """Kowalski -> Kowalska; names without a gendered form are unchanged."""
    for masculine, feminine in POLISH_FEMININE_ENDINGS:
        if family_name.endswith(masculine):
            return family_name[: -len(masculine)] + feminine
    return family_name
