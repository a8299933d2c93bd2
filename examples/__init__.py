"""Fictional example office shipped with teikan (used by `teikan demo`, the README and the tests)."""
