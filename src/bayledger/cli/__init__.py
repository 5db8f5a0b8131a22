"""The ``bayledger`` command line (Typer)."""
