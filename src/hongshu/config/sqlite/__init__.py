"""Django's SQLite backend, with the database files private to the account that runs Hongshu (base.py)."""
