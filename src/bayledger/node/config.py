"""Node configuration: ``config.toml`` < environment (``BAYLEDGER_*``) < command-line flags."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """The configuration is invalid; the message names the setting and what is allowed."""


@dataclass(frozen=True)
class NodeConfig:
    """Settings of one node (see ``config.toml`` written by ``bayledger init``)."""

    api_host: str = "127.0.0.1"
    api_port: int = 26657
    block_interval_ms: int = 1000
    synchronous: str = "FULL"
    mempool_size: int = 50_000
    mempool_per_account: int = 5_000
    validator_key: str = "validator"
    dev_clock: int = 0  # 1: POST /v1/dev/clock may move the block clock forward (dev and demo networks only)

    def validate(self) -> NodeConfig:
        """Return self, or raise ConfigError naming the bad setting."""
        if not 1 <= self.api_port <= 65535:
            raise ConfigError(f"api_port must be 1..65535, got {self.api_port}")
        if not 10 <= self.block_interval_ms <= 600_000:
            raise ConfigError(f"block_interval_ms must be 10..600000, got {self.block_interval_ms}")
        if self.synchronous not in ("FULL", "NORMAL"):
            raise ConfigError(f"synchronous must be FULL or NORMAL, got {self.synchronous!r}")
        if self.dev_clock not in (0, 1):
            raise ConfigError(f"dev_clock must be 0 or 1, got {self.dev_clock}")
        if self.mempool_size < 1 or self.mempool_per_account < 1:
            raise ConfigError("mempool_size and mempool_per_account must be positive")
        return self


def _coerce(name: str, raw: Any, kind: type) -> Any:
    if kind is int:
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    return str(raw)


def load_config(
    home: Path, overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None
) -> NodeConfig:
    """Read ``home/config.toml``, then ``BAYLEDGER_<SETTING>`` variables, then ``overrides``."""
    values: dict[str, Any] = {}
    path = home / "config.toml"
    if path.exists():
        try:
            values.update(tomllib.loads(path.read_text()).get("node", {}))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    env = os.environ if environ is None else environ
    known = {f.name: f.type for f in fields(NodeConfig)}
    for name in known:
        key = f"BAYLEDGER_{name.upper()}"
        if key in env:
            values[name] = env[key]
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    unknown = set(values) - set(known)
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    kinds = {f.name: (int if f.type in (int, "int") else str) for f in fields(NodeConfig)}
    coerced = {name: _coerce(name, value, kinds[name]) for name, value in values.items()}
    return replace(NodeConfig(), **coerced).validate()


def write_config(home: Path, config: NodeConfig) -> None:
    """Write ``config.toml`` with every setting."""
    lines = ["# bayledger node configuration (environment BAYLEDGER_<NAME> and flags override it)", "[node]"]
    for f in fields(NodeConfig):
        value = getattr(config, f.name)
        lines.append(f"{f.name} = {value}" if isinstance(value, int) else f'{f.name} = "{value}"')
    (home / "config.toml").write_text("\n".join(lines) + "\n")
