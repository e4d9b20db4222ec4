"""Ninja schemas shared by several API modules."""
