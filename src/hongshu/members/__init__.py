"""Workflows on a member that span several apps: saving a profile with its avatar (accounts + media) and
deleting an account (accounts, media, likes and collects, comments), a member's data export (export.py) and the
retention purge of deleted notes and comments (retention.py). They sit above the apps they combine, so
accounts, at the bottom of the domain, imports none of them. The web's settings pages and the API's
/accounts/me both call these services."""
