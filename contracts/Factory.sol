// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "solady/auth/Ownable.sol";
import {IFactory} from "./interfaces/IFactory.sol";
import {FeeSwitch} from "./libraries/FeeSwitch.sol";
import {Pool} from "./Pool.sol";

/// @title Factory
/// @notice Deploys one Pool per (token0, token1, fee tier) with CREATE2 and holds the protocol-fee recipient.
/// @dev Owner (Solady Ownable, the deployer) may set feeTo and enable fee tiers; other callers revert `Unauthorized()`.
/// Every `setFeeTo` starts a new fee-switch epoch and deploys its marker (libraries/FeeSwitch.sol), which is how
/// pools see the change without reading this contract on every mint and burn.
contract Factory is IFactory, Ownable {
    /// @inheritdoc IFactory
    address public feeTo;
    /// @inheritdoc IFactory
    uint32 public feeToEpoch; // Shares feeTo's slot: `feeSwitch()` reads both with one SLOAD.
    /// @inheritdoc IFactory
    mapping(uint16 fee => bool) public feeTierEnabled;
    /// @inheritdoc IFactory
    address[] public allPools;
    /// @dev Keyed by the sorted pair only; `getPool` sorts, so creation writes one slot instead of V2's two.
    mapping(address token0 => mapping(address token1 => mapping(uint16 fee => address))) private _pools;

    /// @inheritdoc IFactory
    bytes32 public immutable poolInitCodeHash;

    /// @dev The pool constructor's parameters, set only while createPool runs (transient: no storage cost).
    address private transient _paramToken0;
    address private transient _paramToken1;
    uint16 private transient _paramFee;

    constructor() {
        _initializeOwner(msg.sender);
        poolInitCodeHash = keccak256(type(Pool).creationCode);
        _enableFeeTier(1);
        _enableFeeTier(5);
        _enableFeeTier(30);
        _enableFeeTier(100);
    }

    /// @inheritdoc IFactory
    function feeSwitch() external view returns (address, uint32) {
        return (feeTo, feeToEpoch);
    }

    /// @inheritdoc IFactory
    function parameters() external view returns (address token0, address token1, uint16 fee) {
        return (_paramToken0, _paramToken1, _paramFee);
    }

    /// @inheritdoc IFactory
    function getPool(address tokenA, address tokenB, uint16 fee) external view returns (address pool) {
        return tokenA < tokenB ? _pools[tokenA][tokenB][fee] : _pools[tokenB][tokenA][fee];
    }

    /// @inheritdoc IFactory
    function allPoolsLength() external view returns (uint256) {
        return allPools.length;
    }

    /// @inheritdoc IFactory
    function createPool(address tokenA, address tokenB, uint16 fee) external returns (address pool) {
        if (tokenA == tokenB) revert IdenticalAddresses();
        (address token0, address token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        if (token0 == address(0)) revert ZeroAddress();
        if (!feeTierEnabled[fee]) revert FeeTierNotEnabled();
        if (_pools[token0][token1][fee] != address(0)) revert PoolExists();

        _paramToken0 = token0;
        _paramToken1 = token1;
        _paramFee = fee;
        pool = address(new Pool{salt: keccak256(abi.encode(token0, token1, fee))}());
        delete _paramToken0;
        delete _paramToken1;
        delete _paramFee;

        _pools[token0][token1][fee] = pool;
        emit PoolCreated(token0, token1, fee, pool, allPools.length);
        allPools.push(pool);
    }

    /// @inheritdoc IFactory
    function setFeeTo(address newFeeTo) external onlyOwner {
        uint256 epoch = uint256(feeToEpoch) + 1;
        if (epoch > FeeSwitch.MAX_EPOCH) revert FeeSwitchExhausted();
        feeTo = newFeeTo;
        feeToEpoch = uint32(epoch);
        FeeSwitch.deployMarker(epoch);
    }

    /// @inheritdoc IFactory
    function enableFeeTier(uint16 fee) external onlyOwner {
        if (fee == 0 || fee >= 10000) revert InvalidFee();
        if (feeTierEnabled[fee]) revert FeeTierAlreadyEnabled();
        _enableFeeTier(fee);
    }

    function _enableFeeTier(uint16 fee) private {
        feeTierEnabled[fee] = true;
        emit FeeTierEnabled(fee);
    }
}
