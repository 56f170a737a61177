// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

/// @title NoReturnToken
/// @notice Hostile test token shaped like USDT: `transfer`, `transferFrom` and `approve` return nothing (callers that
///         decode a `bool` revert on it). Reverts on failure with the ERC-6093 errors OpenZeppelin uses. Chosen
///         decimals, open faucet. Written by hand because OpenZeppelin's ERC20 returns `bool`. Never deploy for value.
contract NoReturnToken is IERC20Errors {
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    string public name;
    string public symbol;
    uint8 public immutable decimals;
    uint256 public totalSupply;
    mapping(address account => uint256) public balanceOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
    }

    /// @notice Mints `amount` to `to`; anyone may call.
    function mint(address to, uint256 amount) external {
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        totalSupply += amount;
        unchecked {
            balanceOf[to] += amount; // below totalSupply, which did not overflow
        }
        emit Transfer(address(0), to, amount);
    }

    /// @notice Moves `amount` to `to`. Returns nothing.
    function transfer(address to, uint256 amount) external {
        _transfer(msg.sender, to, amount);
    }

    /// @notice Moves `amount` from `from` to `to` against the caller's allowance (infinite stays infinite). Returns nothing.
    function transferFrom(address from, address to, uint256 amount) external {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < amount) revert ERC20InsufficientAllowance(msg.sender, allowed, amount);
            allowance[from][msg.sender] = allowed - amount;
        }
        _transfer(from, to, amount);
    }

    /// @notice Sets the caller's allowance for `spender`. Returns nothing.
    function approve(address spender, uint256 amount) external {
        if (spender == address(0)) revert ERC20InvalidSpender(address(0));
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
    }

    function _transfer(address from, address to, uint256 amount) private {
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        uint256 balance = balanceOf[from];
        if (balance < amount) revert ERC20InsufficientBalance(from, balance, amount);
        unchecked {
            balanceOf[from] = balance - amount;
            balanceOf[to] += amount; // below totalSupply
        }
        emit Transfer(from, to, amount);
    }
}
