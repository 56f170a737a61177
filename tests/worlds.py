"""Deployed scenarios ("worlds"): the contracts on a chain and the same world in the model.

A world is deployed once per backend and session, snapshotted, and every hypothesis example starts from
that snapshot (chain) and a copy of the model genesis (model).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import python_model as model
from chain import Chain, Contract, Snapshot

DECIMALS = (6, 8, 18)
FEE_TIERS = (1, 5, 30, 100)
ZERO = "0x0000000000000000000000000000000000000000"


class ModelScope:
    """Several model objects saved and restored as one, from (save, load) pairs: what a HookToken ledger
    restores when a hooked transfer fails (its `scope`), e.g. the model world and the farm, or the model
    world and the ETH ledger."""

    def __init__(self, *parts):
        self.parts = parts

    def snapshot(self):
        return [save() for save, _ in self.parts]

    def restore(self, saved):
        for (_, load), state in zip(self.parts, saved):
            load(state)


@dataclass
class PoolWorld:
    chain: Chain
    owner: str
    lps: list[str]
    traders: list[str]
    fee_recipient: str
    tokens: list[Contract]  # one per entry of DECIMALS
    factory: Contract
    pools: list[Contract]
    borrower: Contract  # FlashBorrower, funded with every token
    reentrant: Contract  # ReentrantCallee: re-enters the pool from the flash-swap callback
    model: model.World | None = None  # the same world in the model
    snap: Snapshot | None = None
    model_snap: tuple | None = None
    readers: dict = field(default_factory=dict)  # pool address -> the machine's whole-state Reader

    @property
    def actors(self) -> list[str]:
        return self.lps + self.traders

    def start(self) -> model.World:
        """Restore the chain and the model to the deployed state; returns the model world."""
        self.chain.revert(self.snap)
        self.model.restore(self.model_snap)
        return self.model


def deploy_pool_world(chain: Chain) -> PoolWorld:
    """Tokens of 6, 8 and 18 decimals, a pool for every pair and tier, funded actors and a flash borrower."""
    owner, *rest = chain.accounts
    lps, traders, fee_recipient = rest[0:3], rest[3:5], rest[5]
    tokens = [chain.deploy("TestERC20", f"Token{d}", f"T{d}", d, sender=owner) for d in DECIMALS]
    factory = chain.deploy("Factory", sender=owner)
    borrower = chain.deploy("FlashBorrower", sender=owner)
    reentrant = chain.deploy("ReentrantCallee", sender=owner)

    m_tokens = {t.address: model.Token(t.address, d) for t, d in zip(tokens, DECIMALS)}
    m_factory = model.Factory(owner)
    pools = []
    for i in range(len(tokens)):
        for j in range(i + 1, len(tokens)):
            for fee in FEE_TIERS:
                a, b = tokens[i], tokens[j]
                factory.transact("createPool", a.address, b.address, fee, sender=owner)
                address = factory.call("getPool", a.address, b.address, fee)
                pools.append(chain.at("Pool", address))
                m_factory.create_pool(a.address, b.address, fee, address, m_tokens)

    for token, d in zip(tokens, DECIMALS):
        amount = 10 ** (d + 12)  # a trillion whole tokens each: far inside uint112 once pooled
        for holder in lps + traders + [borrower.address]:
            token.transact("mint", holder, amount, sender=owner)
            m_tokens[token.address].mint(holder, amount)

    world = PoolWorld(chain, owner, lps, traders, fee_recipient, tokens, factory, pools, borrower, reentrant)
    world.model = model.World(m_factory, m_tokens.values())
    world.snap, world.model_snap = chain.snapshot(), world.model.snapshot()
    return world
