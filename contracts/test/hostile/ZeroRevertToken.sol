// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ZeroRevertToken
/// @notice Hostile test token (like LEND and a few others): a transfer of zero tokens reverts `ZeroAmount`.
///         Otherwise a plain OpenZeppelin ERC-20 with chosen decimals and an open faucet. Never deploy for value.
contract ZeroRevertToken is ERC20 {
    /// @notice A transfer of zero tokens was attempted.
    error ZeroAmount();

    uint8 private immutable _decimals;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        _decimals = decimals_;
    }

    /// @notice The decimals chosen at construction.
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @notice Mints `amount` to `to`; anyone may call.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @dev Transfers (not mints or burns) of zero revert.
    function _update(address from, address to, uint256 value) internal override {
        if (value == 0 && from != address(0) && to != address(0)) revert ZeroAmount();
        super._update(from, to, value);
    }
}
