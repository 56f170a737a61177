"""Gas measurement shared by `ape run bench` and `tools/gas_breakdown.py` (no Ape import: it drives any
`tests/chain` backend, and the breakdown runs it on an Anvil of its own that keeps history for traces).

Conditions (as the anchors were measured): every transaction in its own block 12 s after the previous one,
plain OpenZeppelin ERC-20s, accounts already holding non-zero balances of every token, max approvals; each
figure is the second of two identical operations (steady).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable

from eth_utils import keccak

MAX = 2**256 - 1
BLOCK_GAP = 12

# (operation, anchor gas measured on the same Anvil, anchor name, target)
ANCHORS = {
    "router exact-in swap, 1 hop": (97_784, "Uniswap V2 Router02", 75_000),
    "router exact-in swap, 2 hops": (152_683, "Uniswap V2 Router02", 120_000),
    "router addLiquidity, existing LP": (119_760, "Uniswap V2 Router02", 95_000),
    "router removeLiquidity": (119_747, "Uniswap V2 Router02", 95_000),
    "farm deposit (steady)": (91_881, "StakingRewards stake", 82_000),
    "farm withdraw (partial, steady)": (84_486, "StakingRewards withdraw", 76_000),
    "farm harvest (steady)": (76_290, "StakingRewards getReward", 68_000),
}

SWAP = "swapExactTokensForTokens(uint256,uint256,address[],address,uint256)"
ADD = "addLiquidity(address,address,uint256,uint256,uint256,uint256,address,uint256)"
REMOVE = "removeLiquidity(address,address,uint256,uint256,uint256,address,uint256)"


def measure_gas(c, on_tx: Callable[[str, object], None] | None = None):
    """Deploy a small system on `c` and return (gas, labels, calldata): the steady-state gas of each operation
    in ANCHORS, the address of each contract by label, and each measured call's calldata. `on_tx(op, receipt)`
    sees the measured transaction of each op."""
    owner, user = c.accounts[0], c.accounts[1]
    tokens = [c.deploy("TestERC20", f"Bench{i}", f"B{i}", 18, sender=owner) for i in range(3)]
    weth = c.deploy("WETH9", sender=owner)
    factory = c.deploy("Factory", sender=owner)
    router = c.deploy("Router", factory.address, weth.address, sender=owner)
    reward = c.deploy("TestERC20", "Reward", "RWD", 18, sender=owner)
    farm = c.deploy("Farm", reward.address, owner, sender=owner)
    for who in (owner, user):
        for t in tokens + [reward]:
            t.transact("mint", who, 10**30, sender=owner)
            t.transact("approve", router.address, MAX, sender=who)
            t.transact("approve", farm.address, MAX, sender=who)
    a, b, d = (t.address for t in tokens)

    def tx(contract, fn, *args, sender=user):
        c.advance(BLOCK_GAP)
        return contract.transact(fn, *args, sender=sender)

    deadline = lambda: c.now + 3600  # noqa: E731
    for x, y in ((a, b), (b, d)):
        tx(router, ADD, x, y, 10**24, 10**24, 0, 0, user, deadline(), sender=owner)
    pool_ab = c.at("Pool", factory.call("getPool", a, b, 30))
    pool_bd = c.at("Pool", factory.call("getPool", b, d, 30))
    pool_ab.transact("approve", router.address, MAX, sender=user)

    gas, calldata = {}, {}

    def steady(op, contract, fn, *args, sender=user):
        for _ in range(2):
            params = args[0]() if callable(args[0]) else args  # a lambda: fresh deadline each time
            receipt = tx(contract, fn, *params, sender=sender)
        gas[op] = receipt.gas_used
        calldata[op] = contract.type.function(fn).calldata(params)
        if on_tx is not None:
            on_tx(op, receipt)

    steady("router exact-in swap, 1 hop", router, SWAP, lambda: (10**18, 0, [a, b], user, deadline()))
    steady("router exact-in swap, 2 hops", router, SWAP, lambda: (10**18, 0, [a, b, d], user, deadline()))
    steady("router addLiquidity, existing LP", router, ADD,
           lambda: (a, b, 10**20, 10**20, 0, 0, user, deadline()))
    steady("router removeLiquidity", router, REMOVE, lambda: (a, b, 10**18, 0, 0, user, deadline()))

    # Farm: one pool staking the a/b LP, funded, users already staked.
    tx(farm, "addPool", pool_ab.address, 100, sender=owner)
    tx(farm, "fund", 10**24, 30 * 86400, sender=owner)
    pool_ab.transact("approve", farm.address, MAX, sender=user)
    pool_ab.transact("approve", farm.address, MAX, sender=owner)
    tx(pool_ab, "transfer", owner, 10**20)  # owner stakes too: the pool is never empty
    tx(farm, "deposit", 0, 10**19, sender=owner)
    steady("farm deposit (steady)", farm, "deposit", 0, 10**18)
    steady("farm withdraw (partial, steady)", farm, "withdraw", 0, 10**17)
    steady("farm harvest (steady)", farm, "harvest", 0)
    labels = {
        "user": user, "owner": owner, "tokenA": a, "tokenB": b, "tokenD": d, "WETH": weth.address,
        "factory": factory.address, "router": router.address, "poolAB": pool_ab.address,
        "poolBD": pool_bd.address, "reward": reward.address, "farm": farm.address,
    }
    return gas, labels, calldata


# --- lower bounds ------------------------------------------------------------------------------------
# EVM prices (Prague/Osaka): EIP-2929 cold/warm access, EIP-2200 + EIP-2929 SSTORE, EIP-3529 refunds,
# EIP-1153 transient storage, yellow-paper LOG and intrinsic costs, EIP-2028 calldata.
TX = 21_000
COLD_ACCOUNT = 2_600  # first CALL/STATICCALL/BALANCE/EXTCODE* of an address in the transaction
WARM = 100  # any later access to that address or slot; also TLOAD and TSTORE
COLD_SLOAD = 2_100  # first SLOAD of a slot (an SSTORE of a cold slot pays it too)
RESET = 2_900  # SSTORE of a warm slot whose original value is non-zero (or non-zero -> other value)
SET = 20_000  # SSTORE of a slot whose original value is zero to non-zero
SET_REFUND = SET - WARM  # refund when a zero slot set in this transaction goes back to zero
LOCK = 3 * WARM  # transient reentrancy lock: TLOAD, TSTORE, TSTORE


def log_cost(topics: int, data_bytes: int) -> int:
    return 375 + 375 * topics + 8 * data_bytes


def calldata_cost(data: bytes) -> int:
    """EIP-2028: 4 per zero byte, 16 per other byte (the EIP-7623 floor only binds for data-heavy calls)."""
    return sum(4 if b == 0 else 16 for b in data)


TRANSFER_LOG = log_cost(3, 32)  # ERC-20 Transfer(from, to, value)
SYNC_LOG = log_cost(1, 64)  # Sync(uint112, uint112)
SWAP_LOG = log_cost(3, 128)  # Swap(sender indexed, 4 amounts, to indexed)
MINT_LOG = log_cost(2, 64)  # Mint(sender indexed, amount0, amount1)
BURN_LOG = log_cost(3, 64)  # Burn(sender indexed, amount0, amount1, to indexed)
ORACLE = 2 * (COLD_SLOAD + RESET)  # price0/1CumulativeLast: two uint256 slots, once per block
# An OpenZeppelin transfer between two holders with non-zero balances, both balance slots cold.
TRANSFER_COLD = (COLD_SLOAD + RESET) * 2 + TRANSFER_LOG
# The same with the payer's balance slot already warm (the pool read its balance earlier): still read, then written.
TRANSFER_FROM_WARM = WARM + RESET + COLD_SLOAD + RESET + TRANSFER_LOG
# V2's protocol-fee switch: the factory's feeTo is another account's state, so at least one cold account
# access, plus kLast, which V2 reads on every mint and burn (it zeroes a stale kLast while the fee is off).
FEE_SWITCH = COLD_ACCOUNT + COLD_SLOAD


def _swap_hop() -> list[tuple[str, int]]:
    """One V2 pool in an exact-input path: the router reads its reserves, then calls swap()."""
    return [
        ("pool account, cold (router reads reserves)", COLD_ACCOUNT),
        ("reserves slot, cold", COLD_SLOAD),
        ("swap() call, warm", WARM),
        ("reentrancy lock", LOCK),
        ("reserves re-read in swap, warm", WARM),
        ("output token account, cold", COLD_ACCOUNT),
        ("output transfer: pool and recipient balances, Transfer", TRANSFER_COLD),
        ("balanceOf x2 (warm calls, warm slots)", 4 * WARM),
        ("price0/1CumulativeLast", ORACLE),
        ("reserves write", RESET),
        ("Sync + Swap logs", SYNC_LOG + SWAP_LOG),
    ]


TRANSFER_FROM = [
    ("input token account, cold", COLD_ACCOUNT),
    ("allowance slot, cold (max: no write)", COLD_SLOAD),
    ("transferFrom: payer and pool balances, Transfer", TRANSFER_COLD),
]


def floor_terms(op: str) -> list[tuple[str, int]]:
    """Every cost a V2-compatible implementation must pay for `op` in the bench conditions, except the
    calldata (added from the actual call) and any code execution (ours and the ERC-20s')."""
    if op == "router exact-in swap, 1 hop":
        return TRANSFER_FROM + _swap_hop()
    if op == "router exact-in swap, 2 hops":
        # The first pool pays the second one: both balance slots of the middle token are cold then, and warm
        # when the second pool reads its balances.
        return TRANSFER_FROM + _swap_hop() + _swap_hop()
    if op == "router addLiquidity, existing LP":
        return [
            ("pool account, cold (router reads reserves)", COLD_ACCOUNT),
            ("reserves slot, cold", COLD_SLOAD),
            *TRANSFER_FROM, *[(name.replace("input", "second"), gas) for name, gas in TRANSFER_FROM],
            ("mint() call, warm", WARM),
            ("reentrancy lock", LOCK),
            ("reserves re-read, warm", WARM),
            ("balanceOf x2 (warm)", 4 * WARM),
            ("fee switch: factory account + kLast", FEE_SWITCH),
            ("LP totalSupply read + write", COLD_SLOAD + RESET),
            ("LP balance of the provider read + write, Transfer", COLD_SLOAD + RESET + TRANSFER_LOG),
            ("price0/1CumulativeLast", ORACLE),
            ("reserves write", RESET),
            ("Sync + Mint logs", SYNC_LOG + MINT_LOG),
        ]
    if op == "router removeLiquidity":
        return [
            ("pool account, cold (LP transferFrom)", COLD_ACCOUNT),
            ("LP allowance slot, cold (max: no write)", COLD_SLOAD),
            ("LP balance of the provider read + write", COLD_SLOAD + RESET),
            ("LP balance of the pool 0 -> L, Transfer", COLD_SLOAD + SET + TRANSFER_LOG),
            ("burn() call, warm", WARM),
            ("reentrancy lock", LOCK),
            ("reserves slot, cold", COLD_SLOAD),
            ("token0/token1 accounts + pool balances, cold (balanceOf)", 2 * (COLD_ACCOUNT + COLD_SLOAD)),
            ("LP balance of the pool, warm", WARM),
            ("fee switch: factory account + kLast", FEE_SWITCH),
            ("LP totalSupply read + write", COLD_SLOAD + RESET),
            ("LP balance of the pool L -> 0, Transfer", WARM + TRANSFER_LOG),
            ("refund: pool LP slot back to 0 (EIP-3529)", -SET_REFUND),
            ("token transfers x2 (warm calls, pool slot warm)", 2 * (WARM + TRANSFER_FROM_WARM)),
            ("balanceOf x2 after (warm)", 4 * WARM),
            ("price0/1CumulativeLast", ORACLE),
            ("reserves write", RESET),
            ("Sync + Burn logs", SYNC_LOG + BURN_LOG),
        ]
    return []


def floor(op: str, calldata: bytes) -> int | None:
    """Lower bound of `op` (None for ops without one): intrinsic + calldata + floor_terms."""
    terms = floor_terms(op)
    return TX + calldata_cost(calldata) + sum(g for _, g in terms) if terms else None


# --- opcode-trace breakdown -----------------------------------------------------------------------------

_CALLS = {"CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"}
_OZ_BALANCES, _OZ_ALLOWANCES = 0, 1  # OpenZeppelin ERC20 v5 storage: _balances, _allowances, _totalSupply
_SOLADY_BALANCE_SEED = bytes.fromhex("87a211a2")
_SOLADY_ALLOWANCE_SEED = bytes.fromhex("7f5e9f20")
_SOLADY_TOTAL_SUPPLY = 0x05345CDF77EB68F44C
_POOL_SLOTS = {0: "reserves", 1: "price0CumulativeLast", 2: "price1CumulativeLast", 3: "kLast"}


def _word(x: int) -> bytes:
    return x.to_bytes(32, "big")


def slot_labels(labels: dict[str, str]) -> dict[int, str]:
    """Names of the storage slots the measured operations touch: OZ and Solady balance/allowance slots of
    every labelled address, the pools' own slots and the Solady totalSupply slot."""
    names = {}
    addrs = {name: int(addr, 16) for name, addr in labels.items()}
    for owner, o in addrs.items():
        ob = o.to_bytes(20, "big")
        names[int.from_bytes(keccak(_word(o) + _word(_OZ_BALANCES)), "big")] = f"balance[{owner}]"
        inner = keccak(_word(o) + _word(_OZ_ALLOWANCES))
        names[int.from_bytes(keccak(ob + bytes(8) + _SOLADY_BALANCE_SEED), "big")] = f"LP balance[{owner}]"
        for spender, s in addrs.items():
            names[int.from_bytes(keccak(_word(s) + inner), "big")] = f"allowance[{owner}][{spender}]"
            key = ob + bytes(8) + _SOLADY_ALLOWANCE_SEED + s.to_bytes(20, "big")
            names[int.from_bytes(keccak(key), "big")] = f"LP allowance[{owner}][{spender}]"
    names[_SOLADY_TOTAL_SUPPLY] = "LP totalSupply"
    return names


def breakdown(trace: dict, gas_limit: int, gas_used: int, to: str, labels: dict[str, str], on_compute=None):
    """Itemise one `debug_traceTransaction` struct-log trace.

    Returns (items, summary): `items` lists every state-touching step (SLOAD, SSTORE, TLOAD, TSTORE, LOG, CALL
    family incl. its own access cost net of the callee's gas, BALANCE/EXTCODE*) as (contract, op, detail, gas);
    `summary` maps (contract, category) to gas, including 'intrinsic', 'calldata', 'refund' and per-contract
    'compute' (every other opcode: arithmetic, memory, KECCAK256, JUMPs, ...). The summary adds up to gas_used.
    `on_compute(contract, pc, gas)` sees every compute step.
    """
    by_addr = {int(v, 16): k for k, v in labels.items()}
    slots = slot_labels(labels)
    logs = trace["structLogs"]
    n = len(logs)
    # The step after each call at the caller's depth, and the frame address of every step.
    frames = [by_addr.get(int(to, 16), to)]
    items, summary = [], defaultdict(int)
    summary[("tx", "intrinsic")] = 21_000
    summary[("tx", "calldata")] = gas_limit - logs[0]["gas"] - 21_000
    stack_frames = []  # (depth, address label) for each open frame
    current = frames[0]
    for i, step in enumerate(logs):
        depth = step["depth"]
        while stack_frames and stack_frames[-1][0] > depth:
            stack_frames.pop()
        current = stack_frames[-1][1] if stack_frames else frames[0]
        op, cost, st = step["op"], step["gasCost"], step["stack"]
        if op in _CALLS:
            target = int(st[-2], 16)
            name = by_addr.get(target, hex(target))
            # own cost = gas before - gas after return - what the callee used
            j = i + 1
            if j < n and logs[j]["depth"] > depth:
                start = logs[j]["gas"]
                while logs[j]["depth"] > depth:
                    j += 1
                last = logs[j - 1]
                used = start - last["gas"] + last["gasCost"]
                own = step["gas"] - logs[j]["gas"] - used
                stack_frames.append((depth + 1, name if op != "DELEGATECALL" else current))
            else:
                own = step["gas"] - logs[j]["gas"]
            items.append((current, op, f"-> {name}", own))
            summary[(current, "call access")] += own
            continue
        if op in ("SLOAD", "SSTORE", "TLOAD", "TSTORE"):
            slot = int(st[-1], 16)
            label = slots.get(slot) or (_POOL_SLOTS.get(slot) if current.startswith("pool") else None) or hex(slot)
            items.append((current, op, label, cost))
            summary[(current, op)] += cost
            continue
        if op.startswith("LOG"):
            items.append((current, op, f"{int(st[-2], 16)} data bytes", cost))
            summary[(current, "LOG")] += cost
            continue
        if op in ("BALANCE", "EXTCODESIZE", "EXTCODEHASH", "EXTCODECOPY"):
            items.append((current, op, hex(int(st[-1], 16)), cost))
            summary[(current, "account access")] += cost
            continue
        summary[(current, "compute")] += cost
        if on_compute is not None:
            on_compute(current, step["pc"], cost)
        if items and items[-1][1] == "compute" and items[-1][0] == current:
            items[-1] = (current, "compute", items[-1][2], items[-1][3] + cost)
        else:
            items.append((current, "compute", "", cost))
    executed = logs[0]["gas"] - (logs[-1]["gas"] - logs[-1]["gasCost"])
    refund = gas_limit - logs[0]["gas"] + executed - gas_used
    summary[("tx", "refund")] = -refund
    return items, dict(summary)
