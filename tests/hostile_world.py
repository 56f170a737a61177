"""The hostile-token world: every hostile test token paired in pools with a normal token, on a chain and
in the model.

Tokens (contracts/test/hostile/, plus the existing contracts/test/FeeOnTransferToken.sol) and their exact
ledgers (python_model/hostile_tokens.py):

======  ======================  ========  ======================================================
key     contract                decimals  hostile behaviour
======  ======================  ========  ======================================================
fot18   FeeOnTransferToken      18        1% of every transfer burned (immutable)
fee6    HostileFeeToken         6         0.3% fee, owner may set 0..100% at any time
reb18   RebasingToken           18        stETH-style shares: owner rebases, transfers round
hook8   HookToken               8         ERC-777-style hooks (imBTC has 8 decimals)
noret6  NoReturnToken           6         USDT-like: transfer returns nothing
zero18  ZeroRevertToken         18        a zero-amount transfer reverts
block6  BlocklistToken          6         USDC/USDT-like: owner blocks, owner burns from any holder
n6 n8   TestERC20               6 8 18    normal partners
n18
======  ======================  ========  ======================================================

Pools: each hostile token with a normal partner of other decimals, plus two hostile pairs (fee6/block6,
reb18/hook8), each at every fee tier; a world holds the pairs asked for (one per test keeps Anvil
deployments short).  One ReentrantHook contract is registered as its own hook on hook8 (so a pool
paying it out calls it back), and LPs may register it as theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import python_model as model
from chain import Chain, Contract
from python_model import hostile_tokens as hostile
from worlds import FEE_TIERS, PoolWorld


@dataclass(frozen=True)
class Kind:
    key: str
    contract: str  # contract type name (its ABI is used for every call)
    decimals: int
    args: tuple  # constructor arguments
    hostile: str  # short description, for reports


KINDS = {
    k.key: k
    for k in (
        Kind("n6", "TestERC20", 6, ("Normal6", "N6", 6), ""),
        Kind("n8", "TestERC20", 8, ("Normal8", "N8", 8), ""),
        Kind("n18", "TestERC20", 18, ("Normal18", "N18", 18), ""),
        Kind("fot18", "FeeOnTransferToken", 18, ("FeeOnTransfer18", "FOT", 100), "fee on transfer (1%)"),
        Kind("fee6", "HostileFeeToken", 6, ("Fee6", "FEE6", 6, 30), "fee on transfer, owner-set"),
        Kind("reb18", "RebasingToken", 18, ("Rebasing18", "REB", 18), "rebasing shares"),
        Kind("hook8", "HookToken", 8, ("Hook8", "HOOK", 8), "ERC-777-style hooks"),
        Kind("noret6", "NoReturnToken", 6, ("NoReturn6", "USDT", 6), "no return value"),
        Kind("zero18", "ZeroRevertToken", 18, ("ZeroRevert18", "ZERO", 18), "reverts on zero transfer"),
        Kind("block6", "BlocklistToken", 6, ("Block6", "BLK", 6), "blocklist, burn from holder"),
    )
}

PAIRS = (
    ("fot18", "n6"),
    ("fee6", "n18"),
    ("reb18", "n6"),
    ("hook8", "n18"),
    ("noret6", "n18"),
    ("zero18", "n8"),
    ("block6", "n18"),
    ("fee6", "block6"),
    ("reb18", "hook8"),
)


def model_ledger(kind: Kind, address: str, owner: str) -> model.Token:
    """The exact model ledger of a freshly deployed token of `kind`."""
    d = kind.decimals
    if kind.contract == "TestERC20":
        return model.Token(address, d)
    if kind.contract == "FeeOnTransferToken":
        return hostile.FeeToken(address, kind.args[2], d)
    if kind.contract == "HostileFeeToken":
        return hostile.FeeToken(address, kind.args[3], d, owner=owner)
    if kind.contract == "RebasingToken":
        return hostile.RebasingToken(address, d, owner=owner)
    if kind.contract == "HookToken":
        return hostile.HookToken(address, d)
    if kind.contract == "NoReturnToken":
        return hostile.NoReturnToken(address, d)
    if kind.contract == "ZeroRevertToken":
        return hostile.ZeroRevertToken(address, d)
    if kind.contract == "BlocklistToken":
        return hostile.BlocklistToken(address, d, owner=owner)
    raise KeyError(kind.contract)


@dataclass
class HostileWorld(PoolWorld):
    kind_of: dict = field(default_factory=dict)  # token address -> Kind
    hook: Contract | None = None  # ReentrantHook, registered as its own hook on hook8
    model_hook: hostile.TokenHook | None = None
    pair_of: dict = field(default_factory=dict)  # pool address -> (key, key) as listed in PAIRS


def deploy_hostile_world(chain: Chain, pairs=PAIRS) -> HostileWorld:
    """The tokens of `pairs` (keys of KINDS), a pool for every pair and tier, funded actors, a flash
    borrower, a re-entering flash callee and the hook contract (registered on hook8 when it is there)."""
    owner, *rest = chain.accounts
    lps, traders, fee_recipient = rest[0:3], rest[3:5], rest[5]
    keys = [key for key in KINDS if any(key in pair for pair in pairs)]
    tokens = {key: chain.deploy(KINDS[key].contract, *KINDS[key].args, sender=owner) for key in keys}
    factory = chain.deploy("Factory", sender=owner)
    borrower = chain.deploy("FlashBorrower", sender=owner)
    reentrant = chain.deploy("ReentrantCallee", sender=owner)
    hook = chain.deploy("ReentrantHook", sender=owner)

    ledgers = {key: model_ledger(KINDS[key], t.address, owner) for key, t in tokens.items()}
    m_hook = hostile.TokenHook(hook.address)
    if "hook8" in tokens:
        hook.transact("register", tokens["hook8"].address, sender=owner)
        ledgers["hook8"].set_hook(hook.address, m_hook)
    m_tokens = {ledger.address: ledger for ledger in ledgers.values()}
    m_factory = hostile.HostileFactory(owner)  # HostilePools, safe senders of their hostile tokens

    pools, pair_of = [], {}
    for a, b in pairs:
        for fee in FEE_TIERS:
            ta, tb = tokens[a], tokens[b]
            factory.transact("createPool", ta.address, tb.address, fee, sender=owner)
            address = factory.call("getPool", ta.address, tb.address, fee)
            pools.append(chain.at("Pool", address))
            pair_of[address] = (a, b)
            m_factory.create_pool(ta.address, tb.address, fee, address, m_tokens)

    for key, token in tokens.items():
        amount = 10 ** (KINDS[key].decimals + 12)  # a trillion whole tokens each: far inside uint112 once pooled
        for holder in lps + traders + [borrower.address]:
            token.transact("mint", holder, amount, sender=owner)
            ledgers[key].mint(holder, amount)

    world = HostileWorld(
        chain, owner, lps, traders, fee_recipient, list(tokens.values()), factory, pools, borrower, reentrant,
        kind_of={t.address: KINDS[key] for key, t in tokens.items()},
        hook=hook,
        model_hook=m_hook,
        pair_of=pair_of,
    )
    world.model = model.World(m_factory, m_tokens.values())
    if "hook8" in ledgers:
        ledgers["hook8"].scope = world.model  # a failing hooked transfer restores the whole model world
    world.snap, world.model_snap = chain.snapshot(), world.model.snapshot()
    return world
