"""bayledger: an open, permissioned ledger for cross-boundary digital and green finance."""

__version__ = "0.1.0"
