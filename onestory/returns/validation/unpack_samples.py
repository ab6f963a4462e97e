"""Unpack the SSDA903 sample returns shipped in cs-demand-model's wheel (Social Finance, MIT):
five years of synthetic CSVs, `<year>-<table>.csv`, that the round-trip tests import and
re-export. Standard library only: `make validators` runs it before onestory is installed.

    python unpack_samples.py WHEEL_FOLDER OUT_FOLDER
"""

import sys
import zipfile
from pathlib import Path, PurePosixPath

INSIDE = "cs_demand_model_samples/combined/"


def main(wheels: str, out: str) -> int:
    found = sorted(Path(wheels).glob("cs_demand_model-*.whl"))
    if not found:
        print(f"No cs-demand-model wheel in {wheels}", file=sys.stderr)
        return 1
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(found[-1]) as wheel:
        names = [n for n in wheel.namelist() if n.startswith(INSIDE) and n.endswith(".csv")]
        for name in names:
            (target / PurePosixPath(name).name).write_bytes(wheel.read(name))
    print(f"{len(names)} SSDA903 sample files unpacked into {target}")
    return 0 if names else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
