// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title FeeOnTransferToken
/// @notice Test token (OpenZeppelin ERC20, 18 decimals, open faucet) that burns `feeBps` / 10000 of
///         every transfer (rounded down) from the amount the receiver gets. Never deploy for value.
contract FeeOnTransferToken is ERC20 {
    uint256 public immutable feeBps;

    constructor(string memory name_, string memory symbol_, uint256 feeBps_) ERC20(name_, symbol_) {
        require(feeBps_ <= 10_000);
        feeBps = feeBps_;
    }

    /// @notice Mints `amount` to `to`; anyone may call. No fee.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @dev Transfers (not mints or burns) deliver `value - fee` and burn `fee` from the sender.
    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 fee = value * feeBps / 10_000;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
