"""Persistence of a node: one SQLite file per node directory."""
