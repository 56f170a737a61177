// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IPoolCallee
/// @notice Flash-swap receiver. Kept at Uniswap V2's callback signature so existing V2 flash borrowers work unchanged.
interface IPoolCallee {
    /// @notice Called by a pool inside `swap` after the optimistic transfers, when `data` is non-empty.
    /// @param sender The account that called `swap`.
    /// @param amount0 The amount of token0 sent to this contract.
    /// @param amount1 The amount of token1 sent to this contract.
    /// @param data The `data` passed to `swap`, forwarded unchanged.
    function uniswapV2Call(address sender, uint256 amount0, uint256 amount1, bytes calldata data) external;
}
