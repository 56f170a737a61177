"""Replay throughput of the audit (a figure, not a test): events per second from a saved log, one core.

    python -m python_model.audit.bench [--events 500000] [--log PATH] [--json]

Writes (once, then reuses) a synthetic log of about ``--events`` events from the stateful model, then
replays it with :func:`python_model.audit.logfile.audit_log` -- the full path an auditor runs: read, CRC,
decode, replay, verdict.  Reports the best of ``--repeat`` runs in events per wall second and per CPU
second (the latter is what one core sustains even on a busy machine), the decode-only rate, and the
peak memory the replay allocates (``tracemalloc``, one extra run) to show it does not grow with the log.
Target: >= 100,000 events/s.  ``replay_throughput()`` returns the same figures as a dict for
``make bench``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import tracemalloc

from .logfile import LogReader, audit_log, write_log
from .synth import POOL, SyntheticPool

TARGET = 100_000


def make_log(path, events=500_000, seed=1):
    """Write a synthetic log of at least ``events`` events to ``path``; returns the count."""
    synth = SyntheticPool(seed)

    def stream():
        n = 0
        while n < events:
            for ev in synth.events(1000):
                n += 1
                yield ev

    return write_log(path, stream(), pool=POOL, fee_bps=30, from_block=0, to_block=None)


def _default_log(events):
    return os.path.join(tempfile.gettempdir(), f"tidepool-audit-bench-{events}.jsonl")


def replay_throughput(events=500_000, log=None, repeat=3, memory=True):
    """Measure the replay of a saved log; returns a dict of figures (see the module docstring)."""
    path = log or _default_log(events)
    made = False
    if not os.path.exists(path):
        t0 = time.perf_counter()
        make_log(path, events)
        made = time.perf_counter() - t0
    best_wall = best_cpu = float("inf")
    verdict = None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        verdict = audit_log(path)
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    if not verdict.consistent:
        raise AssertionError(f"benchmark log is not consistent: {verdict.summary()}")
    n = verdict.events
    w0 = time.perf_counter()
    with LogReader(path) as reader:
        decoded = sum(1 for _ in reader)
    decode_wall = time.perf_counter() - w0
    result = {
        "events": n,
        "log_bytes": os.path.getsize(path),
        "replay_events_per_second": round(n / best_wall),
        "replay_events_per_cpu_second": round(n / best_cpu),
        "decode_events_per_second": round(decoded / decode_wall),
        "target_events_per_second": TARGET,
        "log_written_seconds": round(made, 2) if made else None,
    }
    if memory:
        small = _default_log(max(1, events // 10)) if log is None else None
        peaks = {}
        for label, p in (("full", path), ("tenth", small)):
            if p is None:
                continue
            if not os.path.exists(p):
                make_log(p, max(1, events // 10))
            tracemalloc.start()
            audit_log(p)
            peaks[label] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        result["replay_peak_bytes"] = peaks.get("full")
        result["replay_peak_bytes_tenth_log"] = peaks.get("tenth")
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m python_model.audit.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=500_000, help="size of the synthetic log")
    parser.add_argument("--log", help="replay this log instead (written first if missing)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = replay_throughput(args.events, args.log, args.repeat, not args.no_memory)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"audit replay: {result['replay_events_per_second']:,} events/s wall, "
          f"{result['replay_events_per_cpu_second']:,} events/CPU-s "
          f"({result['events']:,} events, {result['log_bytes'] / 2**20:,.0f} MiB; target {TARGET:,})")
    print(f"  decode only: {result['decode_events_per_second']:,} events/s")
    if result.get("replay_peak_bytes") is not None:
        tenth = result.get("replay_peak_bytes_tenth_log")
        extra = f" (a log a tenth as long: {tenth / 2**10:,.0f} KiB)" if tenth else ""
        print(f"  peak memory allocated by the replay: {result['replay_peak_bytes'] / 2**10:,.0f} KiB{extra}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
