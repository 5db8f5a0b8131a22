"""The pinned CometBFT release: the one ``make cometbft`` installs and the protobuf types come from."""

from __future__ import annotations

COMETBFT_MODULE = "github.com/cometbft/cometbft"
COMETBFT_VERSION = "v0.38.26"
"""Pinned CometBFT (ABCI 2.0). Change it together with the Makefile's COMETBFT_VERSION and regenerate the
protobuf types (``make cometbft-proto``)."""

GOGOPROTO_VERSION = "v1.7.0"
"""The gogoproto module CometBFT's go.mod requires at that version (for ``gogoproto/gogo.proto``)."""
