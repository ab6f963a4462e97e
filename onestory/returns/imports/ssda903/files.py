"""Reading the files: the tables in the folders (or files) given, each recognised by its
columns, and the collection year of each set of files."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from onestory.core.errors import DomainError

from .. import common
from .codes import TABLE_COLUMNS, YEAR_IN_NAME, YEARS_AHEAD, parse_date, year_of


@dataclass
class SourceFile:
    path: Path
    name: str
    table: str
    group: tuple
    hint: int | None
    rows: list
    year: int | None = None


def _table_of(columns: list[str]) -> tuple[str | None, list[str]]:
    """(table, missing columns): the table whose columns the file has (extra columns are
    ignored), else the closest one and what it lacks."""
    have = set(columns)
    exact = [t for t, cols in TABLE_COLUMNS.items() if set(cols) == have]
    if exact:
        return exact[0], []
    within = [t for t, cols in TABLE_COLUMNS.items() if set(cols) <= have]
    if within:
        return max(within, key=lambda t: len(TABLE_COLUMNS[t])), []
    overlap = max(TABLE_COLUMNS, key=lambda t: len(set(TABLE_COLUMNS[t]) & have))
    shared = set(TABLE_COLUMNS[overlap]) & have
    if len(shared) < 2 or "CHILD" not in shared:
        return None, []
    return None, [c for c in TABLE_COLUMNS[overlap] if c not in have] + [overlap]


def _hint(path: Path, root: Path) -> int | None:
    for part in [path.stem, *[p.name for p in path.relative_to(root).parents if p.name]]:
        found = YEAR_IN_NAME.findall(part)
        if found:
            return int(found[0])
    return None


def discover(paths, report: common.ImportReport) -> tuple[list[SourceFile], set]:
    """The tables in the folders (or files) given, and the sets of files one was refused from."""
    files = []
    refused = set()
    for given in paths:
        root = Path(given)
        if root.is_dir():
            found = sorted(p for p in root.rglob("*") if p.suffix.lower() == ".csv")
        elif root.is_file():
            found, root = [root], root.parent
        else:
            raise DomainError(f"{given} is not a folder or a file: check the name.")
        if not found:
            raise DomainError(
                f"The folder {given} holds no CSV files: give the folder the return's tables "
                "were saved in."
            )
        for path in found:
            name = str(path.relative_to(root)) if path != root else path.name
            columns, rows = common.read_csv(path)
            if not columns:
                report.note(f"{name} is empty: skipped.")
                continue
            table, missing = _table_of(columns)
            hint = _hint(path, root)
            if table is None:
                refused.add((str(root), str(path.parent), hint))
                if missing:
                    closest = missing.pop()
                    report.reject(
                        name,
                        None,
                        "",
                        f"The file looks like the {closest} table but has no "
                        f"{', '.join(missing)} column{'s' if len(missing) > 1 else ''}: it "
                        "cannot be read without them. Save the table again with every column.",
                    )
                else:
                    report.reject(
                        name,
                        None,
                        "",
                        "Its columns are not those of any SSDA903 table ("
                        + ", ".join(columns[:8])
                        + "): check it is one of the return's tables.",
                    )
                continue
            extra = [c for c in columns if c and c not in TABLE_COLUMNS[table]]
            if extra:
                report.note(f"{name}: columns {', '.join(extra)} are not SSDA903's: ignored.")
            files.append(
                SourceFile(
                    path=path,
                    name=name,
                    table=table,
                    group=(str(root), str(path.parent), hint),
                    hint=hint,
                    rows=rows,
                )
            )
    return files, refused


def _episode_range(rows) -> tuple[int, int | None] | None:
    """The collection years (named by the 31 March they end on) the episodes fit, (earliest,
    latest or None): a return's episodes begin before its year ends and end after it begins."""
    latest_start = earliest_end = None
    for _line, row in rows:
        try:
            began, ended = parse_date(row.get("DECOM", "")), parse_date(row.get("DEC", ""))
        except ValueError:
            continue
        if began and (latest_start is None or began > latest_start):
            latest_start = began
        if ended and (earliest_end is None or ended < earliest_end):
            earliest_end = ended
    if latest_start is None:
        return None
    low = year_of(latest_start)
    high = year_of(earliest_end) if earliest_end else None
    return low, (max(high, low) if high is not None else None)


def _fits(year: int, span) -> bool:
    return year >= span[0] and (span[1] is None or year <= span[1])


def _naming(groups: dict, spans: dict) -> int | None:
    """How the names give the year: 0 by the year it ends in, 1 by the year it starts in (the
    same for every set of files), None when no one way fits them all."""
    hinted = [(key[2], spans[key]) for key in groups if key[2] is not None and spans[key]]
    if not hinted:
        return None
    for offset in (0, 1):
        if all(_fits(hint + offset, span) for hint, span in hinted):
            return offset
    return None


def resolve_years(
    files: list[SourceFile], year: int | None, report, today: date, refused=frozenset()
) -> list:
    """Give each set of files its collection year; refuse sets that cannot be placed (a set
    with a refused file is already reported: it is not refused twice)."""
    groups: dict[tuple, list[SourceFile]] = defaultdict(list)
    for f in files:
        groups[f.group].append(f)
    spans = {}
    for key, members in groups.items():
        episodes = [f for f in members if f.table == "Episodes"]
        spans[key] = _episode_range(episodes[0].rows) if episodes else None
    offset = _naming(groups, spans)
    placed: dict[int, tuple] = {}
    kept = []
    for key, members in groups.items():
        label = ", ".join(f.name for f in members[:3]) + (" ..." if len(members) > 3 else "")
        episodes = [f for f in members if f.table == "Episodes"]
        span, hint = spans[key], key[2]
        where = episodes[0].name if episodes else label
        if year is not None and len(groups) == 1:
            chosen = year
            if span is not None and not _fits(year, span):
                report.reject(
                    where,
                    None,
                    "",
                    f"Wrong year: --year {year} is the year ending 31 March {year}, but the "
                    f"episodes belong to the year ending 31 March {span[0]}"
                    + (f" or later (up to {span[1]})" if span[1] != span[0] else "")
                    + ". Check the files are that year's, or give the right year.",
                )
                continue
        elif span is not None and hint is not None:
            if offset is not None:
                chosen = hint + offset
            elif _fits(hint, span) or _fits(hint + 1, span):
                chosen = hint if _fits(hint, span) else hint + 1
            else:
                report.reject(
                    where,
                    None,
                    "",
                    f"Wrong year: the name says {hint}, but the episodes belong to the year "
                    f"ending 31 March {span[0]}. Check the files belong together.",
                )
                continue
        elif span is not None:
            chosen = span[1] if span[1] is not None else span[0]
            if span[1] != span[0]:
                report.note(
                    f"{label}: taken to be the year ending 31 March {chosen} from the episodes' "
                    "dates; if not, import them with --year."
                )
        elif key in refused:
            continue
        else:
            report.reject(
                label,
                None,
                "",
                "Cannot tell which collection year these tables are for: there is no Episodes "
                "table to date them. Import them with --year YYYY (the year ending 31 March "
                "YYYY).",
            )
            continue
        if year is not None and len(groups) > 1 and chosen != year:
            report.note(f"{label}: the year ending 31 March {chosen}, not {year}: skipped.")
            continue
        if chosen > today.year + YEARS_AHEAD or chosen < 2000:
            report.reject(label, None, "", f"Wrong year: {chosen} cannot be a return's year.")
            continue
        if chosen in placed:
            report.reject(
                label,
                None,
                "",
                f"Two sets of files are for the year ending 31 March {chosen} (also "
                f"{placed[chosen][1]}): import one of them.",
            )
            continue
        tables = Counter(f.table for f in members)
        twice = [t for t, n in tables.items() if n > 1]
        if twice:
            report.reject(
                label,
                None,
                "",
                f"The year ending 31 March {chosen} has two {', '.join(twice)} files: keep one.",
            )
            continue
        if "Header" not in tables:
            report.reject(
                label,
                None,
                "",
                f"The year ending 31 March {chosen} has no Header table: the children's "
                "details are in it, so it is needed with the other tables.",
            )
            continue
        placed[chosen] = (key, label)
        for f in members:
            f.year = chosen
            kept.append(f)
    return kept
