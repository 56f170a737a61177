// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeTransferLib} from "solady/utils/SafeTransferLib.sol";
import {IPool} from "../interfaces/IPool.sol";
import {IPoolCallee} from "../interfaces/IPoolCallee.sol";

/// @title FlashBorrower
/// @notice Test flash-swap callee: repays the calling pool the amounts encoded in `data`, from its own balance.
/// @dev Unguarded (any caller is treated as the pool): for tests only.
contract FlashBorrower is IPoolCallee {
    using SafeTransferLib for address;

    /// @notice `data` is abi.encode(uint256 repay0, uint256 repay1): sends repay0 of token0 and repay1 of token1
    ///         to msg.sender (the pool).
    function uniswapV2Call(address, uint256, uint256, bytes calldata data) external {
        (uint256 repay0, uint256 repay1) = abi.decode(data, (uint256, uint256));
        IPool(msg.sender).token0().safeTransfer(msg.sender, repay0);
        IPool(msg.sender).token1().safeTransfer(msg.sender, repay1);
    }
}
