"""Drivers that feed blocks to the core: the embedded producer (default) and, later, CometBFT over ABCI."""
