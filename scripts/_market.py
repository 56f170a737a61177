"""A seeded market on a local chain, run on the contracts and in the exact model side by side.

Cast (Ape test accounts 1-8): two liquidity providers, two farmers, three noise traders and an
arbitrageur; the deployer (account 0) is the farm's owner. Every round lets some time pass (the next
transaction's timestamp is set with `chain.pending_timestamp`, one block per transaction) and moves a
reference price (a random walk for dBTC and ETH in USD; dUSD and dDAI stay at 1). Then:

- noise traders swap through the Router, mostly towards the reference price, sometimes along two-hop
  paths over mixed fee tiers, with ETH in or out of the WETH pools;
- the arbitrageur trades every pool whose price is off the reference by more than its fee back to it;
- liquidity providers add and remove liquidity through the Router;
- farmers stake LP tokens, harvest (one pool or all) and withdraw; halfway the owner changes a farm
  weight, at two thirds it tops the emission up.

Every transaction is first applied to the model (python_model: Router, Pools, Factory, Token ledgers,
Farm, native ETH including gas), at the timestamp the chain will give it; the chain then gets the same
call with the model's exact results as its minimums (an exact-input swap must return exactly what the
model paid out, or the transaction reverts). An action the model says would revert is not sent. At
the end every reserve, oracle value, LP and token balance, farm record, pending reward and ETH balance
is read from the chain and compared with the model using ==.

The model starts from the chain as it is (every value the simulation touches is read once), so the
simulation also runs on a chain where it ran before. Nothing but the seed decides what happens: on a
fresh deployment the model's final state is the same on every run, and `fingerprint()` shows it. On
the embedded Anvil the chain itself is the same, block for block (same head hash): tools/anvil.sh dates
its genesis block at a fixed time and every block after it is dated by the deployer or the market.
Without the fixed genesis the absolute deadlines in calldata varied with the wall clock, and with them
the gas (4 per zero byte, 16 per other byte) and so the ETH balances.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass

from ape import accounts, chain
from ape.exceptions import ApeException
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import python_model as model
from python_model.errors import PoolError
from python_model.farm import Farm as ModelFarm
from python_model.farm import PoolInfo, UserInfo
from python_model.router import Ether
from python_model.router import Router as ModelRouter
from scripts._cli import Fail
from scripts._deployer import Deployment, _hex

ZERO = model.ZERO_ADDRESS
MAX_UINT = 2**256 - 1
CAST = (
    ("LP 1", "lp"),
    ("LP 2", "lp"),
    ("Farmer 1", "farmer"),
    ("Farmer 2", "farmer"),
    ("Trader 1", "trader"),
    ("Trader 2", "trader"),
    ("Trader 3", "trader"),
    ("Arbitrageur", "arb"),
)
# Two-hop routes the noise traders use (either direction), with one fee tier per hop.
ROUTES = (
    (("dBTC", "dUSD", "dDAI"), (30, 5)),
    (("WETH", "dUSD", "dDAI"), (30, 5)),
    (("dBTC", "WETH", "dUSD"), (100, 30)),
)
WALLET_USD = 6_000_000  # faucet top-up per token and actor, in USD at the genesis reference price
VOLATILITY = 0.01  # per round, log-normal
ARB_EDGE = 0.001  # the arbitrageur acts beyond fee + 0.1 %


@dataclass
class Actor:
    name: str
    role: str
    account: object

    @property
    def address(self) -> str:
        return self.account.address


class Mismatch(Fail):
    """The chain did something the model did not (a revert, or a different value at the end)."""


class Market:
    def __init__(self, d: Deployment, *, seed: int, rounds: int, console: Console):
        if not d.pools:
            raise Fail("the simulation needs the demo tokens and pools (a local deployment)")
        self.d = d
        self.seed = seed
        self.rounds = rounds
        self.console = console
        self.rng = random.Random(seed)
        test_accounts = accounts.test_accounts
        if len(test_accounts) < len(CAST) + 1:
            raise Fail(f"the simulation needs {len(CAST) + 1} test accounts (ape-config.yaml test.number_of_accounts)")
        self.owner = Actor("Deployer", "owner", d.deployer)
        self.actors = [Actor(name, role, test_accounts[i + 1]) for i, (name, role) in enumerate(CAST)]
        self.by_role = defaultdict(list)
        for actor in self.actors:
            self.by_role[actor.role].append(actor)
        self.router, self.farm = d["Router"], d["Farm"]
        self.reward = d["RewardToken"]
        self.contracts = dict(d.tokens)  # symbol -> Ape contract (dUSD, dBTC, dDAI, WETH)
        self.contracts["TIDE"] = self.reward
        self.addr = {sym: c.address for sym, c in self.contracts.items()}
        self.decimals = {sym: spec.decimals for sym, spec in d.specs.items()}
        self.decimals["TIDE"] = 18
        self.usd = {sym: spec.usd for sym, spec in d.specs.items()}
        self.pool_of = {spec.name: d[spec.name] for spec in d.pools}
        self.names = {self.owner.address: "Deployer", ZERO: "locked (address 0)"}
        self.names.update({a.address: a.name for a in self.actors})
        # statistics (floats: display only; every checked value is an integer)
        self.txs = 0
        self.kinds: Counter = Counter()
        self.skipped: Counter = Counter()
        self.swaps: Counter = Counter()
        self.volume: Counter = Counter()  # pool name -> USD
        self.pool_fees: Counter = Counter()
        self.lp_fees: Counter = Counter()  # address -> USD
        self.harvested: Counter = Counter()  # address -> TIDE wei
        self.clock = 0
        self.genesis_time = 0

    # --- the model, read from the chain once --------------------------------------------------------
    def load_model(self) -> None:
        d = self.d
        self.genesis_time = chain.blocks[0].timestamp
        self.clock = chain.blocks.head.timestamp
        pools = list(self.pool_of.values())
        self.holders = [self.owner.address] + [a.address for a in self.actors]
        tracked = self.holders + [self.farm.address, self.router.address] + [p.address for p in pools]
        self.tokens = {}
        for sym, contract in self.contracts.items():
            token = model.Token(contract.address, self.decimals[sym], sym, sym)
            token.total_supply = contract.totalSupply()
            for holder in tracked:
                if balance := contract.balanceOf(holder):
                    token.balances[holder] = balance
            self.tokens[sym] = token
        factory = d["Factory"]
        self.m_factory = model.Factory(factory.owner(), address=factory.address)
        fee_to = factory.feeTo()
        self.m_factory.fee_to = None if int(fee_to, 16) == 0 else fee_to
        self.m_pools = {}
        self.lp_holders = tracked[:-len(pools)] + [ZERO]
        for spec in d.pools:
            pool = self.pool_of[spec.name]
            base, quote = self.tokens[spec.base], self.tokens[spec.quote]
            m = self.m_factory.create_pool(base, quote, spec.fee, address=pool.address)
            m.reserve0, m.reserve1, m.block_timestamp_last = pool.getReserves()
            m.price0_cumulative_last = pool.price0CumulativeLast()
            m.price1_cumulative_last = pool.price1CumulativeLast()
            m.k_last = pool.kLast()
            m.total_supply = pool.totalSupply()
            for holder in self.lp_holders:
                if balance := pool.balanceOf(holder):
                    m.balances[holder] = balance
            self.m_pools[spec.name] = m
        self.world = model.World(self.m_factory, self.tokens.values())
        provider = chain.provider
        coinbase = provider.make_request("eth_coinbase", [])
        self.eth_holders = [h for h in self.holders if h.lower() != str(coinbase).lower()]
        eth = Ether({h: provider.get_balance(h) for h in self.eth_holders + [self.addr["WETH"]]})
        contracts = {factory.address, self.farm.address, self.router.address} | {p.address for p in pools}
        contracts |= set(self.addr.values())
        self.m_router = ModelRouter(self.world, self.tokens["WETH"], self.router.address, eth=eth, contracts=contracts)
        self.m_eth = eth
        farm = self.farm
        m_farm = ModelFarm(farm.address, self.tokens["TIDE"], farm.owner())
        m_farm.rate_per_point = farm.ratePerPoint()
        m_farm.period_end = farm.periodEnd()
        m_farm.total_alloc_point = farm.totalAllocPoint()
        m_farm.total_funded = farm.totalFunded()
        m_farm.total_paid = farm.totalPaid()
        m_farm.carried = farm.carried()
        by_address = {m.address: m for m in self.m_pools.values()}
        self.pid = {}
        for pid in range(farm.poolLength()):
            info = PoolInfo(*tuple(farm.poolInfo(pid)))
            m_farm.pools.append(info)
            m_farm.pid_of[info.lp_token] = pid
            m_farm.tokens[info.lp_token] = by_address.get(info.lp_token) or model.Token(info.lp_token)
            for holder in self.holders:
                user = UserInfo(*tuple(farm.userInfo(pid, holder)))
                if user != UserInfo():
                    m_farm.users[(pid, holder)] = user
        for spec in d.pools:
            self.pid[spec.name] = m_farm.pid_of[self.pool_of[spec.name].address]
        self.m_farm = m_farm

    # --- one transaction on both ------------------------------------------------------------------
    def _tx(self, actor: Actor, kind: str, model_op, chain_op):
        """Applies `model_op(t)` to the model, then `chain_op(result, t)` to the chain at timestamp t.

        Returns (True, result), or (False, None) when the model raises (then nothing is sent).
        """
        self.clock += 1
        t = self.clock
        try:
            result = model_op(t)
        except PoolError as err:
            self.skipped[f"{kind}: {type(err).__name__}"] += 1
            return False, None
        chain.pending_timestamp = t
        try:
            receipt = chain_op(result, t)
        except ApeException as err:
            text = " ".join(str(err).split())[:200]
            raise Mismatch(f"{kind} by {actor.name}: the chain reverted where the model did not ({text})") from None
        if actor.address in self.eth_holders:  # gas, paid in ETH
            self.m_eth.balances[actor.address] = self.m_eth.balance_of(actor.address) - receipt.total_fees_paid
        self.txs += 1
        self.kinds[kind] += 1
        return True, result

    # --- actions ------------------------------------------------------------------------------------
    def faucet(self, actor: Actor, sym: str, amount: int) -> None:
        token = self.contracts[sym]
        self._tx(
            actor, "faucet",
            lambda t: self.tokens[sym].mint(actor.address, amount),
            lambda _, t: token.mint(actor.account, amount, sender=actor.account),
        )

    def approve(self, actor: Actor, contract, spender) -> None:
        self._tx(actor, "approve", lambda t: None,
                 lambda _, t: contract.approve(spender, MAX_UINT, sender=actor.account))

    def _ensure(self, actor: Actor, sym: str, amount: int) -> bool:
        """Makes sure `actor` holds `amount` of `sym` (faucet for test tokens; ETH must be there)."""
        if sym == "WETH":
            return self.m_eth.balance_of(actor.address) >= amount + 10**18  # keep 1 ETH for gas
        if self.tokens[sym].balance_of(actor.address) < amount:
            top_up = max(amount, int(WALLET_USD / self.usd[sym] * 10 ** self.decimals[sym]))
            self.faucet(actor, sym, top_up)
        return True

    def swap(self, actor: Actor, path_syms, fees, amount_in: int) -> bool:
        if amount_in <= 0 or not self._ensure(actor, path_syms[0], amount_in):
            return False
        path = [self.addr[s] for s in path_syms]
        fees = list(fees)
        me, router, rm = actor.address, self.router, self.m_router
        eth_in, eth_out = path_syms[0] == "WETH", path_syms[-1] == "WETH"

        def on_model(t):
            if eth_in:
                return rm.swap_exact_eth_for_tokens(me, amount_in, 0, path, me, t + 600, timestamp=t, fees=fees)
            if eth_out:
                return rm.swap_exact_tokens_for_eth(me, amount_in, 0, path, me, t + 600, timestamp=t, fees=fees)
            return rm.swap_exact_tokens_for_tokens(me, amount_in, 0, path, me, t + 600, timestamp=t, fees=fees)

        def on_chain(amounts, t):
            out, who = amounts[-1], actor.account
            if eth_in:
                return router.swapExactETHForTokens(out, path, fees, me, t + 600, sender=who, value=amount_in)
            if eth_out:
                return router.swapExactTokensForETH(amount_in, out, path, fees, me, t + 600, sender=who)
            return router.swapExactTokensForTokens(amount_in, out, path, fees, me, t + 600, sender=who)

        kind = "swap" if len(path) == 2 else "swap (2 hops)"
        ok, amounts = self._tx(actor, kind, on_model, on_chain)
        if ok:
            for i, fee in enumerate(fees):
                self._account_swap(path_syms[i], path_syms[i + 1], fee, amounts[i])
        return ok

    def _spec(self, sym_a: str, sym_b: str, fee: int):
        return next(s for s in self.d.pools if {s.base, s.quote} == {sym_a, sym_b} and s.fee == fee)

    def _account_swap(self, sym_in: str, sym_out: str, fee: int, amount_in: int) -> None:
        spec = self._spec(sym_in, sym_out, fee)
        value = amount_in / 10 ** self.decimals[sym_in] * self.usd[sym_in]
        fee_usd = value * fee / 10_000
        self.swaps[spec.name] += 1
        self.volume[spec.name] += value
        self.pool_fees[spec.name] += fee_usd
        pool, pid = self.m_pools[spec.name], self.pid[spec.name]
        owners = Counter({h: b for h, b in pool.balances.items() if h != self.farm.address})
        for (p, user), info in self.m_farm.users.items():
            if p == pid and info.amount:
                owners[user] += info.amount
        for holder, amount in owners.items():
            self.lp_fees[holder] += fee_usd * amount / pool.total_supply

    def add_liquidity(self, actor: Actor, spec, fraction: float) -> bool:
        a, b = self.addr[spec.base], self.addr[spec.quote]
        reserve_a, reserve_b = self.m_router.reserves(a, b, spec.fee)
        # A little more quote than the pool ratio asks: the Router takes the optimal amounts.
        extra = 1 + self.rng.uniform(0, 0.01)
        want = {spec.base: int(reserve_a * fraction), spec.quote: int(reserve_b * fraction * extra)}
        for sym, amount in want.items():
            if amount <= 0 or not self._ensure(actor, sym, amount):
                return False
        me, who, router, rm, fee = actor.address, actor.account, self.router, self.m_router, spec.fee
        if "WETH" in want:
            sym = spec.quote if spec.base == "WETH" else spec.base
            token, token_desired, eth_desired = self.addr[sym], want[sym], want["WETH"]

            def on_model(t):
                return rm.add_liquidity_eth(me, eth_desired, token, token_desired, 0, 0, me, t + 600,
                                            timestamp=t, fee=fee)

            def on_chain(result, t):
                amount_token, amount_eth, _ = result
                return router.addLiquidityETH(token, fee, token_desired, amount_token, amount_eth, me, t + 600,
                                              sender=who, value=eth_desired)
        else:
            a_desired, b_desired = want[spec.base], want[spec.quote]

            def on_model(t):
                return rm.add_liquidity(me, a, b, a_desired, b_desired, 0, 0, me, t + 600, timestamp=t, fee=fee)

            def on_chain(result, t):
                amount_a, amount_b, _ = result
                return router.addLiquidity(a, b, fee, a_desired, b_desired, amount_a, amount_b, me, t + 600, sender=who)

        return self._tx(actor, "add liquidity", on_model, on_chain)[0]

    def remove_liquidity(self, actor: Actor, spec, fraction: float) -> bool:
        liquidity = int(self.m_pools[spec.name].balance_of(actor.address) * fraction)
        if liquidity <= 0:
            return False
        a, b = self.addr[spec.base], self.addr[spec.quote]
        me, who, router, rm, fee = actor.address, actor.account, self.router, self.m_router, spec.fee
        if "WETH" in (spec.base, spec.quote):
            token = b if spec.base == "WETH" else a

            def on_model(t):
                return rm.remove_liquidity_eth(me, token, liquidity, 0, 0, me, t + 600, timestamp=t, fee=fee)

            def on_chain(result, t):
                return router.removeLiquidityETH(token, fee, liquidity, result[0], result[1], me, t + 600, sender=who)
        else:

            def on_model(t):
                return rm.remove_liquidity(me, a, b, liquidity, 0, 0, me, t + 600, timestamp=t, fee=fee)

            def on_chain(result, t):
                return router.removeLiquidity(a, b, fee, liquidity, result[0], result[1], me, t + 600, sender=who)

        return self._tx(actor, "remove liquidity", on_model, on_chain)[0]

    def stake(self, actor: Actor, spec, amount: int) -> bool:
        pid, farm, me = self.pid[spec.name], self.farm, actor.address
        return self._tx(actor, "farm deposit",
                        lambda t: self.m_farm.deposit(me, pid, amount, timestamp=t),
                        lambda _, t: farm.deposit(pid, amount, sender=actor.account))[0]

    def unstake(self, actor: Actor, pid: int, amount: int) -> bool:
        farm, me = self.farm, actor.address
        return self._tx(actor, "farm withdraw",
                        lambda t: self.m_farm.withdraw(me, pid, amount, timestamp=t),
                        lambda _, t: farm.withdraw(pid, amount, sender=actor.account))[0]

    def harvest(self, actor: Actor, pid: int | None) -> bool:
        farm, me = self.farm, actor.address
        if pid is None:
            ok, reward = self._tx(actor, "farm harvestAll",
                                  lambda t: self.m_farm.harvest_all(me, timestamp=t),
                                  lambda _, t: farm.harvestAll(sender=actor.account))
        else:
            ok, reward = self._tx(actor, "farm harvest",
                                  lambda t: self.m_farm.harvest(me, pid, timestamp=t),
                                  lambda _, t: farm.harvest(pid, sender=actor.account))
        if ok:
            self.harvested[me] += reward
        return ok

    # --- behaviour ----------------------------------------------------------------------------------
    def _ref_price(self, spec) -> float:
        """Reference price of the pool in raw quote units per raw base unit."""
        ratio = self.usd[spec.base] / self.usd[spec.quote]
        return ratio * 10 ** self.decimals[spec.quote] / 10 ** self.decimals[spec.base]

    def _pool_price(self, spec) -> tuple[float, int, int]:
        reserve_base, reserve_quote = self.m_router.reserves(self.addr[spec.base], self.addr[spec.quote], spec.fee)
        return reserve_quote / reserve_base, reserve_base, reserve_quote

    def _usd_amount(self, sym: str, usd: float) -> int:
        return int(usd / self.usd[sym] * 10 ** self.decimals[sym])

    def noise_trade(self) -> None:
        trader = self.rng.choice(self.by_role["trader"])
        if self.rng.random() < 0.25:
            syms, fees = self.rng.choice(ROUTES)
            if self.rng.random() < 0.5:
                syms, fees = tuple(reversed(syms)), tuple(reversed(fees))
        else:
            spec = self.rng.choice(self.d.pools)
            price, _, _ = self._pool_price(spec)
            cheap = price < self._ref_price(spec)  # the pool sells base below the reference
            buy_base = cheap if self.rng.random() < 0.65 else not cheap
            syms, fees = ((spec.quote, spec.base) if buy_base else (spec.base, spec.quote)), (spec.fee,)
        size = math.exp(self.rng.uniform(math.log(200), math.log(25_000)))
        self.swap(trader, syms, fees, self._usd_amount(syms[0], size))

    def arbitrage(self) -> None:
        """Moves every mispriced pool back to the reference (the closed form of a fee-less trade)."""
        arb = self.by_role["arb"][0]
        for spec in self.d.pools:
            price, reserve_base, reserve_quote = self._pool_price(spec)
            ref = self._ref_price(spec)
            keep = 1 - spec.fee / 10_000
            k = reserve_base * reserve_quote
            if price < ref * keep * (1 - ARB_EDGE):
                amount_in = int((math.sqrt(k * ref) - reserve_quote) / keep)
                self.swap(arb, (spec.quote, spec.base), (spec.fee,), amount_in)
            elif price > ref / keep * (1 + ARB_EDGE):
                amount_in = int((math.sqrt(k / ref) - reserve_base) / keep)
                self.swap(arb, (spec.base, spec.quote), (spec.fee,), amount_in)

    def provide(self) -> None:
        lp = self.rng.choice(self.by_role["lp"])
        spec = self.rng.choice(self.d.pools)
        if self.rng.random() < 0.65 or not self.m_pools[spec.name].balance_of(lp.address):
            self.add_liquidity(lp, spec, self.rng.uniform(0.005, 0.03))
        else:
            self.remove_liquidity(lp, spec, self.rng.uniform(0.2, 0.6))

    def farm_round(self) -> None:
        farmer = self.rng.choice(self.by_role["farmer"] + self.by_role["lp"])
        me = farmer.address
        wallet = [s for s in self.d.pools if self.m_pools[s.name].balance_of(me)]
        staked = [pid for (pid, user), info in sorted(self.m_farm.users.items()) if user == me and info.amount]
        roll = self.rng.random()
        if wallet and (roll < 0.3 or not staked):
            spec = self.rng.choice(wallet)
            share = 1.0 if farmer.role == "farmer" else 0.5
            self.stake(farmer, spec, int(self.m_pools[spec.name].balance_of(me) * share))
        elif staked and roll < 0.65:
            self.harvest(farmer, self.rng.choice(staked))
        elif staked and roll < 0.85:
            self.harvest(farmer, None)
        elif staked:
            pid = self.rng.choice(staked)
            self.unstake(farmer, pid, max(1, self.m_farm.user_info(pid, me).amount * 3 // 10))
        else:
            self.add_liquidity(farmer, self.rng.choice(self.d.pools), self.rng.uniform(0.005, 0.02))

    def owner_round(self, round_no: int) -> None:
        owner, farm = self.owner, self.farm
        if round_no == self.rounds // 2 and len(self.d.pools) > 2:
            pid, points = self.pid[self.d.pools[2].name], 60
            self._tx(owner, "farm setAllocPoint",
                     lambda t: self.m_farm.set_alloc_point(owner.address, pid, points, timestamp=t),
                     lambda _, t: farm.setAllocPoint(pid, points, sender=owner.account))
        if round_no == (2 * self.rounds) // 3:
            amount = 200_000 * 10**18
            self.faucet(owner, "TIDE", amount)
            self.approve(owner, self.reward, farm)

            def duration(t):  # to the end of the running period (a higher rate), else a new week
                left = self.m_farm.period_end - t
                return left if left >= 3_600 else 7 * 86_400

            def on_model(t):
                return self.m_farm.fund(owner.address, amount, duration(t), timestamp=t)

            def on_chain(_, t):
                return farm.fund(amount, duration(t), sender=owner.account)

            self._tx(owner, "farm fund", on_model, on_chain)

    # --- the run --------------------------------------------------------------------------------------
    def setup(self) -> None:
        """Wallets, approvals, first liquidity and first stakes."""
        for actor in self.actors:
            for sym in ("dUSD", "dBTC", "dDAI"):
                self.faucet(actor, sym, self._usd_amount(sym, WALLET_USD))
                self.approve(actor, self.contracts[sym], self.router)
            if actor.role in ("lp", "farmer"):
                for spec in self.d.pools:
                    pool = self.pool_of[spec.name]
                    self.approve(actor, pool, self.router)
                    self.approve(actor, pool, self.farm)
        for actor in self.by_role["lp"]:
            for spec in self.d.pools:
                self.add_liquidity(actor, spec, self.rng.uniform(0.02, 0.06))
        for actor in self.by_role["farmer"]:
            for spec in self.rng.sample(list(self.d.pools), 2):
                if self.add_liquidity(actor, spec, self.rng.uniform(0.01, 0.03)):
                    self.stake(actor, spec, self.m_pools[spec.name].balance_of(actor.address))

    def run(self) -> None:
        try:
            chain.pending_timestamp = chain.blocks.head.timestamp + 1
        except (ApeException, NotImplementedError):
            raise Fail(
                f"the simulation sets block timestamps, which {chain.provider.name!r} cannot: use Ape's foundry "
                "provider (for an Anvil you started: APE_FOUNDRY_HOST=http://127.0.0.1:<port>)"
            ) from None
        self.load_model()
        self.setup()
        columns = (
            TextColumn("[bold]market[/]"), BarColumn(), MofNCompleteColumn(), TextColumn("rounds"),
            TextColumn("{task.fields[txs]:>4} txs"), TextColumn("{task.fields[prices]}"), TimeElapsedColumn(),
        )
        with Progress(*columns, console=self.console) as progress:
            task = progress.add_task("market", total=self.rounds, txs=self.txs, prices=self._prices())
            for round_no in range(self.rounds):
                self.clock += self.rng.randint(60, 1_800)
                for sym in ("dBTC", "WETH"):
                    self.usd[sym] *= math.exp(self.rng.gauss(0, VOLATILITY))
                for _ in range(self.rng.choice((0, 1, 1, 2))):
                    self.noise_trade()
                self.arbitrage()
                if self.rng.random() < 0.2:
                    self.provide()
                if self.rng.random() < 0.3:
                    self.farm_round()
                self.owner_round(round_no)
                progress.update(task, advance=1, txs=self.txs, prices=self._prices())

    def _prices(self) -> str:
        return f"BTC ${self.usd['dBTC']:,.0f}  ETH ${self.usd['WETH']:,.0f}"

    # --- the check ------------------------------------------------------------------------------------
    def check(self) -> list[tuple[str, str, object, object]]:
        """(group, what, chain value, model value) for everything the simulation tracks, read at a block
        mined for the purpose at a known timestamp."""
        self.clock += 1
        t = self.clock
        chain.pending_timestamp = t
        chain.mine()
        self.check_time = t
        rows = []
        farm, m_farm = self.farm, self.m_farm
        for spec in self.d.pools:
            pool, m, name = self.pool_of[spec.name], self.m_pools[spec.name], spec.name
            rows.append(("pools", f"{name} getReserves", tuple(pool.getReserves()), m.get_reserves()))
            rows.append(("pools", f"{name} price0CumulativeLast", pool.price0CumulativeLast(), m.price0_cumulative_last))
            rows.append(("pools", f"{name} price1CumulativeLast", pool.price1CumulativeLast(), m.price1_cumulative_last))
            rows.append(("pools", f"{name} kLast", pool.kLast(), m.k_last))
            rows.append(("pools", f"{name} totalSupply", pool.totalSupply(), m.total_supply))
            for holder in self.lp_holders:
                label = f"{name} {self._name(holder)}"
                rows.append(("LP balances", label, pool.balanceOf(holder), m.balance_of(holder)))
        token_holders = self.lp_holders[:-1] + [p.address for p in self.pool_of.values()]
        for sym, contract in self.contracts.items():
            token = self.tokens[sym]
            rows.append(("tokens", f"{sym} totalSupply", contract.totalSupply(), token.total_supply))
            for holder in token_holders:
                label = f"{sym} {self._name(holder)}"
                rows.append(("tokens", label, contract.balanceOf(holder), token.balance_of(holder)))
        for fn, value in (("ratePerPoint", m_farm.rate_per_point), ("periodEnd", m_farm.period_end),
                          ("totalAllocPoint", m_farm.total_alloc_point), ("totalFunded", m_farm.total_funded),
                          ("totalPaid", m_farm.total_paid), ("carried", m_farm.carried)):
            rows.append(("farm", fn, getattr(farm, fn)(), value))
        for pid in range(len(m_farm.pools)):
            rows.append(("farm", f"poolInfo({pid})", tuple(farm.poolInfo(pid)), tuple(m_farm.pool_info(pid))))
            for holder in self.holders:
                rows.append(("farm users", f"userInfo({pid}) {self._name(holder)}",
                             tuple(farm.userInfo(pid, holder)), tuple(m_farm.user_info(pid, holder))))
                rows.append(("pending rewards", f"pendingReward({pid}) {self._name(holder)}",
                             farm.pendingReward(pid, holder), m_farm.pending_reward(pid, holder, timestamp=t)))
        provider = chain.provider
        for holder in self.eth_holders:
            label = self._name(holder)
            rows.append(("ETH (after gas)", label, provider.get_balance(holder), self.m_eth.balance_of(holder)))
        return rows

    def _name(self, address: str) -> str:
        if address in self.names:
            return self.names[address]
        if address == self.farm.address:
            return "Farm"
        if address == self.router.address:
            return "Router"
        for name, pool in self.pool_of.items():
            if pool.address == address:
                return name
        return address

    def fingerprint(self) -> str:
        """SHA-256 (16 hex digits) of the model's final state with timestamps taken relative to the
        chain's genesis: equal for equal seeds on a fresh deployment."""
        g = self.genesis_time
        state = {
            "pools": {name: [m.reserve0, m.reserve1, (m.block_timestamp_last - g) % 2**32, m.price0_cumulative_last,
                             m.price1_cumulative_last, m.k_last, m.total_supply, sorted(m.balances.items())]
                      for name, m in self.m_pools.items()},
            "tokens": {sym: [t.total_supply, sorted(t.balances.items())] for sym, t in self.tokens.items()},
            "farm": [self.m_farm.rate_per_point, self.m_farm.period_end - g, self.m_farm.total_alloc_point,
                     self.m_farm.total_funded, self.m_farm.total_paid, self.m_farm.carried,
                     [[p.lp_token, p.alloc_point, p.last_update - g, p.acc_reward_per_share, p.acc_remainder,
                       p.total_staked] for p in self.m_farm.pools],
                     sorted([pid, user, list(info)] for (pid, user), info in self.m_farm.users.items())],
            "eth": sorted(self.m_eth.balances.items()),
        }
        return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:16]

    # --- the report -----------------------------------------------------------------------------------
    def pools_table(self) -> Table:
        table = Table(title="pools", caption="volume and fees in USD at each swap's reference prices")
        for col in ("pool", "reserves", "price / reference", "swaps", "volume $", "LP fees $"):
            table.add_column(col, justify="right" if col != "pool" else "left")
        for spec in self.d.pools:
            price, reserve_base, reserve_quote = self._pool_price(spec)
            reserves = (f"{reserve_base / 10 ** self.decimals[spec.base]:,.2f} {spec.base} / "
                        f"{reserve_quote / 10 ** self.decimals[spec.quote]:,.0f} {spec.quote}")
            table.add_row(spec.name.removeprefix("Pool:"), reserves, f"{price / self._ref_price(spec):.4f}",
                          str(self.swaps[spec.name]), f"{self.volume[spec.name]:,.0f}",
                          f"{self.pool_fees[spec.name]:,.2f}")
        return table

    def lp_table(self) -> Table:
        table = Table(title="fees earned per LP", caption="pro rata to LP held or staked at each swap")
        table.add_column("LP")
        table.add_column("fees earned $", justify="right")
        table.add_column("share", justify="right")
        total = sum(self.lp_fees.values()) or 1.0
        for holder, usd in self.lp_fees.most_common():
            table.add_row(self._name(holder), f"{usd:,.2f}", f"{usd / total:.1%}")
        return table

    def farm_table(self) -> Table:
        t = self.check_time
        table = Table(title="farm rewards per staker (TIDE)")
        for col in ("staker", "staked in", "harvested", "pending", "total"):
            table.add_column(col, justify="left" if col in ("staker", "staked in") else "right")
        stakers = sorted({user for (_, user) in self.m_farm.users} | set(self.harvested), key=self._name)
        names = {pid: name.removeprefix("Pool:") for name, pid in self.pid.items()}
        for user in stakers:
            pending = sum(self.m_farm.pending_reward(pid, user, timestamp=t) for pid in range(len(self.m_farm.pools)))
            pools = [names[pid] for (pid, u), info in sorted(self.m_farm.users.items()) if u == user and info.amount]
            harvested = self.harvested[user]
            table.add_row(self._name(user), ", ".join(pools) or "-", f"{harvested / 1e18:,.4f}",
                          f"{pending / 1e18:,.4f}", f"{(harvested + pending) / 1e18:,.4f}")
        return table

    def check_table(self, rows) -> Table:
        table = Table(title="model check", caption="chain == model, by ==")
        for col in ("values", "compared", "equal"):
            table.add_column(col, justify="left" if col == "values" else "right")
        groups: dict[str, list[bool]] = defaultdict(list)
        for group, _, on_chain, in_model in rows:
            groups[group].append(on_chain == in_model)
        for group, results in groups.items():
            table.add_row(group, str(len(results)), str(sum(results)) + ("" if all(results) else "  [red]DIFFERS[/]"))
        return table


def simulate(d: Deployment, *, seed: int, rounds: int, console: Console) -> Market:
    """Runs the market on `d`, prints the summary and the model check; raises Mismatch on a difference."""
    market = Market(d, seed=seed, rounds=rounds, console=console)
    console.print(f"[bold]simulate[/] {rounds} rounds, seed {seed}, {len(market.actors)} actors")
    market.run()
    rows = market.check()
    console.print(market.pools_table())
    console.print(market.lp_table())
    console.print(market.farm_table())
    console.print(market.check_table(rows))
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(market.kinds.items()))
    console.print(f"{market.txs} transactions: {kinds}")
    if market.skipped:
        skipped = ", ".join(f"{n} {k}" for k, n in sorted(market.skipped.items()))
        console.print(f"[dim]not sent (the model said they would revert): {skipped}[/]")
    differing = [(what, on_chain, in_model) for _, what, on_chain, in_model in rows if on_chain != in_model]
    for what, on_chain, in_model in differing[:20]:
        console.print(f"[red]DIFFERS[/] {what}: chain {on_chain!r} model {in_model!r}")
    if differing:
        raise Mismatch(f"chain and model disagree on {len(differing)} of {len(rows)} values (listed above)")
    head = chain.blocks.head
    console.print(
        f"[bold green]chain state == model state[/]: {len(rows)} values equal; fingerprint {market.fingerprint()}; "
        f"head block {head.number} {_hex(head.hash)}"
    )
    return market
