// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FixedPointMathLib} from "solady/utils/FixedPointMathLib.sol";
import {ReentrancyGuardTransient} from "solady/utils/ReentrancyGuardTransient.sol";
import {SafeTransferLib} from "solady/utils/SafeTransferLib.sol";
import {IFactory} from "./interfaces/IFactory.sol";
import {IPool} from "./interfaces/IPool.sol";
import {IPoolCallee} from "./interfaces/IPoolCallee.sol";
import {FeeSwitch} from "./libraries/FeeSwitch.sol";
import {PoolMath} from "./libraries/PoolMath.sol";
import {LPToken} from "./LPToken.sol";

/// @title Pool
/// @notice A Uniswap V2-style constant-product pool with a per-pool fee tier; the pool is its own LP token.
/// @dev Deployed by the Factory with CREATE2 and no init-code arguments: the constructor reads its parameters back.
contract Pool is IPool, LPToken, ReentrancyGuardTransient {
    using SafeTransferLib for address;

    /// @inheritdoc IPool
    uint256 public constant MINIMUM_LIQUIDITY = 1000;

    /// @inheritdoc IPool
    address public immutable factory;
    /// @inheritdoc IPool
    address public immutable token0;
    /// @inheritdoc IPool
    address public immutable token1;
    /// @inheritdoc IPool
    uint16 public immutable fee;

    /// @dev reserve0 (bits 0-111) | reserve1 (bits 112-223) | blockTimestampLast (bits 224-255): V2's layout, packed
    ///      by hand so each entry point reads it with one SLOAD and `_update` writes it with one SSTORE.
    uint256 private _reserves;
    /// @inheritdoc IPool
    uint256 public price0CumulativeLast;
    /// @inheritdoc IPool
    uint256 public price1CumulativeLast;
    /// @dev kLast (bits 0-223: a product of two 112-bit balances) | fee on (bit 224) | the factory's fee-switch
    ///      epoch at which the pool last read feeTo (bits 225-255). One slot: mint and burn read it once.
    uint256 private _feeState;
    /// @dev The factory's feeTo as of that epoch, written when a refresh finds it non-zero and different.
    address private _feeTo;

    constructor() {
        (address t0, address t1, uint16 f) = IFactory(msg.sender).parameters();
        factory = msg.sender;
        token0 = t0;
        token1 = t1;
        fee = f;
    }

    /// @inheritdoc IPool
    /// @dev Gas: returns straight from assembly (~50 less than the compiler's encoder); routers call it every hop.
    function getReserves() external view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast) {
        assembly {
            let packed := sload(_reserves.slot)
            let mask := 0xffffffffffffffffffffffffffff // 112 bits
            mstore(0x00, and(packed, mask))
            mstore(0x20, and(shr(112, packed), mask))
            mstore(0x40, shr(224, packed)) // The free memory pointer: nothing runs after the RETURN.
            return(0x00, 0x60)
        }
    }

    /// @inheritdoc IPool
    function kLast() external view returns (uint256) {
        return uint224(_feeState);
    }

    /// @inheritdoc IPool
    function mint(address to) external nonReentrant returns (uint256 liquidity) {
        uint256 packed = _reserves;
        uint256 r0 = uint112(packed);
        uint256 r1 = uint112(packed >> 112);
        uint256 balance0 = _balanceOf(token0);
        uint256 balance1 = _balanceOf(token1);
        uint256 amount0 = balance0 - r0;
        uint256 amount1 = balance1 - r1;

        (bool feeOn, uint256 feeBits) = _mintFee(r0, r1);
        uint256 supply = totalSupply(); // read after _mintFee, which may have minted
        if ((balance0 | balance1) > type(uint112).max) _revertOversizedMint(amount0, amount1, supply, r0, r1);
        if (supply == 0) {
            uint256 root;
            // Gas: amounts are below 2**112 here, so the product cannot wrap.
            unchecked {
                root = FixedPointMathLib.sqrt(amount0 * amount1); // floor
            }
            if (root <= MINIMUM_LIQUIDITY) revert InsufficientLiquidityMinted();
            unchecked {
                liquidity = root - MINIMUM_LIQUIDITY;
            }
            _mint(address(0), MINIMUM_LIQUIDITY); // locked forever
            supply = totalSupply();
        } else {
            // Floor of each share, then the smaller: rounds against the depositor.
            liquidity = FixedPointMathLib.min(
                FixedPointMathLib.fullMulDiv(amount0, supply, r0), FixedPointMathLib.fullMulDiv(amount1, supply, r1)
            );
            if (liquidity == 0) revert InsufficientLiquidityMinted();
        }
        _mintWithSupply(to, liquidity, supply);

        _update(balance0, balance1, packed);
        // Gas: _update proved both balances fit 112 bits, so the product cannot wrap.
        unchecked {
            if (feeOn) _feeState = feeBits | (balance0 * balance1); // kLast
        }
        emit Mint(msg.sender, amount0, amount1);
    }

    /// @inheritdoc IPool
    function burn(address to) external nonReentrant returns (uint256 amount0, uint256 amount1) {
        uint256 packed = _reserves;
        uint256 balance0 = _balanceOf(token0);
        uint256 balance1 = _balanceOf(token1);
        uint256 liquidity = balanceOf(address(this));

        (bool feeOn, uint256 feeBits) = _mintFee(uint112(packed), uint112(packed >> 112));
        uint256 supply = totalSupply(); // read after _mintFee, which may have minted
        // Balances, not reserves, so donations go pro rata to burners. Floor: rounds against the burner.
        // 512-bit product: exact even for balances beyond 112 bits (then _update reverts Overflow()).
        amount0 = FixedPointMathLib.fullMulDiv(liquidity, balance0, supply);
        amount1 = FixedPointMathLib.fullMulDiv(liquidity, balance1, supply);
        if (amount0 == 0 || amount1 == 0) revert InsufficientLiquidityBurned();

        // Unless a fee was just minted (to feeTo, which may be this pool), the pool holds exactly `liquidity`.
        if (feeOn) _burn(address(this), liquidity);
        else _burnHeld(liquidity, supply);
        token0.safeTransfer(to, amount0);
        token1.safeTransfer(to, amount1);
        balance0 = _balanceOf(token0);
        balance1 = _balanceOf(token1);

        _update(balance0, balance1, packed);
        // Gas: _update proved both balances fit 112 bits, so the product cannot wrap.
        unchecked {
            if (feeOn) _feeState = feeBits | (balance0 * balance1); // kLast
        }
        emit Burn(msg.sender, amount0, amount1, to);
    }

    /// @inheritdoc IPool
    // Triaged: every state-changing function is nonReentrant (transient lock); only views such as getReserves() can be read mid-callback, pre-swap, as in V2: spot reserves are no oracle (use the TWAP).
    // slither-disable-next-line reentrancy-no-eth
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external nonReentrant {
        if ((amount0Out | amount1Out) == 0) revert InsufficientOutputAmount();
        uint256 packed = _reserves;
        if (amount0Out >= uint112(packed) || amount1Out >= uint112(packed >> 112)) revert InsufficientLiquidity();
        if (to == token0 || to == token1) revert InvalidTo();

        if (amount0Out != 0) token0.safeTransfer(to, amount0Out); // optimistic
        if (amount1Out != 0) token1.safeTransfer(to, amount1Out); // optimistic
        if (data.length != 0) IPoolCallee(to).uniswapV2Call(msg.sender, amount0Out, amount1Out, data);
        uint256 balance0 = _balanceOf(token0);
        uint256 balance1 = _balanceOf(token1);

        uint256 amount0In;
        uint256 amount1In;
        // Gas: amountOut < reserve was checked above, so `reserve - amountOut` cannot wrap.
        unchecked {
            uint256 left0 = uint112(packed) - amount0Out;
            uint256 left1 = uint112(packed >> 112) - amount1Out;
            amount0In = balance0 > left0 ? balance0 - left0 : 0;
            amount1In = balance1 > left1 ? balance1 - left1 : 0;
        }
        if ((amount0In | amount1In) == 0) revert InsufficientInputAmount();
        if (!_kHolds(balance0, balance1, amount0In, amount1In, packed)) revert K();

        _update(balance0, balance1, packed);
        emit Swap(msg.sender, amount0In, amount1In, amount0Out, amount1Out, to);
    }

    /// @inheritdoc IPool
    function skim(address to) external nonReentrant {
        uint256 packed = _reserves;
        token0.safeTransfer(to, _balanceOf(token0) - uint112(packed));
        token1.safeTransfer(to, _balanceOf(token1) - uint112(packed >> 112));
    }

    /// @inheritdoc IPool
    function sync() external nonReentrant {
        _update(_balanceOf(token0), _balanceOf(token1), _reserves);
    }

    /// @dev Stores the balances as reserves (reverting `Overflow()` if either exceeds 112 bits), stamps the block time
    ///      and, once per block, adds the old reserves' prices times the elapsed seconds to the accumulators.
    // Triaged: V2's UQ112x112 price is floor((r << 112) / r') before * elapsed, exactly as Uniswap V2 (the model does the same).
    // slither-disable-next-line divide-before-multiply
    function _update(uint256 balance0, uint256 balance1, uint256 packed) private {
        if ((balance0 | balance1) > type(uint112).max) revert Overflow();
        // Gas: the timestamp and elapsed time wrap mod 2**32 and the accumulators mod 2**256, by design (as in V2).
        unchecked {
            uint32 timestamp = uint32(block.timestamp);
            uint32 elapsed = timestamp - uint32(packed >> 224);
            uint256 r0 = uint112(packed);
            uint256 r1 = uint112(packed >> 112);
            if (elapsed != 0 && r0 != 0 && r1 != 0) {
                // UQ112x112 price (r << 112) / r', floored before the multiplication by elapsed (V2's uqdiv).
                price0CumulativeLast += ((r1 << 112) / r0) * elapsed;
                price1CumulativeLast += ((r0 << 112) / r1) * elapsed;
            }
            _reserves = balance0 | (balance1 << 112) | (uint256(timestamp) << 224);
        }
        emit Sync(uint112(balance0), uint112(balance1));
    }

    /// @dev Protocol fee: mints to feeTo 1/6 of the growth in sqrt(k) since kLast, as LP tokens. Returns whether it is
    ///      on, and the fee-on and epoch bits of `_feeState` for the caller's kLast write.
    ///      feeTo is V2's: the factory's at this moment. The pool keeps it with the factory's epoch and re-reads it
    ///      only when the next epoch's marker exists (libraries/FeeSwitch.sol), i.e. when setFeeTo was called since.
    function _mintFee(uint256 r0, uint256 r1) private returns (bool feeOn, uint256 feeBits) {
        uint256 state = _feeState;
        uint256 epoch = state >> 225;
        address feeTo = address(0); // Set by a refresh; otherwise `_feeTo` is read only if a fee is minted.
        if (FeeSwitch.changedSince(factory, epoch)) {
            (feeTo, epoch) = IFactory(factory).feeSwitch();
            feeOn = feeTo != address(0);
            if (feeOn && feeTo != _feeTo) _feeTo = feeTo;
        } else {
            feeOn = (state >> 224) & 1 != 0;
        }
        feeBits = (epoch << 225) | (feeOn ? 1 << 224 : 0);
        uint256 k = uint224(state);
        if (feeOn) {
            if (k != 0) {
                uint256 rootK;
                // Gas: reserves are below 2**112, so the product cannot wrap.
                unchecked {
                    rootK = FixedPointMathLib.sqrt(r0 * r1); // floor
                }
                uint256 rootKLast = FixedPointMathLib.sqrt(k); // floor
                if (rootK > rootKLast) {
                    // Gas: rootK > rootKLast, and both are below 2**112, so neither the difference nor the sum wraps.
                    unchecked {
                        // totalSupply * (rootK - rootKLast) / (5 * rootK + rootKLast), floored; 512-bit product.
                        uint256 liquidity =
                            FixedPointMathLib.fullMulDiv(totalSupply(), rootK - rootKLast, rootK * 5 + rootKLast);
                        if (liquidity != 0) _mint(feeTo == address(0) ? _feeTo : feeTo, liquidity);
                    }
                }
            }
        } else {
            k = 0; // V2: a stale kLast is cleared while the fee is off
        }
        // Written when the fee went off over a non-zero kLast, or a refresh moved the epoch or the fee-on bit.
        if ((feeBits | k) != state) _feeState = feeBits | k;
    }

    /// @dev The K check at the fee's own scale (10000): (b0*10000 - in0*fee) * (b1*10000 - in1*fee) >= r0*r1*10000**2.
    function _kHolds(uint256 balance0, uint256 balance1, uint256 amount0In, uint256 amount1In, uint256 packed)
        private
        view
        returns (bool)
    {
        uint256 f = fee;
        uint256 k;
        // Gas: reserves are below 2**112, so r0*r1*10000**2 < 2**251. In the first branch the balances are below
        // 2**112 and amountIn <= balance, so each factor is in [0, 2**126) and their product below 2**252.
        unchecked {
            k = uint112(packed) * uint256(uint112(packed >> 112)) * 1e8;
            if ((balance0 | balance1) <= type(uint112).max) {
                return (balance0 * 10000 - amount0In * f) * (balance1 * 10000 - amount1In * f) >= k;
            }
        }
        // A balance beyond 112 bits: _update will revert Overflow(), but K() comes first if K fails, so decide exactly.
        return PoolMath.mulGte(PoolMath.adjusted(balance0, amount0In, f), PoolMath.adjusted(balance1, amount1In, f), k);
    }

    /// @dev Reached only when a balance exceeds 112 bits, so `_update` would revert `Overflow()`. Decides, without
    ///      wrapping, whether the spec's earlier check fires first: `InsufficientLiquidityMinted()` if no LP would mint.
    function _revertOversizedMint(uint256 amount0, uint256 amount1, uint256 supply, uint256 r0, uint256 r1)
        private
        pure
    {
        bool mints = supply == 0
            ? PoolMath.mulGte(amount0, amount1, (MINIMUM_LIQUIDITY + 1) ** 2) // isqrt(a0*a1) > 1000 <=> a0*a1 >= 1001**2
            : PoolMath.mulGte(amount0, supply, r0) && PoolMath.mulGte(amount1, supply, r1); // floor(a*s/r) >= 1 <=> a*s >= r
        if (!mints) revert InsufficientLiquidityMinted();
        revert Overflow();
    }

    /// @dev `token.balanceOf(address(this))`. Unlike SafeTransferLib.balanceOf (which returns 0 on failure), bubbles a
    ///      revert and reverts on short return data, so a failing token can never read as an empty balance.
    function _balanceOf(address token) private view returns (uint256 amount) {
        /// @solidity memory-safe-assembly
        assembly {
            mstore(0x00, 0x70a08231) // `balanceOf(address)`.
            mstore(0x20, address())
            // `and` evaluates its arguments right to left: the call runs before returndatasize is read.
            if iszero(and(gt(returndatasize(), 0x1f), staticcall(gas(), token, 0x1c, 0x24, 0x00, 0x20))) {
                let m := mload(0x40)
                returndatacopy(m, 0x00, returndatasize())
                revert(m, returndatasize())
            }
            amount := mload(0x00)
        }
    }

    /// @dev Always the transient lock (Solady defaults to an SSTORE lock off mainnet). Gas: ~200 instead of ~5000.
    function _useTransientReentrancyGuardOnlyOnMainnet() internal pure override returns (bool) {
        return false;
    }
}
