// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IPool
/// @notice A constant-product pool with a Uniswap V2 surface; the pool is also its own LP token
///         ("Tidepool LP" / "TIDE-LP", 18 decimals, ERC20 + EIP-2612 permit, not declared here).
/// @dev Reentrant calls to mint, burn, swap, skim and sync revert `Reentrancy()` (declared by Solady's
///      ReentrancyGuardTransient, which the pool inherits).
interface IPool {
    /// @notice `mint` would mint no LP tokens (or, for the first mint, not more than MINIMUM_LIQUIDITY).
    error InsufficientLiquidityMinted();
    /// @notice `burn` would pay out zero of token0 or of token1.
    error InsufficientLiquidityBurned();
    /// @notice `swap` was asked for no output at all.
    error InsufficientOutputAmount();
    /// @notice `swap` was asked for at least a whole reserve.
    error InsufficientLiquidity();
    /// @notice `swap` was asked to pay one of the pool's own tokens.
    error InvalidTo();
    /// @notice `swap` received no input.
    error InsufficientInputAmount();
    /// @notice `swap` would lower the fee-adjusted constant product.
    error K();
    /// @notice A balance does not fit the 112-bit reserves.
    error Overflow();

    /// @notice Liquidity was added: `amount0`/`amount1` are the deposits above the old reserves.
    event Mint(address indexed sender, uint256 amount0, uint256 amount1);
    /// @notice Liquidity was removed and paid to `to`.
    event Burn(address indexed sender, uint256 amount0, uint256 amount1, address indexed to);
    /// @notice A swap; ins are the amounts received above `reserve - out`.
    event Swap(
        address indexed sender,
        uint256 amount0In,
        uint256 amount1In,
        uint256 amount0Out,
        uint256 amount1Out,
        address indexed to
    );
    /// @notice The reserves now equal the balances.
    event Sync(uint112 reserve0, uint112 reserve1);

    /// @notice LP tokens locked at address(0) by the first mint.
    function MINIMUM_LIQUIDITY() external pure returns (uint256);

    /// @notice The factory that deployed this pool.
    function factory() external view returns (address);

    /// @notice The lower-addressed token.
    function token0() external view returns (address);

    /// @notice The higher-addressed token.
    function token1() external view returns (address);

    /// @notice The swap fee in basis points (paid on the input amount).
    function fee() external view returns (uint16);

    /// @notice The reserves as of the last update, and the block timestamp (mod 2**32) of that update.
    function getReserves() external view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast);

    /// @notice Time-weighted sum of reserve1/reserve0 as UQ112x112, wrapping mod 2**256.
    function price0CumulativeLast() external view returns (uint256);

    /// @notice Time-weighted sum of reserve0/reserve1 as UQ112x112, wrapping mod 2**256.
    function price1CumulativeLast() external view returns (uint256);

    /// @notice reserve0 * reserve1 after the last liquidity event, while the protocol fee is on (else 0).
    function kLast() external view returns (uint256);

    /// @notice Mints LP tokens to `to` for the tokens sent to the pool since the last update.
    /// @dev Rounds down (against the depositor). The first mint locks MINIMUM_LIQUIDITY at address(0).
    /// @return liquidity The LP tokens minted to `to`.
    function mint(address to) external returns (uint256 liquidity);

    /// @notice Burns the LP tokens held by the pool itself and pays the pro-rata share of the balances to `to`.
    /// @dev Rounds down (against the burner).
    /// @return amount0 The token0 paid to `to`.
    /// @return amount1 The token1 paid to `to`.
    function burn(address to) external returns (uint256 amount0, uint256 amount1);

    /// @notice Sends the outputs to `to`, calls `IPoolCallee(to).uniswapV2Call` if `data` is non-empty,
    ///         then requires the inputs to keep the fee-adjusted constant product.
    /// @param amount0Out The token0 to send to `to`.
    /// @param amount1Out The token1 to send to `to`.
    /// @param to The recipient (and the flash-swap callee).
    /// @param data Passed to the callee; empty for a plain swap.
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;

    /// @notice Sends the balances in excess of the reserves to `to`.
    function skim(address to) external;

    /// @notice Sets the reserves to the balances.
    function sync() external;
}
