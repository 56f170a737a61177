// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {WETH} from "solady/tokens/WETH.sol";
import {IWETH9} from "./interfaces/IWETH9.sol";

/// @title WETH9
/// @notice Wrapped ether for local chains, behaving like canonical WETH9 for the router: 1 WETH per wei
/// deposited, `withdraw` pays the caller, plain ETH sent to it is deposited. Built on Solady's WETH
/// ("Wrapped Ether" / "WETH", 18 decimals, ERC-20 with EIP-2612 permit), plus WETH9's own
/// Deposit and Withdrawal events so that tools watching WETH9 see the same logs.
contract WETH9 is WETH, IWETH9 {
    /// @notice `dst` wrapped `wad` ETH.
    event Deposit(address indexed dst, uint256 wad);
    /// @notice `src` unwrapped `wad` WETH.
    event Withdrawal(address indexed src, uint256 wad);

    /// @inheritdoc IWETH9
    function deposit() public payable override(WETH, IWETH9) {
        super.deposit();
        emit Deposit(msg.sender, msg.value);
    }

    /// @inheritdoc IWETH9
    function withdraw(uint256 amount) public override(WETH, IWETH9) {
        super.withdraw(amount);
        emit Withdrawal(msg.sender, amount);
    }
}
