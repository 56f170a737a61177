// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title PoolMath
/// @notice Exact comparisons for the rare paths where a pool balance exceeds 112 bits and a 256-bit product
///         could wrap. The pool then reverts anyway (`Overflow()` in `_update`), but the spec orders other errors
///         (`K()`, `InsufficientLiquidityMinted()`) before it, so they must be decided without wrapping or panicking.
library PoolMath {
    /// @dev Whether `x * y >= z`, exact even when `x * y` exceeds 256 bits.
    function mulGte(uint256 x, uint256 y, uint256 z) internal pure returns (bool) {
        unchecked {
            // Gas/safety: `x != 0` guards the division; if `y > max / x` the true product exceeds max >= z.
            return x == 0 ? z == 0 : (y > type(uint256).max / x || x * y >= z);
        }
    }

    /// @dev `min(balance * 10000 - amountIn * fee, type(uint256).max)`, exact for any balance.
    ///      Requires `fee < 10000` (the factory's tier bound) and `balance - amountIn < 2**112`
    ///      (true in `swap`: it is `min(balance, reserve - amountOut)`).
    ///      A saturated result is still decisive in the K check: the true value exceeds any `r0 * r1 * 10000**2`.
    function adjusted(uint256 balance, uint256 amountIn, uint256 fee) internal pure returns (uint256) {
        unchecked {
            // balance*10000 - amountIn*fee == (10000 - fee)*amountIn + 10000*(balance - amountIn); both terms >= 0.
            uint256 kept = (balance - amountIn) * 10000; // < 2**126
            uint256 rate = 10000 - fee; // >= 1
            if (amountIn > (type(uint256).max - kept) / rate) return type(uint256).max;
            return rate * amountIn + kept;
        }
    }
}
