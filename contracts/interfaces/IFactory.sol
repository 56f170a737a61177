// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IFactory
/// @notice Deploys one pool per (token0, token1, fee tier) with CREATE2 and holds the protocol-fee switch.
interface IFactory {
    /// @notice `createPool` was given the same token twice.
    error IdenticalAddresses();
    /// @notice `createPool` was given the zero address as a token.
    error ZeroAddress();
    /// @notice `createPool` was given a fee tier that is not enabled.
    error FeeTierNotEnabled();
    /// @notice A pool already exists for these tokens and fee tier.
    error PoolExists();
    /// @notice `enableFeeTier` was given 0 or a fee of 10000 bps or more.
    error InvalidFee();
    /// @notice `enableFeeTier` was given a tier that is already enabled.
    error FeeTierAlreadyEnabled();
    /// @notice `setFeeTo` has been called 2**31 - 1 times: the fee-switch epochs are used up.
    error FeeSwitchExhausted();
    /// @notice `setFeeTo` could not deploy the new epoch's marker.
    error MarkerFailed();

    /// @notice A pool was deployed; `index` is its position in `allPools`.
    event PoolCreated(address indexed token0, address indexed token1, uint16 indexed fee, address pool, uint256 index);
    /// @notice A fee tier (in bps) became available to `createPool`.
    event FeeTierEnabled(uint16 fee);

    /// @notice The address that receives the protocol fee (1/6 of LP fee growth), or zero when the fee is off.
    function feeTo() external view returns (address);

    /// @notice How many times `setFeeTo` has been called. Each call deploys the epoch's marker: an empty
    /// contract at the CREATE2 address of this factory with salt `bytes32(epoch)` and init code 0x60016000f3
    /// (libraries/FeeSwitch.sol), so a pool learns that `feeTo` changed from one EXTCODESIZE.
    function feeToEpoch() external view returns (uint32);

    /// @notice `feeTo` and `feeToEpoch` in one call (one storage read), for a pool refreshing its fee switch.
    function feeSwitch() external view returns (address feeTo, uint32 epoch);

    /// @notice Whether pools may be created with `fee` (bps).
    function feeTierEnabled(uint16 fee) external view returns (bool);

    /// @notice The pool for the two tokens (either order) and fee, or zero if none exists.
    function getPool(address tokenA, address tokenB, uint16 fee) external view returns (address pool);

    /// @notice The pool at `index` in creation order.
    function allPools(uint256 index) external view returns (address pool);

    /// @notice The number of pools created.
    function allPoolsLength() external view returns (uint256);

    /// @notice keccak256 of the pool creation code, for computing pool addresses off-chain or in a router.
    /// @dev pool = address(uint160(uint256(keccak256(abi.encodePacked(hex"ff", factory,
    ///      keccak256(abi.encode(token0, token1, fee)), poolInitCodeHash))))).
    function poolInitCodeHash() external view returns (bytes32);

    /// @notice The parameters of the pool being deployed; only meaningful while `createPool` runs.
    /// @dev Read by the pool's constructor (V3-style), so the pool's init code has no arguments.
    function parameters() external view returns (address token0, address token1, uint16 fee);

    /// @notice Deploys the pool for `tokenA`/`tokenB` at fee tier `fee` (bps).
    /// @dev Reverts `IdenticalAddresses`, `ZeroAddress`, `FeeTierNotEnabled` or `PoolExists`, in that order.
    /// @return pool The new pool's address.
    function createPool(address tokenA, address tokenB, uint16 fee) external returns (address pool);

    /// @notice Sets the protocol-fee recipient (zero turns the fee off). Owner only. Starts a new fee-switch
    /// epoch and deploys its marker (about 33,000 gas more than a plain store).
    function setFeeTo(address feeTo) external;

    /// @notice Enables fee tier `fee` (bps, 0 < fee < 10000). Owner only.
    function enableFeeTier(uint16 fee) external;
}
