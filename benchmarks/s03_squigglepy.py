"""Seed claim S03's model in squigglepy, for benchmarks/bench_s03.py (same inputs as the YAML).

Not project code: the reference the benchmark measures flopcast against.
"""

import sys

import numpy as np
import squigglepy as sq

SECONDS_PER_MONTH = 30.44 * 86400

samples = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
sq.set_seed(0)
chips = 50_000
peak = 989.4e12  # FLOP/s per H100, dense BF16
utilization = 0.4
duration = sq.to(2, 4)  # months, 90% interval (lognormal), as in the YAML
compute = chips * peak * utilization * duration * SECONDS_PER_MONTH
draws = np.asarray(sq.sample(compute, n=samples))
p5, p50, p95 = np.percentile(draws, [5, 50, 95])
print(f"median {p50:.3g} FLOP, 90% CI [{p5:.3g}, {p95:.3g}], mean {draws.mean():.3g}")
