"""Benchmark: "n working days from date" in bulk and as a single call (Brussels calendar).

Run: .venv/bin/python bench/deadlines.py [--size 1000000] [--seed 20250411]

Bulk: the engine's ``add_working_days_bulk`` against ``numpy.busday_offset`` on
the same 1,000,000 inputs (n in 1..30, dates in 2020-2030). Semantics match:
the start day is not counted, so a non-working start behaves like the working
day before it, which is busday_offset(..., roll="preceding"). Results are
asserted equal. Targets: bulk <= 2x numpy; single call <= 3 us.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
import timeit

import numpy as np

from casework.deadlines import add_period, add_working_days, add_working_days_bulk, default_calendars


def best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20250411)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    first, last = np.datetime64("2020-01-01"), np.datetime64("2030-12-31")
    dates = first + rng.integers(0, int((last - first).astype(np.int64)) + 1, size=args.size).astype("timedelta64[D]")
    counts = rng.integers(1, 31, size=args.size)

    brussels = default_calendars()["brussels"]
    holidays = np.array([h.date for y in brussels.years.values() for h in y.holidays], dtype="datetime64[D]")
    numpy_calendar = np.busdaycalendar(holidays=holidays)

    ours = add_working_days_bulk(dates, counts)  # also builds the cached index arrays
    theirs = np.busday_offset(dates, counts, roll="preceding", busdaycal=numpy_calendar)
    assert np.array_equal(ours, theirs), "bulk results differ from numpy.busday_offset"

    t_ours = best_of(args.repeats, lambda: add_working_days_bulk(dates, counts))
    t_numpy = best_of(args.repeats, lambda: np.busday_offset(dates, counts, roll="preceding",
                                                             busdaycal=numpy_calendar))

    day, n = dt.date(2025, 4, 10), 15
    assert add_working_days(day, n) == add_period(f"{n}wd", day).last_day
    loops = 200_000
    single = min(timeit.repeat(lambda: add_working_days(day, n), number=loops, repeat=args.repeats)) / loops
    traced_loops = 5_000
    traced = min(timeit.repeat(lambda: add_period(f"{n}wd", day), number=traced_loops,
                               repeat=args.repeats)) / traced_loops

    print(f"inputs: {args.size:,} (n in 1..30, dates 2020-2030, seed {args.seed}); results equal: yes")
    print(f"bulk   engine add_working_days_bulk : {t_ours * 1e3:8.1f} ms")
    print(f"bulk   numpy.busday_offset          : {t_numpy * 1e3:8.1f} ms")
    print(f"bulk   ratio engine/numpy           : {t_ours / t_numpy:8.2f}x   (target <= 2x)")
    print(f"single add_working_days             : {single * 1e6:8.2f} us/call (target <= 3 us)")
    print(f"single add_period (with full trace) : {traced * 1e6:8.2f} us/call (for information)")


if __name__ == "__main__":
    main()
