"""Content screening: the rule catalogue, lexicons, link and burst rules, and the one service that screens every write."""
