"""A real Radicale CalDAV server on a free loopback port, with htpasswd authentication."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

USER, PASSWORD = "coach", "s3cret-pass"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Radicale:
    """``start()``/``stop()`` a Radicale process; its storage folder survives a restart."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        (folder / "users").write_text(f"{USER}:{PASSWORD}\n")
        (folder / "storage").mkdir(exist_ok=True)
        self.log = folder / "radicale.log"

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def collection(self, name: str) -> str:
        return f"{self.root}/{USER}/{name}/"

    def start(self) -> None:
        args = [
            sys.executable, "-m", "radicale", "--hosts", f"127.0.0.1:{self.port}",
            "--auth-type", "htpasswd", "--auth-htpasswd-filename", str(self.folder / "users"),
            "--auth-htpasswd-encryption", "plain", "--rights-type", "owner_only",
            "--storage-filesystem-folder", str(self.folder / "storage"), "--logging-level", "info",
            # Radicale delays a failed login by a second or more; the wrong-password test needs none.
            "--auth-delay", "0",
        ]
        log = open(self.log, "ab")
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.root + "/.web/", timeout=1)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"Radicale did not start:\n{self.log.read_text()[-2000:]}") from None
                time.sleep(0.05)
        raise RuntimeError("Radicale did not answer within 20 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def make_calendar(self, name: str) -> str:
        """A new, empty calendar collection; its URL."""
        import caldav

        with caldav.DAVClient(self.root, username=USER, password=PASSWORD) as client:
            client.principal().make_calendar(name=name, cal_id=name)
        return self.collection(name)
