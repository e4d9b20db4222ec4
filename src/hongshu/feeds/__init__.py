"""Feeds assembled from other apps' selectors (no models of its own)."""
