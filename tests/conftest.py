"""Shared test settings."""
from hypothesis import settings

# CI must not flake: the same generated cases on every run, and no per-example deadline (a shared
# 2-core machine can stall any single example past Hypothesis' default 200 ms).
settings.register_profile("descentlab", deadline=None, derandomize=True)
settings.load_profile("descentlab")
