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
