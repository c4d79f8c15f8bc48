"""Writing a run's PDFs into a folder: safe file names, all or nothing.

Statements are named `<period>-<rep_id>.pdf` and the summary `<period>-summary.pdf`.
A rep id is free text in the roster, so characters a file name cannot safely hold
(`/`, `..` tricks, spaces) become `_`; two reps whose ids would give the same file
name are refused before anything is rendered. Files are written into a temporary
folder beside OUT and moved in only once every one is complete, so a failed render
leaves OUT as it was.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


class FileNameClash(ValueError):
    """Two reps' statements would be written to the same file."""


def safe_name(text: str) -> str:
    """A file-name-safe version of a rep id or period: `a/b c` -> `a_b_c`."""
    cleaned = _UNSAFE.sub("_", text).lstrip(".")
    return cleaned or "_"


def statement_file_name(period: str, rep_id: str) -> str:
    return f"{safe_name(period)}-{safe_name(rep_id)}.pdf"


def summary_file_name(period: str) -> str:
    return f"{safe_name(period)}-summary.pdf"


def statement_file_names(period: str, rep_ids: Iterable[str]) -> dict[str, str]:
    """rep_id -> file name; FileNameClash names every pair of reps that collide
    (with each other or with the summary)."""
    names: dict[str, str] = {}
    taken: dict[str, str] = {summary_file_name(period): "the finance summary"}
    clashes = []
    for rep_id in rep_ids:
        name = statement_file_name(period, rep_id)
        if name in taken:
            clashes.append(f"rep ids {taken[name]!r} and {rep_id!r} would both be written to {name}")
        taken.setdefault(name, rep_id)
        names[rep_id] = name
    if clashes:
        raise FileNameClash("; ".join(clashes))
    return names


class StagedFolder:
    """Collects files in a temporary folder beside `out` and moves them in on commit.

    Use as a context manager: leaving it with an exception removes the temporary
    folder and leaves `out` untouched.
    """

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        self.written: list[Path] = []
        parent = self.out.parent if str(self.out.parent) else Path(".")
        parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.", suffix=".partial", dir=parent))

    def write(self, name: str, content: bytes) -> None:
        with open(self.staging / name, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        self.written.append(self.out / name)

    def commit(self) -> list[Path]:
        """Move every staged file into `out` (renaming the folder when `out` is new)."""
        if not self.out.exists():
            self.staging.chmod(0o755)
            os.rename(self.staging, self.out)
        else:
            for path in self.written:
                os.replace(self.staging / path.name, path)
            self.staging.rmdir()
        return self.written

    def __enter__(self) -> StagedFolder:
        return self

    def __exit__(self, kind, error, trace) -> None:  # noqa: ANN001
        if kind is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
