"""Find the ``cometbft`` binary the project pins (``make cometbft`` installs it with ``go install``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bayledger.cometbft.version import COMETBFT_MODULE, COMETBFT_VERSION

INSTALL_HINT = (
    f"run `make cometbft` (go install {COMETBFT_MODULE}/cmd/cometbft@{COMETBFT_VERSION} into .venv/bin; "
    "needs Go >= 1.22 and its module proxy) or put cometbft "
    f"{COMETBFT_VERSION.lstrip('v')} on PATH"
)


@dataclass(frozen=True)
class CometbftFound:
    """What the search found: the binary (or None), its version, whether it is the pinned one, Go."""

    path: str | None
    version: str | None
    pinned: str
    go: str | None

    @property
    def ok(self) -> bool:
        """A cometbft of the pinned version is there."""
        return self.path is not None and self.version == self.pinned.lstrip("v")

    def problem(self) -> str | None:
        """None when usable, else what is wrong and what to run."""
        if self.path is None:
            return f"cometbft not found; {INSTALL_HINT}"
        if not self.ok:
            return f"{self.path} is cometbft {self.version}, the project pins {self.pinned}; {INSTALL_HINT}"
        return None


def candidates() -> list[Path]:
    """Where to look, first hit wins: $BAYLEDGER_COMETBFT, beside this interpreter (the venv), PATH."""
    out = []
    if os.environ.get("BAYLEDGER_COMETBFT"):
        out.append(Path(os.environ["BAYLEDGER_COMETBFT"]))
    out.append(Path(sys.executable).with_name("cometbft"))
    on_path = shutil.which("cometbft")
    if on_path:
        out.append(Path(on_path))
    return out


def binary_version(path: Path) -> str | None:
    """``cometbft version`` of the binary at ``path`` (None when it does not run)."""
    try:
        done = subprocess.run([str(path), "version"], capture_output=True, text=True, timeout=20, check=False)
    except OSError:
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def find_cometbft() -> CometbftFound:
    """The first candidate of the pinned version, else the first that runs, else nothing."""
    found: list[tuple[Path, str | None]] = []
    for path in candidates():
        if path.is_file() and os.access(path, os.X_OK):
            version = binary_version(path)
            if version == COMETBFT_VERSION.lstrip("v"):
                return CometbftFound(str(path), version, COMETBFT_VERSION, shutil.which("go"))
            found.append((path, version))
    if found:
        return CometbftFound(str(found[0][0]), found[0][1], COMETBFT_VERSION, shutil.which("go"))
    return CometbftFound(None, None, COMETBFT_VERSION, shutil.which("go"))


def require_cometbft() -> str:
    """The pinned binary's path; RuntimeError with the instruction when it is missing or another version."""
    found = find_cometbft()
    problem = found.problem()
    if problem is not None or found.path is None:
        raise RuntimeError(problem)
    return found.path
