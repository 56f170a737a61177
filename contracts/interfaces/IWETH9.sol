// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IWETH9
/// @notice The two calls of canonical WETH9 that the router needs beyond ERC-20.
interface IWETH9 {
    /// @notice Wraps `msg.value` ETH into as much WETH for the caller.
    function deposit() external payable;

    /// @notice Burns `amount` WETH of the caller and sends it `amount` ETH.
    function withdraw(uint256 amount) external;
}
