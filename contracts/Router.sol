// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeTransferLib} from "solady/utils/SafeTransferLib.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IFactory} from "./interfaces/IFactory.sol";
import {IRouter} from "./interfaces/IRouter.sol";
import {IWETH9} from "./interfaces/IWETH9.sol";
import {RouterLibrary} from "./libraries/RouterLibrary.sol";

/// @title Router
/// @notice Uniswap V2 Router02 for tidepool's fee tiers.
///
/// Fee tiers. Every Router02 function keeps its V2 signature and works on the 30 bps tier. Each has an
/// overload that names the tier: the liquidity functions take `uint16 fee` right after the tokens
/// (`addLiquidity(tokenA, tokenB, fee, ...)`, `addLiquidityETH(token, fee, ...)`, `removeLiquidity...(…, fee, ...)`),
/// and the swaps and path quotes take `uint16[] calldata fees` right after `path`, one fee per hop:
/// `fees[i]` is the tier of the pool between `path[i]` and `path[i + 1]`, so `fees.length` must be
/// `path.length - 1` (else `InvalidPath`; so is a path word above 160 bits or a fee word above 16 bits).
/// A path may mix tiers, e.g. A -(5)-> B -(100)-> C, and may cross two tiers of the same pair.
/// `getAmountOut`/`getAmountIn` take a trailing `uint16 fee`. Example: swapExactTokensForTokens(amountIn,
/// amountOutMin, [A, B, C], [5, 100], to, deadline); addLiquidity(A, B, 100, ...); removeLiquidity(A, B, 100, ...).
///
/// Pools are found without the factory: the address is CREATE2 of the factory with
/// salt keccak256(abi.encode(token0, token1, fee)) and the factory's `poolInitCodeHash`, read once into an
/// immutable. A pool that does not exist reads as empty (`InsufficientLiquidity`); `addLiquidity` creates it.
///
/// Exact-input swaps stream: the input goes to the first pool, then each hop reads its pool's reserves
/// (one staticcall), prices the hop and swaps straight into the next pool; `amountOutMin` is checked at the
/// end. So a path that comes back to a pool prices the second visit at the reserves the first one left (a pool
/// twice in a row cannot work: it would pay itself). Exact-output swaps price the whole path backwards at the
/// reserves before the trade (`getAmountsIn`), check `amountInMax`, then swap.
/// Amounts round as in V2: outputs down, inputs up (floor + 1), optimal add amounts down.
///
/// The router holds nothing between calls: every token it receives (WETH from a pool, a fee-on-transfer
/// token from a burn) and every wei of ETH is paid out in the same call, and it accepts ETH only from WETH.
contract Router is IRouter {
    using SafeTransferLib for address;

    /// @dev The tier of the V2-signature functions.
    uint16 internal constant DEFAULT_FEE = 30;

    /// @inheritdoc IRouter
    address public immutable factory;
    /// @inheritdoc IRouter
    address public immutable WETH;
    /// @dev The factory's `poolInitCodeHash()`, for computing pool addresses.
    bytes32 internal immutable _poolInitCodeHash;

    modifier ensure(uint256 deadline) {
        if (block.timestamp > deadline) revert Expired();
        _;
    }

    /// @param factory_ The tidepool factory.
    /// @param weth The WETH9 contract (contracts/WETH9.sol on a local chain).
    constructor(address factory_, address weth) {
        factory = factory_;
        WETH = weth;
        _poolInitCodeHash = IFactory(factory_).poolInitCodeHash();
    }

    /// @notice Takes ETH only from WETH (unwrapping); ETH from anyone else would be stranded.
    receive() external payable {
        if (msg.sender != WETH) revert NotWETH();
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRouter
    function poolFor(address tokenA, address tokenB, uint16 fee) external view returns (address) {
        return _poolFor(tokenA, tokenB, fee);
    }

    /// @inheritdoc IRouter
    function quote(uint256 amountA, uint256 reserveA, uint256 reserveB) external pure returns (uint256) {
        return RouterLibrary.quote(amountA, reserveA, reserveB);
    }

    /// @inheritdoc IRouter
    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) external pure returns (uint256) {
        return RouterLibrary.getAmountOut(amountIn, reserveIn, reserveOut, DEFAULT_FEE);
    }

    /// @inheritdoc IRouter
    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut, uint16 fee)
        external
        pure
        returns (uint256)
    {
        return RouterLibrary.getAmountOut(amountIn, reserveIn, reserveOut, fee);
    }

    /// @inheritdoc IRouter
    function getAmountIn(uint256 amountOut, uint256 reserveIn, uint256 reserveOut) external pure returns (uint256) {
        return RouterLibrary.getAmountIn(amountOut, reserveIn, reserveOut, DEFAULT_FEE);
    }

    /// @inheritdoc IRouter
    function getAmountIn(uint256 amountOut, uint256 reserveIn, uint256 reserveOut, uint16 fee)
        external
        pure
        returns (uint256)
    {
        return RouterLibrary.getAmountIn(amountOut, reserveIn, reserveOut, fee);
    }

    /// @inheritdoc IRouter
    function getAmountsOut(uint256 amountIn, address[] calldata path) external view returns (uint256[] memory) {
        return _amountsOut(amountIn, path, _noFees());
    }

    /// @inheritdoc IRouter
    function getAmountsOut(uint256 amountIn, address[] calldata path, uint16[] calldata fees)
        external
        view
        returns (uint256[] memory)
    {
        _checkFees(path, fees);
        return _amountsOut(amountIn, path, fees);
    }

    /// @inheritdoc IRouter
    function getAmountsIn(uint256 amountOut, address[] calldata path) external view returns (uint256[] memory) {
        return _amountsIn(amountOut, path, _noFees());
    }

    /// @inheritdoc IRouter
    function getAmountsIn(uint256 amountOut, address[] calldata path, uint16[] calldata fees)
        external
        view
        returns (uint256[] memory)
    {
        _checkFees(path, fees);
        return _amountsIn(amountOut, path, fees);
    }

    /*//////////////////////////////////////////////////////////////
                              ADD LIQUIDITY
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRouter
    function addLiquidity(
        address tokenA,
        address tokenB,
        uint256 amountADesired,
        uint256 amountBDesired,
        uint256 amountAMin,
        uint256 amountBMin,
        address to,
        uint256 deadline
    ) external returns (uint256, uint256, uint256) {
        return addLiquidity(
            tokenA, tokenB, DEFAULT_FEE, amountADesired, amountBDesired, amountAMin, amountBMin, to, deadline
        );
    }

    /// @inheritdoc IRouter
    function addLiquidity(
        address tokenA,
        address tokenB,
        uint16 fee,
        uint256 amountADesired,
        uint256 amountBDesired,
        uint256 amountAMin,
        uint256 amountBMin,
        address to,
        uint256 deadline
    ) public ensure(deadline) returns (uint256 amountA, uint256 amountB, uint256 liquidity) {
        address pool;
        (pool, amountA, amountB) =
            _addLiquidity(tokenA, tokenB, fee, amountADesired, amountBDesired, amountAMin, amountBMin);
        liquidity = _payAndMint(tokenA, tokenB, pool, amountA, amountB, to);
    }

    /// @inheritdoc IRouter
    function addLiquidityETH(
        address token,
        uint256 amountTokenDesired,
        uint256 amountTokenMin,
        uint256 amountETHMin,
        address to,
        uint256 deadline
    ) external payable returns (uint256, uint256, uint256) {
        return addLiquidityETH(token, DEFAULT_FEE, amountTokenDesired, amountTokenMin, amountETHMin, to, deadline);
    }

    /// @inheritdoc IRouter
    function addLiquidityETH(
        address token,
        uint16 fee,
        uint256 amountTokenDesired,
        uint256 amountTokenMin,
        uint256 amountETHMin,
        address to,
        uint256 deadline
    ) public payable ensure(deadline) returns (uint256 amountToken, uint256 amountETH, uint256 liquidity) {
        address pool;
        (pool, amountToken, amountETH) =
            _addLiquidity(token, WETH, fee, amountTokenDesired, msg.value, amountTokenMin, amountETHMin);
        token.safeTransferFrom(msg.sender, pool, amountToken);
        _wrapTo(pool, amountETH);
        liquidity = RouterLibrary.mint(pool, to);
        // amountETH <= msg.value: the ETH side is capped at its desired amount.
        unchecked {
            if (msg.value > amountETH) msg.sender.safeTransferETH(msg.value - amountETH);
        }
    }

    /*//////////////////////////////////////////////////////////////
                            REMOVE LIQUIDITY
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRouter
    function removeLiquidity(
        address tokenA,
        address tokenB,
        uint256 liquidity,
        uint256 amountAMin,
        uint256 amountBMin,
        address to,
        uint256 deadline
    ) external returns (uint256, uint256) {
        return removeLiquidity(tokenA, tokenB, DEFAULT_FEE, liquidity, amountAMin, amountBMin, to, deadline);
    }

    /// @inheritdoc IRouter
    function removeLiquidity(
        address tokenA,
        address tokenB,
        uint16 fee,
        uint256 liquidity,
        uint256 amountAMin,
        uint256 amountBMin,
        address to,
        uint256 deadline
    ) public ensure(deadline) returns (uint256, uint256) {
        return _removeLiquidity(tokenA, tokenB, fee, liquidity, amountAMin, amountBMin, to);
    }

    /// @inheritdoc IRouter
    function removeLiquidityETH(
        address token,
        uint256 liquidity,
        uint256 amountTokenMin,
        uint256 amountETHMin,
        address to,
        uint256 deadline
    ) external returns (uint256, uint256) {
        return removeLiquidityETH(token, DEFAULT_FEE, liquidity, amountTokenMin, amountETHMin, to, deadline);
    }

    /// @inheritdoc IRouter
    function removeLiquidityETH(
        address token,
        uint16 fee,
        uint256 liquidity,
        uint256 amountTokenMin,
        uint256 amountETHMin,
        address to,
        uint256 deadline
    ) public ensure(deadline) returns (uint256 amountToken, uint256 amountETH) {
        (amountToken, amountETH) =
            _removeLiquidity(token, WETH, fee, liquidity, amountTokenMin, amountETHMin, address(this));
        token.safeTransfer(to, amountToken);
        _unwrapTo(to, amountETH);
    }

    /// @inheritdoc IRouter
    function removeLiquidityWithPermit(
        address tokenA,
        address tokenB,
        uint256 liquidity,
        uint256 amountAMin,
        uint256 amountBMin,
        address to,
        uint256 deadline,
        bool approveMax,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256, uint256) {
        _permit(_poolFor(tokenA, tokenB, DEFAULT_FEE), liquidity, deadline, approveMax, v, r, s);
        return removeLiquidity(tokenA, tokenB, DEFAULT_FEE, liquidity, amountAMin, amountBMin, to, deadline);
    }

    /// @inheritdoc IRouter
    function removeLiquidityWithPermit(
        address tokenA,
        address tokenB,
        uint16 fee,
        uint256 liquidity,
        uint256 amountAMin,
        uint256 amountBMin,
        address to,
        uint256 deadline,
        bool approveMax,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256, uint256) {
        _permit(_poolFor(tokenA, tokenB, fee), liquidity, deadline, approveMax, v, r, s);
        return removeLiquidity(tokenA, tokenB, fee, liquidity, amountAMin, amountBMin, to, deadline);
    }

    /// @inheritdoc IRouter
    function removeLiquidityETHWithPermit(
        address token,
        uint256 liquidity,
        uint256 amountTokenMin,
        uint256 amountETHMin,
        address to,
        uint256 deadline,
        bool approveMax,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256, uint256) {
        _permit(_poolFor(token, WETH, DEFAULT_FEE), liquidity, deadline, approveMax, v, r, s);
        return removeLiquidityETH(token, DEFAULT_FEE, liquidity, amountTokenMin, amountETHMin, to, deadline);
    }

    /// @inheritdoc IRouter
    function removeLiquidityETHWithPermit(
        address token,
        uint16 fee,
        uint256 liquidity,
        uint256 amountTokenMin,
        uint256 amountETHMin,
        address to,
        uint256 deadline,
        bool approveMax,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256, uint256) {
        _permit(_poolFor(token, WETH, fee), liquidity, deadline, approveMax, v, r, s);
        return removeLiquidityETH(token, fee, liquidity, amountTokenMin, amountETHMin, to, deadline);
    }

    /// @inheritdoc IRouter
    function removeLiquidityETHSupportingFeeOnTransferTokens(
        address token,
        uint256 liquidity,
        uint256 amountTokenMin,
        uint256 amountETHMin,
        address to,
        uint256 deadline
    ) external returns (uint256) {
        return removeLiquidityETHSupportingFeeOnTransferTokens(
            token, DEFAULT_FEE, liquidity, amountTokenMin, amountETHMin, to, deadline
        );
    }

    /// @inheritdoc IRouter
    // Triaged: safeTransferAll's return (the amount sent) is not needed: the fee-on-transfer variant forwards whatever arrived.
    // slither-disable-next-line unused-return
    function removeLiquidityETHSupportingFeeOnTransferTokens(
        address token,
        uint16 fee,
        uint256 liquidity,
        uint256 amountTokenMin,
        uint256 amountETHMin,
        address to,
        uint256 deadline
    ) public ensure(deadline) returns (uint256 amountETH) {
        (, amountETH) = _removeLiquidity(token, WETH, fee, liquidity, amountTokenMin, amountETHMin, address(this));
        token.safeTransferAll(to);
        _unwrapTo(to, amountETH);
    }

    /// @inheritdoc IRouter
    function removeLiquidityETHWithPermitSupportingFeeOnTransferTokens(
        address token,
        uint256 liquidity,
        uint256 amountTokenMin,
        uint256 amountETHMin,
        address to,
        uint256 deadline,
        bool approveMax,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256) {
        _permit(_poolFor(token, WETH, DEFAULT_FEE), liquidity, deadline, approveMax, v, r, s);
        return removeLiquidityETHSupportingFeeOnTransferTokens(
            token, DEFAULT_FEE, liquidity, amountTokenMin, amountETHMin, to, deadline
        );
    }

    /// @inheritdoc IRouter
    function removeLiquidityETHWithPermitSupportingFeeOnTransferTokens(
        address token,
        uint16 fee,
        uint256 liquidity,
        uint256 amountTokenMin,
        uint256 amountETHMin,
        address to,
        uint256 deadline,
        bool approveMax,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256) {
        _permit(_poolFor(token, WETH, fee), liquidity, deadline, approveMax, v, r, s);
        return removeLiquidityETHSupportingFeeOnTransferTokens(
            token, fee, liquidity, amountTokenMin, amountETHMin, to, deadline
        );
    }

    /*//////////////////////////////////////////////////////////////
                                  SWAPS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRouter
    function swapExactTokensForTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external ensure(deadline) returns (uint256[] memory) {
        _returnAmounts(_swapExactTokensForTokens(amountIn, amountOutMin, path, _noFees(), to));
    }

    /// @inheritdoc IRouter
    function swapExactTokensForTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external ensure(deadline) returns (uint256[] memory) {
        _checkFees(path, fees);
        _returnAmounts(_swapExactTokensForTokens(amountIn, amountOutMin, path, fees, to));
    }

    /// @inheritdoc IRouter
    function swapTokensForExactTokens(
        uint256 amountOut,
        uint256 amountInMax,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external ensure(deadline) returns (uint256[] memory) {
        _returnAmounts(_swapTokensForExactTokens(amountOut, amountInMax, path, _noFees(), to));
    }

    /// @inheritdoc IRouter
    function swapTokensForExactTokens(
        uint256 amountOut,
        uint256 amountInMax,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external ensure(deadline) returns (uint256[] memory) {
        _checkFees(path, fees);
        _returnAmounts(_swapTokensForExactTokens(amountOut, amountInMax, path, fees, to));
    }

    /// @inheritdoc IRouter
    function swapExactETHForTokens(uint256 amountOutMin, address[] calldata path, address to, uint256 deadline)
        external
        payable
        ensure(deadline)
        returns (uint256[] memory)
    {
        _returnAmounts(_swapExactETHForTokens(amountOutMin, path, _noFees(), to));
    }

    /// @inheritdoc IRouter
    function swapExactETHForTokens(
        uint256 amountOutMin,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external payable ensure(deadline) returns (uint256[] memory) {
        _checkFees(path, fees);
        _returnAmounts(_swapExactETHForTokens(amountOutMin, path, fees, to));
    }

    /// @inheritdoc IRouter
    function swapTokensForExactETH(
        uint256 amountOut,
        uint256 amountInMax,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external ensure(deadline) returns (uint256[] memory) {
        _returnAmounts(_swapTokensForExactETH(amountOut, amountInMax, path, _noFees(), to));
    }

    /// @inheritdoc IRouter
    function swapTokensForExactETH(
        uint256 amountOut,
        uint256 amountInMax,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external ensure(deadline) returns (uint256[] memory) {
        _checkFees(path, fees);
        _returnAmounts(_swapTokensForExactETH(amountOut, amountInMax, path, fees, to));
    }

    /// @inheritdoc IRouter
    function swapExactTokensForETH(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external ensure(deadline) returns (uint256[] memory) {
        _returnAmounts(_swapExactTokensForETH(amountIn, amountOutMin, path, _noFees(), to));
    }

    /// @inheritdoc IRouter
    function swapExactTokensForETH(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external ensure(deadline) returns (uint256[] memory) {
        _checkFees(path, fees);
        _returnAmounts(_swapExactTokensForETH(amountIn, amountOutMin, path, fees, to));
    }

    /// @inheritdoc IRouter
    function swapETHForExactTokens(uint256 amountOut, address[] calldata path, address to, uint256 deadline)
        external
        payable
        ensure(deadline)
        returns (uint256[] memory)
    {
        _returnAmounts(_swapETHForExactTokens(amountOut, path, _noFees(), to));
    }

    /// @inheritdoc IRouter
    function swapETHForExactTokens(
        uint256 amountOut,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external payable ensure(deadline) returns (uint256[] memory) {
        _checkFees(path, fees);
        _returnAmounts(_swapETHForExactTokens(amountOut, path, fees, to));
    }

    /// @inheritdoc IRouter
    function swapExactTokensForTokensSupportingFeeOnTransferTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external ensure(deadline) {
        _swapExactTokensForTokensSupportingFeeOnTransferTokens(amountIn, amountOutMin, path, _noFees(), to);
    }

    /// @inheritdoc IRouter
    function swapExactTokensForTokensSupportingFeeOnTransferTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external ensure(deadline) {
        _checkFees(path, fees);
        _swapExactTokensForTokensSupportingFeeOnTransferTokens(amountIn, amountOutMin, path, fees, to);
    }

    /// @inheritdoc IRouter
    function swapExactETHForTokensSupportingFeeOnTransferTokens(
        uint256 amountOutMin,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external payable ensure(deadline) {
        _swapExactETHForTokensSupportingFeeOnTransferTokens(amountOutMin, path, _noFees(), to);
    }

    /// @inheritdoc IRouter
    function swapExactETHForTokensSupportingFeeOnTransferTokens(
        uint256 amountOutMin,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external payable ensure(deadline) {
        _checkFees(path, fees);
        _swapExactETHForTokensSupportingFeeOnTransferTokens(amountOutMin, path, fees, to);
    }

    /// @inheritdoc IRouter
    function swapExactTokensForETHSupportingFeeOnTransferTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external ensure(deadline) {
        _swapExactTokensForETHSupportingFeeOnTransferTokens(amountIn, amountOutMin, path, _noFees(), to);
    }

    /// @inheritdoc IRouter
    function swapExactTokensForETHSupportingFeeOnTransferTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external ensure(deadline) {
        _checkFees(path, fees);
        _swapExactTokensForETHSupportingFeeOnTransferTokens(amountIn, amountOutMin, path, fees, to);
    }

    /*//////////////////////////////////////////////////////////////
                          LIQUIDITY INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev The pool (created if missing) and the amounts to add: the desired ones into an empty pool, else the
    /// larger of (aDesired, quote(aDesired)) and (quote(bDesired), bDesired) that fits both desired amounts.
    function _addLiquidity(
        address tokenA,
        address tokenB,
        uint16 fee,
        uint256 amountADesired,
        uint256 amountBDesired,
        uint256 amountAMin,
        uint256 amountBMin
    ) private returns (address pool, uint256 amountA, uint256 amountB) {
        uint256 reserveA;
        uint256 reserveB;
        (pool, reserveA, reserveB) = _poolOrCreate(tokenA, tokenB, fee);
        if (reserveA == 0 && reserveB == 0) return (pool, amountADesired, amountBDesired);
        uint256 amountBOptimal = RouterLibrary.quote(amountADesired, reserveA, reserveB);
        if (amountBOptimal <= amountBDesired) {
            if (amountBOptimal < amountBMin) revert InsufficientBAmount();
            return (pool, amountADesired, amountBOptimal);
        }
        // amountBOptimal > amountBDesired means amountADesired * reserveB > amountBDesired * reserveA,
        // so amountAOptimal = floor(amountBDesired * reserveA / reserveB) < amountADesired.
        uint256 amountAOptimal = RouterLibrary.quote(amountBDesired, reserveB, reserveA);
        if (amountAOptimal < amountAMin) revert InsufficientAAmount();
        return (pool, amountAOptimal, amountBDesired);
    }

    /// @dev Moves `amountA` and `amountB` from the caller to `pool` and mints its LP to `to`.
    function _payAndMint(address tokenA, address tokenB, address pool, uint256 amountA, uint256 amountB, address to)
        private
        returns (uint256 liquidity)
    {
        tokenA.safeTransferFrom(msg.sender, pool, amountA);
        tokenB.safeTransferFrom(msg.sender, pool, amountB);
        liquidity = RouterLibrary.mint(pool, to);
    }

    /// @dev The pool of `tokenA`/`tokenB` at `fee` and its reserves as (A, B); creates it if it does not exist.
    function _poolOrCreate(address tokenA, address tokenB, uint16 fee)
        private
        returns (address pool, uint256 reserveA, uint256 reserveB)
    {
        pool = _poolFor(tokenA, tokenB, fee);
        (uint256 reserve0, uint256 reserve1, bool exists) = RouterLibrary.getReserves(pool);
        if (!exists) pool = IFactory(factory).createPool(tokenA, tokenB, fee);
        (reserveA, reserveB) = tokenA < tokenB ? (reserve0, reserve1) : (reserve1, reserve0);
    }

    /// @dev Moves `liquidity` LP from the caller into its pool (the pool is its own LP token), burns it to `to`,
    /// and checks both minimums.
    function _removeLiquidity(
        address tokenA,
        address tokenB,
        uint16 fee,
        uint256 liquidity,
        uint256 amountAMin,
        uint256 amountBMin,
        address to
    ) private returns (uint256 amountA, uint256 amountB) {
        address pool = _poolFor(tokenA, tokenB, fee);
        pool.safeTransferFrom(msg.sender, pool, liquidity);
        (uint256 amount0, uint256 amount1) = RouterLibrary.burn(pool, to);
        (amountA, amountB) = tokenA < tokenB ? (amount0, amount1) : (amount1, amount0);
        if (amountA < amountAMin) revert InsufficientAAmount();
        if (amountB < amountBMin) revert InsufficientBAmount();
    }

    /// @dev EIP-2612 permit of `pool`'s LP from the caller to the router.
    function _permit(address pool, uint256 liquidity, uint256 deadline, bool approveMax, uint8 v, bytes32 r, bytes32 s)
        private
    {
        uint256 value = approveMax ? type(uint256).max : liquidity;
        IERC20Permit(pool).permit(msg.sender, address(this), value, deadline, v, r, s);
    }

    /*//////////////////////////////////////////////////////////////
                             SWAP INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _swapExactTokensForTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        uint16[] calldata fees,
        address to
    ) private returns (uint256[] memory amounts) {
        (address pool, address input) = _firstPool(path, fees);
        input.safeTransferFrom(msg.sender, pool, amountIn);
        amounts = _swapExactIn(amountIn, path, fees, pool, to);
        if (_last(amounts) < amountOutMin) revert InsufficientOutputAmount();
    }

    function _swapTokensForExactTokens(
        uint256 amountOut,
        uint256 amountInMax,
        address[] calldata path,
        uint16[] calldata fees,
        address to
    ) private returns (uint256[] memory amounts) {
        amounts = _amountsIn(amountOut, path, fees);
        if (amounts[0] > amountInMax) revert ExcessiveInputAmount();
        address pool = _poolFor(_at(path, 0), _at(path, 1), _fee(fees, 0));
        _at(path, 0).safeTransferFrom(msg.sender, pool, amounts[0]);
        _swap(amounts, path, fees, pool, to);
    }

    function _swapExactETHForTokens(uint256 amountOutMin, address[] calldata path, uint16[] calldata fees, address to)
        private
        returns (uint256[] memory amounts)
    {
        (address pool, address input) = _firstPool(path, fees);
        if (input != WETH) revert InvalidPath();
        _wrapTo(pool, msg.value);
        amounts = _swapExactIn(msg.value, path, fees, pool, to);
        if (_last(amounts) < amountOutMin) revert InsufficientOutputAmount();
    }

    function _swapTokensForExactETH(
        uint256 amountOut,
        uint256 amountInMax,
        address[] calldata path,
        uint16[] calldata fees,
        address to
    ) private returns (uint256[] memory amounts) {
        if (path.length < 2) revert InvalidPath();
        if (_at(path, path.length - 1) != WETH) revert InvalidPath();
        amounts = _amountsIn(amountOut, path, fees);
        if (amounts[0] > amountInMax) revert ExcessiveInputAmount();
        address pool = _poolFor(_at(path, 0), _at(path, 1), _fee(fees, 0));
        _at(path, 0).safeTransferFrom(msg.sender, pool, amounts[0]);
        _swap(amounts, path, fees, pool, address(this));
        _unwrapTo(to, amountOut);
    }

    function _swapExactTokensForETH(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        uint16[] calldata fees,
        address to
    ) private returns (uint256[] memory amounts) {
        (address pool, address input) = _firstPool(path, fees);
        if (_at(path, path.length - 1) != WETH) revert InvalidPath();
        input.safeTransferFrom(msg.sender, pool, amountIn);
        amounts = _swapExactIn(amountIn, path, fees, pool, address(this));
        uint256 amountOut = _last(amounts);
        if (amountOut < amountOutMin) revert InsufficientOutputAmount();
        _unwrapTo(to, amountOut);
    }

    function _swapETHForExactTokens(uint256 amountOut, address[] calldata path, uint16[] calldata fees, address to)
        private
        returns (uint256[] memory amounts)
    {
        if (path.length < 2) revert InvalidPath();
        if (_at(path, 0) != WETH) revert InvalidPath();
        amounts = _amountsIn(amountOut, path, fees);
        uint256 amountIn = amounts[0];
        if (amountIn > msg.value) revert ExcessiveInputAmount();
        address pool = _poolFor(_at(path, 0), _at(path, 1), _fee(fees, 0));
        _wrapTo(pool, amountIn);
        _swap(amounts, path, fees, pool, to);
        unchecked {
            if (msg.value > amountIn) msg.sender.safeTransferETH(msg.value - amountIn);
        }
    }

    function _swapExactTokensForTokensSupportingFeeOnTransferTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        uint16[] calldata fees,
        address to
    ) private {
        (address pool, address input) = _firstPool(path, fees);
        input.safeTransferFrom(msg.sender, pool, amountIn);
        address tokenOut = _at(path, path.length - 1);
        uint256 balanceBefore = tokenOut.balanceOf(to);
        _swapSupportingFeeOnTransferTokens(path, fees, pool, to);
        _checkReceived(tokenOut.balanceOf(to), balanceBefore, amountOutMin);
    }

    function _swapExactETHForTokensSupportingFeeOnTransferTokens(
        uint256 amountOutMin,
        address[] calldata path,
        uint16[] calldata fees,
        address to
    ) private {
        (address pool, address input) = _firstPool(path, fees);
        if (input != WETH) revert InvalidPath();
        _wrapTo(pool, msg.value);
        address tokenOut = _at(path, path.length - 1);
        uint256 balanceBefore = tokenOut.balanceOf(to);
        _swapSupportingFeeOnTransferTokens(path, fees, pool, to);
        _checkReceived(tokenOut.balanceOf(to), balanceBefore, amountOutMin);
    }

    function _swapExactTokensForETHSupportingFeeOnTransferTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        uint16[] calldata fees,
        address to
    ) private {
        (address pool, address input) = _firstPool(path, fees);
        if (_at(path, path.length - 1) != WETH) revert InvalidPath();
        input.safeTransferFrom(msg.sender, pool, amountIn);
        _swapSupportingFeeOnTransferTokens(path, fees, pool, address(this));
        uint256 amountOut = WETH.balanceOf(address(this));
        if (amountOut < amountOutMin) revert InsufficientOutputAmount();
        _unwrapTo(to, amountOut);
    }

    /// @dev Swaps the `amountIn` already sent to `pool` (the first pool of `path`) along `path` to `to`. Each hop
    /// reads its pool's reserves when it runs, prices the hop, and pays straight into the next pool.
    /// @return amounts `amountIn` followed by each hop's output.
    function _swapExactIn(
        uint256 amountIn,
        address[] calldata path,
        uint16[] calldata fees,
        address pool,
        address to
    ) private returns (uint256[] memory amounts) {
        amounts = _allocate(path.length);
        _put(amounts, 0, amountIn);
        address input = _at(path, 0);
        // Gas: indices stay below path.length (>= 2, checked by the caller), so none of them wraps.
        unchecked {
            uint256 last = path.length - 1;
            for (uint256 i; i != last; ++i) {
                address output = _at(path, i + 1);
                address recipient = i + 1 == last ? to : _poolFor(output, _at(path, i + 2), _fee(fees, i + 1));
                amountIn = _swapHop(pool, input < output, amountIn, _fee(fees, i), recipient);
                _put(amounts, i + 1, amountIn);
                pool = recipient;
                input = output;
            }
        }
    }

    /// @dev Runs the precomputed `amounts` along `path` to `to`; the first pool, `pool`, holds `amounts[0]`.
    function _swap(uint256[] memory amounts, address[] calldata path, uint16[] calldata fees, address pool, address to)
        private
    {
        // Gas: indices stay below path.length (>= 2, checked by the caller), so none of them wraps.
        unchecked {
            uint256 last = path.length - 1;
            for (uint256 i; i != last; ++i) {
                address output = _at(path, i + 1);
                address recipient = i + 1 == last ? to : _poolFor(output, _at(path, i + 2), _fee(fees, i + 1));
                _swapOut(pool, _at(path, i) < output, amounts[i + 1], recipient);
                pool = recipient;
            }
        }
    }

    /// @dev Like `_swapExactIn`, but each hop's input is what its pool received (balance above reserve).
    function _swapSupportingFeeOnTransferTokens(
        address[] calldata path,
        uint16[] calldata fees,
        address pool,
        address to
    ) private {
        // Gas: indices stay below path.length (>= 2, checked by the caller), so none of them wraps.
        unchecked {
            uint256 last = path.length - 1;
            for (uint256 i; i != last; ++i) {
                address input = _at(path, i);
                address output = _at(path, i + 1);
                address recipient = i + 1 == last ? to : _poolFor(output, _at(path, i + 2), _fee(fees, i + 1));
                _swapHopSupportingFeeOnTransferTokens(pool, input, input < output, _fee(fees, i), recipient);
                pool = recipient;
            }
        }
    }

    /// @dev One exact-input hop: prices `amountIn` (already in `pool`) at the pool's reserves and swaps it to `to`.
    function _swapHop(address pool, bool zeroForOne, uint256 amountIn, uint16 fee, address to)
        private
        returns (uint256 amountOut)
    {
        (uint256 reserveIn, uint256 reserveOut) = RouterLibrary.getReserves(pool, zeroForOne);
        amountOut = RouterLibrary.getAmountOut(amountIn, reserveIn, reserveOut, fee);
        _swapOut(pool, zeroForOne, amountOut, to);
    }

    /// @dev One fee-on-transfer hop: the input is the pool's `input` balance above its reserve.
    function _swapHopSupportingFeeOnTransferTokens(address pool, address input, bool zeroForOne, uint16 fee, address to)
        private
    {
        (uint256 reserveIn, uint256 reserveOut) = RouterLibrary.getReserves(pool, zeroForOne);
        uint256 amountIn = input.balanceOf(pool) - reserveIn;
        _swapOut(pool, zeroForOne, RouterLibrary.getAmountOut(amountIn, reserveIn, reserveOut, fee), to);
    }

    /// @dev Takes `amountOut` of the output token out of `pool` to `to`.
    function _swapOut(address pool, bool zeroForOne, uint256 amountOut, address to) private {
        if (zeroForOne) RouterLibrary.swap(pool, 0, amountOut, to);
        else RouterLibrary.swap(pool, amountOut, 0, to);
    }

    /// @dev Exact-input amounts along `path` at the current reserves (the `getAmountsOut` view).
    function _amountsOut(uint256 amountIn, address[] calldata path, uint16[] calldata fees)
        private
        view
        returns (uint256[] memory amounts)
    {
        if (path.length < 2) revert InvalidPath();
        uint256 last = path.length - 1;
        amounts = new uint256[](path.length);
        amounts[0] = amountIn;
        for (uint256 i; i != last;) {
            address input = _at(path, i);
            address output = _at(path, i + 1);
            uint16 fee = _fee(fees, i);
            (uint256 reserveIn, uint256 reserveOut) =
                RouterLibrary.getReserves(_poolFor(input, output, fee), input < output);
            amountIn = RouterLibrary.getAmountOut(amountIn, reserveIn, reserveOut, fee);
            unchecked {
                amounts[++i] = amountIn;
            }
        }
    }

    /// @dev Exact-output amounts along `path` at the current reserves, from the last hop back to the first.
    function _amountsIn(uint256 amountOut, address[] calldata path, uint16[] calldata fees)
        private
        view
        returns (uint256[] memory amounts)
    {
        if (path.length < 2) revert InvalidPath();
        uint256 i = path.length - 1;
        amounts = new uint256[](path.length);
        amounts[i] = amountOut;
        while (i != 0) {
            address output = _at(path, i);
            unchecked {
                --i;
            }
            address input = _at(path, i);
            uint16 fee = _fee(fees, i);
            (uint256 reserveIn, uint256 reserveOut) =
                RouterLibrary.getReserves(_poolFor(input, output, fee), input < output);
            amountOut = RouterLibrary.getAmountIn(amountOut, reserveIn, reserveOut, fee);
            amounts[i] = amountOut;
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    function _poolFor(address tokenA, address tokenB, uint16 fee) private view returns (address) {
        return RouterLibrary.poolFor(factory, _poolInitCodeHash, tokenA, tokenB, fee);
    }

    /// @dev The first pool of a path of at least two tokens, and the path's first token.
    function _firstPool(address[] calldata path, uint16[] calldata fees)
        private
        view
        returns (address pool, address input)
    {
        if (path.length < 2) revert InvalidPath();
        input = _at(path, 0);
        pool = _poolFor(input, _at(path, 1), _fee(fees, 0));
    }

    /// @dev `path[i]`. Gas: no bounds check (every caller keeps i < path.length, whose minimum of 2 is checked
    /// once) and one shift to validate the word instead of the compiler's per-access checks.
    function _at(address[] calldata path, uint256 i) private pure returns (address token) {
        assembly ("memory-safe") {
            token := calldataload(add(path.offset, shl(5, i)))
            if shr(160, token) {
                mstore(0x00, 0x20db8267) // `InvalidPath()`.
                revert(0x1c, 0x04)
            }
        }
    }

    /// @dev The tier of hop `i`: `fees` is empty for the V2-signature functions, meaning 30 bps throughout.
    /// Gas: unchecked read like `_at` (a tier overload has checked fees.length == path.length - 1 > i).
    function _fee(uint16[] calldata fees, uint256 i) private pure returns (uint16 fee) {
        if (fees.length == 0) return DEFAULT_FEE;
        assembly ("memory-safe") {
            fee := calldataload(add(fees.offset, shl(5, i)))
            if shr(16, fee) {
                mstore(0x00, 0x20db8267) // `InvalidPath()`.
                revert(0x1c, 0x04)
            }
        }
    }

    /// @dev The empty `fees` of the V2-signature functions.
    function _noFees() private pure returns (uint16[] calldata fees) {
        assembly {
            fees.offset := 0
            fees.length := 0
        }
    }

    /// @dev A tier overload needs exactly one fee per hop (and so at least one hop).
    function _checkFees(address[] calldata path, uint16[] calldata fees) private pure {
        if (fees.length == 0 || fees.length + 1 != path.length) revert InvalidPath();
    }

    /// @dev `to` must have received at least `amountOutMin` (balances read before and after).
    function _checkReceived(uint256 balanceAfter, uint256 balanceBefore, uint256 amountOutMin) private pure {
        if (balanceAfter < balanceBefore || balanceAfter - balanceBefore < amountOutMin) {
            revert InsufficientOutputAmount();
        }
    }

    /// @dev A `uint256[]` of length `n` whose words are not zeroed: the caller writes every one with `_put`.
    /// Gas: no zero-fill and no bounds checks (~150 gas per swap).
    function _allocate(uint256 n) private pure returns (uint256[] memory a) {
        assembly ("memory-safe") {
            a := mload(0x40)
            mstore(a, n)
            mstore(0x40, add(add(a, 0x20), shl(5, n)))
        }
    }

    /// @dev `a[i] = v` without the bounds check (every caller keeps i < a.length).
    function _put(uint256[] memory a, uint256 i, uint256 v) private pure {
        assembly ("memory-safe") {
            mstore(add(add(a, 0x20), shl(5, i)), v)
        }
    }

    /// @dev The last element of a non-empty `a`, without the bounds check.
    function _last(uint256[] memory a) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := mload(add(a, shl(5, mload(a))))
        }
    }

    /// @dev Ends the call returning `amounts` ABI-encoded in place: the offset word goes just below the array.
    /// Gas: skips the compiler's element-by-element copy of the return value (~400 gas); the word below the
    /// array is overwritten, which is fine because nothing runs after the RETURN.
    function _returnAmounts(uint256[] memory amounts) private pure {
        assembly {
            let start := sub(amounts, 0x20)
            mstore(start, 0x20)
            return(start, add(0x40, shl(5, mload(amounts))))
        }
    }

    /// @dev Wraps `amount` of the ETH sent into WETH and pays it to `pool`.
    function _wrapTo(address pool, uint256 amount) private {
        IWETH9(WETH).deposit{value: amount}();
        WETH.safeTransfer(pool, amount);
    }

    /// @dev Unwraps `amount` of the router's WETH and sends the ETH to `to`.
    function _unwrapTo(address to, uint256 amount) private {
        IWETH9(WETH).withdraw(amount);
        to.safeTransferETH(amount);
    }
}
