"""Investor reports built from node answers (edge code: never imported by the core)."""
