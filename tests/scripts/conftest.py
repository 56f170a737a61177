"""Fixtures of the script tests live in scriptkit.py (importable by the test modules as well)."""

from scriptkit import ape_home, standin  # noqa: F401  (fixtures)
