"""What the benchmark scripts share: the load they price and the host-speed reference.

Only the standard library is imported here, so that `before_after.py` can use it in a
child process running any tree of the package.
"""

from __future__ import annotations

import random
import time


def shaped_kwh(starts: list[int], step_minutes: int, seed: int) -> list[int]:
    """Energy of each interval [0.001 kWh]: more by day (08-22, UTC+8) than by night, noise.

    >>> shaped_kwh([0, 3600], 60, 7) == shaped_kwh([0, 3600], 60, 7)
    True
    """
    rng = random.Random(seed)
    kwh = []
    for t in starts:
        hour = (t // 3600 + 8) % 24
        base = 400 if 8 <= hour < 22 else 150
        kwh.append(base * step_minutes + rng.randrange(0, 1000 * step_minutes))
    return kwh


def reference_loop_ms() -> float:
    """A fixed piece of pure Python, timed (best of 3) [ms]: how fast the host runs now.

    On a shared host the speed changes from minute to minute; this figure, printed with
    the others, tells a slow minute from a slow engine.
    """
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for value in range(3_000_000):
            total += value
        best = min(best, time.perf_counter() - started)
    return best * 1e3
