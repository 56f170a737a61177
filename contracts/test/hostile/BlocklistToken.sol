// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title BlocklistToken
/// @notice Hostile test token in the style of USDC/USDT admin powers: the owner can block an address (every transfer
///         or mint from or to it reverts `Blocked`) and burn any holder's balance without a transfer (`burnFrom`,
///         like USDT's destroyBlackFunds, allowed for blocked holders too). Chosen decimals, open faucet.
///         Never deploy for value.
contract BlocklistToken is ERC20, Ownable {
    /// @notice `account` is blocked: it can neither send nor receive.
    error Blocked(address account);

    uint8 private immutable _decimals;
    /// @notice Whether `account` is blocked.
    mapping(address account => bool) public blocked;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) Ownable(msg.sender) {
        _decimals = decimals_;
    }

    /// @notice The decimals chosen at construction.
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @notice Mints `amount` to `to`; anyone may call (reverts `Blocked` for a blocked `to`).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Owner only: blocks `account`.
    function blockAccount(address account) external onlyOwner {
        blocked[account] = true;
    }

    /// @notice Owner only: unblocks `account`.
    function unblockAccount(address account) external onlyOwner {
        blocked[account] = false;
    }

    /// @notice Owner only: destroys `amount` of `holder`'s balance (blocked or not); no transfer happens.
    function burnFrom(address holder, uint256 amount) external onlyOwner {
        if (holder == address(0)) revert ERC20InvalidSender(address(0));
        ERC20._update(holder, address(0), amount);
    }

    /// @dev Every balance move checks both ends against the blocklist first.
    function _update(address from, address to, uint256 value) internal override {
        if (blocked[from]) revert Blocked(from);
        if (blocked[to]) revert Blocked(to);
        super._update(from, to, value);
    }
}
