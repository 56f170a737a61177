"""The deployment plan and the idempotent deployer behind `ape run deploy` (and `demo`, `simulate`).

Everywhere: Factory, Router (over a WETH), the reward token and the Farm. On a local chain also WETH9
and a TestERC20 reward token, three demo tokens of 6, 8 and 18 decimals, four pools, their seed
liquidity (through the Router), their farm pools and a funded emission schedule.

Each contract is deployed only if the manifest does not list it; the manifest is saved after every
confirmed deployment, so an interrupted run resumes where it stopped. The seeding steps are skipped
when the chain shows them done (a pool with liquidity, a farm pool already added, a funded farm).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ape import chain, project
from ape.exceptions import ApeException
from rich.console import Console
from rich.table import Table

from scripts._cli import PROJECT, Fail, console_for_output, ether
from scripts._manifest import Manifest, ManifestError, load, manifest_path, sha256_file

APE_CONFIG = PROJECT / "ape-config.yaml"
BUILD_MANIFEST = PROJECT / ".build" / "__local__.json"


@dataclass(frozen=True)
class TokenSpec:
    name: str  # manifest name
    title: str
    symbol: str
    decimals: int
    usd: float  # reference price at genesis (the simulation's random walk starts here)


@dataclass(frozen=True)
class PoolSpec:
    base: str  # symbols; the manifest name is Pool:<base>/<quote>/<fee>
    quote: str
    fee: int
    base_amount: int  # whole tokens of seed liquidity
    quote_amount: int
    alloc_point: int  # farm weight

    @property
    def name(self) -> str:
        return f"Pool:{self.base}/{self.quote}/{self.fee}"


DEMO_TOKENS = (
    TokenSpec("Token6", "Demo USD", "dUSD", 6, 1.0),
    TokenSpec("Token8", "Demo BTC", "dBTC", 8, 60_000.0),
    TokenSpec("Token18", "Demo DAI", "dDAI", 18, 1.0),
)
WETH_USD = 3_000.0
REWARD = TokenSpec("RewardToken", "Tidepool Reward", "TIDE", 18, 0.0)
DEMO_POOLS = (
    PoolSpec("dUSD", "dDAI", 5, 1_000_000, 1_000_000, 10),
    PoolSpec("dBTC", "dUSD", 30, 20, 1_200_000, 30),
    PoolSpec("WETH", "dUSD", 30, 400, 1_200_000, 40),
    PoolSpec("dBTC", "WETH", 100, 10, 200, 20),
)
FARM_FUNDING = 1_000_000 * 10**18  # TIDE emitted over FARM_DURATION
FARM_DURATION = 30 * 86_400

# Gas per step, measured on Anvil and rounded up by about a fifth: the funds check before deploying.
GAS = {
    "WETH9": 850_000,  # measured 704k
    "Factory": 3_900_000,  # 3.23M
    "Router": 4_200_000,  # 3.49M
    "TestERC20": 800_000,  # 645k
    "Farm": 3_500_000,  # 2.94M
    "Pool": 2_400_000,  # createPool 2.00M
    "seed": 3_200_000,  # mints, approvals, four addLiquidity, four addPool, fund: 2.6M
}


@dataclass
class Deployment:
    """A deployed system: the manifest, Ape contract instances by manifest name, and the plan's specs."""

    manifest: Manifest
    path: Path
    deployer: object  # Ape account
    local: bool
    contracts: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)  # symbol -> Ape contract (demo tokens and WETH)
    specs: dict = field(default_factory=dict)  # symbol -> TokenSpec (WETH included)
    pools: list = field(default_factory=list)  # PoolSpec in plan order
    deployed: list = field(default_factory=list)  # manifest names deployed by this run

    def __getitem__(self, name: str):
        return self.contracts[name]


def compiler_version() -> str:
    """The solc version Ape compiled the contracts with (from .build/__local__.json)."""
    import json

    try:
        data = json.loads(BUILD_MANIFEST.read_text())
        return next(c["version"] for c in data.get("compilers", []) if c.get("name") == "solidity")
    except (OSError, ValueError, StopIteration):
        raise Fail("no compiled contracts: run `make compile` first") from None


def _network_settings(network) -> dict:
    """tidepool.<ecosystem>.<network> from ape-config.yaml (env vars expanded by Ape), or {}."""
    from ape.utils.basemodel import ManagerAccessMixin

    config = ManagerAccessMixin.config_manager.get_config("tidepool")
    data = config.model_dump(by_alias=True) if hasattr(config, "model_dump") else dict(config or {})
    section = (data.get(network.ecosystem.name) or {}).get(network.name) or {}
    if not isinstance(section, dict):
        raise Fail(f"tidepool.{network.ecosystem.name}.{network.name} in ape-config.yaml is not a mapping")
    return section


def _choice(setting: str | None, what: str, network, local: bool) -> str:
    """'deploy' or a checksummed address for the WETH or the reward token."""
    where = f"tidepool.{network.ecosystem.name}.{network.name}.{what}"
    if setting is None:
        if local:
            return "deploy"
        raise Fail(
            f"no {what} configured for {network.ecosystem.name}:{network.name}: set {where} in ape-config.yaml "
            f"(an address, or `deploy`) or pass --{what.replace('_', '-')}"
        )
    setting = str(setting).strip()
    if setting == "deploy":
        return setting
    from eth_utils import is_address, to_checksum_address

    if not is_address(setting):
        raise Fail(f"{where} (or --{what.replace('_', '-')}) = {setting!r} is neither an address nor `deploy`")
    return to_checksum_address(setting)


class Deployer:
    def __init__(self, provider, account, *, deployments_dir: Path, fresh: bool, weth: str | None,
                 reward_token: str | None, console: Console):
        self.provider = provider
        self.network = provider.network
        self.account = account
        self.local = bool(self.network.is_local)
        self.console = console
        self.chain_id = chain.chain_id
        self.path = manifest_path(deployments_dir, self.chain_id)
        self.fresh = fresh
        settings = _network_settings(self.network)
        self.weth_choice = _choice(weth or settings.get("weth"), "weth", self.network, self.local)
        self.reward_choice = _choice(
            reward_token or settings.get("reward_token"), "reward_token", self.network, self.local
        )
        self.deployed: list[str] = []
        self.pin_time = True  # local chains: one second per block

    # --- the manifest ---------------------------------------------------------------------------
    def open_manifest(self) -> Manifest:
        new = Manifest(self.chain_id, self.account.address, compiler_version(), sha256_file(APE_CONFIG))
        try:
            old = load(self.path)
        except ManifestError as err:
            if not self.fresh:
                raise Fail(f"{self._rel()} is corrupt: {err} (fix it, or start over with --fresh)") from None
            self._set_aside("corrupt")
            return new
        if old is None:
            return new
        if self.fresh:
            self._set_aside("--fresh")
            return new
        if old.chain_id != self.chain_id:
            raise Fail(
                f"{self._rel()} is for chain {old.chain_id} but the connected chain is {self.chain_id} "
                "(wrong file or wrong network; --fresh starts a new manifest)"
            )
        missing = [name for name, entry in old.contracts.items() if not self._has_code(entry["address"])]
        if missing:
            first = missing[0]
            detail = f"no code at {first} {old.contracts[first]['address']}"
            if len(missing) == len(old.contracts) and self.local:
                self.console.print(
                    f"[yellow]{self._rel()}: this local chain is new ({detail}); starting a new manifest[/]"
                )
                return new
            raise Fail(
                f"{self._rel()} does not match this chain: {detail} ({len(missing)} of {len(old.contracts)} "
                "contracts missing; chain reset or wrong RPC? --fresh deploys anew)"
            )
        if old.deployer.lower() != self.account.address.lower():
            raise Fail(
                f"{self._rel()} was deployed by {old.deployer}, not by {self.account.address} "
                "(use that account, or start over with --fresh)"
            )
        if old.compiler != new.compiler:
            self.console.print(
                f"[yellow]note: the recorded contracts were compiled by solc {old.compiler}, "
                f"new ones by {new.compiler}[/]"
            )
        old.compiler, old.ape_config_sha256 = new.compiler, new.ape_config_sha256
        return old

    def _rel(self) -> str:
        try:
            return str(self.path.resolve().relative_to(Path.cwd()))
        except ValueError:
            return str(self.path)

    def _set_aside(self, why: str) -> None:
        backup = self.path.with_name(self.path.name + ".bak")
        self.path.replace(backup)
        self.console.print(f"[yellow]{self._rel()} moved to {backup.name} ({why}): starting a new manifest[/]")

    def _has_code(self, address: str) -> bool:
        from eth_utils import to_checksum_address

        return len(self.provider.get_code(to_checksum_address(address))) > 0

    def save(self) -> None:
        self.manifest.save(self.path)

    # --- transactions ---------------------------------------------------------------------------
    def _guard(self, what: str, send):
        """Runs one transaction; Ape's balance and node errors become one line naming the step.

        On a local chain each block is one second after the last, so that runs are reproducible.
        """
        if self.local and self.pin_time:
            try:
                chain.pending_timestamp = chain.blocks.head.timestamp + 1
                # Every later block too (a step may send several transactions): Anvil otherwise dates
                # them by the wall clock, and a loaded machine would change the market's history.
                chain.provider.make_request("anvil_setBlockTimestampInterval", [1])
            except (ApeException, NotImplementedError):  # a provider that cannot (Ape's `node`)
                self.pin_time = False
        try:
            return send()
        except ApeException as err:
            text = " ".join(str(err).split())
            if "balance" in text.lower() or "insufficient funds" in text.lower():
                have = self.provider.get_balance(self.account.address)
                raise Fail(
                    f"insufficient funds: {what} needs more ETH than {self.account.address} has "
                    f"({ether(have)}); {self._progress()}"
                ) from None
            raise Fail(f"{what} failed: {type(err).__name__}: {text}; {self._progress()}") from None

    def _progress(self) -> str:
        done = len(self.manifest.contracts)
        return f"{done} contracts recorded in {self._rel()}, a re-run resumes" if done else "nothing recorded"

    def _deploy(self, name: str, type_name: str, *args):
        if name in self.manifest:
            return self._at(name)
        container = getattr(project, type_name)
        instance = self._guard(f"deploying {name}", lambda: container.deploy(*args, sender=self.account))
        meta = instance.creation_metadata
        self.manifest.record(name, instance.address, _hex(meta.txn_hash), int(meta.block), type_name)
        self.save()
        self.deployed.append(name)
        self._line(name, instance.address, f"deployed in block {meta.block}")
        return instance

    def _external(self, name: str, type_name: str, address: str):
        if name in self.manifest:
            recorded = self.manifest.address(name)
            if recorded.lower() != address.lower():
                raise Fail(
                    f"{self._rel()} records {name} at {recorded} but the configuration says {address} "
                    "(--fresh starts over)"
                )
            return self._at(name)
        if not self._has_code(address):
            raise Fail(f"the configured {name} {address} has no code on chain {self.chain_id}")
        self.manifest.record(name, address, None, None, type_name)
        self.save()
        self._line(name, address, "configured")
        return project.get_contract(type_name).at(address)

    def _at(self, name: str):
        entry = self.manifest.contracts[name]
        self._line(name, entry["address"], "already deployed" if entry["tx_hash"] else "configured")
        return project.get_contract(entry["type"]).at(entry["address"])

    def _line(self, name: str, address: str, status: str) -> None:
        self.console.print(f"  {name:<22} {address}  [dim]{status}[/]")

    # --- funds ----------------------------------------------------------------------------------
    def check_funds(self, plan: list[tuple[str, str]]) -> None:
        """Refuses to start when the deployer cannot pay for what is left (nothing is sent then)."""
        todo = [(name, kind) for name, kind in plan if name not in self.manifest]
        if not todo:
            return
        gas = sum(GAS[kind] for _, kind in todo)
        try:
            price = 2 * self.provider.base_fee + self.provider.priority_fee
        except (ApeException, NotImplementedError, AttributeError):
            price = self.provider.gas_price
        price = max(price, 10**9)  # never assume gas is free: at least 1 gwei
        need = gas * price
        have = self.provider.get_balance(self.account.address)
        if have < need:
            raise Fail(
                f"insufficient funds: {self.account.address} has {ether(have)} on chain {self.chain_id}; "
                f"the {len(todo)} steps left need about {ether(need)} ({gas:,} gas at {price / 1e9:g} gwei)"
            )

    # --- the plan ---------------------------------------------------------------------------------
    def plan(self) -> list[tuple[str, str]]:
        """(manifest name, gas kind) of every contract in deployment order, plus the seeding step."""
        steps = [("WETH9", "WETH9")] if self.weth_choice == "deploy" else []
        steps += [("Factory", "Factory"), ("Router", "Router")]
        steps += [("RewardToken", "TestERC20")] if self.reward_choice == "deploy" else []
        steps += [("Farm", "Farm")]
        if self.local:
            steps += [(spec.name, "TestERC20") for spec in DEMO_TOKENS]
            steps += [(pool.name, "Pool") for pool in DEMO_POOLS]
            steps += [("seed", "seed")]
        return steps

    def run(self) -> Deployment:
        self.manifest = self.open_manifest()
        net = f"{self.network.ecosystem.name}:{self.network.name}"
        self.console.print(
            f"[bold]deploy[/] to {net} (chain {self.chain_id}) as {self.account.address} -> {self._rel()}"
        )
        plan = self.plan()
        seeded = self.local and self._seeded_already()
        self.check_funds([(n, k) for n, k in plan if not (n == "seed" and seeded)])

        d = Deployment(self.manifest, self.path, self.account, self.local)
        c = d.contracts
        if self.weth_choice == "deploy":
            c["WETH9"] = self._deploy("WETH9", "WETH9")
        else:
            c["WETH9"] = self._external("WETH9", "WETH9", self.weth_choice)
        c["Factory"] = self._deploy("Factory", "Factory")
        c["Router"] = self._deploy("Router", "Router", c["Factory"].address, c["WETH9"].address)
        if self.reward_choice == "deploy":
            c["RewardToken"] = self._deploy("RewardToken", "TestERC20", REWARD.title, REWARD.symbol, REWARD.decimals)
        else:
            c["RewardToken"] = self._external("RewardToken", "TestERC20", self.reward_choice)
        c["Farm"] = self._deploy("Farm", "Farm", c["RewardToken"].address, self.account.address)

        d.tokens["WETH"] = c["WETH9"]
        d.specs["WETH"] = TokenSpec("WETH9", "Wrapped Ether", "WETH", 18, WETH_USD)
        if self.local:
            for spec in DEMO_TOKENS:
                c[spec.name] = self._deploy(spec.name, "TestERC20", spec.title, spec.symbol, spec.decimals)
                d.tokens[spec.symbol] = c[spec.name]
                d.specs[spec.symbol] = spec
            for pool in DEMO_POOLS:
                c[pool.name] = self._create_pool(pool, d)
                d.pools.append(pool)
            if seeded:
                self.console.print("  seed liquidity, farm pools and funding: [dim]already done[/]")
            else:
                self._seed(d)
        d.deployed = list(self.deployed)
        self.console.print(
            f"  {len(self.deployed)} deployed now, {len(self.manifest.contracts)} in {self._rel()}"
        )
        return d

    def _create_pool(self, pool: PoolSpec, d: Deployment):
        if pool.name in self.manifest:
            return self._at(pool.name)
        factory = d["Factory"]
        a, b = d.tokens[pool.base].address, d.tokens[pool.quote].address
        existing = factory.getPool(a, b, pool.fee)
        if int(existing, 16) == 0:
            receipt = self._guard(
                f"creating {pool.name}", lambda: factory.createPool(a, b, pool.fee, sender=self.account)
            )
            address = factory.getPool(a, b, pool.fee)
            tx_hash, block = _hex(receipt.txn_hash), receipt.block_number
            status = f"created in block {block}"
            self.deployed.append(pool.name)
        else:  # created by an earlier run that stopped before recording it
            token0, token1 = sorted((a, b), key=lambda x: int(x, 16))
            start = self.manifest.contracts["Factory"]["block"] or 0
            topics = {"token0": token0, "token1": token1, "fee": pool.fee}
            logs = factory.PoolCreated.range(start, chain.blocks.head.number + 1, search_topics=topics)
            log = next(iter(logs), None)
            address = existing
            tx_hash, block = (_hex(log.transaction_hash), log.block_number) if log else (None, None)
            status = "found on chain"
        self.manifest.record(pool.name, address, tx_hash, block, "Pool")
        self.save()
        self._line(pool.name, address, status)
        return project.Pool.at(address)

    # --- seeding (local chains) -----------------------------------------------------------------
    def _seeded_already(self) -> bool:
        if "Farm" not in self.manifest:
            return False
        farm = project.Farm.at(self.manifest.address("Farm"))
        return farm.totalFunded() > 0

    def _seed(self, d: Deployment) -> None:
        """Seed liquidity in every pool (Router), add the farm pools and fund the farm, unless done."""
        me = self.account
        router, farm = d["Router"], d["Farm"]
        deadline = chain.blocks.head.timestamp + 3_600
        for pool in d.pools:
            lp = d[pool.name]
            if lp.totalSupply() > 0:
                continue
            amounts = {}
            for symbol, whole in ((pool.base, pool.base_amount), (pool.quote, pool.quote_amount)):
                amount = whole * 10 ** d.specs[symbol].decimals
                amounts[symbol] = amount
                if symbol == "WETH":
                    continue  # paid in ETH through addLiquidityETH
                token = d.tokens[symbol]
                self._guard(f"minting {symbol}", lambda: token.mint(me, amount, sender=me))
                self._guard(f"approving {symbol}", lambda: token.approve(router, amount, sender=me))
            if "WETH" in (pool.base, pool.quote):
                other = pool.quote if pool.base == "WETH" else pool.base
                token = d.tokens[other]
                self._guard(
                    f"seeding {pool.name}",
                    lambda: router.addLiquidityETH(
                        token, pool.fee, amounts[other], amounts[other], amounts["WETH"], me, deadline,
                        sender=me, value=amounts["WETH"],
                    ),
                )
            else:
                a, b = d.tokens[pool.base], d.tokens[pool.quote]
                self._guard(
                    f"seeding {pool.name}",
                    lambda: router.addLiquidity(
                        a, b, pool.fee, amounts[pool.base], amounts[pool.quote], amounts[pool.base],
                        amounts[pool.quote], me, deadline, sender=me,
                    ),
                )
            self._line(pool.name, lp.address, f"seeded: {lp.totalSupply():,} LP")
        for pool in d.pools:
            lp = d[pool.name]
            exists, _ = farm.poolIdOf(lp)
            if not exists:
                self._guard(f"adding {pool.name} to the farm", lambda: farm.addPool(lp, pool.alloc_point, sender=me))
        if farm.totalFunded() == 0:
            reward = d["RewardToken"]
            self._guard("minting TIDE", lambda: reward.mint(me, FARM_FUNDING, sender=me))
            self._guard("approving TIDE", lambda: reward.approve(farm, FARM_FUNDING, sender=me))
            self._guard("funding the farm", lambda: farm.fund(FARM_FUNDING, FARM_DURATION, sender=me))
            self._line(
                "Farm", farm.address,
                f"{farm.poolLength()} pools, {FARM_FUNDING // 10**18:,} TIDE over {FARM_DURATION // 86_400} days",
            )


def _hex(value) -> str:
    text = value.hex() if isinstance(value, (bytes, bytearray)) else str(value)
    return text if text.startswith("0x") else "0x" + text


def deploy(provider, account, *, deployments_dir: Path, fresh: bool = False, weth: str | None = None,
           reward_token: str | None = None, console: Console | None = None) -> Deployment:
    """Deploys (or resumes, or confirms) the whole system on the connected chain; see the module doc."""
    console = console or console_for_output()
    return Deployer(provider, account, deployments_dir=deployments_dir, fresh=fresh, weth=weth,
                    reward_token=reward_token, console=console).run()


def manifest_table(d: Deployment) -> Table:
    table = Table(title=f"{d.path.name}: chain {d.manifest.chain_id}, solc {d.manifest.compiler}")
    for col in ("name", "type", "address", "block"):
        table.add_column(col)
    for name, entry in d.manifest.contracts.items():
        table.add_row(name, entry["type"], entry["address"], "-" if entry["block"] is None else str(entry["block"]))
    return table
