// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPoolCallee} from "../interfaces/IPoolCallee.sol";

/// @title ReentrantCallee
/// @notice Test flash-swap callee that re-enters the calling pool: inside `uniswapV2Call` it sends `data`
///         (any pool calldata: sync(), skim(to), mint(to), burn(to), swap(...)) back to the pool and
///         bubbles up the revert, so a locked pool makes the whole swap revert with `Reentrancy()`.
contract ReentrantCallee is IPoolCallee {
    /// @notice Calls msg.sender (the pool) with `data`; reverts with the pool's revert data if it fails.
    function uniswapV2Call(address, uint256, uint256, bytes calldata data) external {
        (bool ok, bytes memory reason) = msg.sender.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(reason, 0x20), mload(reason))
            }
        }
    }
}
