"""A pool history made on a chain backend (revm or Anvil), for the audit tests.

Deploys two tokens (18 and 6 decimals), the factory, one pool and a flash borrower, then runs seeded
random operations, one transaction each: mints, burns (LP sent first), exact-in / exact-out swaps at the
model's amounts, flash swaps repaid in both tokens, donations with sync or skim, LP transfers, the
protocol fee switched on and off, and time passing.  The pool's events are collected from the receipts
in the engine's form (log index = position in the block: every transaction is mined in its own block).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import python_model as model
from chain import Chain, Contract, Reverted
from python_model.audit import Event, PoolState

ZERO = "0x0000000000000000000000000000000000000000"
RENAME = {"amount": "value"}  # Solady's ERC20 names the Transfer amount `amount`; V2 names it `value`


@dataclass
class History:
    chain: Chain
    pool: Contract
    factory: Contract
    fee: int
    first_block: int
    events: list = field(default_factory=list)

    def state(self) -> PoolState:
        r0, r1, _ = self.pool.call("getReserves")
        return PoolState(r0, r1, self.pool.call("totalSupply"), self.pool.call("balanceOf", self.pool.address),
                         self.pool.call("kLast"), self.chain.block)


class HistoryMaker:
    def __init__(self, chain: Chain, seed: int = 0, fee: int = 30):
        self.chain = chain
        self.rng = random.Random(seed)
        owner, *rest = chain.accounts
        self.owner, self.lps, self.traders, self.fee_to = owner, rest[0:3], rest[3:5], rest[5]
        t_a = chain.deploy("TestERC20", "Audit18", "A18", 18, sender=owner)
        t_b = chain.deploy("TestERC20", "Audit6", "A6", 6, sender=owner)
        self.factory = chain.deploy("Factory", sender=owner)
        self.borrower = chain.deploy("FlashBorrower", sender=owner)
        self.factory.transact("createPool", t_a.address, t_b.address, fee, sender=owner)
        self.pool = chain.at("Pool", self.factory.call("getPool", t_a.address, t_b.address, fee))
        token0 = self.pool.call("token0")
        self.t0, self.t1 = (t_a, t_b) if token0 == t_a.address else (t_b, t_a)
        self.fee = fee
        for token in (self.t0, self.t1):
            unit = 10 ** (18 if token is t_a else 6)
            for who in self.lps + self.traders + [self.borrower.address]:
                token.transact("mint", who, 10**12 * unit, sender=owner)
        self.units = (10**18, 10**6) if self.t0 is t_a else (10**6, 10**18)
        self.history = History(chain, self.pool, self.factory, fee, chain.block + 1)
        self.fee_on = False

    # --- plumbing -------------------------------------------------------------------------------------
    def _tx(self, contract: Contract, fn: str, *args, sender: str):
        receipt = self.chain.transact(sender, contract, contract.type.function(fn), args)
        block = self.chain.block
        tx_hash = f"0x{block:064x}"
        for index, log in enumerate(receipt.logs):
            if log.address != self.pool.address:
                continue
            args_ = {RENAME.get(k, k): v for k, v in log.args.items()}
            self.history.events.append(Event(block, tx_hash, index, log.address, log.name, args_))
        return receipt

    def reserves(self):
        r0, r1, _ = self.pool.call("getReserves")
        return r0, r1

    def _amount(self, reserve, lo=-6.0, hi=-0.5):
        return max(1, int(reserve * 10 ** self.rng.uniform(lo, hi)))

    # --- operations -----------------------------------------------------------------------------------
    def run(self, n_ops: int) -> History:
        ops = [(self.swap, 50), (self.mint, 10), (self.burn, 8), (self.flash, 5), (self.donate_sync, 4),
               (self.donate_skim, 3), (self.lp_transfer, 4), (self.switch_fee, 4)]
        funcs, weights = zip(*ops)
        self.mint()
        for _ in range(n_ops):
            self.chain.advance(self.rng.choice((1, 12, 600)))
            op = self.rng.choices(funcs, weights)[0]
            try:
                op()
            except Reverted as exc:  # the model said the operation is fine: it must not revert
                raise AssertionError(f"{op.__name__} reverted on chain: {exc}") from None
        return self.history

    def mint(self):
        lp = self.rng.choice(self.lps)
        r0, r1 = self.reserves()
        if r0 == 0:
            a0, a1 = self.rng.randint(10**3, 10**6) * self.units[0], self.rng.randint(10**3, 10**6) * self.units[1]
        else:
            a0 = self._amount(r0, -5, -1)
            a1 = max(1, a0 * r1 // r0 + self.rng.choice((0, 0, 1, 7)))
        self._tx(self.t0, "transfer", self.pool.address, a0, sender=lp)
        self._tx(self.t1, "transfer", self.pool.address, a1, sender=lp)
        try:
            self._tx(self.pool, "mint", lp, sender=lp)
        except Reverted as exc:  # too little for one LP wei: the tokens stay in the pool (a donation)
            assert exc.name == "InsufficientLiquidityMinted", exc

    def burn(self):
        holders = [h for h in self.lps if self.pool.call("balanceOf", h)]
        if not holders:
            return
        lp = self.rng.choice(holders)
        share = self.pool.call("balanceOf", lp) * self.rng.choice((5, 30, 100)) // 100
        if share == 0:
            return
        self._tx(self.pool, "transfer", self.pool.address, share, sender=lp)
        try:
            self._tx(self.pool, "burn", lp, sender=lp)
        except Reverted as exc:  # a share too small to pay a wei of each token: the LP stays in the pool
            assert exc.name == "InsufficientLiquidityBurned", exc

    def swap(self):
        trader = self.rng.choice(self.traders)
        zero_for_one = self.rng.random() < 0.5
        r0, r1 = self.reserves()
        r_in, r_out = (r0, r1) if zero_for_one else (r1, r0)
        token_in = self.t0 if zero_for_one else self.t1
        if self.rng.random() < 0.7:
            amount_in = self._amount(r_in)
            out = model.get_amount_out(amount_in, r_in, r_out, self.fee)
        else:
            out = self._amount(r_out)
            amount_in = model.get_amount_in(out, r_in, r_out, self.fee)
        if out == 0:
            return
        self._tx(token_in, "transfer", self.pool.address, amount_in, sender=trader)
        outs = (0, out) if zero_for_one else (out, 0)
        self._tx(self.pool, "swap", *outs, trader, b"", sender=trader)

    def flash(self):
        """Borrow token1, repay it in full plus the fee in token0 (a swap paid in both tokens)."""
        r0, r1 = self.reserves()
        out1 = self._amount(r1, -4, -1)
        f = self.fee
        adj1 = r1 * 10000 - out1 * f
        need0 = -(-(r0 * r1 * 100_000_000) // adj1)
        repay0 = max(1, -(-(need0 - r0 * 10000) // (10000 - f))) + self.rng.randint(0, 3)
        data = repay0.to_bytes(32, "big") + out1.to_bytes(32, "big")
        self._tx(self.pool, "swap", 0, out1, self.borrower.address, data, sender=self.traders[0])

    def donate_sync(self):
        who = self.rng.choice(self.traders)
        token = self.rng.choice((self.t0, self.t1))
        self._tx(token, "transfer", self.pool.address, self._amount(10**9, -3, 0) * 1000, sender=who)
        self._tx(self.pool, "sync", sender=who)

    def donate_skim(self):
        who = self.rng.choice(self.traders)
        self._tx(self.t0, "transfer", self.pool.address, self._amount(10**9, -3, 0), sender=who)
        self._tx(self.pool, "skim", who, sender=who)

    def lp_transfer(self):
        holders = [h for h in self.lps if self.pool.call("balanceOf", h)]
        if not holders:
            return
        frm = self.rng.choice(holders)
        to = self.rng.choice([h for h in self.lps + self.traders if h != frm])
        self._tx(self.pool, "transfer", to, self.pool.call("balanceOf", frm) // 3, sender=frm)

    def switch_fee(self):
        self.fee_on = not self.fee_on
        self._tx(self.factory, "setFeeTo", self.fee_to if self.fee_on else ZERO, sender=self.owner)


def make_history(chain: Chain, n_ops: int, seed: int = 0, fee: int = 30) -> History:
    return HistoryMaker(chain, seed, fee).run(n_ops)


# --- a farm history ----------------------------------------------------------------------------------------

DAY = 86_400
MAX_UINT = 2**256 - 1


@dataclass
class FarmHistory:
    chain: Chain
    farm: Contract
    reward: Contract
    events: list = field(default_factory=list)

    def end_state(self) -> dict:
        names = ("totalFunded", "totalPaid", "carried", "ratePerPoint", "periodEnd", "totalAllocPoint", "poolLength")
        return {name: self.farm.call(name) for name in names} | {"block": self.chain.block}


class FarmHistoryMaker:
    """A Farm paying a test token, staking two plain tokens and a 2.5 % fee-on-transfer one, driven at random:
    fund (owner and an authorised funder), add pools, reweight, deposit, withdraw, harvest, harvestAll,
    emergencyWithdraw, with time passing (some of it beyond the funded period)."""

    def __init__(self, chain: Chain, seed: int = 0):
        self.chain = chain
        self.rng = random.Random(seed)
        owner, *rest = chain.accounts
        self.owner, self.funder, self.stakers = owner, rest[0], rest[1:5]
        self.reward = chain.deploy("TestERC20", "Reward", "RWD", 18, sender=owner)
        self.lps = [chain.deploy("TestERC20", f"LP{i}", f"LP{i}", 18, sender=owner) for i in range(2)]
        self.lps.append(chain.deploy("FeeOnTransferToken", "FeeLP", "FLP", 250, sender=owner))
        self.farm = chain.deploy("Farm", self.reward.address, owner, sender=owner)
        self.history = FarmHistory(chain, self.farm, self.reward)
        for who in (owner, self.funder):
            self.reward.transact("mint", who, 10**30, sender=owner)
            self.reward.transact("approve", self.farm.address, MAX_UINT, sender=who)
        for lp in self.lps:
            for who in self.stakers:
                lp.transact("mint", who, 10**24, sender=owner)
                lp.transact("approve", self.farm.address, MAX_UINT, sender=who)
        self.pools = 0
        self._tx(self.farm, "setFunder", self.funder, True, sender=owner)

    def _tx(self, contract: Contract, fn: str, *args, sender: str):
        receipt = self.chain.transact(sender, contract, contract.type.function(fn), args)
        block = self.chain.block
        for index, log in enumerate(receipt.logs):
            if log.address == self.farm.address and log.name in FARM_NAMES:
                self.history.events.append(Event(block, f"0x{block:064x}", index, log.address, log.name,
                                                 dict(log.args), 0, receipt.timestamp))
        return receipt

    def _try(self, contract, fn, *args, sender):
        try:
            return self._tx(contract, fn, *args, sender=sender)
        except Reverted:
            return None  # an operation the farm refuses (nothing to withdraw, a lower rate...): no events

    def run(self, n_ops: int) -> FarmHistory:
        rng = self.rng
        self._tx(self.farm, "addPool", self.lps[0].address, 100, sender=self.owner)
        self.pools = 1
        self._tx(self.farm, "fund", 10**24, 30 * DAY, sender=self.owner)
        ops = [(self.deposit, 30), (self.withdraw, 12), (self.harvest, 15), (self.harvest_all, 5),
               (self.emergency, 3), (self.fund, 5), (self.add_pool, 3), (self.realloc, 3)]
        funcs, weights = zip(*ops)
        for _ in range(n_ops):
            self.chain.advance(rng.choice((1, 60, 3600, DAY, 10 * DAY)))
            rng.choices(funcs, weights)[0]()
        self.chain.advance(DAY)
        for who in self.stakers:  # at least one emergency withdrawal, with rewards left owed
            if self.farm.call("userInfo", 0, who)[0]:
                self._tx(self.farm, "emergencyWithdraw", 0, sender=who)
                break
        return self.history

    def deposit(self):
        who, pid = self.rng.choice(self.stakers), self.rng.randrange(self.pools)
        self._try(self.farm, "deposit", pid, self.rng.randint(1, 10**21), sender=who)

    def withdraw(self):
        who, pid = self.rng.choice(self.stakers), self.rng.randrange(self.pools)
        stake = self.farm.call("userInfo", pid, who)[0]
        if stake:
            self._tx(self.farm, "withdraw", pid, self.rng.randint(1, stake), sender=who)

    def harvest(self):
        self._tx(self.farm, "harvest", self.rng.randrange(self.pools), sender=self.rng.choice(self.stakers))

    def harvest_all(self):
        self._tx(self.farm, "harvestAll", sender=self.rng.choice(self.stakers))

    def emergency(self):
        self._try(self.farm, "emergencyWithdraw", self.rng.randrange(self.pools), sender=self.rng.choice(self.stakers))

    def fund(self):
        who = self.rng.choice((self.owner, self.funder))
        self._try(self.farm, "fund", self.rng.randint(10**20, 10**24), self.rng.choice((DAY, 7 * DAY, 30 * DAY)), sender=who)

    def add_pool(self):
        if self.pools < len(self.lps):
            self._tx(self.farm, "addPool", self.lps[self.pools].address, self.rng.randint(1, 500), sender=self.owner)
            self.pools += 1

    def realloc(self):
        self._tx(self.farm, "setAllocPoint", self.rng.randrange(self.pools), self.rng.randint(0, 500), sender=self.owner)


FARM_NAMES = {"PoolAdded", "AllocPointSet", "FunderSet", "Funded", "ScheduleUpdated", "RewardsCarried", "Deposit",
              "Withdraw", "EmergencyWithdraw", "Harvest"}


def make_farm_history(chain: Chain, n_ops: int, seed: int = 0) -> FarmHistory:
    return FarmHistoryMaker(chain, seed).run(n_ops)
