"""The one writer: the only code in planport that writes output files.

An export is written all or nothing. Every artifact path is checked first (relative, inside
the output folder, portable: see ``portable``), and the folder is checked for anything in
the way (a folder where a file goes, a file where a folder goes). Then every artifact is
staged as a temporary file beside its target and flushed to disk, and only then renamed
into place. When anything fails (a full disk, a name the file system refuses, a rename),
what was staged is removed, files already replaced get their old contents back, folders
the export made are removed again, and the error names the artifact, not a temporary file.
A reader sees the old files or the new ones, never half of one.

Temporary files are named ``.planport-<pid>-<random>.tmp``; one whose process is gone (a
run killed with -9) is swept the next time planport writes to that folder.

Errors: ``UnsafePath`` (an ExportError) for a path an exporter should never have made;
``OSError`` whose ``filename`` is the artifact's target (or the output folder) for what the
file system refuses; the CLI reports the latter as bad input (exit 2).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import socket
import time
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO

from .errors import ExportError
from .plugins import Artifact
from .portable import path_clashes, path_problem

TEMP_PREFIX = ".planport-"
_TEMP_NAME = re.compile(r"\.planport-(?:(\d+)-(?:h([0-9a-f]{8})-)?)?[A-Za-z0-9_]+\.tmp")
#: This machine, in temporary names: on a shared file system (a Dask cluster's output folder)
#: a process number means nothing on another host, so only this host's files are judged by it.
HOST_TAG = hashlib.sha256(socket.gethostname().encode("utf-8", "surrogateescape")).hexdigest()[:8]
#: A temporary file this old is swept even when a process of its number runs (a reused pid).
STALE_AFTER_SECONDS = 24 * 3600


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
    if problem := path_problem(path):
        raise UnsafePath(f"artifact path {path!r} is not portable: it {problem}")
    return pure


# --- temporary files -------------------------------------------------------------------


def _temp_name(folder: Path) -> str:
    # A plain path: two per file written, and a Path made by joining parses it again.
    return os.path.join(folder, f"{TEMP_PREFIX}{os.getpid()}-h{HOST_TAG}-{secrets.token_hex(6)}.tmp")


def _create_temp(folder: Path) -> tuple[int, str]:
    """A new, empty temporary file in ``folder``: (descriptor, path)."""
    for _ in range(100):
        path = _temp_name(folder)
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600), path
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _stage(folder: Path, data: bytes, fsync: bool) -> str:
    """``data`` in a new temporary file in ``folder``, flushed to disk when ``fsync``; removed again if anything fails."""
    fd, tmp = _create_temp(folder)
    try:
        try:
            _write_all(fd, data)
            os.fchmod(fd, _MODE)
            if fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _unlink(path: str | Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, under another user
        return True
    return True


def _is_stale(entry: os.DirEntry[str], now: float) -> bool:
    match = _TEMP_NAME.fullmatch(entry.name)
    if not match or not entry.is_file(follow_symlinks=False):
        return False
    if match[1] is None:  # planport 0.1's names carry no process number
        return True
    try:
        old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER_SECONDS
    except OSError:
        return False
    if match[2] is not None and match[2] != HOST_TAG:  # another host's: only age tells
        return old
    return old or not _pid_alive(int(match[1]))


def sweep_folder(folder: Path) -> None:
    """Remove temporary files in ``folder`` that runs killed before finishing left behind."""
    now = time.time()
    try:
        with os.scandir(folder) as entries:
            stale = [e.path for e in entries if e.name.startswith(TEMP_PREFIX) and _is_stale(e, now)]
    except OSError:
        return
    for path in stale:
        with contextlib.suppress(OSError):
            os.unlink(path)


def sweep_temp_files(root: Path) -> None:
    """Remove stale temporary files anywhere under ``root`` (never visible as results)."""
    if not root.is_dir():
        return
    folders = {root, *(p.parent for p in root.rglob(f"{TEMP_PREFIX}*"))}
    for folder in folders:
        sweep_folder(folder)


# --- flushing --------------------------------------------------------------------------


def _syncfs(folder: Path) -> None:
    """Flush the file system holding ``folder``: one call for many files instead of an fsync each.

    OSError naming ``folder`` when it cannot even be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as e:
        raise _failed(e, folder, "cannot flush to disk") from None
    try:
        if _LIBC is not None and _LIBC.syncfs(fd) == 0:
            return
    finally:
        with contextlib.suppress(OSError):
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
    with contextlib.suppress(OSError):
        os.fsync(fd)
    with contextlib.suppress(OSError):
        os.close(fd)


# --- one file --------------------------------------------------------------------------


def _failed(error: OSError, target: Path, verb: str = "cannot write") -> OSError:
    """``error`` told about ``target`` (the artifact), not about a temporary file."""
    reason = error.strerror or str(error)
    failed = OSError(error.errno, f"{verb}: {reason}", str(target))
    failed.__cause__ = error
    return failed


def write_atomic(target: Path, data: bytes, sync_folder: bool = True) -> None:
    """Write ``data`` to ``target`` through a temporary file, fsync and a rename; OSError naming ``target``."""
    target = Path(target)
    _check_target(target)
    made = _make_folders(target.parent)
    try:
        tmp = _stage(target.parent, data, fsync=True)
        try:
            os.replace(tmp, target)
        except BaseException:
            _unlink(tmp)
            raise
    except OSError as e:
        _remove_folders(made)
        raise _failed(e, target) from None
    except BaseException:
        _remove_folders(made)
        raise
    if sync_folder:
        _fsync_dir(target.parent)


def _check_target(target: Path) -> None:
    if target.is_dir():
        raise OSError(errno.EISDIR, "a folder is in the way of this file", str(target))


def _check_in_the_way(target: Path, root: Path | None = None, fine: set[Path] | None = None) -> None:
    """A folder where the file goes, or a file where one of its folders goes (up to ``root``, or
    the first folder that exists): refused before anything is written. ``fine`` holds folders
    already checked (and gets this target's)."""
    _check_target(target)
    if fine is not None and target.parent in fine:
        return
    parent = target.parent
    while parent != root and not parent.is_dir() and parent.parent != parent:
        if parent.exists() or parent.is_symlink():
            raise OSError(errno.ENOTDIR, f"{parent} is a file, where a folder is needed", str(target))
        parent = parent.parent
    if fine is not None:
        fine.add(target.parent)


def _make_folders(folder: Path) -> list[Path]:
    """Make ``folder`` and any missing parents; the folders made, outermost first (to remove on failure)."""
    missing: list[Path] = []
    probe = folder
    while not probe.is_dir():
        if probe.exists() or probe.is_symlink():
            raise OSError(errno.ENOTDIR, "is a file, not a folder", str(probe))
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    made: list[Path] = []
    try:
        for path in reversed(missing):
            os.mkdir(path)
            made.append(path)
    except OSError as e:
        _remove_folders(made)
        raise _failed(e, path, "cannot make the folder") from None
    except BaseException:
        _remove_folders(made)
        raise
    return made


def make_folder(folder: str | os.PathLike[str]) -> None:
    """Make ``folder`` and its missing parents; OSError naming it when a file is in the way."""
    _make_folders(Path(folder))


def _remove_folders(made: list[Path]) -> None:
    for path in reversed(made):
        with contextlib.suppress(OSError):
            os.rmdir(path)


# --- an export -------------------------------------------------------------------------


class _Transaction:
    """The files of one export: staged, then committed together, or rolled back."""

    def __init__(self) -> None:
        self.made: list[Path] = []  # folders this export created, outermost first
        self.staged: list[tuple[str, Path]] = []  # (temporary file, target)
        self.committed: list[tuple[Path, str | None]] = []  # (target, its previous contents kept aside, or None if it is new)
        self.ready: set[Path] = set()  # folders that exist now (made or found), looked at once

    def folders(self, folder: Path) -> None:
        if folder not in self.ready:
            self.made += _make_folders(folder)
            self.ready.add(folder)

    def stage(self, target: Path, data: bytes, fsync: bool) -> None:
        self.folders(target.parent)
        try:
            self.staged.append((_stage(target.parent, data, fsync), target))
        except OSError as e:
            raise _failed(e, target) from None

    def commit(self) -> None:
        for tmp, target in self.staged:
            try:
                kept = _keep_aside(target)
                self.committed.append((target, kept))
                os.replace(tmp, target)
            except OSError as e:
                raise _failed(e, target) from None

    def finish(self) -> None:
        """Committed: the old contents kept aside are not needed any more."""
        for _, kept in self.committed:
            if kept is not None:
                with contextlib.suppress(OSError):
                    os.unlink(kept)

    def rollback(self) -> None:
        """Put every target back as it was; best effort, never raising."""
        for target, kept in reversed(self.committed):
            with contextlib.suppress(OSError):
                if kept is None:
                    if target.is_file() or target.is_symlink():
                        os.unlink(target)
                elif _same_file(kept, target):  # never replaced: rename() between two links of one file does nothing
                    os.unlink(kept)
                else:
                    os.replace(kept, target)
        for tmp, _ in self.staged:
            with contextlib.suppress(OSError):
                _unlink(tmp)
        _remove_folders(self.made)


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samestat(os.lstat(a), os.lstat(b))
    except OSError:
        return False


def _keep_aside(target: Path) -> str | None:
    """Keep ``target``'s current file under a temporary name so a rollback can restore it.

    A hard link keeps the target in place until the rename replaces it; where links are not
    supported (FAT), the file is moved aside for the instant before the rename."""
    if not os.path.lexists(target):
        return None
    for _ in range(100):
        kept = _temp_name(target.parent)
        try:
            os.link(target, kept, follow_symlinks=False)
            return kept
        except FileExistsError:
            continue
        except OSError as e:
            if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS):
                raise
            os.rename(target, kept)
            return kept
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target.parent))


class Writer:
    """Writes an export's artifacts under ``root``, all or nothing; ``report`` is told of each file written.

    ``grouped`` (for batches of many small files): the file system is flushed once after every
    file is staged instead of once per file. Same guarantee (no rename before its data is
    on disk), at a fraction of the cost."""

    def __init__(self, root: str | os.PathLike[str], report: Callable[[str], None] | None = None, grouped: bool = False):
        self.root = Path(root)
        self.report = report
        self.grouped = grouped

    def targets(self, artifacts: Iterable[Artifact]) -> list[tuple[Path, Artifact]]:
        """Check every path first, so a bad one is refused before any file is written."""
        planned = []
        paths = []
        for artifact in artifacts:
            check_path(artifact.path)
            paths.append(artifact.path)
            planned.append((self.root / artifact.path, artifact))
        for first, second, why in path_clashes(paths):
            raise UnsafePath(f"artifact paths {first!r} and {second!r} {why}; they cannot both be written")
        self._check_root()
        real_root = self.root.resolve()
        inside: dict[Path, bool] = {}  # a folder resolved once, however many files go in it
        for target, artifact in planned:
            # A symlink inside the output folder must not lead the write outside it.
            folder = target.parent
            if folder not in inside:
                inside[folder] = folder.resolve().is_relative_to(real_root)
            if not inside[folder]:
                raise UnsafePath(f"artifact path {artifact.path!r} leads outside {self.root} through a link")
        return planned

    def _check_root(self) -> None:
        probe = self.root
        while not probe.is_dir():
            if probe.exists() or probe.is_symlink():
                why = "is a file, not a folder" if probe == self.root else f"is under {probe}, which is a file"
                raise OSError(errno.ENOTDIR, why, str(self.root))
            if probe.parent == probe:
                break
            probe = probe.parent

    def _check_in_the_way(self, planned: list[tuple[Path, Artifact]]) -> None:
        folders: set[Path] = set()  # folders already found fine, checked once
        for target, _ in planned:
            _check_in_the_way(target, self.root, folders)

    def write(self, artifacts: Iterable[Artifact], also: Iterable[tuple[Path, bytes]] = ()) -> list[Path]:
        """Write ``artifacts`` under the root and each ``also`` file (a path anywhere, such as
        build's --plan-file) in one transaction: all of them are in place, or none."""
        planned = self.targets(list(artifacts))
        others = [(Path(target), data) for target, data in also]
        self._check_in_the_way(planned)
        ours = {os.path.normcase(str(t.resolve())).casefold() for t, _ in planned} if others else set()
        for target, _ in others:
            if os.path.normcase(str(target.resolve())).casefold() in ours:
                raise OSError(errno.EEXIST, "is also one of the export's files; save the plan elsewhere", str(target))
        for target, _ in others:
            _check_in_the_way(target)
        transaction = _Transaction()
        try:
            if planned or not others:
                transaction.folders(self.root)
            for folder in dict.fromkeys(t.parent for t, _ in planned):
                if folder.is_dir():
                    sweep_folder(folder)
            for target, artifact in planned:
                transaction.stage(target, artifact.data, fsync=not self.grouped)
            for target, data in others:
                transaction.stage(target, data, fsync=True)
            if self.grouped and planned:
                _syncfs(self.root)
            transaction.commit()
        except BaseException:
            transaction.rollback()
            raise
        transaction.finish()
        # The files are in place: flushing the renames to disk is done as well as it can be.
        if self.grouped:
            if planned:
                with contextlib.suppress(OSError):
                    _syncfs(self.root)
        else:
            for folder in dict.fromkeys([*(t.parent for t, _ in planned), *(t.parent for t, _ in others)]):  # once per folder, not per file
                _fsync_dir(folder)
        if self.report:
            for target, artifact in planned:
                self.report(f"wrote {target} ({_size(len(artifact.data))})")
            for target, data in others:
                self.report(f"wrote {target} ({_size(len(data))})")
        return [*(t for t, _ in planned), *(t for t, _ in others)]


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
        make_folder(self.target.parent)
        try:
            fd, self._tmp = _create_temp(self.target.parent)
        except OSError as e:
            raise _failed(e, self.target) from None
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
        except OSError as e:
            self.discard()
            raise _failed(e, self.target) from None
        except BaseException:
            self.discard()
            raise
        _fsync_dir(self.target.parent)

    def discard(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
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
