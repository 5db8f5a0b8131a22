"""The pure, deterministic state machine: no clocks, randomness, floats, threads or I/O."""
