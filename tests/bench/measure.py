"""What every benchmark here shares: progress on stderr and nearest-rank percentiles."""

import math
import sys


def say(message: str) -> None:
    """Progress for the person waiting: stderr, so that stdout stays the tables."""
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share 0.5 is the median's rank, 0.95 the p95)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered) - 1e-9) - 1)]
