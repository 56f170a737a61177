// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "solady/auth/Ownable.sol";
import {ReentrancyGuardTransient} from "solady/utils/ReentrancyGuardTransient.sol";
import {SafeTransferLib} from "solady/utils/SafeTransferLib.sol";
import {IFarm} from "./interfaces/IFarm.sol";

/// @title Farm
/// @notice Liquidity mining: stake LP tokens in weighted pools, earn one reward token emitted per second
///         over funded periods. Nothing is lost to rounding or to idle pools:
///         at every moment  totalPaid + sum(pendingReward) + dust + undistributed == totalFunded.
/// @dev Design (python_model/farm.py is the same arithmetic, wei for wei):
///      - Units. Accumulators and remainders are "scaled": reward wei x ACC_PRECISION (1e18).
///      - Schedule. One global schedule: `ratePerPoint` (scaled reward per allocation point per second)
///        until `periodEnd`. Pool p earns ratePerPoint * allocPoint_p * seconds, exactly (no division),
///        so a user operation touches one pool only. Whenever the rate or the total weight changes
///        (fund, addPool, setAllocPoint) every pool is first settled up to now, and the scaled amount
///        still to emit is re-spread: rate = floor(total / (totalAllocPoint * seconds)); the remainder
///        goes to `carried`.
///      - Idle pools: carry forward (no refunds). Emission that falls on a pool with no stake (and all
///        emission while the total weight is 0) is added to `carried` when the pool is next settled.
///        The next `fund` folds `carried` into its schedule, so future stakers receive it.
///      - Accumulator: acc += floor((reward + accRemainder) / totalStaked), accRemainder keeps the rest
///        (< totalStaked).
///      - Users: `rewardDebt` (scaled, kept modulo 2**256) makes amount * acc - rewardDebt the user's
///        unpaid accrual, scaled and exact: a deposit adds received * acc, a withdrawal subtracts
///        amount * acc, a harvest pays floor(accrual / 1e18) and adds what it paid x 1e18. So rewards
///        earned before a stake change stay owed (nothing is paid or lost), and the sub-wei part
///        (< 1e18 scaled) stays with the user. Wrapping is harmless: only differences are used and a
///        true accrual is below 2**184.
///      - Dust is the sum of the sub-wei parts in wei: every pool's accRemainder (< totalStaked / 1e18
///        wei), every user's accrual modulo 1e18 (< 1 wei) and the sub-wei part of the undistributed
///        scaled amount. It is a whole number of wei (by conservation) and never lost: each part is
///        carried into the next division and paid out once it adds up.
///      - Undistributed = floor((carried + idle emission not yet settled + ratePerPoint * totalAllocPoint
///        * (periodEnd - now)) / 1e18).
///      - Time weighting: a pool is brought up to `block.timestamp` before any stake changes, so a stake
///        added and removed in one block earns nothing.
///      - Only `harvest` / `harvestAll` pay; deposits and withdrawals leave earned rewards owed. Funding
///        checks that the reward balance covers totalFunded - totalPaid (everything owed plus the schedule).
///      - Bounds: totalFunded <= 2**124 - 1 keeps every scaled quantity below 2**184, the width of the
///        packed rate and accumulator; stakes are uint128.
///      - Gas: a user operation reads the schedule slot, two pool slots and two user slots (plus the LP
///        token address to move LP, plus the totals slot to pay) and writes what changed; a harvest
///        writes one user slot.
contract Farm is IFarm, Ownable, ReentrancyGuardTransient {
    /// @inheritdoc IFarm
    uint256 public constant ACC_PRECISION = 1e18;
    /// @inheritdoc IFarm
    uint256 public constant MAX_DURATION = 4 * 365 days;
    /// @dev Cap on totalFunded: keeps every scaled quantity below 2**184 (the packed fields' width).
    uint256 internal constant _MAX_FUNDED = 2 ** 124 - 1;

    /// @dev The global schedule, read by every user operation: one slot.
    struct Schedule {
        uint184 ratePerPoint; // scaled reward per allocation point per second
        uint40 periodEnd;
        uint32 poolCount;
    }

    /// @dev The hot part of a pool: two slots, read and written by every user operation.
    struct PoolData {
        uint184 accRewardPerShare; // scaled reward per staked LP wei
        uint40 lastUpdate;
        uint32 allocPoint;
        uint128 totalStaked;
        uint128 accRemainder; // scaled, < totalStaked
    }

    /// @dev A staker in one pool: two slots. Unpaid scaled accrual = amount * acc - rewardDebt (mod 2**256).
    struct UserData {
        uint128 amount;
        uint256 rewardDebt;
    }

    /// @inheritdoc IFarm
    address public immutable rewardToken;

    Schedule internal _schedule;
    mapping(uint256 pid => PoolData) internal _pools;
    mapping(uint256 pid => address) internal _lpTokens;
    mapping(address lpToken => uint256) internal _pidPlusOne;
    mapping(uint256 pid => mapping(address user => UserData)) internal _users;

    /// @inheritdoc IFarm
    mapping(address account => bool) public isFunder;
    /// @inheritdoc IFarm
    uint256 public totalAllocPoint;
    uint128 internal _totalFunded;
    uint128 internal _totalPaid;
    /// @inheritdoc IFarm
    uint256 public carried;

    /// @param rewardToken_ The token paid as reward.
    /// @param owner_ The owner (adds pools, sets weights and funders, may fund).
    constructor(address rewardToken_, address owner_) {
        if (rewardToken_ == address(0) || owner_ == address(0)) revert ZeroAddress();
        rewardToken = rewardToken_;
        _initializeOwner(owner_);
    }

    // --- owner and funder operations -----------------------------------------------------------------

    /// @inheritdoc IFarm
    function addPool(address lpToken, uint32 allocPoint) external onlyOwner nonReentrant returns (uint256 pid) {
        if (lpToken == address(0)) revert ZeroAddress();
        if (lpToken == rewardToken) revert RewardTokenStaked();
        if (_pidPlusOne[lpToken] != 0) revert PoolAlreadyAdded();
        Schedule memory s = _settleAll();
        pid = s.poolCount;
        _pools[pid] = PoolData(0, uint40(block.timestamp), allocPoint, 0, 0);
        _lpTokens[pid] = lpToken;
        _pidPlusOne[lpToken] = pid + 1;
        s.poolCount = uint32(pid + 1);
        uint256 oldTotal = totalAllocPoint;
        _respread(s, oldTotal, oldTotal + allocPoint);
        emit PoolAdded(pid, lpToken, allocPoint);
    }

    /// @inheritdoc IFarm
    function setAllocPoint(uint256 pid, uint32 allocPoint) external onlyOwner nonReentrant {
        if (pid >= _schedule.poolCount) revert InvalidPool();
        Schedule memory s = _settleAll();
        PoolData storage pool = _pools[pid];
        uint256 oldTotal = totalAllocPoint;
        uint256 newTotal = oldTotal - pool.allocPoint + allocPoint;
        pool.allocPoint = allocPoint;
        _respread(s, oldTotal, newTotal);
        emit AllocPointSet(pid, allocPoint);
    }

    /// @inheritdoc IFarm
    function setFunder(address funder, bool authorised) external onlyOwner nonReentrant {
        if (funder == address(0)) revert ZeroAddress();
        isFunder[funder] = authorised;
        emit FunderSet(funder, authorised);
    }

    /// @inheritdoc IFarm
    // Triaged: rate = floor(total / (alloc*duration)); the remainder `left` is kept in `carried`, so no wei is lost (tests/farm: conservation).
    // slither-disable-next-line divide-before-multiply
    function fund(uint256 amount, uint256 duration) external nonReentrant returns (uint256 received) {
        if (msg.sender != owner() && !isFunder[msg.sender]) revert NotFunder();
        if (duration == 0 || duration > MAX_DURATION) revert InvalidDuration();
        Schedule memory s = _settleAll();
        if (amount != 0) {
            uint256 before = SafeTransferLib.balanceOf(rewardToken, address(this));
            SafeTransferLib.safeTransferFrom(rewardToken, msg.sender, address(this), amount);
            received = SafeTransferLib.balanceOf(rewardToken, address(this)) - before;
        }
        uint256 funded = uint256(_totalFunded) + received;
        if (funded > _MAX_FUNDED) revert Overflow();
        uint256 alloc = totalAllocPoint;
        uint256 total = _remaining(s, alloc) + received * ACC_PRECISION + carried;
        uint256 rate = alloc == 0 ? 0 : total / (alloc * duration);
        if (block.timestamp < s.periodEnd && rate < s.ratePerPoint) revert RewardRateDecreased();
        if (rate > type(uint184).max) revert Overflow();
        if (SafeTransferLib.balanceOf(rewardToken, address(this)) < funded - _totalPaid) {
            revert InsufficientRewardBalance();
        }
        uint256 left = total - rate * alloc * duration;
        s.ratePerPoint = uint184(rate);
        s.periodEnd = uint40(block.timestamp + duration);
        _schedule = s;
        carried = left;
        _totalFunded = uint128(funded);
        emit Funded(msg.sender, received, duration);
        emit ScheduleUpdated(rate, s.periodEnd, left);
    }

    // --- staker operations ---------------------------------------------------------------------------

    /// @inheritdoc IFarm
    function deposit(uint256 pid, uint256 amount) external nonReentrant returns (uint256 received) {
        if (amount == 0) revert ZeroAmount();
        Schedule memory s = _schedule;
        if (pid >= s.poolCount) revert InvalidPool();
        PoolData memory pool = _pools[pid];
        _accrue(pool, s, pid);
        address lpToken = _lpTokens[pid];
        uint256 before = SafeTransferLib.balanceOf(lpToken, address(this));
        SafeTransferLib.safeTransferFrom(lpToken, msg.sender, address(this), amount);
        received = SafeTransferLib.balanceOf(lpToken, address(this)) - before;
        if (received == 0) revert ZeroAmount();
        uint256 staked = uint256(pool.totalStaked) + received;
        if (staked > type(uint128).max) revert Overflow();
        pool.totalStaked = uint128(staked);
        _pools[pid] = pool;
        UserData storage user = _users[pid][msg.sender];
        // Gas: user.amount <= totalStaked fits; the debt wraps by design (see the header).
        unchecked {
            user.amount += uint128(received);
            user.rewardDebt += received * pool.accRewardPerShare;
        }
        emit Deposit(msg.sender, pid, received);
    }

    /// @inheritdoc IFarm
    function withdraw(uint256 pid, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Schedule memory s = _schedule;
        if (pid >= s.poolCount) revert InvalidPool();
        UserData storage user = _users[pid][msg.sender];
        uint256 stake = user.amount;
        if (amount > stake) revert InsufficientStake();
        PoolData memory pool = _pools[pid];
        _accrue(pool, s, pid);
        // Gas: amount <= stake <= totalStaked; the debt wraps by design (see the header).
        unchecked {
            pool.totalStaked -= uint128(amount);
            user.amount = uint128(stake - amount);
            user.rewardDebt -= amount * pool.accRewardPerShare;
        }
        _pools[pid] = pool;
        SafeTransferLib.safeTransfer(_lpTokens[pid], msg.sender, amount);
        emit Withdraw(msg.sender, pid, amount);
    }

    /// @inheritdoc IFarm
    function harvest(uint256 pid) external nonReentrant returns (uint256 reward) {
        Schedule memory s = _schedule;
        if (pid >= s.poolCount) revert InvalidPool();
        reward = _harvest(pid, s);
        _pay(reward);
    }

    /// @inheritdoc IFarm
    function harvestAll() external nonReentrant returns (uint256 reward) {
        Schedule memory s = _schedule;
        for (uint256 pid; pid < s.poolCount; ++pid) {
            UserData storage user = _users[pid][msg.sender];
            // Skip pools without stake and without a whole wei to pay (accrual = 0 - rewardDebt).
            unchecked {
                if (user.amount == 0 && 0 - user.rewardDebt < ACC_PRECISION) continue;
            }
            reward += _harvest(pid, s);
        }
        _pay(reward);
    }

    /// @inheritdoc IFarm
    function emergencyWithdraw(uint256 pid) external nonReentrant returns (uint256 amount) {
        Schedule memory s = _schedule;
        if (pid >= s.poolCount) revert InvalidPool();
        UserData storage user = _users[pid][msg.sender];
        amount = user.amount;
        if (amount == 0) revert ZeroAmount();
        PoolData memory pool = _pools[pid];
        _accrue(pool, s, pid);
        uint256 debt;
        // Gas: amount <= totalStaked; the debt wraps by design (see the header).
        unchecked {
            pool.totalStaked -= uint128(amount);
            debt = user.rewardDebt - amount * pool.accRewardPerShare;
        }
        _pools[pid] = pool;
        user.amount = 0;
        user.rewardDebt = debt;
        SafeTransferLib.safeTransfer(_lpTokens[pid], msg.sender, amount);
        unchecked {
            emit EmergencyWithdraw(msg.sender, pid, amount, (0 - debt) / ACC_PRECISION);
        }
    }

    // --- views ----------------------------------------------------------------------------------------

    /// @inheritdoc IFarm
    function pendingReward(uint256 pid, address user) external view returns (uint256) {
        Schedule memory s = _schedule;
        if (pid >= s.poolCount) revert InvalidPool();
        PoolData memory pool = _pools[pid];
        _accrueView(pool, s);
        UserData storage u = _users[pid][user];
        return _accrual(u.amount, u.rewardDebt, pool.accRewardPerShare) / ACC_PRECISION;
    }

    /// @inheritdoc IFarm
    function rewardRate() external view returns (uint256) {
        Schedule memory s = _schedule;
        return block.timestamp < s.periodEnd ? uint256(s.ratePerPoint) * totalAllocPoint / ACC_PRECISION : 0;
    }

    /// @inheritdoc IFarm
    function poolRewardRate(uint256 pid) external view returns (uint256) {
        Schedule memory s = _schedule;
        if (pid >= s.poolCount) revert InvalidPool();
        if (block.timestamp >= s.periodEnd) return 0;
        return uint256(s.ratePerPoint) * _pools[pid].allocPoint / ACC_PRECISION;
    }

    /// @inheritdoc IFarm
    function ratePerPoint() external view returns (uint256) {
        return _schedule.ratePerPoint;
    }

    /// @inheritdoc IFarm
    function periodEnd() external view returns (uint256) {
        return _schedule.periodEnd;
    }

    /// @inheritdoc IFarm
    function poolLength() external view returns (uint256) {
        return _schedule.poolCount;
    }

    /// @inheritdoc IFarm
    function poolInfo(uint256 pid)
        external
        view
        returns (
            address lpToken,
            uint256 allocPoint,
            uint256 lastUpdate,
            uint256 accRewardPerShare,
            uint256 accRemainder,
            uint256 totalStaked_
        )
    {
        if (pid >= _schedule.poolCount) revert InvalidPool();
        PoolData memory pool = _pools[pid];
        return (
            _lpTokens[pid],
            pool.allocPoint,
            pool.lastUpdate,
            pool.accRewardPerShare,
            pool.accRemainder,
            pool.totalStaked
        );
    }

    /// @inheritdoc IFarm
    function totalStaked(uint256 pid) external view returns (uint256) {
        if (pid >= _schedule.poolCount) revert InvalidPool();
        return _pools[pid].totalStaked;
    }

    /// @inheritdoc IFarm
    function poolIdOf(address lpToken) external view returns (bool exists, uint256 pid) {
        uint256 pidPlusOne = _pidPlusOne[lpToken];
        if (pidPlusOne != 0) return (true, pidPlusOne - 1);
    }

    /// @inheritdoc IFarm
    function totalFunded() external view returns (uint256) {
        return _totalFunded;
    }

    /// @inheritdoc IFarm
    function totalPaid() external view returns (uint256) {
        return _totalPaid;
    }

    /// @inheritdoc IFarm
    function userInfo(uint256 pid, address user) external view returns (uint256 amount, uint256 rewardDebt) {
        UserData storage u = _users[pid][user];
        return (u.amount, u.rewardDebt);
    }

    // --- internals ------------------------------------------------------------------------------------

    /// @dev Brings `pool` (in memory) up to now: the emission since lastUpdate, ratePerPoint * allocPoint *
    ///      seconds (scaled, exact), goes into the accumulator; on a pool without stake it is carried.
    ///      Returns the emission to carry (scaled).
    // Triaged: `numerator % staked` is the accumulator remainder, not randomness; `staked == 0` is the exact idle-pool branch.
    // slither-disable-next-line weak-prng,incorrect-equality
    function _accrueView(PoolData memory pool, Schedule memory s) internal view returns (uint256 idle) {
        uint256 last = pool.lastUpdate;
        if (block.timestamp <= last) return 0;
        uint256 end = s.periodEnd;
        uint256 until = block.timestamp < end ? block.timestamp : end;
        if (until > last) {
            uint256 reward = uint256(s.ratePerPoint) * pool.allocPoint * (until - last);
            uint256 staked = pool.totalStaked;
            if (staked == 0) {
                idle = reward;
            } else {
                uint256 numerator = reward + pool.accRemainder;
                // Bounded by totalFunded * ACC_PRECISION < 2**184 (see the header): the casts are exact.
                pool.accRewardPerShare = uint184(pool.accRewardPerShare + numerator / staked);
                pool.accRemainder = uint128(numerator % staked);
            }
        }
        pool.lastUpdate = uint40(block.timestamp);
    }

    /// @dev `_accrueView` plus the carry of idle emission into storage.
    function _accrue(PoolData memory pool, Schedule memory s, uint256 pid) internal {
        uint256 idle = _accrueView(pool, s);
        if (idle != 0) {
            carried += idle;
            emit RewardsCarried(pid, idle);
        }
    }

    /// @dev A user's unpaid scaled accrual at accumulator `acc`: amount * acc - rewardDebt, modulo 2**256
    ///      (exact: the true value is below 2**184).
    function _accrual(uint256 amount, uint256 rewardDebt, uint256 acc) internal pure returns (uint256 accrual) {
        unchecked {
            accrual = amount * acc - rewardDebt;
        }
    }

    /// @dev Brings pool `pid` up to date and books the caller's whole-wei accrual there as paid
    ///      (rewardDebt grows by reward x 1e18); returns it. The transfer is left to `_pay`.
    // Triaged: harvest pays floor(accrual / 1e18) and keeps the sub-wei rest in rewardDebt on purpose (conservation).
    // slither-disable-next-line divide-before-multiply
    function _harvest(uint256 pid, Schedule memory s) internal returns (uint256 reward) {
        PoolData memory pool = _pools[pid];
        _accrue(pool, s, pid);
        _pools[pid] = pool;
        UserData storage user = _users[pid][msg.sender];
        uint256 debt = user.rewardDebt;
        reward = _accrual(user.amount, debt, pool.accRewardPerShare) / ACC_PRECISION;
        if (reward != 0) {
            // Gas: wraps by design (see the header).
            unchecked {
                user.rewardDebt = debt + reward * ACC_PRECISION;
            }
        }
        emit Harvest(msg.sender, pid, reward);
    }

    /// @dev Pays `reward` to the caller and books it as paid.
    // Triaged: `reward == 0` skips a zero transfer; exact comparison intended.
    // slither-disable-next-line incorrect-equality
    function _pay(uint256 reward) internal {
        if (reward == 0) return;
        // Gas: totalPaid <= totalFunded < 2**124.
        unchecked {
            _totalPaid += uint128(reward);
        }
        SafeTransferLib.safeTransfer(rewardToken, msg.sender, reward);
    }

    /// @dev Settles every pool up to now (owner and funder operations only) and returns the schedule.
    function _settleAll() internal returns (Schedule memory s) {
        s = _schedule;
        for (uint256 pid; pid < s.poolCount; ++pid) {
            PoolData memory pool = _pools[pid];
            _accrue(pool, s, pid);
            _pools[pid] = pool;
        }
    }

    /// @dev Scaled emission still scheduled after now at the current rate and total weight `alloc`.
    function _remaining(Schedule memory s, uint256 alloc) internal view returns (uint256) {
        if (block.timestamp >= s.periodEnd) return 0;
        return uint256(s.ratePerPoint) * alloc * (s.periodEnd - block.timestamp);
    }

    /// @dev After every pool was settled: spreads what remains of the running period over the new total
    ///      weight (rounding down; the remainder is carried), then stores the schedule and the weight.
    // Triaged: re-spreading floors the rate and carries the remainder forward (conservation).
    // slither-disable-next-line divide-before-multiply
    function _respread(Schedule memory s, uint256 oldTotal, uint256 newTotal) internal {
        if (block.timestamp < s.periodEnd) {
            uint256 remaining = _remaining(s, oldTotal);
            uint256 span = s.periodEnd - block.timestamp;
            uint256 rate = newTotal == 0 ? 0 : remaining / (newTotal * span);
            uint256 left = remaining - rate * newTotal * span;
            if (left != 0) carried += left;
            s.ratePerPoint = uint184(rate); // rate <= remaining < 2**184
        }
        _schedule = s;
        totalAllocPoint = newTotal;
        emit ScheduleUpdated(s.ratePerPoint, s.periodEnd, carried);
    }

    /// @dev Always the transient lock (EIP-1153, the farm targets Prague), whatever the chain id:
    ///      two TSTOREs instead of Solady's SSTORE fallback off mainnet.
    function _useTransientReentrancyGuardOnlyOnMainnet() internal pure override returns (bool) {
        return false;
    }
}
