// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {HookToken, ITokenHook} from "./HookToken.sol";

/// @title ReentrantHook
/// @notice Attacker-side hook for HookToken: whenever one of its hooks runs, it sends the armed calldata to the armed
///         target (typically a pool: sync(), skim(hook), mint(hook), burn(hook), swap(...)). With `bubble` a failing
///         call reverts the hook, and so the token transfer; without it the failure is swallowed and counted. A call
///         made while a hook of this contract is already running is skipped (no recursion). Unguarded: tests only.
contract ReentrantHook is ITokenHook {
    /// @notice The contract the hook calls (address(0): disarmed).
    address public target;
    /// @notice The calldata the hook sends to `target`.
    bytes public payload;
    /// @notice Whether a failing call reverts the hook (true) or is swallowed and counted (false).
    bool public bubble;
    /// @notice Calls made to `target`.
    uint256 public attempts;
    /// @notice Calls to `target` that failed and were swallowed.
    uint256 public failures;
    bool private transient _running;

    /// @notice Registers this contract as its own hook on `token`, so transfers to it call `tokensReceived`.
    function register(HookToken token) external {
        token.setHook(address(this));
    }

    /// @notice Arms the hook: later hook calls send `payload_` to `target_`. Anyone may call (tests only).
    function arm(address target_, bytes calldata payload_, bool bubble_) external {
        target = target_;
        payload = payload_;
        bubble = bubble_;
    }

    function tokensToSend(address, address, address, uint256) external {
        _fire();
    }

    function tokensReceived(address, address, address, uint256) external {
        _fire();
    }

    function _fire() private {
        if (_running || target == address(0)) return;
        _running = true;
        ++attempts;
        (bool ok, bytes memory reason) = target.call(payload);
        _running = false;
        if (!ok) {
            if (bubble) {
                assembly ("memory-safe") {
                    revert(add(reason, 0x20), mload(reason))
                }
            }
            ++failures;
        }
    }
}
