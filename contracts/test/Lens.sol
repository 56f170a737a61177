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
    /// @dev Layout: byte 0 `na`, byte 1 `nw`; `na` 20-byte addresses, then `nw` 32-byte words: the
    ///      table, whose entry `e` is address `e` when e < na, else word `e - na`. Then records until
    ///      the end of the calldata: [target entry: 1][selector: 4][k: 1][returned words: 1] followed by
    ///      - k < 128: k argument entries, one call target.selector(arguments);
    ///      - k >= 128: (k - 128) entries, one call target.selector(entry) per entry, in order.
    ///      Each call must return exactly `returned words * 32` bytes, else the program reverts
    ///      ReadFailed(call index). Linear in the number of calls (no re-copying).
    fallback() external {
        bytes4 failed = ReadFailed.selector;
        assembly {
            function entry(e, na, words) -> v {
                switch lt(e, na)
                case 1 { v := shr(96, calldataload(add(2, mul(e, 20)))) }
                default { v := calldataload(add(words, shl(5, sub(e, na)))) }
            }
            let na := byte(0, calldataload(0))
            let words := add(2, mul(na, 20))
            let p := add(words, shl(5, byte(1, calldataload(0))))
            let end := calldatasize()
            let input := 0x80 // call input: selector and up to 127 argument words, below the output
            let out := add(input, 0x1020)
            let o := out
            let i := 0
            for {} lt(p, end) {} {
                let head := calldataload(p)
                let target := entry(byte(0, head), na, words)
                mstore(input, shl(224, shr(224, shl(8, head))))
                let k := byte(5, head)
                let size := shl(5, byte(6, head))
                p := add(p, 7)
                let calls := 1
                let args := k
                if gt(k, 127) {
                    calls := sub(k, 128)
                    args := 1
                }
                for { let c := 0 } lt(c, calls) { c := add(c, 1) } {
                    for { let j := 0 } lt(j, args) { j := add(j, 1) } {
                        mstore(add(add(input, 4), shl(5, j)), entry(byte(0, calldataload(add(p, j))), na, words))
                    }
                    p := add(p, args)
                    let ok := staticcall(gas(), target, input, add(4, shl(5, args)), o, size)
                    if iszero(and(ok, eq(returndatasize(), size))) {
                        mstore(0, failed)
                        mstore(4, i)
                        revert(0, 0x24)
                    }
                    o := add(o, size)
                    i := add(i, 1)
                }
            }
            return(out, sub(o, out))
        }
    }
}
