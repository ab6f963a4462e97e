"""Writing a return's file: refused before any work when it cannot be written, and replaced only
once it is complete (a half-written return is never left where the last good one was)."""

import os
from collections.abc import Callable
from pathlib import Path

from onestory.core.errors import DomainError


def check_out_path(out, *, suffix: str | None = None) -> Path:
    """The file to write, refused before any work if it cannot be written (or, given `suffix`,
    if its name does not end with it)."""
    path = Path(out)
    if path.is_dir():
        raise DomainError(f"{path} is a folder: give the name of the file to write.")
    if suffix is not None and path.suffix.lower() != suffix:
        raise DomainError(f"Give the workbook a name ending {suffix} (not {path.name}).")
    folder = path.parent
    if not folder.is_dir():
        raise DomainError(f"The folder {folder} does not exist: make it, or choose another one.")
    if not os.access(folder, os.W_OK):
        raise DomainError(f"The folder {folder} cannot be written to: choose another one.")
    return path


def replace_when_complete(path: Path, write: Callable[[Path], None]) -> None:
    """`write(partial)` writes the whole file beside `path`, which it then replaces."""
    partial = path.with_name(path.name + ".part")
    try:
        write(partial)
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise DomainError(f"Could not write {path}: {error.strerror}.") from error
