"""Farm audit: replay a Farm's events through the exact farm model (python_model.farm.Farm).

The farm's events carry every input of its operations (who, which pool, how much, for how long) and the
block timestamp comes with each event, so the replay re-executes each operation on the model and checks
every number the contract reports:

* ``Harvest(user, pid, amount)``: the model's pending reward at that timestamp (``harvestAll`` emits one
  Harvest per pool it touches, each checked the same way).
* ``EmergencyWithdraw(user, pid, amount, owed)``: the whole stake and the reward left owed.
* ``RewardsCarried(pid, amount)`` before an operation: exactly the idle emission the model settles for
  it (one pool for staker operations, every pool for fund / addPool / setAllocPoint).
* ``ScheduleUpdated(ratePerPoint, periodEnd, carried)``: the model's schedule after fund (the event
  right after ``Funded``) and after addPool / setAllocPoint (the event right before them).
* A ``Withdraw`` the model would refuse (more than the stake) and a ``PoolAdded`` with the wrong pid.

The replay starts at the farm's creation (its state is spread over every staker, so it is not read
mid-history).  Deposits and funding are replayed with the received amounts the events report.
"""

from __future__ import annotations

from ..errors import ModelError
from ..farm import ACC_PRECISION, UINT256, Farm, accrue
from ..token import Token
from .engine import LogError, Verdict, _Stop, record_divergence

OWNER = "0x00000000000000000000000000000000000a0d17"  # stands for the owner and every funder
FARM_EVENTS = (
    "PoolAdded", "AllocPointSet", "FunderSet", "Funded", "ScheduleUpdated", "RewardsCarried", "Deposit",
    "Withdraw", "EmergencyWithdraw", "Harvest", "OwnershipTransferred",
)


class FarmAuditor:
    """Replays one farm's events (each with its block ``timestamp``); ``feed`` them in order, then ``finish``."""

    def __init__(self, farm, reward_token=None, *, max_divergences=1):
        self.farm = farm.lower()
        reward = Token((reward_token or "0x00000000000000000000000000000000000ae4a2").lower())
        self.model = Farm(self.farm, reward, OWNER)
        self.reward = reward
        self.max_divergences = max_divergences
        self.divergences = []
        self._block, self._tx, self._log = -1, None, -1
        self._address = None
        self._carried = []  # RewardsCarried since the last operation in this transaction
        self._schedule = None  # a ScheduleUpdated waiting for its PoolAdded / AllocPointSet
        self._expect = None  # (Funded event, the model's schedule) waiting for the ScheduleUpdated after it
        self.events = 0
        self.first_block = None
        self.last_block = None
        self.stats = {"harvests": 0, "paid": 0, "deposits": 0, "withdrawals": 0, "emergency_withdrawals": 0,
                      "fundings": 0, "funded": 0, "pools": 0, "rewards_carried": 0}
        self._handlers = {
            "RewardsCarried": self._on_carried, "ScheduleUpdated": self._on_schedule, "Funded": self._on_funded,
            "PoolAdded": self._on_pool_added, "AllocPointSet": self._on_alloc, "Deposit": self._on_deposit,
            "Withdraw": self._on_withdraw, "Harvest": self._on_harvest,
            "EmergencyWithdraw": self._on_emergency, "FunderSet": _ignore, "OwnershipTransferred": _ignore,
        }

    # --- driving ------------------------------------------------------------------------------------

    def feed(self, ev):
        if ev.tx_hash != self._tx or ev.block != self._block:
            if ev.block < self._block or (ev.block == self._block and ev.log_index <= self._log):
                raise LogError(ev.line, f"event out of order: block {ev.block} log {ev.log_index} after "
                                        f"block {self._block} log {self._log}")
            self._end_tx()
            self._block, self._tx = ev.block, ev.tx_hash
            if self.first_block is None:
                self.first_block = ev.block
        elif ev.log_index <= self._log:
            raise LogError(ev.line, f"event out of order: log {ev.log_index} after log {self._log} in block {self._block}")
        self._log = ev.log_index
        if ev.address != self._address:
            if ev.address.lower() != self.farm:
                raise LogError(ev.line, f"event from {ev.address}, not from the audited farm {self.farm}")
            self._address = ev.address
        handler = self._handlers.get(ev.event)
        if handler is None:
            raise LogError(ev.line, f"unknown farm event {ev.event!r}")
        if getattr(ev, "timestamp", None) is None:
            raise LogError(ev.line, f"{ev.event} without a block timestamp (the farm audit needs it)")
        self.events += 1
        self.last_block = ev.block
        if self._expect is not None and ev.event != "ScheduleUpdated":
            funded, _ = self._expect
            self._expect = None
            self._bad(funded, "ScheduleUpdated", "right after Funded", "none")
        try:
            handler(ev)
        except (KeyError, TypeError, AttributeError) as exc:
            raise LogError(ev.line, f"malformed {ev.event} event: {type(exc).__name__} {exc}") from None

    def finish(self, end=None, through_block=None, *, stopped=False):
        """Close the last transaction and compare with ``end`` (dict of the farm's totals) if given."""
        if not stopped:
            try:
                self._end_tx()
                if end is not None:
                    self._check_end(end)
            except _Stop:
                pass
        m = self.model
        state = {"total_funded": m.total_funded, "total_paid": m.total_paid, "carried": m.carried,
                 "rate_per_point": m.rate_per_point, "period_end": m.period_end,
                 "total_alloc_point": m.total_alloc_point, "pools": len(m.pools)}
        through = through_block if through_block is not None else self.last_block
        return Verdict(self.farm, None, self.events, self.events, self.first_block, through,
                       list(self.divergences), dict(self.stats), None, state)

    # --- helpers ------------------------------------------------------------------------------------

    def _bad(self, ev, field_name, expected, actual, relation="==", note=""):
        record_divergence(self.divergences, self.max_divergences, ev, field_name, expected, actual, relation, note)

    def _end_tx(self):
        if self._expect is not None:
            funded, _ = self._expect
            self._expect = None
            self._bad(funded, "ScheduleUpdated", "right after Funded", "none")
        if self._carried:
            ev = self._carried[0]
            self._carried = []
            self._bad(ev, "outcome", "RewardsCarried only while an operation settles a pool", "no operation followed")
        if self._schedule is not None:
            ev, self._schedule = self._schedule, None
            self._bad(ev, "outcome", "ScheduleUpdated of fund, addPool or setAllocPoint", "no operation followed")

    def _check_end(self, end):
        m = self.model
        here_block = end.get("block", self.last_block)
        from .engine import Event

        here = Event(here_block, "end state", 0, self.farm, "state", {})
        for name, mine in (("totalFunded", m.total_funded), ("totalPaid", m.total_paid), ("carried", m.carried),
                           ("ratePerPoint", m.rate_per_point), ("periodEnd", m.period_end),
                           ("totalAllocPoint", m.total_alloc_point), ("poolLength", len(m.pools))):
            theirs = end.get(name)
            if theirs is not None and theirs != mine:
                self._bad(here, name, mine, theirs, note="state read from the chain after the last event")

    def _check_carried(self, ev, pids, timestamp):
        """The RewardsCarried emitted since the last operation must be the model's idle emission for ``pids``."""
        m = self.model
        expected = []
        for pid in pids:
            _, idle = accrue(m.pools[pid], m.rate_per_point, m.period_end, timestamp)
            if idle:
                expected.append((pid, idle))
        carried, self._carried = self._carried, []
        actual = [(e.args["pid"], e.args["amount"]) for e in carried]
        self.stats["rewards_carried"] += len(carried)
        if actual == expected:
            return
        for i, got in enumerate(actual):
            if i >= len(expected):
                self._bad(carried[i], "outcome", "no idle emission to carry", f"RewardsCarried{got}")
                return
            if got != expected[i]:
                field_name = "amount" if got[0] == expected[i][0] else "pid"
                self._bad(carried[i], field_name, expected[i][1] if field_name == "amount" else expected[i][0],
                          got[1] if field_name == "amount" else got[0], note="idle emission carried forward")
                return
        pid, idle = expected[len(actual)]
        self._bad(ev, "RewardsCarried", f"RewardsCarried({pid}, {idle}) before it", "none")

    def _pool_ok(self, ev, pid):
        if not 0 <= pid < len(self.model.pools):
            self._bad(ev, "pid", f"< {len(self.model.pools)}", pid, note="revert InvalidPool")
            return False
        return True

    def _run(self, ev, op, *args, **kwargs):
        """Run a model operation: (True, result), or (False, None) after reporting the model's revert (the
        chain did not revert: its event is there)."""
        try:
            return True, op(*args, **kwargs)
        except ModelError as exc:
            self._bad(ev, "outcome", f"revert {type(exc).__name__}", f"{ev.event} event")
            return False, None

    def _schedule_matches(self, ev):
        m = self.model
        a = ev.args
        for name, mine in (("ratePerPoint", m.rate_per_point), ("periodEnd", m.period_end), ("carried", m.carried)):
            if a[name] != mine:
                self._bad(ev, name, mine, a[name], note="the model's schedule after the operation")

    # --- the operations -----------------------------------------------------------------------------

    def _on_carried(self, ev):
        ev.args["pid"], ev.args["amount"]
        self._carried.append(ev)

    def _on_schedule(self, ev):
        if self._expect is not None:
            funded, _ = self._expect
            self._expect = None
            if ev.tx_hash != funded.tx_hash or ev.log_index != funded.log_index + 1:
                self._bad(funded, "ScheduleUpdated", "right after Funded", "none")
            self._schedule_matches(ev)
            return
        if self._schedule is not None:
            self._end_tx()
        self._schedule = ev

    def _settle_all_then(self, ev):
        m = self.model
        self._check_carried(ev, range(len(m.pools)), ev.timestamp)

    def _on_funded(self, ev):
        a = ev.args
        self._settle_all_then(ev)
        received, duration = a["received"], a["duration"]
        self.reward.mint(OWNER, received)
        if self._run(ev, self.model.fund, OWNER, received, duration, timestamp=ev.timestamp)[0]:
            self.stats["fundings"] += 1
            self.stats["funded"] += received
        self._expect = (ev, None)

    def _respread_event(self, ev):
        schedule, self._schedule = self._schedule, None
        if schedule is None:
            self._bad(ev, "ScheduleUpdated", "right before it", "none")
            return
        self._schedule_matches(schedule)

    def _on_pool_added(self, ev):
        a = ev.args
        self._settle_all_then(ev)
        expected_pid = len(self.model.pools)
        token = Token(a["lpToken"].lower())
        ok, pid = self._run(ev, self.model.add_pool, OWNER, token, a["allocPoint"], timestamp=ev.timestamp)
        if not ok:
            return
        if a["pid"] != expected_pid:
            self._bad(ev, "pid", expected_pid, a["pid"])
        self.stats["pools"] += 1
        self._respread_event(ev)

    def _on_alloc(self, ev):
        a = ev.args
        pid = a["pid"]
        if not self._pool_ok(ev, pid):
            return
        self._settle_all_then(ev)
        if not self._run(ev, self.model.set_alloc_point, OWNER, pid, a["allocPoint"], timestamp=ev.timestamp)[0]:
            return
        self._respread_event(ev)

    def _on_deposit(self, ev):
        a = ev.args
        pid, user, amount = a["pid"], a["user"].lower(), a["amount"]
        if not self._pool_ok(ev, pid):
            return
        self._check_carried(ev, (pid,), ev.timestamp)
        lp = self.model.tokens[self.model.pools[pid].lp_token]
        lp.mint(user, amount)
        if self._run(ev, self.model.deposit, user, pid, amount, timestamp=ev.timestamp)[0]:
            self.stats["deposits"] += 1

    def _on_withdraw(self, ev):
        a = ev.args
        pid, user, amount = a["pid"], a["user"].lower(), a["amount"]
        if not self._pool_ok(ev, pid):
            return
        self._check_carried(ev, (pid,), ev.timestamp)
        stake = self.model.user_info(pid, user).amount
        if amount > stake:
            self._bad(ev, "amount", stake, amount, "<=", note="revert InsufficientStake: more than the stake")
            return
        if self._run(ev, self.model.withdraw, user, pid, amount, timestamp=ev.timestamp)[0]:
            self.stats["withdrawals"] += 1

    def _on_harvest(self, ev):
        a = ev.args
        pid, user, amount = a["pid"], a["user"].lower(), a["amount"]
        if not self._pool_ok(ev, pid):
            return
        self._check_carried(ev, (pid,), ev.timestamp)
        ok, reward = self._run(ev, self.model.harvest, user, pid, timestamp=ev.timestamp)
        if not ok:
            return
        self.stats["harvests"] += 1
        self.stats["paid"] += reward
        if amount != reward:
            self._bad(ev, "amount", reward, amount, note="the model's pending reward at this block")

    def _on_emergency(self, ev):
        a = ev.args
        pid, user = a["pid"], a["user"].lower()
        if not self._pool_ok(ev, pid):
            return
        self._check_carried(ev, (pid,), ev.timestamp)
        ok, amount = self._run(ev, self.model.emergency_withdraw, user, pid, timestamp=ev.timestamp)
        if not ok:
            return
        self.stats["emergency_withdrawals"] += 1
        if a["amount"] != amount:
            self._bad(ev, "amount", amount, a["amount"], note="the whole stake")
        owed = (-self.model.user_info(pid, user).reward_debt) % UINT256 // ACC_PRECISION
        if a["owed"] != owed:
            self._bad(ev, "owed", owed, a["owed"], note="rewards left owed, claimable with harvest")


def _ignore(ev):
    return None


def audit_farm_events(events, farm, reward_token=None, *, end=None, through_block=None, max_divergences=1):
    """Replay farm ``events`` (each with ``timestamp``) and return the Verdict.  Raises LogError."""
    auditor = FarmAuditor(farm, reward_token, max_divergences=max_divergences)
    try:
        for ev in events:
            auditor.feed(ev)
    except _Stop:
        return auditor.finish(stopped=True)
    return auditor.finish(end, through_block)
