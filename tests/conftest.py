"""Shared fixtures: compiled artifacts, the two chain backends, hypothesis profiles, and a step counter.

Profiles (choose with HYPOTHESIS_PROFILE, default `ci`):
- ci:   every property suite at CI size (the whole `make test` well inside 15 minutes on 2 cores).
- quick: a smoke run while editing.
- deep: ten times the examples and longer rule sequences, for long local or nightly runs.
State machines take their size from `machine_settings(backend)`, which scales with the profile.
"""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings

from chain import Artifacts
from chain.revm import RevmChain

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
_quiet = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
settings.register_profile("ci", max_examples=200, deadline=None, suppress_health_check=_quiet, print_blob=True)
settings.register_profile("quick", max_examples=20, deadline=None, suppress_health_check=_quiet, print_blob=True)
settings.register_profile("deep", max_examples=5000, deadline=None, suppress_health_check=_quiet, print_blob=True)
settings.load_profile(PROFILE)

# (examples, steps per example) for one state machine, per backend and profile.
_MACHINE_SIZES = {
    ("ci", "revm"): (1000, 60),
    ("ci", "anvil"): (40, 60),
    ("quick", "revm"): (200, 30),
    ("quick", "anvil"): (3, 20),
    ("deep", "revm"): (10000, 120),
    ("deep", "anvil"): (400, 120),
}


def machine_settings(backend: str, scale: float = 1.0) -> settings:
    """Hypothesis settings for a state machine on `backend` ('revm' or 'anvil') under the active profile."""
    examples, steps = _MACHINE_SIZES[(PROFILE, backend)]
    return settings(
        settings.get_profile(PROFILE),
        max_examples=max(1, int(examples * scale)),
        stateful_step_count=steps,
    )


# --- step accounting, printed at the end of the run ------------------------------------------------
STEPS: Counter = Counter()
SECONDS: Counter = Counter()
CPU_SECONDS: Counter = Counter()
NOTES: list[str] = []  # extra lines for the summary (e.g. how soon each mutant was caught)


def count_step(backend: str) -> None:
    """Called by every state machine after each executed rule (and by the program driver after each
    operation): one step is one rule or operation followed by the full model comparison."""
    STEPS[backend] += 1


@pytest.fixture
def timed_backend():
    """Adds the wall and CPU time of a test to its backend's total: yields a setter for the backend name.
    CPU time is this process's (the harness, model and in-process EVM; not the Anvil node's)."""
    box = {}
    start, cpu = time.perf_counter(), time.process_time()
    yield box
    if "backend" in box:
        SECONDS[box["backend"]] += time.perf_counter() - start
        CPU_SECONDS[box["backend"]] += time.process_time() - cpu


# Under pytest-xdist every worker counts its own steps; each hands its totals to the controller, which
# prints the sums (the rates are then per worker-second, summed over the workers).
def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["tidepool_steps"] = [dict(STEPS), dict(SECONDS), dict(CPU_SECONDS), list(NOTES)]


@pytest.hookimpl(optionalhook=True)  # an xdist hook: harmless without xdist
def pytest_testnodedown(node, error):
    steps, seconds, cpu_seconds, notes = getattr(node, "workeroutput", {}).get("tidepool_steps", ({}, {}, {}, []))
    STEPS.update(steps)
    SECONDS.update(seconds)
    CPU_SECONDS.update(cpu_seconds)
    NOTES.extend(notes)


def pytest_terminal_summary(terminalreporter):
    if not STEPS and not NOTES:
        return
    terminalreporter.section("state machine steps")
    for backend, steps in sorted(STEPS.items()):
        secs, cpu = SECONDS.get(backend, 0.0), CPU_SECONDS.get(backend, 0.0)
        timing = f" in {secs:,.1f} s, {steps / secs:,.0f} steps/s" if secs else ""
        if secs and cpu:
            timing += f" ({steps / cpu:,.0f} per harness CPU second)"
        terminalreporter.write_line(f"{backend}: {steps:,} steps{timing} (profile {PROFILE})")
    for line in NOTES:
        terminalreporter.write_line(line)


# --- backends -----------------------------------------------------------------------------------------
CHAIN_FIXTURES = {"chain", "revm_chain", "anvil_chain"}


def pytest_collection_modifyitems(items):
    for item in items:
        if CHAIN_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.chain)


def pytest_configure(config):
    config.addinivalue_line("markers", "chain: needs a chain backend (in-process EVM or Anvil)")


@pytest.fixture(scope="session")
def artifacts() -> Artifacts:
    return Artifacts()


# Chains and the worlds deployed on them are per test: Ape's isolation reverts Anvil to its own snapshot
# after every test, which removes whatever a longer-lived fixture had deployed (and its snapshots).
@pytest.fixture
def revm_chain(artifacts):
    return RevmChain(artifacts)


@pytest.fixture
def anvil_chain(artifacts):
    from ape import accounts as ape_accounts
    from ape import chain as ape_chain

    from chain.anvil import AnvilChain

    provider = ape_chain.provider
    if provider.name != "foundry":
        pytest.fail(f"the Anvil backend needs Ape's foundry provider, got {provider.name!r}")
    return AnvilChain(artifacts, provider.uri, [a.address for a in ape_accounts.test_accounts])


@pytest.fixture(params=["revm", "anvil"])
def chain(request):
    """Each test that takes `chain` runs on both backends."""
    return request.getfixturevalue(f"{request.param}_chain")
