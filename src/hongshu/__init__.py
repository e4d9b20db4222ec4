"""Hongshu (红薯): a self-hostable, bilingual lifestyle notes network."""
