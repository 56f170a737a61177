// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRouter} from "../interfaces/IRouter.sol";

/// @title RouterLibrary
/// @notice What the router needs to know about a pool without asking the factory: its CREATE2 address, its
/// reserves (one staticcall), and the constant-product amounts at a fee tier. The model in
/// python_model/router.py computes the same numbers with the same rounding.
library RouterLibrary {
    /// @dev Fee denominator: fees are in basis points.
    uint256 internal constant FEE_SCALE = 10_000;

    /// @notice The CREATE2 address of the pool of `tokenA`/`tokenB` at `fee` deployed by `factory`:
    /// keccak256(0xff ++ factory ++ keccak256(abi.encode(token0, token1, fee)) ++ initCodeHash)[12:].
    /// @dev Two keccaks over scratch memory above the free pointer (not reserved, so nothing to restore);
    /// replaces the factory's getPool (a cold account and a cold slot, ~4,700 gas).
    function poolFor(address factory, bytes32 initCodeHash, address tokenA, address tokenB, uint16 fee)
        internal
        pure
        returns (address pool)
    {
        (address token0, address token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, token0)
            mstore(add(m, 0x20), token1)
            mstore(add(m, 0x40), fee)
            let salt := keccak256(m, 0x60)
            mstore(m, factory) // Right-aligned: the 20 bytes end at m + 0x20.
            mstore8(add(m, 0x0b), 0xff) // The byte just before them.
            mstore(add(m, 0x20), salt)
            mstore(add(m, 0x40), initCodeHash)
            pool := and(keccak256(add(m, 0x0b), 0x55), 0xffffffffffffffffffffffffffffffffffffffff)
        }
    }

    /// @notice The pool's reserves, and whether it exists, with a single `getReserves()` staticcall.
    /// @dev An address without code answers a call with success and no data: that reads as (0, 0, false).
    /// A reverting pool's revert data is bubbled up.
    function getReserves(address pool) internal view returns (uint256 reserve0, uint256 reserve1, bool exists) {
        assembly ("memory-safe") {
            mstore(0x00, 0x0902f1ac) // `getReserves()`.
            if iszero(staticcall(gas(), pool, 0x1c, 0x04, 0x00, 0x40)) {
                let m := mload(0x40)
                returndatacopy(m, 0x00, returndatasize())
                revert(m, returndatasize())
            }
            exists := gt(returndatasize(), 0x3f)
            // Without return data the scratch words still hold the selector and junk: zero them out.
            reserve0 := mul(mload(0x00), exists)
            reserve1 := mul(mload(0x20), exists)
        }
    }

    /// @notice The reserves of `pool` ordered as (in, out) for a swap from token0 to token1 when `zeroForOne`.
    function getReserves(address pool, bool zeroForOne) internal view returns (uint256 reserveIn, uint256 reserveOut) {
        (uint256 reserve0, uint256 reserve1,) = getReserves(pool);
        (reserveIn, reserveOut) = zeroForOne ? (reserve0, reserve1) : (reserve1, reserve0);
    }

    /// @notice Calls `pool.swap(amount0Out, amount1Out, to, "")`, bubbling up the pool's revert.
    /// @dev Encodes the call in place (selector, 4 words, empty bytes) instead of allocating `new bytes(0)`.
    function swap(address pool, uint256 amount0Out, uint256 amount1Out, address to) internal {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, 0x022c0d9f) // `swap(uint256,uint256,address,bytes)`.
            mstore(add(m, 0x20), amount0Out)
            mstore(add(m, 0x40), amount1Out)
            mstore(add(m, 0x60), to)
            mstore(add(m, 0x80), 0x80) // Offset of `data`.
            mstore(add(m, 0xa0), 0) // `data.length`.
            if iszero(call(gas(), pool, 0, add(m, 0x1c), 0xa4, 0x00, 0x00)) {
                returndatacopy(m, 0x00, returndatasize())
                revert(m, returndatasize())
            }
        }
    }

    /// @notice Calls `pool.mint(to)`, bubbling up the pool's revert (and reverting empty on short return data, as
    /// the compiler's decoder does). Gas: ~80 less than the high-level call.
    function mint(address pool, address to) internal returns (uint256 liquidity) {
        assembly ("memory-safe") {
            mstore(0x00, 0x6a627842) // `mint(address)`.
            mstore(0x20, to)
            if iszero(call(gas(), pool, 0, 0x1c, 0x24, 0x00, 0x20)) {
                let m := mload(0x40)
                returndatacopy(m, 0x00, returndatasize())
                revert(m, returndatasize())
            }
            if lt(returndatasize(), 0x20) { revert(0x00, 0x00) }
            liquidity := mload(0x00)
        }
    }

    /// @notice Calls `pool.burn(to)`, bubbling up the pool's revert (and reverting empty on short return data).
    function burn(address pool, address to) internal returns (uint256 amount0, uint256 amount1) {
        assembly ("memory-safe") {
            mstore(0x00, 0x89afcb44) // `burn(address)`.
            mstore(0x20, to)
            if iszero(call(gas(), pool, 0, 0x1c, 0x24, 0x00, 0x40)) {
                let m := mload(0x40)
                returndatacopy(m, 0x00, returndatasize())
                revert(m, returndatasize())
            }
            if lt(returndatasize(), 0x40) { revert(0x00, 0x00) }
            amount0 := mload(0x00)
            amount1 := mload(0x20)
        }
    }

    /// @notice `amountA * reserveB / reserveA`, rounded down: the B worth `amountA` at the pool ratio.
    function quote(uint256 amountA, uint256 reserveA, uint256 reserveB) internal pure returns (uint256 amountB) {
        if (amountA == 0) revert IRouter.InsufficientAmount();
        if (reserveA == 0 || reserveB == 0) revert IRouter.InsufficientLiquidity();
        // Checked as Solidity 0.8 would check `amountA * reserveB / reserveA` (Panic(0x11) on overflow; reserveA
        // is not 0), without its helper calls. Gas: ~70 per quote.
        assembly ("memory-safe") {
            let product := mul(amountA, reserveB)
            if iszero(eq(div(product, reserveB), amountA)) {
                mstore(0x00, 0x4e487b71) // `Panic(uint256)`.
                mstore(0x20, 0x11) // Arithmetic overflow.
                revert(0x1c, 0x24)
            }
            amountB := div(product, reserveA)
        }
    }

    /// @notice The output of swapping `amountIn` at `fee` bps, rounded down (against the trader):
    /// amountIn * (10000 - fee) * reserveOut / (reserveIn * 10000 + amountIn * (10000 - fee)).
    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut, uint256 fee)
        internal
        pure
        returns (uint256 amountOut)
    {
        if (amountIn == 0) revert IRouter.InsufficientInputAmount();
        if (reserveIn == 0 || reserveOut == 0) revert IRouter.InsufficientLiquidity();
        // Every step checked as Solidity 0.8 would check `amountInWithFee = amountIn * (FEE_SCALE - fee)` and
        // `amountInWithFee * reserveOut / (reserveIn * FEE_SCALE + amountInWithFee)`: any wrap is Panic(0x11), the
        // only panic these steps can raise (the divisor is at least FEE_SCALE), so one combined test gives the
        // same result as the compiler's five helper calls. Gas: ~270 per hop.
        assembly ("memory-safe") {
            let rate := sub(FEE_SCALE, fee)
            let withFee := mul(amountIn, rate)
            let numerator := mul(withFee, reserveOut)
            let scaled := mul(reserveIn, FEE_SCALE)
            let denominator := add(scaled, withFee)
            if or(
                or(gt(fee, FEE_SCALE), iszero(eq(div(withFee, amountIn), rate))),
                or(
                    iszero(eq(div(numerator, reserveOut), withFee)),
                    or(iszero(eq(div(scaled, FEE_SCALE), reserveIn)), lt(denominator, scaled))
                )
            ) {
                mstore(0x00, 0x4e487b71) // `Panic(uint256)`.
                mstore(0x20, 0x11) // Arithmetic overflow.
                revert(0x1c, 0x24)
            }
            amountOut := div(numerator, denominator)
        }
    }

    /// @notice The input that buys `amountOut` at `fee` bps, rounded up (floor + 1, against the trader):
    /// reserveIn * amountOut * 10000 / ((reserveOut - amountOut) * (10000 - fee)) + 1.
    function getAmountIn(uint256 amountOut, uint256 reserveIn, uint256 reserveOut, uint256 fee)
        internal
        pure
        returns (uint256 amountIn)
    {
        if (amountOut == 0) revert IRouter.InsufficientOutputAmount();
        if (reserveIn == 0 || reserveOut == 0 || amountOut >= reserveOut) revert IRouter.InsufficientLiquidity();
        amountIn = reserveIn * amountOut * FEE_SCALE / ((reserveOut - amountOut) * (FEE_SCALE - fee)) + 1;
    }
}
