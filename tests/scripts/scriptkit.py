"""Helpers and fixtures for the Ape script tests (a test module imports the fixtures it uses; no conftest.py
here: the other suites import names from tests/conftest.py as `conftest`): `ape run ...` in a subprocess,
a stand-in testnet, imported accounts.

The stand-in testnet is a second Anvil that the test starts itself on a free 127.0.0.1 port with the
chain id of ape-config.yaml's custom network `tidenet` (31338); the scripts reach it like a remote node:
`--network ethereum:tidenet:http://127.0.0.1:<port>`. Accounts live in a temporary APE_DATA_FOLDER, so
the developer's own Ape accounts are neither used nor touched.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
APE = Path(sys.executable).parent / "ape"
ANVIL = ROOT / ".tools" / "bin" / "anvil"
TIDENET_CHAIN_ID = 31338
PASSPHRASE = "correct horse battery staple 42!"
ALIAS = "tidetest"


@dataclass
class Run:
    returncode: int
    output: str  # stdout and stderr together

    @property
    def errors(self) -> list[str]:
        return [line for line in self.output.splitlines() if line.startswith("Error:")]

    def one_line_error(self) -> str:
        """The single `Error:` line of a failed run (asserts there is exactly one and no traceback)."""
        assert self.returncode == 1, self.output
        assert "Traceback" not in self.output, self.output
        assert len(self.errors) == 1, self.output
        return self.errors[0]


def ape_env(data_folder: Path, deployments: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APE_ACCOUNTS_")}
    env.update(APE_DATA_FOLDER=str(data_folder), TIDEPOOL_DEPLOYMENTS=str(deployments), PYTHONUNBUFFERED="1")
    env["PATH"] = os.pathsep.join([str(ROOT / ".tools" / "bin"), str(ROOT / "node_modules" / ".bin"),
                                   str(APE.parent), env.get("PATH", "")])
    env.setdefault("SOLCX_BINARY_PATH", str(ROOT / ".tools" / "solcx"))
    env.update(extra)
    return env


def ape(*args: str, env: dict, stdin: str | None = None, timeout: float = 600) -> Run:
    """Runs `ape <args>` in the project, without a terminal (stdin is a pipe or /dev/null)."""
    done = subprocess.run(
        [str(APE), *args], cwd=ROOT, env=env, text=True, timeout=timeout,
        input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    return Run(done.returncode, done.stdout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    """A running Anvil: JSON-RPC helpers for the checks."""

    def __init__(self, url: str):
        self.url = url
        self._http = requests.Session()

    def rpc(self, method: str, *params):
        reply = self._http.post(self.url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)},
                                timeout=30).json()
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def block_number(self) -> int:
        return int(self.rpc("eth_blockNumber"), 16)

    def code(self, address: str) -> str:
        return self.rpc("eth_getCode", address, "latest")

    def set_balance(self, address: str, wei: int) -> None:
        self.rpc("anvil_setBalance", address, hex(wei))


@pytest.fixture(scope="module")
def standin():
    """A stand-in testnet: Anvil on a free port with tidenet's chain id, stopped at teardown."""
    port = free_port()
    proc = subprocess.Popen(
        [str(ANVIL), "--host", "127.0.0.1", "--port", str(port), "--chain-id", str(TIDENET_CHAIN_ID),
         "--accounts", "1", "--silent"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    node = Node(f"http://127.0.0.1:{port}")
    node.network = f"ethereum:tidenet:{node.url}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert int(node.rpc("eth_chainId"), 16) == TIDENET_CHAIN_ID
                break
            except (requests.ConnectionError, requests.Timeout):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"anvil did not start on port {port}") from None
                time.sleep(0.2)
        yield node
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def ape_home(tmp_path_factory):
    """A private APE_DATA_FOLDER with one account imported the way a user does it (`ape accounts
    import`, answering the prompts on stdin) and one written as a keyfile (no funds)."""
    from eth_account import Account

    home = tmp_path_factory.mktemp("ape-data")
    key = Account.create()
    env = ape_env(home, home / "unused")
    run = ape("accounts", "import", ALIAS, env=env, stdin=f"{key.key.hex()}\n{PASSPHRASE}\n{PASSPHRASE}\n")
    assert run.returncode == 0, run.output
    keyfile = json.loads((home / "accounts" / f"{ALIAS}.json").read_text())
    assert keyfile["address"].lower() == key.address[2:].lower()
    poor = Account.create()
    (home / "accounts" / "poor.json").write_text(json.dumps(Account.encrypt(poor.key, PASSPHRASE)))
    return {"home": home, "address": key.address, "poor": poor.address}
