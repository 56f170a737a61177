"""`ape run deploy` the way a testnet user runs it, on a stand-in testnet (see conftest.py), and every
bad input it must refuse with one line and exit status 1, writing nothing.

Each case is one `ape run` subprocess (a few seconds each), so the cases are few and to the point.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scriptkit import ALIAS, PASSPHRASE, ROOT, TIDENET_CHAIN_ID, ape, ape_env
from scriptkit import ape_home, standin  # noqa: F401  (fixtures)

from scripts._manifest import ENTRY_KEYS, KEYS, load, sha256_file

pytestmark = pytest.mark.chain

CORE = ("WETH9", "Factory", "Router", "RewardToken", "Farm")
TYPES = {"WETH9": "WETH9", "Factory": "Factory", "Router": "Router", "RewardToken": "TestERC20", "Farm": "Farm"}


def deploy(standin, ape_home, deployments: Path, *extra: str, account: str | None = ALIAS, passphrase=PASSPHRASE):
    env = ape_env(ape_home["home"], deployments)
    if passphrase is not None and account is not None:
        env[f"APE_ACCOUNTS_{account}_PASSPHRASE"] = passphrase
    args = ["run", "deploy", "--network", standin.network, *extra]
    if account is not None:
        args += ["--account", account]
    return ape(*args, env=env)


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture(scope="module")
def deployed(standin, ape_home, tmp_path_factory):
    """The first deployment on the stand-in testnet, by the imported account."""
    standin.set_balance(ape_home["address"], 10 * 10**18)
    folder = tmp_path_factory.mktemp("deployments")
    run = deploy(standin, ape_home, folder)
    assert run.returncode == 0, run.output
    return folder, run


def test_deploys_the_core_contracts_and_records_them(standin, ape_home, deployed):
    folder, run = deployed
    path = folder / f"{TIDENET_CHAIN_ID}.json"
    assert files(folder) == [path.name]  # no temporary files left
    data = json.loads(path.read_text())
    assert tuple(data) == KEYS
    assert data["chain_id"] == TIDENET_CHAIN_ID
    assert data["deployer"] == ape_home["address"]
    assert data["compiler"].startswith("0.8.30+commit.")
    assert data["ape_config_sha256"] == sha256_file(ROOT / "ape-config.yaml")
    assert tuple(data["contracts"]) == CORE  # no demo tokens or pools off a local chain
    blocks = []
    for name, entry in data["contracts"].items():
        assert tuple(entry) == ENTRY_KEYS
        assert entry["type"] == TYPES[name]
        assert standin.code(entry["address"]) not in ("0x", "")
        receipt = standin.rpc("eth_getTransactionReceipt", entry["tx_hash"])
        assert receipt["status"] == "0x1"
        assert int(receipt["blockNumber"], 16) == entry["block"]
        assert receipt["contractAddress"].lower() == entry["address"].lower()
        assert receipt["from"].lower() == ape_home["address"].lower()
        blocks.append(entry["block"])
    assert blocks == sorted(blocks)
    assert load(path).address("Router") == data["contracts"]["Router"]["address"]
    assert "5 deployed now" in run.output


def test_rerun_deploys_nothing(standin, ape_home, deployed):
    folder, _ = deployed
    path = folder / f"{TIDENET_CHAIN_ID}.json"
    before, height = path.read_bytes(), standin.block_number()
    run = deploy(standin, ape_home, folder)
    assert run.returncode == 0, run.output
    assert "0 deployed now" in run.output
    assert run.output.count("already deployed") == len(CORE)
    assert standin.block_number() == height  # not a single transaction
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--network", "ethereum:no-such-net"], "Error: unknown network: No network in 'ethereum' named 'no-such-net'"),
        (["--account", "nobody"], "Error: unknown account: Account with alias 'nobody' not found"),
    ],
    ids=["unknown-network", "unknown-account"],
)
def test_unknown_network_or_account(standin, ape_home, tmp_path, args, expected):
    env = ape_env(ape_home["home"], tmp_path)
    base = {"--network": standin.network, "--account": ALIAS}
    base.update(dict(zip(args[::2], args[1::2])))
    run = ape("run", "deploy", *[x for pair in base.items() for x in pair], env=env)
    assert run.one_line_error().startswith(expected)
    assert files(tmp_path) == []


def test_account_is_required_off_a_local_chain(standin, ape_home, tmp_path):
    run = deploy(standin, ape_home, tmp_path, account=None)
    assert run.one_line_error().startswith("Error: --account ALIAS is required on ethereum:tidenet")
    assert files(tmp_path) == []


@pytest.mark.parametrize("passphrase, expected", [
    (None, f"Error: account '{ALIAS}' is locked: set APE_ACCOUNTS_{ALIAS}_PASSPHRASE to its passphrase"),
    ("not the passphrase", f"Error: account '{ALIAS}' is locked: the passphrase in APE_ACCOUNTS_{ALIAS}_PASSPHRASE"),
], ids=["no-passphrase", "wrong-passphrase"])
def test_locked_account(standin, ape_home, tmp_path, passphrase, expected):
    run = deploy(standin, ape_home, tmp_path, passphrase=passphrase)
    assert run.one_line_error().startswith(expected)
    assert files(tmp_path) == []


def test_insufficient_funds_sends_nothing(standin, ape_home, tmp_path):
    height = standin.block_number()
    run = deploy(standin, ape_home, tmp_path, account="poor")
    line = run.one_line_error()
    assert line.startswith(f"Error: insufficient funds: {ape_home['poor']} has 0 ETH on chain {TIDENET_CHAIN_ID}")
    assert "need about" in line
    assert standin.block_number() == height
    assert files(tmp_path) == []


def _bad_manifest(deployed, tmp_path, edit) -> Path:
    folder, _ = deployed
    data = json.loads((folder / f"{TIDENET_CHAIN_ID}.json").read_text())
    path = tmp_path / f"{TIDENET_CHAIN_ID}.json"
    text = edit(data)
    path.write_text(text if isinstance(text, str) else json.dumps(data))
    return path


def _set(data, key, value):
    data[key] = value


@pytest.mark.parametrize("edit, expected", [
    (lambda d: _set(d, "chain_id", 11155111),
     f"is for chain 11155111 but the connected chain is {TIDENET_CHAIN_ID}"),
    (lambda d: '{"chain_id": 31338, "deployer": ',
     "is corrupt: not JSON"),
    (lambda d: d["contracts"]["Farm"].update(address="0x" + "5a" * 20),
     "does not match this chain: no code at Farm 0x" + "5a" * 20),
], ids=["chain-id-mismatch", "not-json", "no-code"])  # shape errors: test_manifest.py
def test_bad_manifest_is_refused_and_left_alone(standin, ape_home, deployed, tmp_path, edit, expected):
    path = _bad_manifest(deployed, tmp_path, edit)
    before, height = path.read_bytes(), standin.block_number()
    run = deploy(standin, ape_home, tmp_path)
    line = run.one_line_error()
    assert expected in line, line
    assert path.read_bytes() == before
    assert files(tmp_path) == [path.name]
    assert standin.block_number() == height


def test_fresh_sets_a_corrupt_manifest_aside_and_deploys_anew(standin, ape_home, deployed, tmp_path):
    path = tmp_path / f"{TIDENET_CHAIN_ID}.json"
    path.write_text("{ not json")
    run = deploy(standin, ape_home, tmp_path, "--fresh")
    assert run.returncode == 0, run.output
    assert (tmp_path / f"{path.name}.bak").read_text() == "{ not json"
    assert files(tmp_path) == [path.name, f"{path.name}.bak"]
    fresh = load(path)
    old = load(deployed[0] / path.name)
    assert tuple(fresh.contracts) == CORE
    assert all(fresh.address(n) != old.address(n) for n in CORE)  # new contracts, not the old ones
