// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ITokenHook
/// @notice The hooks a HookToken holder may register, shaped like ERC-777's IERC777Sender / IERC777Recipient.
interface ITokenHook {
    /// @notice Called on the sender's hook before a transfer moves any balance.
    function tokensToSend(address operator, address from, address to, uint256 amount) external;

    /// @notice Called on the recipient's hook after a transfer has moved the balances.
    function tokensReceived(address operator, address from, address to, uint256 amount) external;
}

/// @title HookToken
/// @notice Hostile test token with ERC-777-style hooks (the imBTC / Uniswap V1 and Lendf.Me reentrancy shape),
///         without the ERC-1820 registry: each holder registers its own hook with `setHook` (zero removes it). A
///         transfer checks the sender's balance, calls the sender's hook (`tokensToSend`), moves the balance, then
///         calls the recipient's hook (`tokensReceived`); a hook that reverts reverts the transfer. Mints call no
///         hook. Chosen decimals, open faucet. Never deploy for value.
contract HookToken is ERC20 {
    uint8 private immutable _decimals;
    /// @notice The hook `holder` registered (address(0): none).
    mapping(address holder => address) public hookOf;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        _decimals = decimals_;
    }

    /// @notice The decimals chosen at construction.
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @notice Mints `amount` to `to`; anyone may call. No hook is called.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Registers `hook` for the caller's sends and receipts (address(0) removes it).
    function setHook(address hook) external {
        hookOf[msg.sender] = hook;
    }

    /// @dev Transfers: balance check, sender hook, move, recipient hook. Mints and burns: no hooks.
    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 balance = balanceOf(from);
        if (balance < value) revert ERC20InsufficientBalance(from, balance, value);
        address hook = hookOf[from];
        if (hook != address(0)) ITokenHook(hook).tokensToSend(msg.sender, from, to, value);
        super._update(from, to, value);
        hook = hookOf[to];
        if (hook != address(0)) ITokenHook(hook).tokensReceived(msg.sender, from, to, value);
    }
}
