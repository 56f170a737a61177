// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IRouter
/// @notice Uniswap V2 Router02 surface over tidepool's fee tiers. Every function that takes no fee
/// argument works on the 30 bps tier; its overload with `uint16 fee` (liquidity) or
/// `uint16[] calldata fees` right after `path` (swaps and quotes) names the tier of each pool.
/// `fees[i]` is the tier of the pool between `path[i]` and `path[i + 1]`, so a path may mix tiers.
interface IRouter {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice `block.timestamp` is past the caller's deadline.
    error Expired();
    /// @notice A path has fewer than two tokens, its `fees` are not one per hop, or an ETH call's
    /// path does not start (or end) with WETH.
    error InvalidPath();
    /// @notice The output is below `amountOutMin`, or a quote was asked for a zero output.
    error InsufficientOutputAmount();
    /// @notice The input a swap needs exceeds `amountInMax` (or the ETH sent).
    error ExcessiveInputAmount();
    /// @notice A quote was asked for a zero input.
    error InsufficientInputAmount();
    /// @notice `quote` was asked for a zero amount.
    error InsufficientAmount();
    /// @notice A pool on the way has a zero reserve (or does not exist), or an exact output is not below its reserve.
    error InsufficientLiquidity();
    /// @notice Token A would be taken (added) or returned (removed) below `amountAMin`.
    error InsufficientAAmount();
    /// @notice Token B would be taken (added) or returned (removed) below `amountBMin`.
    error InsufficientBAmount();
    /// @notice ETH was sent to the router by someone other than WETH.
    error NotWETH();
    /// @notice A token's `transferFrom` failed (Solady SafeTransferLib).
    error TransferFromFailed();
    /// @notice A token's `transfer` failed (Solady SafeTransferLib).
    error TransferFailed();
    /// @notice Sending ETH failed (Solady SafeTransferLib).
    error ETHTransferFailed();

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The factory whose pools the router trades.
    function factory() external view returns (address);

    /// @notice The wrapped-ether token used by the ETH functions.
    function WETH() external view returns (address);

    /// @notice The CREATE2 address of the pool of `tokenA`/`tokenB` at `fee` (whether or not it exists yet).
    function poolFor(address tokenA, address tokenB, uint16 fee) external view returns (address pool);

    /// @notice `amountA * reserveB / reserveA`, rounded down: the B that matches `amountA` at the pool ratio.
    function quote(uint256 amountA, uint256 reserveA, uint256 reserveB) external pure returns (uint256 amountB);

    /// @notice Output of a 30 bps swap of `amountIn`, rounded down.
    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut)
        external
        pure
        returns (uint256 amountOut);

    /// @notice Output of a swap of `amountIn` at `fee` bps, rounded down.
    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut, uint16 fee)
        external
        pure
        returns (uint256 amountOut);

    /// @notice Input a 30 bps swap needs to give `amountOut`, rounded up (floor + 1).
    function getAmountIn(uint256 amountOut, uint256 reserveIn, uint256 reserveOut)
        external
        pure
        returns (uint256 amountIn);

    /// @notice Input a swap at `fee` bps needs to give `amountOut`, rounded up (floor + 1).
    function getAmountIn(uint256 amountOut, uint256 reserveIn, uint256 reserveOut, uint16 fee)
        external
        pure
        returns (uint256 amountIn);

    /// @notice Amounts along a 30 bps `path` for an exact input, each hop at the pool's current reserves.
    function getAmountsOut(uint256 amountIn, address[] calldata path)
        external
        view
        returns (uint256[] memory amounts);

    /// @notice Amounts along `path` (tiers `fees`) for an exact input, each hop at the pool's current reserves.
    function getAmountsOut(uint256 amountIn, address[] calldata path, uint16[] calldata fees)
        external
        view
        returns (uint256[] memory amounts);

    /// @notice Amounts along a 30 bps `path` for an exact output, each hop at the pool's current reserves.
    function getAmountsIn(uint256 amountOut, address[] calldata path)
        external
        view
        returns (uint256[] memory amounts);

    /// @notice Amounts along `path` (tiers `fees`) for an exact output, each hop at the pool's current reserves.
    function getAmountsIn(uint256 amountOut, address[] calldata path, uint16[] calldata fees)
        external
        view
        returns (uint256[] memory amounts);

    /*//////////////////////////////////////////////////////////////
                              ADD LIQUIDITY
    //////////////////////////////////////////////////////////////*/

    /// @notice Adds liquidity to the 30 bps pool of `tokenA`/`tokenB`; see the `fee` overload.
    function addLiquidity(
        address tokenA,
        address tokenB,
        uint256 amountADesired,
        uint256 amountBDesired,
        uint256 amountAMin,
        uint256 amountBMin,
        address to,
        uint256 deadline
    ) external returns (uint256 amountA, uint256 amountB, uint256 liquidity);

    /// @notice Adds liquidity to the `fee` pool of `tokenA`/`tokenB`, creating the pool if it does not exist.
    /// Takes the desired amounts into an empty pool; otherwise the most of both that keeps the pool ratio
    /// (never more than desired), reverting if that is below a minimum.
    /// @return amountA Token A taken from the caller.
    /// @return amountB Token B taken from the caller.
    /// @return liquidity LP tokens minted to `to`.
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
    ) external returns (uint256 amountA, uint256 amountB, uint256 liquidity);

    /// @notice Adds `token` and `msg.value` ETH (as WETH) to the 30 bps pool; see the `fee` overload.
    function addLiquidityETH(
        address token,
        uint256 amountTokenDesired,
        uint256 amountTokenMin,
        uint256 amountETHMin,
        address to,
        uint256 deadline
    ) external payable returns (uint256 amountToken, uint256 amountETH, uint256 liquidity);

    /// @notice Adds `token` and up to `msg.value` ETH (wrapped to WETH) to the `fee` pool, like addLiquidity
    /// with `msg.value` as the desired ETH; the ETH not needed is refunded to the caller.
    function addLiquidityETH(
        address token,
        uint16 fee,
        uint256 amountTokenDesired,
        uint256 amountTokenMin,
        uint256 amountETHMin,
        address to,
        uint256 deadline
    ) external payable returns (uint256 amountToken, uint256 amountETH, uint256 liquidity);

    /*//////////////////////////////////////////////////////////////
                            REMOVE LIQUIDITY
    //////////////////////////////////////////////////////////////*/

    /// @notice Burns `liquidity` of the 30 bps pool's LP; see the `fee` overload.
    function removeLiquidity(
        address tokenA,
        address tokenB,
        uint256 liquidity,
        uint256 amountAMin,
        uint256 amountBMin,
        address to,
        uint256 deadline
    ) external returns (uint256 amountA, uint256 amountB);

    /// @notice Moves `liquidity` LP of the `fee` pool from the caller to the pool and burns it, sending both
    /// tokens to `to`; reverts if either is below its minimum.
    function removeLiquidity(
        address tokenA,
        address tokenB,
        uint16 fee,
        uint256 liquidity,
        uint256 amountAMin,
        uint256 amountBMin,
        address to,
        uint256 deadline
    ) external returns (uint256 amountA, uint256 amountB);

    /// @notice removeLiquidity of the 30 bps `token`/WETH pool, paying the WETH out as ETH.
    function removeLiquidityETH(
        address token,
        uint256 liquidity,
        uint256 amountTokenMin,
        uint256 amountETHMin,
        address to,
        uint256 deadline
    ) external returns (uint256 amountToken, uint256 amountETH);

    /// @notice removeLiquidity of the `fee` `token`/WETH pool, paying the WETH out as ETH.
    function removeLiquidityETH(
        address token,
        uint16 fee,
        uint256 liquidity,
        uint256 amountTokenMin,
        uint256 amountETHMin,
        address to,
        uint256 deadline
    ) external returns (uint256 amountToken, uint256 amountETH);

    /// @notice removeLiquidity (30 bps) after an EIP-2612 permit of the LP (`approveMax`: permit 2**256-1).
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
    ) external returns (uint256 amountA, uint256 amountB);

    /// @notice removeLiquidity (`fee` tier) after an EIP-2612 permit of the LP (`approveMax`: permit 2**256-1).
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
    ) external returns (uint256 amountA, uint256 amountB);

    /// @notice removeLiquidityETH (30 bps) after an EIP-2612 permit of the LP.
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
    ) external returns (uint256 amountToken, uint256 amountETH);

    /// @notice removeLiquidityETH (`fee` tier) after an EIP-2612 permit of the LP.
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
    ) external returns (uint256 amountToken, uint256 amountETH);

    /// @notice removeLiquidityETH (30 bps) for a token that takes a fee on transfer: forwards the router's
    /// whole `token` balance, whatever arrived.
    function removeLiquidityETHSupportingFeeOnTransferTokens(
        address token,
        uint256 liquidity,
        uint256 amountTokenMin,
        uint256 amountETHMin,
        address to,
        uint256 deadline
    ) external returns (uint256 amountETH);

    /// @notice removeLiquidityETH (`fee` tier) for a token that takes a fee on transfer.
    function removeLiquidityETHSupportingFeeOnTransferTokens(
        address token,
        uint16 fee,
        uint256 liquidity,
        uint256 amountTokenMin,
        uint256 amountETHMin,
        address to,
        uint256 deadline
    ) external returns (uint256 amountETH);

    /// @notice removeLiquidityETHSupportingFeeOnTransferTokens (30 bps) after an EIP-2612 permit of the LP.
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
    ) external returns (uint256 amountETH);

    /// @notice removeLiquidityETHSupportingFeeOnTransferTokens (`fee` tier) after an EIP-2612 permit of the LP.
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
    ) external returns (uint256 amountETH);

    /*//////////////////////////////////////////////////////////////
                                  SWAPS
    //////////////////////////////////////////////////////////////*/

    /// @notice Swaps exactly `amountIn` of `path[0]` along a 30 bps `path`; see the `fees` overload.
    function swapExactTokensForTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external returns (uint256[] memory amounts);

    /// @notice Swaps exactly `amountIn` of `path[0]` along `path` (tiers `fees`), sending the last token to `to`;
    /// each hop is priced at its pool's reserves when the hop runs. Reverts if the output is below `amountOutMin`.
    /// @return amounts The input followed by each hop's output.
    function swapExactTokensForTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external returns (uint256[] memory amounts);

    /// @notice Swaps for exactly `amountOut` of the last token along a 30 bps `path`; see the `fees` overload.
    function swapTokensForExactTokens(
        uint256 amountOut,
        uint256 amountInMax,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external returns (uint256[] memory amounts);

    /// @notice Swaps for exactly `amountOut` of the last token along `path` (tiers `fees`), taking the input
    /// `getAmountsIn` gives; reverts if that exceeds `amountInMax`.
    /// @return amounts The input followed by each hop's output.
    function swapTokensForExactTokens(
        uint256 amountOut,
        uint256 amountInMax,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external returns (uint256[] memory amounts);

    /// @notice swapExactTokensForTokens (30 bps) with `msg.value` ETH as the input; `path[0]` must be WETH.
    function swapExactETHForTokens(uint256 amountOutMin, address[] calldata path, address to, uint256 deadline)
        external
        payable
        returns (uint256[] memory amounts);

    /// @notice swapExactTokensForTokens (tiers `fees`) with `msg.value` ETH as the input; `path[0]` must be WETH.
    function swapExactETHForTokens(
        uint256 amountOutMin,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external payable returns (uint256[] memory amounts);

    /// @notice swapTokensForExactTokens (30 bps) paying `amountOut` ETH; the last token of `path` must be WETH.
    function swapTokensForExactETH(
        uint256 amountOut,
        uint256 amountInMax,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external returns (uint256[] memory amounts);

    /// @notice swapTokensForExactTokens (tiers `fees`) paying `amountOut` ETH; the last token must be WETH.
    function swapTokensForExactETH(
        uint256 amountOut,
        uint256 amountInMax,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external returns (uint256[] memory amounts);

    /// @notice swapExactTokensForTokens (30 bps) paying the output as ETH; the last token must be WETH.
    function swapExactTokensForETH(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external returns (uint256[] memory amounts);

    /// @notice swapExactTokensForTokens (tiers `fees`) paying the output as ETH; the last token must be WETH.
    function swapExactTokensForETH(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external returns (uint256[] memory amounts);

    /// @notice swapTokensForExactTokens (30 bps) paid in ETH; `path[0]` must be WETH, unspent ETH is refunded.
    function swapETHForExactTokens(uint256 amountOut, address[] calldata path, address to, uint256 deadline)
        external
        payable
        returns (uint256[] memory amounts);

    /// @notice swapTokensForExactTokens (tiers `fees`) paid in ETH; `path[0]` must be WETH, unspent ETH is refunded.
    /// Reverts `ExcessiveInputAmount` if the input exceeds `msg.value`.
    function swapETHForExactTokens(
        uint256 amountOut,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external payable returns (uint256[] memory amounts);

    /// @notice swapExactTokensForTokens (30 bps) for tokens that take a fee on transfer: each hop's input is what
    /// its pool received, and `amountOutMin` is checked against what `to` received.
    function swapExactTokensForTokensSupportingFeeOnTransferTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external;

    /// @notice swapExactTokensForTokensSupportingFeeOnTransferTokens along `path` with tiers `fees`.
    function swapExactTokensForTokensSupportingFeeOnTransferTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external;

    /// @notice swapExactETHForTokens (30 bps) for tokens that take a fee on transfer.
    function swapExactETHForTokensSupportingFeeOnTransferTokens(
        uint256 amountOutMin,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external payable;

    /// @notice swapExactETHForTokens (tiers `fees`) for tokens that take a fee on transfer.
    function swapExactETHForTokensSupportingFeeOnTransferTokens(
        uint256 amountOutMin,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external payable;

    /// @notice swapExactTokensForETH (30 bps) for tokens that take a fee on transfer.
    function swapExactTokensForETHSupportingFeeOnTransferTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external;

    /// @notice swapExactTokensForETH (tiers `fees`) for tokens that take a fee on transfer.
    function swapExactTokensForETHSupportingFeeOnTransferTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        uint16[] calldata fees,
        address to,
        uint256 deadline
    ) external;
}
