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

    /// @dev Solady ERC20's storage layout and Transfer topic (private constants there): the helpers below write the
    ///      same slots. tests/test_pool_machine.py compares totalSupply, every balance and every Transfer with the
    ///      model after each step, so a mismatch here cannot pass unnoticed.
    uint256 private constant _SUPPLY_SLOT = 0x05345cdf77eb68f44c;
    uint256 private constant _BALANCE_SEED = 0x87a211a2;
    uint256 private constant _TRANSFER_TOPIC = 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef;

    /// @dev Solady's `_mint(to, amount)` for a caller that has just read the total supply: the same checks, writes
    ///      and event, without reading the supply again (gas: one warm SLOAD and a call).
    function _mintWithSupply(address to, uint256 amount, uint256 supply) internal {
        /// @solidity memory-safe-assembly
        assembly {
            let supplyAfter := add(supply, amount)
            if lt(supplyAfter, supply) {
                mstore(0x00, 0xe5cfe957) // `TotalSupplyOverflow()`.
                revert(0x1c, 0x04)
            }
            sstore(_SUPPLY_SLOT, supplyAfter)
            mstore(0x0c, _BALANCE_SEED)
            mstore(0x00, to)
            let slot := keccak256(0x0c, 0x20)
            sstore(slot, add(sload(slot), amount))
            mstore(0x20, amount)
            log3(0x20, 0x20, _TRANSFER_TOPIC, 0, shr(96, mload(0x0c)))
        }
    }

    /// @dev Burns the contract's own balance, `amount`, out of `supply`: Solady's `_burn(address(this), amount)` for a
    ///      caller that has just read both (gas: two warm SLOADs and a call). Requires balanceOf(this) == amount.
    function _burnHeld(uint256 amount, uint256 supply) internal {
        /// @solidity memory-safe-assembly
        assembly {
            mstore(0x0c, _BALANCE_SEED)
            mstore(0x00, address())
            sstore(keccak256(0x0c, 0x20), 0)
            sstore(_SUPPLY_SLOT, sub(supply, amount))
            mstore(0x00, amount)
            log3(0x00, 0x20, _TRANSFER_TOPIC, address(), 0)
        }
    }

    /// @dev No hidden infinite allowance for Permit2: allowances behave as in Uniswap V2's LP token
    ///      (and transferFrom skips the Permit2 branch).
    function _givePermit2InfiniteAllowance() internal pure override returns (bool) {
        return false;
    }
}
