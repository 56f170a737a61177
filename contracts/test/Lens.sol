// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Lens
/// @notice Test harness helper: many static view calls answered in one call, so a property test reads
///         the whole state it compares against the model in one round trip.
contract Lens {
    /// @notice A read at `index` reverted (or, for a packed program, returned an unexpected size).
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

    /// @notice A packed read program (the whole calldata, no selector), answered with the raw
    ///         concatenation of every call's return data. The in-process EVM copies calldata into the
    ///         EVM byte by byte, so a small program is what makes a whole-state read cheap there.
    /// @dev Layout: one byte `n`, then `n` 32-byte words (targets and arguments), then one record per
    ///      call until the end of the calldata:
    ///      [target word index: 1][selector: 4][argument count k: 1][k argument word indices: 1 each]
    ///      [returned words: 1]. Each call must return exactly `returned words * 32` bytes, else the
    ///      program reverts ReadFailed(call index). Linear in the number of calls (no re-copying).
    fallback() external {
        bytes4 failed = ReadFailed.selector;
        assembly {
            let table := 1
            let p := add(1, shl(5, byte(0, calldataload(0))))
            let end := calldatasize()
            let input := 0x80 // call input: selector and up to 255 argument words, below the output
            let out := add(input, 0x2020)
            let o := out
            for { let i := 0 } lt(p, end) { i := add(i, 1) } {
                let head := calldataload(p)
                let target := calldataload(add(table, shl(5, byte(0, head))))
                mstore(input, shl(224, shr(224, shl(8, head))))
                let k := byte(5, head)
                p := add(p, 6)
                for { let j := 0 } lt(j, k) { j := add(j, 1) } {
                    let word := calldataload(add(table, shl(5, byte(0, calldataload(add(p, j))))))
                    mstore(add(add(input, 4), shl(5, j)), word)
                }
                p := add(p, k)
                let size := shl(5, byte(0, calldataload(p)))
                p := add(p, 1)
                let ok := staticcall(gas(), target, input, add(4, shl(5, k)), o, size)
                if iszero(and(ok, eq(returndatasize(), size))) {
                    mstore(0, failed)
                    mstore(4, i)
                    revert(0, 0x24)
                }
                o := add(o, size)
            }
            return(out, sub(o, out))
        }
    }
}
