"""scripts/_manifest.py: the deployment manifest's shape, validation and atomic writes (no chain)."""

from __future__ import annotations

import json
import os

import pytest

from scripts import _manifest as M

ADDRESS = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
TX = "0x" + "ab" * 32


def sample() -> M.Manifest:
    m = M.Manifest(31337, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "0.8.30+commit.73712a01", "0" * 64)
    m.record("Factory", ADDRESS, TX, 2, "Factory")
    m.record("WETH9", "0x" + "11" * 20, None, None, "WETH9")  # configured, not deployed
    m.record("Pool:dBTC/dUSD/30", "0x" + "22" * 20, TX, 9, "Pool")
    return m


def test_round_trip_keeps_shape_and_order(tmp_path):
    path = M.manifest_path(tmp_path / "deployments", 31337)
    sample().save(path)
    data = json.loads(path.read_text())
    assert tuple(data) == M.KEYS
    assert list(data["contracts"]) == ["Factory", "WETH9", "Pool:dBTC/dUSD/30"]
    assert all(tuple(e) == M.ENTRY_KEYS for e in data["contracts"].values())
    assert M.load(path) == sample()
    assert os.listdir(path.parent) == [path.name]


def test_missing_file_is_none(tmp_path):
    assert M.load(tmp_path / "1.json") is None


def test_a_name_is_recorded_once():
    m = sample()
    with pytest.raises(M.ManifestError, match="already recorded"):
        m.record("Factory", ADDRESS, TX, 3, "Factory")


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.pop("compiler"), "missing key 'compiler'"),
    (lambda d: d.update(extra=1), "unexpected key 'extra'"),
    (lambda d: d.update(chain_id="31337"), "chain_id '31337' is not a positive integer"),
    (lambda d: d.update(chain_id=True), "chain_id True is not a positive integer"),
    (lambda d: d.update(deployer="0x123"), "deployer '0x123' is not an address"),
    (lambda d: d.update(ape_config_sha256="ABC"), "ape_config_sha256 is not 64 lowercase hex digits"),
    (lambda d: d.update(contracts=[]), "contracts is not an object"),
    (lambda d: d["contracts"]["Factory"].pop("type"), "contracts.Factory has no 'type'"),
    (lambda d: d["contracts"]["Factory"].update(gas=1), "contracts.Factory has unexpected key 'gas'"),
    (lambda d: d["contracts"]["Factory"].update(block=None), "tx_hash and block must both be set or both be null"),
    (lambda d: d["contracts"]["Factory"].update(tx_hash="0x12"), "tx_hash '0x12' is not a transaction hash"),
    (lambda d: d["contracts"]["Factory"].update(block=-1), "block -1 is not a block number"),
    (lambda d: d["contracts"]["Factory"].update(address=None), "address None is not an address"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_validation_names_the_problem(tmp_path, edit, message):
    data = sample().to_json()
    edit(data)
    path = tmp_path / "31337.json"
    path.write_text(json.dumps(data))
    with pytest.raises(M.ManifestError) as err:
        M.load(path)
    assert message in str(err.value)


@pytest.mark.parametrize("content, message", [(b"", "not JSON"), (b"[1, 2]", "top level is not an object"),
                                              (b"\xff\xfe{}", "cannot read it")])
def test_corrupt_files(tmp_path, content, message):
    path = tmp_path / "31337.json"
    path.write_bytes(content)
    with pytest.raises(M.ManifestError, match=message):
        M.load(path)


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "31337.json"
    sample().save(path)
    before = path.read_bytes()

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(M.os, "replace", broken)
    m = sample()
    m.record("Router", "0x" + "33" * 20, TX, 3, "Router")
    with pytest.raises(OSError):
        m.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == [path.name]


def test_an_invalid_manifest_is_never_written(tmp_path):
    m = sample()
    m.chain_id = 0
    with pytest.raises(M.ManifestError):
        m.save(tmp_path / "0.json")
    assert os.listdir(tmp_path) == []


def test_sha256_file(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    assert M.sha256_file(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
