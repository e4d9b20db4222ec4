"""Moderation: member reports gathered into cases, the unit staff route and act on (issue 24 items 6 and 8)."""
