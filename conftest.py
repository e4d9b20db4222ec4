"""Root conftest: makes `tests/` importable as a rootdir (no `from tests import`; see ARCHITECTURE.md)."""
