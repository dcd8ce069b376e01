"""The one writer: the only code in planport that writes output files.

Every artifact is written to a temporary file in its target folder, flushed to disk and
renamed into place, so a reader sees the old file or the new one, never half of one.
Paths are checked before anything is written; one that would leave the output folder
is refused.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO

from .errors import ExportError
from .plugins import Artifact

TEMP_PREFIX = ".planport-"


class UnsafePath(ExportError):
    """An artifact path that is absolute, climbs out of the output folder or is otherwise unusable."""


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


_MODE = 0o666 & ~_umask()


def check_path(path: str) -> PurePosixPath:
    """The artifact path as a relative POSIX path inside the output folder, or UnsafePath."""
    if not isinstance(path, str) or not path or "\x00" in path or "\\" in path:
        raise UnsafePath(f"artifact path {path!r} is not a plain relative path")
    pure = PurePosixPath(path)
    if pure.is_absolute() or any(part in ("..", ".", "") for part in path.split("/")) or ":" in pure.parts[0]:
        raise UnsafePath(f"artifact path {path!r} would leave the output folder")
    if any(part.startswith(TEMP_PREFIX) for part in pure.parts):
        raise UnsafePath(f"artifact path {path!r} uses the writer's temporary prefix")
    return pure


def _write_temp(target: Path, data: bytes, fsync: bool) -> str:
    """A temporary file beside ``target`` holding ``data``; removed again if anything fails."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fchmod(f.fileno(), _MODE)
            if fsync:
                os.fsync(f.fileno())
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def write_atomic(target: Path, data: bytes, sync_folder: bool = True) -> None:
    """Write ``data`` to ``target`` through a temporary file, fsync and a rename."""
    tmp = _write_temp(target, data, fsync=True)
    try:
        os.replace(tmp, target)
    except BaseException:
        _unlink(tmp)
        raise
    if sync_folder:
        _fsync_dir(target.parent)


def _syncfs(folder: Path) -> None:
    """Flush the file system holding ``folder``: one call for many files instead of an fsync each."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        if _LIBC is not None and _LIBC.syncfs(fd) == 0:
            return
    finally:
        os.close(fd)
    os.sync()


try:
    import ctypes

    _LIBC = ctypes.CDLL(None, use_errno=True) if hasattr(ctypes.CDLL(None), "syncfs") else None
except (OSError, AttributeError, ImportError):
    _LIBC = None


def _fsync_dir(folder: Path) -> None:
    # The rename is durable only once the folder's entry is on disk too.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Writer:
    """Writes artifacts under ``root``; ``report`` is told of each file written.

    ``grouped`` (for batches of many small files): every temporary file is written, the file
    system is flushed once, all are renamed, and it is flushed once more. Same guarantee as
    an fsync per file (no rename before its data is on disk), at a fraction of the cost."""

    def __init__(self, root: str | os.PathLike[str], report: Callable[[str], None] | None = None, grouped: bool = False):
        self.root = Path(root)
        self.report = report
        self.grouped = grouped

    def targets(self, artifacts: Iterable[Artifact]) -> list[tuple[Path, Artifact]]:
        """Check every path first, so a bad one is refused before any file is written."""
        real_root = self.root.resolve()
        seen: set[str] = set()
        planned = []
        for artifact in artifacts:
            rel = check_path(artifact.path)
            if str(rel) in seen:
                raise UnsafePath(f"two artifacts share the path {artifact.path!r}")
            seen.add(str(rel))
            target = self.root / rel
            # A symlink inside the output folder must not lead the write outside it.
            resolved = target.parent.resolve() / target.name
            if not resolved.is_relative_to(real_root):
                raise UnsafePath(f"artifact path {artifact.path!r} leads outside {self.root} through a link")
            planned.append((target, artifact))
        return planned

    def write(self, artifacts: Iterable[Artifact]) -> list[Path]:
        planned = self.targets(list(artifacts))
        if self.grouped:
            self._write_grouped(planned)
        else:
            for target, artifact in planned:
                write_atomic(target, artifact.data, sync_folder=False)
            for folder in dict.fromkeys(t.parent for t, _ in planned):  # once per folder, not per file
                _fsync_dir(folder)
        if self.report:
            for target, artifact in planned:
                self.report(f"wrote {target} ({_size(len(artifact.data))})")
        return [t for t, _ in planned]

    def _write_grouped(self, planned: list[tuple[Path, Artifact]]) -> None:
        temps: list[str] = []
        try:
            for target, artifact in planned:
                temps.append(_write_temp(target, artifact.data, fsync=False))
            if planned:
                _syncfs(self.root)
            for tmp, (target, _) in zip(temps, planned):
                os.replace(tmp, target)
        except BaseException:
            for tmp in temps:
                _unlink(tmp)
            raise
        if planned:
            _syncfs(self.root)


def _size(n: int) -> str:
    return f"{n} bytes" if n < 1024 else f"{n / 1024:.1f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"


class AtomicFile:
    """A text file streamed to a temporary file and renamed into place on ``commit``.

    For records too big to build in memory (a batch's manifest, errors.csv): readers see
    the previous file or the whole new one. ``discard`` (or an error inside a ``with``
    block) removes the temporary file and leaves the target as it was.

        with AtomicFile(out / "manifest.json") as f:
            f.write(...)
    """

    def __init__(self, target: Path, newline: str | None = None):
        self.target = Path(target)
        self.newline = newline
        self._tmp: str | None = None
        self._file: IO[str] | None = None

    def open(self) -> IO[str]:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(dir=self.target.parent, prefix=TEMP_PREFIX, suffix=".tmp")
        try:
            os.fchmod(fd, _MODE)
            self._file = os.fdopen(fd, "w", encoding="utf-8", newline=self.newline)
        except BaseException:
            os.close(fd)
            _unlink(self._tmp)
            raise
        return self._file

    def commit(self) -> None:
        assert self._file is not None and self._tmp is not None
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self._tmp, self.target)
        except BaseException:
            self.discard()
            raise
        _fsync_dir(self.target.parent)

    def discard(self) -> None:
        if self._file is not None:
            self._file.close()
        if self._tmp is not None:
            _unlink(self._tmp)

    def __enter__(self) -> IO[str]:
        return self.open()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


class Journal:
    """An append-only file of JSON lines, flushed line by line: what a resumed run trusts.

    A run killed mid-line leaves at most one partial last line, which readers skip."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] | None = open(self.path, "w", encoding="utf-8")

    def append(self, line: str) -> None:
        assert self._file is not None and "\n" not in line
        self._file.write(line + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def rename(self, target: Path) -> None:
        """Close and move to ``target`` (atomic), so the journal's name says which run wrote it."""
        self.close()
        os.replace(self.path, target)
        self.path = Path(target)


def sweep_temp_files(root: Path) -> None:
    """Remove temporary files a killed run left under ``root`` (never visible as results)."""
    if not root.is_dir():
        return
    for stray in root.rglob(f"{TEMP_PREFIX}*"):
        if stray.is_file() and not stray.is_symlink():
            _unlink(str(stray))
