// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IFarm
/// @notice Liquidity mining: LP tokens staked in weighted pools earn one reward token, emitted per second
///         over funded periods. Amounts marked "scaled" are in reward wei x ACC_PRECISION (1e18).
/// @dev Also raised by the implementation: `Unauthorized()` (Solady Ownable, owner-only functions) and
///      `Reentrancy()` (Solady ReentrancyGuardTransient, every state-changing function).
interface IFarm {
    /// @notice `fund` was called by an account that is neither the owner nor an authorised funder.
    error NotFunder();
    /// @notice No pool has this id.
    error InvalidPool();
    /// @notice This LP token already has a pool.
    error PoolAlreadyAdded();
    /// @notice The reward token cannot be staked.
    error RewardTokenStaked();
    /// @notice A zero address was given for a token or a funder.
    error ZeroAddress();
    /// @notice A deposit or withdrawal of nothing (or a deposit that delivered nothing, or an
    ///         emergency withdrawal with nothing staked).
    error ZeroAmount();
    /// @notice A withdrawal of more than the caller has staked in the pool.
    error InsufficientStake();
    /// @notice A funding duration of zero or above MAX_DURATION.
    error InvalidDuration();
    /// @notice A top-up during a running period would lower the reward rate.
    error RewardRateDecreased();
    /// @notice The farm's reward balance does not cover everything owed plus the new schedule.
    error InsufficientRewardBalance();
    /// @notice A total left its storage width (pool stake > 2**128 - 1, total funded > 2**124 - 1).
    error Overflow();
    /// @notice An incoming token transfer failed (Solady SafeTransferLib).
    error TransferFromFailed();
    /// @notice An outgoing token transfer failed (Solady SafeTransferLib).
    error TransferFailed();

    /// @notice A pool was created for `lpToken` with weight `allocPoint`.
    event PoolAdded(uint256 indexed pid, address indexed lpToken, uint256 allocPoint);
    /// @notice The weight of pool `pid` is now `allocPoint`.
    event AllocPointSet(uint256 indexed pid, uint256 allocPoint);
    /// @notice `funder` may (or may no longer) call `fund`.
    event FunderSet(address indexed funder, bool authorised);
    /// @notice `funder` paid in `received` reward tokens (measured) for a period of `duration` seconds.
    event Funded(address indexed funder, uint256 received, uint256 duration);
    /// @notice The emission schedule changed (fund, addPool, setAllocPoint): scaled reward per allocation
    ///         point per second until `periodEnd`, and the scaled rewards carried to the next funding.
    event ScheduleUpdated(uint256 ratePerPoint, uint256 periodEnd, uint256 carried);
    /// @notice Emission of pool `pid` that fell while it had no stake (scaled) was carried forward.
    event RewardsCarried(uint256 indexed pid, uint256 amount);
    /// @notice `user` staked `amount` LP tokens (the balance change the farm received) in pool `pid`.
    event Deposit(address indexed user, uint256 indexed pid, uint256 amount);
    /// @notice `user` withdrew `amount` LP tokens from pool `pid`.
    event Withdraw(address indexed user, uint256 indexed pid, uint256 amount);
    /// @notice `user` withdrew the whole stake `amount` from pool `pid` without claiming; the earned
    ///         rewards (`owed`, wei) stay claimable with `harvest`.
    event EmergencyWithdraw(address indexed user, uint256 indexed pid, uint256 amount, uint256 owed);
    /// @notice `user` was paid `amount` reward tokens earned in pool `pid`.
    event Harvest(address indexed user, uint256 indexed pid, uint256 amount);

    // --- constants and configuration --------------------------------------------------------------

    /// @notice Scale of every accumulator and remainder (reward wei x 1e18).
    function ACC_PRECISION() external pure returns (uint256);

    /// @notice Longest funding period in seconds.
    function MAX_DURATION() external pure returns (uint256);

    /// @notice The token paid as reward.
    function rewardToken() external view returns (address);

    /// @notice Whether `account` may call `fund` (the owner always may).
    function isFunder(address account) external view returns (bool);

    // --- owner and funder operations -----------------------------------------------------------------

    /// @notice Adds a pool for `lpToken` with weight `allocPoint`, after settling every pool up to now.
    /// @dev Owner only. The running schedule is re-spread over the new total weight.
    /// @return pid The new pool's id (pools are numbered from 0).
    function addPool(address lpToken, uint32 allocPoint) external returns (uint256 pid);

    /// @notice Sets the weight of pool `pid`, after settling every pool up to now.
    /// @dev Owner only. The running schedule is re-spread over the new total weight.
    function setAllocPoint(uint256 pid, uint32 allocPoint) external;

    /// @notice Authorises (or de-authorises) `funder` to call `fund`.
    /// @dev Owner only.
    function setFunder(address funder, bool authorised) external;

    /// @notice Pulls `amount` reward tokens from the caller and emits them, together with what is left
    ///         of the running period and the carried rewards, evenly over the next `duration` seconds.
    /// @dev Owner or authorised funder. Settles every pool first. Credits the balance change actually
    ///      received. Reverts `RewardRateDecreased` if the period is running and the new rate per
    ///      allocation point is lower than the current one, and `InsufficientRewardBalance` if the
    ///      farm's balance is below (total funded - total paid).
    /// @return received The reward tokens received (the farm's balance change).
    function fund(uint256 amount, uint256 duration) external returns (uint256 received);

    // --- staker operations ---------------------------------------------------------------------------

    /// @notice Stakes `amount` LP tokens (pulled from the caller) in pool `pid`.
    /// @dev Pays nothing: rewards earned so far stay owed (claim with `harvest`).
    /// @return received The stake credited: the farm's LP balance change (fee-on-transfer safe).
    function deposit(uint256 pid, uint256 amount) external returns (uint256 received);

    /// @notice Unstakes `amount` LP tokens from pool `pid` and sends them to the caller.
    /// @dev Pays nothing: rewards earned so far stay owed (claim with `harvest`).
    function withdraw(uint256 pid, uint256 amount) external;

    /// @notice Pays the caller everything earned in pool `pid`.
    /// @return reward The reward tokens paid.
    function harvest(uint256 pid) external returns (uint256 reward);

    /// @notice Pays the caller everything earned in every pool where it has a stake or a whole wei owed.
    /// @dev Iterates all pools (a convenience; `harvest(pid)` is the cheap path). One transfer.
    /// @return reward The reward tokens paid.
    function harvestAll() external returns (uint256 reward);

    /// @notice Returns the caller's whole stake in pool `pid` without paying rewards. Earned rewards
    ///         are kept as owed and can be claimed later with `harvest`; nothing is forfeited.
    /// @dev Never calls the reward token.
    /// @return amount The LP tokens returned.
    function emergencyWithdraw(uint256 pid) external returns (uint256 amount);

    // --- views ----------------------------------------------------------------------------------------

    /// @notice Reward wei `user` would be paid by `harvest(pid)` now (owed plus accrued, rounded down).
    function pendingReward(uint256 pid, address user) external view returns (uint256);

    /// @notice Reward wei emitted per second over all pools now (0 outside a funded period; rounded down).
    function rewardRate() external view returns (uint256);

    /// @notice Reward wei emitted per second to pool `pid` now (0 outside a funded period; rounded down).
    function poolRewardRate(uint256 pid) external view returns (uint256);

    /// @notice Scaled reward per allocation point per second of the current schedule.
    function ratePerPoint() external view returns (uint256);

    /// @notice End (timestamp) of the current funded period.
    function periodEnd() external view returns (uint256);

    /// @notice Number of pools.
    function poolLength() external view returns (uint256);

    /// @notice Sum of all pools' weights.
    function totalAllocPoint() external view returns (uint256);

    /// @notice Stored state of pool `pid` (as of its last update).
    /// @return lpToken The staked token.
    /// @return allocPoint The pool's weight.
    /// @return lastUpdate Timestamp the accumulator was last brought up to date.
    /// @return accRewardPerShare Scaled reward per staked LP wei, accumulated.
    /// @return accRemainder Scaled reward not yet added to the accumulator (< totalStaked).
    /// @return totalStaked LP tokens staked in the pool.
    function poolInfo(uint256 pid)
        external
        view
        returns (
            address lpToken,
            uint256 allocPoint,
            uint256 lastUpdate,
            uint256 accRewardPerShare,
            uint256 accRemainder,
            uint256 totalStaked
        );

    /// @notice LP tokens staked in pool `pid`.
    function totalStaked(uint256 pid) external view returns (uint256);

    /// @notice Id of the pool staking `lpToken`, and whether there is one.
    function poolIdOf(address lpToken) external view returns (bool exists, uint256 pid);

    /// @notice Stored state of `user` in pool `pid`.
    /// @return amount LP tokens staked.
    /// @return rewardDebt Scaled; amount * accRewardPerShare - rewardDebt (mod 2**256) is the user's
    ///         unpaid accrual, scaled (pendingReward is that, brought up to date, divided by 1e18).
    function userInfo(uint256 pid, address user) external view returns (uint256 amount, uint256 rewardDebt);

    /// @notice Reward tokens received by `fund`, all time.
    function totalFunded() external view returns (uint256);

    /// @notice Reward tokens paid to stakers, all time.
    function totalPaid() external view returns (uint256);

    /// @notice Scaled rewards waiting for the next funding: emission that fell on pools without stake
    ///         (settled so far) and the rounding remainder of each schedule.
    function carried() external view returns (uint256);
}
