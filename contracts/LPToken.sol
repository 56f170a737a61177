// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "solady/tokens/ERC20.sol";

/// @title LPToken
/// @notice The pool's liquidity token: Solady ERC20 (with EIP-2612 permit), "Tidepool LP" / "TIDE-LP", 18 decimals.
abstract contract LPToken is ERC20 {
    /// @notice The token name.
    function name() public pure override returns (string memory) {
        return "Tidepool LP";
    }

    /// @notice The token symbol.
    function symbol() public pure override returns (string memory) {
        return "TIDE-LP";
    }

    /// @dev The name never changes, so permit and DOMAIN_SEPARATOR use its hash as a constant (gas: no name() hashing).
    function _constantNameHash() internal pure override returns (bytes32) {
        return keccak256("Tidepool LP");
    }

    /// @dev No hidden infinite allowance for Permit2: allowances behave as in Uniswap V2's LP token
    ///      (and transferFrom skips the Permit2 branch).
    function _givePermit2InfiniteAllowance() internal pure override returns (bool) {
        return false;
    }
}
