// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {HookToken, ITokenHook} from "./HookToken.sol";

/// @title ReentrantHook
/// @notice Attacker-side hook for HookToken: whenever one of its hooks runs, it sends the armed calldata to the armed
///         target (a pool: sync(), skim(hook), mint(hook), burn(hook), swap(...); the router: a swap or an add or
///         remove of liquidity paid from this contract's own tokens; the farm: deposit, withdraw, harvest, ...). With
///         `bubble` a failing call reverts the hook, and so the token transfer; without it the failure is swallowed,
///         counted and its error selector kept. A call made while a hook of this contract is already running is
///         skipped (no recursion). Unguarded: tests only.
contract ReentrantHook is ITokenHook {
    /// @notice The token returned false from `approve`.
    error ApproveRefused();

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
    /// @notice The first four bytes of the revert data of the last swallowed failure (zero-padded if shorter).
    bytes4 public lastError;
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

    /// @notice Approves `spender` for `amount` of this contract's `token` (so an armed call can spend it). Anyone may
    ///         call (tests only).
    function approveToken(IERC20 token, address spender, uint256 amount) external {
        if (!token.approve(spender, amount)) revert ApproveRefused();
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
            lastError = bytes4(reason);
        }
    }
}
