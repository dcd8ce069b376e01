"""The one writer: the only code in planport that writes output files.

Every artifact is written to a temporary file in its target folder, flushed to disk and
renamed into place, so a reader sees the old file or the new one, never half of one.
Paths are checked before anything is written; one that would leave the output folder
is refused.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

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


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fchmod(f.fileno(), _MODE)
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(target.parent)


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
    """Writes artifacts under ``root``; ``report`` is told of each file written."""

    def __init__(self, root: str | os.PathLike, report: Callable[[str], None] | None = None):
        self.root = Path(root)
        self.report = report

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
        written = []
        for target, artifact in self.targets(list(artifacts)):
            write_atomic(target, artifact.data)
            written.append(target)
            if self.report:
                self.report(f"wrote {target} ({_size(len(artifact.data))})")
        return written


def _size(n: int) -> str:
    return f"{n} bytes" if n < 1024 else f"{n / 1024:.1f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"
