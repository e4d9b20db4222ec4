"""Benchmark dataset generation (no models): `bench_seed` builds the dataset of docs/benchmarks.md."""
