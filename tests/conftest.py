"""Test-wide settings.

Under CI (``CI=true``) hypothesis runs derandomized: the same examples on every run, so a red build is
reproducible and never a coin toss. Local runs keep random exploration to find new counter-examples.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
    settings.load_profile("ci")
