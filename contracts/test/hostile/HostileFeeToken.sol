// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title HostileFeeToken
/// @notice Hostile test token: a fee-on-transfer ERC-20 with chosen decimals whose owner can change the fee at any
///         time (a USDT-style fee switch). Every transfer burns `feeBps` / 10000 of the amount (rounded down) from the
///         sender and delivers the rest; the sender is debited exactly the amount. Open faucet. Never deploy for value.
contract HostileFeeToken is ERC20, Ownable {
    /// @notice A fee above 100% was asked for.
    error FeeTooHigh(uint256 feeBps);

    uint8 private immutable _decimals;
    /// @notice The current fee in basis points of each transfer.
    uint256 public feeBps;

    constructor(string memory name_, string memory symbol_, uint8 decimals_, uint256 feeBps_)
        ERC20(name_, symbol_)
        Ownable(msg.sender)
    {
        if (feeBps_ > 10_000) revert FeeTooHigh(feeBps_);
        _decimals = decimals_;
        feeBps = feeBps_;
    }

    /// @notice The decimals chosen at construction.
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @notice Mints `amount` to `to`; anyone may call. No fee.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Owner only: sets the fee charged on every later transfer.
    function setFee(uint256 feeBps_) external onlyOwner {
        if (feeBps_ > 10_000) revert FeeTooHigh(feeBps_);
        feeBps = feeBps_;
    }

    /// @dev Transfers (not mints or burns) burn `fee` from the sender and deliver `value - fee`.
    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 fee = value * feeBps / 10_000;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
