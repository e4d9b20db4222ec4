"""Feeds: the following feed's lists (hybrid fan-out, `following.py`) and composite page reads (`pages.py`)."""
