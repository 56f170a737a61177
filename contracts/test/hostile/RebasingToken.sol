// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title RebasingToken
/// @notice Hostile test token in the style of stETH: holders own shares, and a balance is
///         `shares * totalSupply / totalShares` (rounded down). The owner's `rebase` sets the total supply, so every
///         balance (a pool's included) grows or shrinks without a transfer. A transfer of `amount` moves
///         `amount * totalShares / totalSupply` shares (rounded down), worth at most `amount`: the sender's balance
///         drops by at most `amount` and the receiver gets at most `amount` (either can be a little less): the token's
///         own rounding. Chosen decimals, open faucet (mints at the current share price). Written by hand: balances
///         are not stored. Never deploy for value.
contract RebasingToken is IERC20Errors, Ownable {
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    /// @notice A rebase to zero supply while shares exist (every balance would vanish and mints divide by zero).
    error ZeroSupply();

    string public name;
    string public symbol;
    uint8 public immutable decimals;
    /// @notice The sum of all balances' underlying amount (set by `rebase`, moved by `mint`).
    uint256 public totalSupply;
    /// @notice The sum of all shares.
    uint256 public totalShares;
    /// @notice Shares held by `account`.
    mapping(address account => uint256) public sharesOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) Ownable(msg.sender) {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
    }

    /// @notice `sharesOf(account) * totalSupply / totalShares`, rounded down.
    function balanceOf(address account) public view returns (uint256) {
        uint256 shares = totalShares;
        return shares == 0 ? 0 : sharesOf[account] * totalSupply / shares;
    }

    /// @notice Shares worth `amount` at the current price, rounded down (1:1 while nothing exists).
    function sharesFor(uint256 amount) public view returns (uint256) {
        uint256 supply = totalSupply;
        return supply == 0 ? amount : amount * totalShares / supply;
    }

    /// @notice Mints shares worth `amount` (rounded down) to `to`; anyone may call.
    function mint(address to, uint256 amount) external {
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        uint256 shares = sharesFor(amount);
        totalShares += shares;
        totalSupply += amount;
        sharesOf[to] += shares;
        emit Transfer(address(0), to, amount);
    }

    /// @notice Owner only: sets the total supply; every balance scales with it. No transfer happens.
    function rebase(uint256 newTotalSupply) external onlyOwner {
        if (newTotalSupply == 0 && totalShares != 0) revert ZeroSupply();
        totalSupply = newTotalSupply;
    }

    /// @notice Moves shares worth `amount` (rounded down) to `to`.
    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        return true;
    }

    /// @notice As `transfer`, from `from` against the caller's allowance (infinite stays infinite).
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < amount) revert ERC20InsufficientAllowance(msg.sender, allowed, amount);
            allowance[from][msg.sender] = allowed - amount;
        }
        _transfer(from, to, amount);
        return true;
    }

    /// @notice Sets the caller's allowance for `spender`.
    function approve(address spender, uint256 amount) external returns (bool) {
        if (spender == address(0)) revert ERC20InvalidSpender(address(0));
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function _transfer(address from, address to, uint256 amount) private {
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        uint256 balance = balanceOf(from);
        if (balance < amount) revert ERC20InsufficientBalance(from, balance, amount);
        uint256 shares = sharesFor(amount); // <= sharesOf[from], since amount <= balance
        sharesOf[from] -= shares;
        sharesOf[to] += shares;
        emit Transfer(from, to, amount);
    }
}
