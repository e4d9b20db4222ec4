"""B4 (docs/benchmarks.md): Argon2id hashes per second on one core at the parameters Hongshu uses.

Run: .venv/bin/python bench/argon2_rate.py [--seconds 5]
Compares the OWASP profile (what Hongshu uses) with Django's default Argon2 profile as the baseline.
"""

from __future__ import annotations

import argparse
import time

from argon2 import PasswordHasher, Type

PROFILES = {
    "owasp (hongshu: 19 MiB, t=2, p=1)": PasswordHasher(
        time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID
    ),
    "django default (100 MiB, t=2, p=8)": PasswordHasher(
        time_cost=2, memory_cost=102400, parallelism=8, type=Type.ID
    ),
}


def rate(hasher: PasswordHasher, seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        hasher.hash("correct horse battery staple")
        count += 1
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    seconds = parser.parse_args().seconds
    for name, hasher in PROFILES.items():
        print(f"{name}: {rate(hasher, seconds):.1f} hashes/s on one thread")


if __name__ == "__main__":
    main()
