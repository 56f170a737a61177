"""The router world: the pool world of tests/worlds.py plus WETH9, the Router and a permit signer.

`deploy_router_world(chain)` deploys a pool world (tokens of 6/8/18 decimals, a pool for every pair and
tier, all empty), then WETH9 and the Router over its factory, and builds the same world in the model:
python_model's stateful `Router` over the pool world's model `World`, with a WETH ledger and a native
ETH ledger. The WETH/token pools do not exist yet: `addLiquidity`/`addLiquidityETH` create them; their
CREATE2 addresses are read once from `Router.poolFor` so the model knows them in advance.

Actors: the pool world's three LPs and two traders, plus `signer`, an account whose private key the test
holds, so that it can sign EIP-2612 permits of LP tokens. Every actor holds every token and some WETH and
has approved the router for every token, WETH and the LP of every pool that exists at deployment.

Like a PoolWorld, a RouterWorld is deployed once per backend and session; `start()` puts the chain, the
model world and the ETH ledger back to the deployed state for each example.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eth_abi import encode as abi_encode
from eth_keys import keys
from eth_utils import keccak, to_checksum_address

import python_model as model
from chain import Chain, Contract, Snapshot
from chain.revm import RevmChain
from python_model.router import Ether
from python_model.router import Router as ModelRouter
from python_model import hostile_tokens as hostile
from worlds import FEE_TIERS, ZERO, ModelScope, PoolWorld, deploy_pool_world

MAX_UINT = 2**256 - 1
SIGNER_KEY = keccak(text="tidepool router world: permit signer")  # a test key, holds nothing real

PERMIT_TYPEHASH = keccak(text="Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)")
DOMAIN_TYPEHASH = keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
LP_NAME_HASH = keccak(text="Tidepool LP")  # LPToken._constantNameHash
LP_VERSION_HASH = keccak(text="1")  # Solady ERC20's default version


def chain_id(chain: Chain) -> int:
    """The chain id the EVM of `chain` runs with (what `block.chainid` returns to the contracts).

    Not part of the Chain interface: revm keeps it in its configuration (revm's default is 1), Anvil
    answers eth_chainId (31337 under Ape's foundry provider)."""
    if isinstance(chain, RevmChain):
        return chain.evm.env.cfg.chain_id
    return int(chain._rpc("eth_chainId", []), 16)


def enable_sender(chain: Chain, address: str) -> None:
    """Let `address` (a key the test holds, not one of the node's accounts) send transactions.

    revm executes any caller; Anvil sends only from unlocked accounts, so it is impersonated there."""
    if not isinstance(chain, RevmChain):
        chain._rpc("anvil_impersonateAccount", [address])


@dataclass
class RouterWorld:
    base: PoolWorld
    weth: Contract
    router: Contract
    signer: str  # an actor whose key signs permits
    signer_key: keys.PrivateKey
    chain_id: int
    gas_price: int  # wei per gas a mined transaction costs its sender: 0 on revm, 1 gwei on Anvil
    eth: Ether  # model: native balances
    m_router: ModelRouter  # model: the router over base.model
    pool_addresses: dict  # (token0, token1, fee) -> CREATE2 address of every pool of the four tokens
    lp_approved: frozenset  # (actor, pool address) pairs approved at deployment (max allowance)
    snap: Snapshot | None = None
    model_snap: tuple | None = None
    eth_snap: dict | None = None
    _pools: dict = field(default_factory=dict)  # address -> Pool contract
    _readers: dict = field(default_factory=dict)  # (pool addresses) -> (calls, readers)
    _domains: dict = field(default_factory=dict)  # pool address -> DOMAIN_SEPARATOR

    @property
    def chain(self) -> Chain:
        return self.base.chain

    @property
    def model(self) -> model.World:
        return self.base.model

    @property
    def tokens(self) -> list[Contract]:
        """The three test tokens and WETH, in that order."""
        return [*self.base.tokens, self.weth]

    @property
    def actors(self) -> list[str]:
        return [*self.base.actors, self.signer]

    def start(self) -> ModelRouter:
        """Restore the chain, the model world and the ETH ledger to the deployed state."""
        self.chain.revert(self.snap)
        self.model.restore(self.model_snap)
        self.eth._load(self.eth_snap)
        return self.m_router

    def pool(self, address: str) -> Contract:
        contract = self._pools.get(address)
        if contract is None:
            contract = self._pools[address] = self.chain.at("Pool", address)
        return contract

    # --- permits ----------------------------------------------------------------------------------------
    def domain_separator(self, pool: str) -> bytes:
        """The EIP-712 domain of a pool's LP token, computed (name, version "1", chain id, pool)."""
        domain = self._domains.get(pool)
        if domain is None:
            domain = keccak(abi_encode(
                ["bytes32", "bytes32", "bytes32", "uint256", "address"],
                [DOMAIN_TYPEHASH, LP_NAME_HASH, LP_VERSION_HASH, self.chain_id, pool],
            ))
            self._domains[pool] = domain
        return domain

    def sign_permit(self, pool: str, spender: str, value: int, nonce: int, deadline: int) -> tuple[int, bytes, bytes]:
        """(v, r, s) of the signer's EIP-2612 permit of `value` LP of `pool` to `spender`."""
        struct = keccak(abi_encode(
            ["bytes32", "address", "address", "uint256", "uint256", "uint256"],
            [PERMIT_TYPEHASH, self.signer, spender, value, nonce, deadline],
        ))
        digest = keccak(b"\x19\x01" + self.domain_separator(pool) + struct)
        signature = self.signer_key.sign_msg_hash(digest)
        return signature.v + 27, signature.r.to_bytes(32, "big"), signature.s.to_bytes(32, "big")

    # --- reading the whole state ------------------------------------------------------------------------
    def lp_holders(self) -> list[str]:
        return [*self.actors, self.router.address, ZERO]

    def token_holders(self) -> list[str]:
        return [*self.actors, self.router.address]

    def eth_holders(self) -> list[str]:
        return [*self.actors, self.router.address, self.weth.address]

    def token_contract(self, address: str) -> Contract:
        return next(t for t in self.tokens if t.address == address)

    def _state_calls(self, pools: tuple) -> tuple[list, list]:
        """(keys, calls): every static read of the compared state for the model pools `pools` (the pools
        that exist), each under a key that `model_state` uses too:

        ("reserves", pool), ("totalSupply", pool), ("lp", pool, holder) for every LP holder,
        ("token", token, pool) for the pool's two tokens, ("token", token, holder) for every token and
        token holder, ("weth.totalSupply",)."""
        keys, calls = [], []

        def add(key, contract, fn, *args):
            keys.append(key)
            calls.append((contract, fn, args))

        for mp in pools:
            contract = self.pool(mp.address)
            add(("reserves", mp.address), contract, "getReserves")
            add(("totalSupply", mp.address), contract, "totalSupply")
            for h in self.lp_holders():
                add(("lp", mp.address, h), contract, "balanceOf", h)
            for m_token in (mp.token0, mp.token1):
                token = self.token_contract(m_token.address)
                add(("token", m_token.address, mp.address), token, "balanceOf", mp.address)
        for token in self.tokens:
            for h in self.token_holders():
                add(("token", token.address, h), token, "balanceOf", h)
        add(("weth.totalSupply",), self.weth, "totalSupply")
        return keys, calls

    def read_state(self, pools: tuple) -> dict:
        """The chain's values of the compared state (see `_state_calls`) and ("eth", holder) for every ETH
        holder: a few Lens round trips plus one balance query per ETH holder."""
        pools = tuple(sorted(pools, key=lambda mp: mp.address))  # one reader per set of pools, in any order
        key = tuple(mp.address for mp in pools)
        prepared = self._readers.get(key)
        if prepared is None:
            keys, calls = self._state_calls(pools)
            readers = [self.chain.reader(calls)]  # the reader splits it into programs of 255 table entries
            prepared = self._readers[key] = (keys, readers)
        keys, readers = prepared
        values = []
        for reader in readers:
            values += [v[0] if len(v) == 1 else v for v in reader.read()]
        state = dict(zip(keys, values))
        for h in self.eth_holders():
            state[("eth", h)] = self.chain.eth_balance(h)
        return state

    def model_state(self, pools: tuple) -> dict:
        """The model's values under the keys of `read_state(pools)`."""
        state = {}
        for mp in pools:
            state[("reserves", mp.address)] = (mp.reserve0, mp.reserve1, mp.block_timestamp_last)
            state[("totalSupply", mp.address)] = mp.total_supply
            for h in self.lp_holders():
                state[("lp", mp.address, h)] = mp.balance_of(h)
            for m_token in (mp.token0, mp.token1):
                state[("token", m_token.address, mp.address)] = m_token.balance_of(mp.address)
        for token in self.tokens:
            m_token = self.model.tokens[token.address]
            for h in self.token_holders():
                state[("token", token.address, h)] = m_token.balance_of(h)
        state[("weth.totalSupply",)] = self.m_router.weth.total_supply
        for h in self.eth_holders():
            state[("eth", h)] = self.eth.balance_of(h)
        return state


def deploy_router_world(chain: Chain, base: PoolWorld | None = None) -> RouterWorld:
    """A pool world, WETH9 and the Router on `chain`, with the same world in the model.

    `base`: a pool world already deployed on `chain` instead of tests/worlds.py's, e.g. a hostile world of
    tests/hostile_world.py (its model factory makes every pool the router creates a HostilePool; a hooked
    transfer that fails restores the model world and the ETH ledger)."""
    base = base or deploy_pool_world(chain)
    owner = base.owner
    m_world = base.model
    weth = chain.deploy("WETH9", sender=owner)
    router = chain.deploy("Router", base.factory.address, weth.address, sender=owner)
    assert router.call("WETH") == weth.address and router.call("factory") == base.factory.address

    # Every pool address of the four tokens, from the router's CREATE2 computation; the existing ones
    # must be where the factory put them.
    pool_addresses = {}
    addresses = [t.address for t in base.tokens] + [weth.address]
    for i, a in enumerate(addresses):
        for b in addresses[i + 1 :]:
            t0, t1 = sorted((a, b), key=lambda x: int(x, 16))
            for fee in FEE_TIERS:
                pool_addresses[(t0, t1, fee)] = router.call("poolFor", t0, t1, fee)
    for pool in base.pools:
        mp = next(p for p in m_world.pools if p.address == pool.address)
        assert pool_addresses[(mp.token0.address, mp.token1.address, mp.fee_bps)] == pool.address

    # The permit signer: funded with ETH and tokens like the other actors.
    signer_key = keys.PrivateKey(SIGNER_KEY)
    signer = to_checksum_address(signer_key.public_key.to_canonical_address())
    enable_sender(chain, signer)
    owner_before = chain.eth_balance(owner)
    grant = owner_before // 4
    # What gas costs, measured on one transfer. revm runs with gas price and base fee 0: only values move
    # ETH. Anvil, although Ape starts it with --gas-price 0 --block-base-fee-per-gas 0, fills in its
    # minimum suggested tip, maxPriorityFeePerGas = 1 gwei, for an eth_sendTransaction that names no fee
    # (AnvilChain._tx names none): a mined transaction costs its sender gas_used * 1 gwei there (reverts
    # are not mined). The machine charges that in the model from each receipt's gas_used.
    receipt = chain.send_eth(owner, signer, grant)
    gas_price, rest = divmod(owner_before - grant - chain.eth_balance(owner), receipt.gas_used)
    assert rest == 0, "a transaction costs its value and gas used * one gas price"
    assert not isinstance(chain, RevmChain) or gas_price == 0
    for token, m_token in zip(base.tokens, (m_world.tokens[t.address] for t in base.tokens)):
        amount = 10 ** (m_token.decimals + 12)
        token.transact("mint", signer, amount, sender=owner)
        m_token.mint(signer, amount)

    actors = [*base.actors, signer]
    m_weth = model.Token(weth.address, 18, "Wrapped Ether", "WETH")
    for actor in actors:
        wrapped = chain.eth_balance(actor) // 4
        weth.transact("deposit", sender=actor, value=wrapped)
        m_weth.mint(actor, wrapped)
        for token in [*base.tokens, weth]:
            token.transact("approve", router.address, MAX_UINT, sender=actor)
        for pool in base.pools:
            pool.transact("approve", router.address, MAX_UINT, sender=actor)
    lp_approved = frozenset((a, p.address) for a in actors for p in base.pools)

    eth = Ether({h: chain.eth_balance(h) for h in [*actors, router.address, weth.address]})
    assert eth.balance_of(weth.address) == m_weth.total_supply
    m_world.factory.address = base.factory.address
    refusers = [base.factory.address, base.borrower.address]  # contracts that refuse plain ETH
    hook = getattr(base, "hook", None)
    if hook is not None:
        refusers.append(hook.address)
    m_router = ModelRouter(
        m_world, m_weth, router.address, eth=eth,
        pool_address=lambda t0, t1, fee: pool_addresses[(t0, t1, fee)],
        contracts=refusers,
    )
    for ledger in m_world.tokens.values():
        if isinstance(ledger, hostile.HookToken):
            ledger.scope = ModelScope((m_world.snapshot, m_world.restore), (eth._save, eth._load))
    world = RouterWorld(
        base, weth, router, signer, signer_key, chain_id(chain), gas_price, eth, m_router, pool_addresses,
        lp_approved,
    )
    # The computed EIP-712 domain is the one the LP token uses on this chain.
    assert base.pools[0].call("DOMAIN_SEPARATOR") == world.domain_separator(base.pools[0].address)
    world.snap, world.model_snap, world.eth_snap = chain.snapshot(), m_world.snapshot(), eth._save()
    return world
