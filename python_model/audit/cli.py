"""``python -m python_model.audit LOGFILE``: audit a saved event log without a node.

Exit status: 0 consistent ("consistent through block N (E events)"), 1 divergence (block, tx hash, log
index, line, field, expected, actual), 2 the log is unreadable, corrupt, altered or truncated (one line
naming the line number) or the arguments are wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from .engine import LogError
from .logfile import audit_log

EXIT_CONSISTENT, EXIT_DIVERGENCE, EXIT_ERROR = 0, 1, 2
PROGRESS_MIN_BYTES = 8 << 20  # show a progress bar for logs above 8 MB (when stderr is a terminal)


def _amount(value):
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def render(verdict, *, as_json=False, verbose=False):
    """The verdict as printed: one line (plus statistics when verbose), or one JSON object."""
    if as_json:
        return json.dumps(verdict.to_dict())
    lines = [verdict.summary()]
    for extra in verdict.divergences[1:]:
        lines.append("  also: " + extra.describe())
    if verbose and "swaps" not in verdict.stats:  # a farm
        lines.append("  " + ", ".join(f"{k.replace('_', ' ')} {_amount(v)}" for k, v in verdict.stats.items()))
        if verdict.farm_state:
            lines.append("  final: " + ", ".join(f"{k.replace('_', ' ')} {_amount(v)}" for k, v in verdict.farm_state.items()))
    elif verbose:
        s = verdict.stats
        lines.append(
            f"  {s['swaps']} swaps, {s['mints']} mints, {s['burns']} burns, {s['syncs']} bare syncs, "
            f"{s['lp_transfers']} LP transfers; fee {verdict.fee_bps} bps"
        )
        lines.append(
            f"  swap fees actually paid: {_amount(s['fees_paid0'])} token0, {_amount(s['fees_paid1'])} token1"
            f" ({s['two_sided_swaps']} swaps paid in both tokens not attributed)"
        )
        lines.append(f"  protocol fee: {s['protocol_fee_mints']} mints, {_amount(s['protocol_fee_lp'])} LP"
                     + (f" to {s['fee_to']}" if s["fee_to"] else ""))
        if verdict.state is not None:
            st = verdict.state
            lines.append(f"  final reserves ({_amount(st.reserve0)}, {_amount(st.reserve1)}), "
                         f"LP supply {_amount(st.total_supply)}")
    return "\n".join(lines)


def error_text(exc, path=None):
    """One line for an unreadable log."""
    where = f"{path}: " if path else ""
    if isinstance(exc, LogError):
        return f"error: {where}{exc}"
    return f"error: {where}{exc.strerror if isinstance(exc, OSError) and exc.strerror else exc}"


class _Bar:
    """A rich progress bar over the bytes of the log, on stderr."""

    def __init__(self, total, label):
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

        self.progress = Progress(
            "[progress.description]{task.description}", BarColumn(), DownloadColumn(), TimeRemainingColumn(),
            console=Console(file=sys.stderr), transient=True,
        )
        self.task = self.progress.add_task(label, total=total)

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()

    def __call__(self, done, total):
        self.progress.update(self.task, completed=done)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m python_model.audit",
        description="Replay a pool's saved event log through the exact model; name the first divergence.",
    )
    parser.add_argument("logfile", help="JSON Lines event log (as written by `ape run audit --save-log`)")
    parser.add_argument("--fee-bps", type=int, help="the pool's swap fee in basis points (default: the log header's)")
    parser.add_argument("--from-block", type=int, help="check from this block (earlier events only build the state)")
    parser.add_argument("--to-block", type=int, help="stop after this block")
    parser.add_argument("--json", action="store_true", help="print the verdict as one JSON object")
    parser.add_argument("--swaps", metavar="FILE", help="write the fee each swap actually paid, one JSON object per line")
    parser.add_argument("--keep-going", type=int, default=1, metavar="N",
                        help="report up to N divergences (after each, the chain's numbers are adopted)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print statistics after the verdict")
    bar = parser.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None, help="always show a progress bar")
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never show a progress bar")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.fee_bps is not None and not 0 <= args.fee_bps < 10000:
        print(f"error: --fee-bps must be in [0, 10000), got {args.fee_bps}", file=sys.stderr)
        return EXIT_ERROR
    swaps_file = None
    try:
        on_swap = None
        if args.swaps:
            swaps_file = open(args.swaps, "w")

            def on_swap(fee, _write=swaps_file.write, _dumps=json.dumps):
                _write(_dumps(fee.to_dict()) + "\n")

        show = args.progress
        if show is None:
            show = sys.stderr.isatty() and os.path.getsize(args.logfile) >= PROGRESS_MIN_BYTES
        options = dict(fee_bps=args.fee_bps, from_block=args.from_block, to_block=args.to_block,
                       on_swap=on_swap, max_divergences=max(1, args.keep_going))
        if show:
            with _Bar(os.path.getsize(args.logfile), "replaying") as progress:
                verdict = audit_log(args.logfile, progress=progress, **options)
        else:
            verdict = audit_log(args.logfile, **options)
    except (LogError, OSError) as exc:
        if args.json:
            print(json.dumps({"status": "error", "error": str(exc), "line": getattr(exc, "line", None)}))
        print(error_text(exc, args.logfile), file=sys.stderr)
        return EXIT_ERROR
    finally:
        if swaps_file is not None:
            swaps_file.close()
    try:
        print(render(verdict, as_json=args.json, verbose=args.verbose), flush=True)
    except BrokenPipeError:  # `... | head`: the reader left; the exit status still tells the verdict
        sys.stdout = None
    return EXIT_CONSISTENT if verdict.consistent else EXIT_DIVERGENCE
