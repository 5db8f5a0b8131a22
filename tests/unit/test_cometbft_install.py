"""Finding the pinned CometBFT, and ``bayledger doctor`` saying what to run when it is missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bayledger.cli.main import app
from bayledger.cometbft import install
from bayledger.cometbft.version import COMETBFT_VERSION


def test_a_missing_cometbft_is_reported_with_the_make_target(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(install, "candidates", lambda: [])
    found = install.find_cometbft()
    assert found.path is None and not found.ok
    assert "make cometbft" in (found.problem() or "")
    with pytest.raises(RuntimeError, match="make cometbft"):
        install.require_cometbft()
    result = CliRunner().invoke(app, ["--json", "doctor"])
    assert result.exit_code == 5
    report = json.loads(result.stdout)
    assert report["cometbft"]["ok"] is False and "make cometbft" in report["cometbft"]["instruction"]


def test_another_version_is_not_taken_for_the_pinned_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "cometbft"
    fake.write_text("#!/bin/sh\necho 0.37.4\n")
    fake.chmod(0o755)
    monkeypatch.setattr(install, "candidates", lambda: [fake])
    found = install.find_cometbft()
    assert (found.path, found.version, found.ok) == (str(fake), "0.37.4", False)
    assert f"pins {COMETBFT_VERSION}" in (found.problem() or "")
    pinned = tmp_path / "pinned"
    pinned.mkdir()
    good = pinned / "cometbft"
    good.write_text(f"#!/bin/sh\necho {COMETBFT_VERSION.lstrip('v')}\n")
    good.chmod(0o755)
    monkeypatch.setattr(install, "candidates", lambda: [fake, good])
    assert install.find_cometbft().path == str(good)  # the pinned one wins over the first found
