// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title FeeSwitch
/// @notice How a pool learns, for one cold account access, whether the factory's `feeTo` changed since the pool
/// last read it: every `setFeeTo` starts a new epoch and deploys an empty "marker" contract at the CREATE2 address
/// of that epoch. A pool that last read `feeTo` at epoch `e` checks whether marker `e + 1` has code; only the
/// factory can deploy there, and code cannot be removed, so "no code" means `feeTo` is still the one it cached.
/// @dev Gas: the check is one EXTCODESIZE of a cold account (2,600), against V2's `factory.feeTo()` (a cold account,
/// a cold slot and a call: ~5,000). The protocol fee stays exactly V2's: decided by the factory's feeTo at the
/// moment of each mint and burn.
library FeeSwitch {
    /// @dev A marker's init code: PUSH1 1, PUSH1 0, RETURN. Its runtime code is the single byte 0x00 (STOP).
    uint256 internal constant MARKER_INIT_CODE = 0x60016000f3;
    /// @dev keccak256 of the 5 bytes above (checked in tests/test_fee_switch.py).
    bytes32 internal constant MARKER_INIT_CODE_HASH = 0x5e59e02549ba8e07ea50ebd4ed8e46ed3ef88ddfb158dda6108a036181bc9bad;
    /// @dev Epochs are kept in 31 bits in the pool (above kLast and the fee-on bit).
    uint256 internal constant MAX_EPOCH = 2 ** 31 - 1;

    /// @notice Deploys the marker of `epoch` from the calling factory; reverts if it cannot (it already exists).
    function deployMarker(uint256 epoch) internal {
        assembly ("memory-safe") {
            mstore(0x00, MARKER_INIT_CODE) // The 5 bytes end at 0x20.
            if iszero(create2(0, 0x1b, 0x05, epoch)) {
                mstore(0x00, 0x4edb466d) // `MarkerFailed()`.
                revert(0x1c, 0x04)
            }
        }
    }

    /// @notice Whether `factory` has started epoch `epoch + 1`, i.e. changed `feeTo` since epoch `epoch`.
    function changedSince(address factory, uint256 epoch) internal view returns (bool changed) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, factory) // Right-aligned: the 20 bytes end at m + 0x20.
            mstore8(add(m, 0x0b), 0xff) // The byte just before them.
            mstore(add(m, 0x20), add(epoch, 1))
            mstore(add(m, 0x40), MARKER_INIT_CODE_HASH)
            let marker := and(keccak256(add(m, 0x0b), 0x55), 0xffffffffffffffffffffffffffffffffffffffff)
            changed := iszero(iszero(extcodesize(marker)))
        }
    }
}
