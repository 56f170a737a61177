"""Saved logs and `python -m python_model.audit`: verdict lines, exit codes, and every way a log can be damaged."""

from __future__ import annotations

import json
import subprocess
import sys
import zlib

import pytest

from python_model.audit import event_line, write_log
from python_model.audit.cli import main
from python_model.audit.logfile import audit_log
from python_model.audit.synth import POOL, SyntheticPool


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A complete saved log of a synthetic history: (path, events, end state)."""
    synth = SyntheticPool(31)
    events = list(synth.events(700))
    end = synth.state()
    path = tmp_path_factory.mktemp("audit") / "pool.jsonl"
    write_log(path, events, pool=POOL, fee_bps=30, from_block=0, to_block=synth.block, end_state=end)
    return path, events, end


def lines_of(path):
    return path.read_bytes().splitlines(keepends=True)


def rewrite(path, lines):
    path.write_bytes(b"".join(lines))


def recrc(line):
    """The line with its CRC recomputed (a deliberate edit that keeps the framing valid)."""
    body = line[: line.rfind(b',"crc":"')]
    return b'%s,"crc":"%08x"}\n' % (body, zlib.crc32(body))


def edit_args(line, **changes):
    obj = json.loads(line)
    obj.pop("crc")
    obj["args"].update(changes)
    from python_model.audit import Event

    return event_line(Event(obj["block"], obj["tx_hash"], obj["log_index"], obj["address"], obj["event"], obj["args"]))


def run_cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip()


def test_consistent_log(saved, capsys):
    path, events, end = saved
    code, out, err = run_cli(capsys, path)
    assert (code, err) == (0, "")
    assert out == f"consistent through block {end.block} ({len(events)} events)"


def test_stats_json_and_swap_fees(saved, capsys, tmp_path):
    path, events, _ = saved
    code, out, _ = run_cli(capsys, path, "-v")
    assert code == 0 and "swaps" in out and "fees actually paid" in out and "protocol fee" in out
    fees = tmp_path / "fees.jsonl"
    code, out, _ = run_cli(capsys, path, "--json", "--swaps", fees)
    verdict = json.loads(out)
    assert code == 0 and verdict["status"] == "consistent" and verdict["events"] == len(events)
    rows = [json.loads(line) for line in fees.read_text().splitlines()]
    assert len(rows) == verdict["stats"]["swaps"] == sum(e.event == "Swap" for e in events)
    assert all(r["fee"] is None or r["fee"] >= r["amount_in"] * 30 // 10000 for r in rows)


def test_block_range(saved, capsys):
    path, events, _ = saved
    cut = events[len(events) // 2].block
    code, out, _ = run_cli(capsys, path, "--to-block", cut)
    assert (code, out) == (0, f"consistent through block {cut} ({sum(e.block <= cut for e in events)} events)")
    code, out, _ = run_cli(capsys, path, "--from-block", cut, "--json")
    verdict = json.loads(out)
    assert verdict["events"] == sum(e.block >= cut for e in events) and verdict["replayed"] == len(events)
    assert verdict["first_block"] >= cut


def test_pool_variant_log_is_a_divergence_at_its_line(saved, capsys, tmp_path):
    """A well-formed log of a pool that paid one wei too much: exit 1, naming block, tx, log index and line."""
    path, events, _ = saved
    lines = lines_of(path)
    from python_model.amm_math import get_amount_out

    for i, ev in enumerate(events):  # a one-sided exact-in swap at the formula's maximum
        if ev.event != "Swap" or i < 200:
            continue
        a, s = ev.args, events[i - 1].args
        r0, r1 = s["reserve0"] - a["amount0In"] + a["amount0Out"], s["reserve1"] - a["amount1In"] + a["amount1Out"]
        if a["amount1In"] == 0 and a["amount1Out"] == get_amount_out(a["amount0In"], r0, r1, 30):
            break
    line_no = i + 2  # line 1 is the header
    lines[line_no - 1] = edit_args(lines[line_no - 1], amount1Out=a["amount1Out"] + 1)
    lines[line_no - 2] = edit_args(lines[line_no - 2], reserve1=s["reserve1"] - 1)
    bad = tmp_path / "variant.jsonl"
    rewrite(bad, lines)
    code, out, err = run_cli(capsys, bad)
    assert code == 1 and err == ""
    assert out == (f"divergence at block {ev.block}, tx {ev.tx_hash}, log index {ev.log_index} (line {line_no}): "
                   f"Swap amount1Out: expected <= {a['amount1Out']}, actual {a['amount1Out'] + 1} "
                   "(largest output the 30 bps fee formula allows for these inputs (revert K))")
    code, out, _ = run_cli(capsys, bad, "--json")
    d = json.loads(out)["divergence"]
    assert code == 1 and (d["line"], d["field"], d["expected"], d["actual"]) == (line_no, "amount1Out", a["amount1Out"], a["amount1Out"] + 1)


def test_edited_line_is_named(saved, capsys, tmp_path):
    path, _, _ = saved
    lines = lines_of(path)
    lines[300] = lines[300].replace(b'"log_index":', b'"log_index": ', 1)  # any change at all
    bad = tmp_path / "edited.jsonl"
    rewrite(bad, lines)
    code, out, err = run_cli(capsys, bad)
    assert code == 2 and out == ""
    assert err == f"error: {bad}: line 301: checksum mismatch: the line was changed after it was written"


def test_edit_after_a_divergence_voids_the_verdict(saved, capsys, tmp_path):
    path, events, _ = saved
    lines = lines_of(path)
    i = next(i for i, e in enumerate(events) if e.event == "Sync" and i > 100 and events[i + 1].event == "Swap")
    assert i + 2 < 501
    lines[i + 1] = edit_args(lines[i + 1], reserve0=events[i].args["reserve0"] + 1)  # a divergence, re-CRC'd...
    lines[500] = lines[500].replace(b'"block":', b'"block": ', 1)  # ...and a careless edit later
    bad = tmp_path / "both.jsonl"
    rewrite(bad, lines)
    code, _, err = run_cli(capsys, bad)
    assert code == 2 and "line 501: checksum mismatch" in err and f"divergence on line {i + 2}" in err


def test_removed_line_is_caught_by_the_count(saved, capsys, tmp_path):
    path, _, _ = saved
    lines = lines_of(path)
    last_event = len(lines) - 2
    del lines[last_event]  # the last event: nothing after it to contradict
    bad = tmp_path / "removed.jsonl"
    rewrite(bad, lines)
    code, _, err = run_cli(capsys, bad)
    assert code == 2 and f"line {len(lines)}: the end record counts" in err and "lines were removed or added" in err


@pytest.mark.parametrize("cut", ["mid_line", "line_boundary", "no_end_record"])
def test_truncated_log(saved, capsys, tmp_path, cut):
    path, _, _ = saved
    data = path.read_bytes()
    lines = lines_of(path)
    if cut == "mid_line":
        keep = sum(len(x) for x in lines[:400]) + 37
        expected = "line 401: truncated: the last line is incomplete (the log was cut mid-line)"
    elif cut == "line_boundary":
        keep = sum(len(x) for x in lines[:400])
        expected = "line 401: truncated: the log ends after line 400 without its end record"
    else:
        keep = len(data) - len(lines[-1])
        expected = f"line {len(lines)}: truncated: the log ends after line {len(lines) - 1} without its end record"
    bad = tmp_path / f"{cut}.jsonl"
    bad.write_bytes(data[:keep])
    code, out, err = run_cli(capsys, bad)
    assert (code, out, err) == (2, "", f"error: {bad}: {expected}")


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda line: b"this is not json\n", "line 151: no checksum"),
        (lambda line: recrc(line.replace(b'"block":', b'"block":"', 1)), "line 151: corrupt line:"),
        (lambda line: recrc(line.replace(b'"event":"', b'"event":"X', 1)), "line 151: corrupt line:"),
        (lambda line: recrc(line.replace(b'"args":{', b'"args":{"x":-1,', 1)), None),
        (lambda line: line[:40] + b"\x00\xff" + line[42:], "line 151: checksum mismatch"),
    ],
)
def test_corrupt_line(saved, capsys, tmp_path, damage, message):
    path, _, _ = saved
    lines = lines_of(path)
    lines[150] = damage(lines[150])
    bad = tmp_path / "corrupt.jsonl"
    rewrite(bad, lines)
    code, _, err = run_cli(capsys, bad)
    if message is None:  # an unknown extra argument is ignored: still consistent
        assert code == 0
    else:
        assert code == 2 and err.startswith(f"error: {bad}: {message}")


def test_damaged_header_and_trailer(saved, capsys, tmp_path):
    path, _, _ = saved
    lines = lines_of(path)
    bad = tmp_path / "bad.jsonl"
    rewrite(bad, [lines[0].replace(b"tidepool-audit-log", b"other-log")] + lines[1:])
    assert run_cli(capsys, bad)[0] == 2
    rewrite(bad, lines + [b'{"block": 1}\n'])
    code, _, err = run_cli(capsys, bad)
    assert code == 2 and f"line {len(lines) + 1}: data after the end record" in err
    bad.write_bytes(b"")
    assert run_cli(capsys, bad) == (2, "", f"error: {bad}: line 1: empty log")
    assert run_cli(capsys, tmp_path / "missing.jsonl")[0] == 2


def test_log_without_header(saved, capsys, tmp_path):
    """A plain JSON Lines event stream from elsewhere: needs --fee-bps; CRCs optional."""
    path, events, _ = saved
    plain = tmp_path / "plain.jsonl"
    plain.write_text("".join(json.dumps(e.to_dict()) + "\n" for e in events))
    code, _, err = run_cli(capsys, plain)
    assert code == 2 and "pass --fee-bps" in err
    code, out, _ = run_cli(capsys, plain, "--fee-bps", 30)
    assert code == 0 and out == f"consistent through block {events[-1].block} ({len(events)} events)"
    assert run_cli(capsys, plain, "--fee-bps", 100)[0] == 1


def test_module_entry_point(saved):
    path, events, end = saved
    done = subprocess.run([sys.executable, "-m", "python_model.audit", str(path)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == f"consistent through block {end.block} ({len(events)} events)"


def test_memory_stays_flat(tmp_path):
    """Streaming: the engine keeps a bounded state whatever the log length (no event list builds up)."""
    import tracemalloc

    synth = SyntheticPool(3)
    path = tmp_path / "long.jsonl"
    write_log(path, synth.events(6000), pool=POOL, fee_bps=30, from_block=0, to_block=synth.block)
    short = tmp_path / "short.jsonl"
    synth2 = SyntheticPool(3)
    write_log(short, synth2.events(1500), pool=POOL, fee_bps=30, from_block=0, to_block=synth2.block)
    peaks = []
    for p in (short, path):
        tracemalloc.start()
        assert audit_log(p).consistent
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < peaks[0] * 1.5 + 200_000, peaks
