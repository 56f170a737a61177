"""`ape run simulate` and `ape run demo` on the embedded Anvil: the chain agrees with the model, the
market is a function of the seed (two simulations and the demo end on the same model fingerprint and
the same head block hash: the same chain, block for block), and the demo ends with the audit verdicts
and the LP report."""

from __future__ import annotations

import re

import pytest
from scriptkit import ape, ape_env

pytestmark = pytest.mark.chain

CHECK = re.compile(
    r"chain state == model state: (\d+) values equal; fingerprint ([0-9a-f]{16}); head block (\d+) (0x[0-9a-f]{64})"
)


def run(script: str, tmp_path, *args: str, seed: int = 11):
    home = tmp_path / "ape-data"
    home.mkdir(exist_ok=True)
    env = ape_env(home, tmp_path / "deployments")
    done = ape("run", script, "--rounds", "6", "--seed", str(seed), *args, env=env)
    assert done.returncode == 0, done.output
    found = CHECK.search(done.output)
    assert found, done.output
    values, fingerprint, number, head = found.groups()
    return int(values), (fingerprint, int(number), head), done.output


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """One simulation of seed 11 that the other tests compare with."""
    return run("simulate", tmp_path_factory.mktemp("first"))


def test_simulate_runs_and_the_model_agrees(first):
    values, _, output = first
    assert values > 200
    for section in ("pools", "fees earned per LP", "farm rewards per staker", "model check"):
        assert section in output


def test_same_seed_same_chain(first, tmp_path):
    # A second run finds the first run's manifest stale (a new Anvil), says so and starts over, and the
    # same seed gives the same model state and the same chain, to the head block's hash.
    run("simulate", tmp_path)
    _, outcome, output = run("simulate", tmp_path)
    assert "this local chain is new" in output
    assert outcome == first[1]


def test_another_seed_another_market(first, tmp_path):
    _, outcome, _ = run("simulate", tmp_path, seed=12)
    assert outcome[0] != first[1][0] and outcome[2] != first[1][2]


def test_demo_runs_the_same_market_and_the_model_agrees(first, tmp_path):
    values, outcome, output = run("demo", tmp_path)
    assert (values, outcome) == (first[0], first[1])
    assert "consistent through block" in output and "LP report" in output
