// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Lens
/// @notice Test harness helper: many static view calls answered in one call, so a property test reads
///         the whole state it compares against the model in one round trip.
contract Lens {
    /// @notice A read at `index` reverted.
    error ReadFailed(uint256 index);

    /// @notice The concatenated return data of `targets[i].staticcall(data[i])` for every i.
    /// @dev Built for view functions with static return types, whose return data has a fixed size.
    function read(address[] calldata targets, bytes[] calldata data) external view returns (bytes memory out) {
        uint256 n = targets.length;
        for (uint256 i; i < n; ++i) {
            (bool ok, bytes memory result) = targets[i].staticcall(data[i]);
            if (!ok) revert ReadFailed(i);
            out = bytes.concat(out, result);
        }
    }
}
