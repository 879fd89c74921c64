// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

/// @notice The subset of forge's cheatcodes zkmodel's tests use. forge-std is not available
///         offline, so the project declares the interface itself; forge implements it at the
///         well-known cheatcode address.
interface Vm {
    function readFile(string calldata path) external view returns (string memory);
    function projectRoot() external view returns (string memory);
    function parseJsonUint(string calldata json, string calldata key) external pure returns (uint256);
    function parseJsonUintArray(string calldata json, string calldata key) external pure returns (uint256[] memory);
    function parseJsonBytes(string calldata json, string calldata key) external pure returns (bytes memory);
    function expectRevert(bytes4 revertData) external;
    function expectRevert(bytes calldata revertData) external;
    function assume(bool condition) external pure;
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function deal(address account, uint256 newBalance) external;
    function warp(uint256 newTimestamp) external;
    function roll(uint256 newHeight) external;
    function chainId(uint256 newChainId) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData) external;
    function expectEmit() external;
    function snapshotState() external returns (uint256 snapshotId);
    function revertToState(uint256 snapshotId) external returns (bool success);
}

/// @notice Minimal test base: the cheatcode handle and assertion helpers that revert with a reason.
abstract contract TestBase {
    /// @dev keccak256("hevm cheat code") truncated to an address, as forge defines it.
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    bool public IS_TEST = true;

    error AssertionFailed(string message, uint256 left, uint256 right);

    /// @dev DSTest-style log, printed by forge with -vv.
    event log_named_uint(string key, uint256 val);

    function assertEq(uint256 a, uint256 b, string memory message) internal pure {
        if (a != b) revert AssertionFailed(message, a, b);
    }

    function assertTrue(bool c, string memory message) internal pure {
        if (!c) revert AssertionFailed(message, 0, 1);
    }

    function readFixture(string memory name) internal view returns (string memory) {
        return vm.readFile(string.concat(vm.projectRoot(), "/contracts/test/fixtures/", name));
    }

    function key(string memory base, uint256 i) internal pure returns (string memory) {
        return string.concat(".", base, "[", itoa(i), "]");
    }

    function itoa(uint256 v) internal pure returns (string memory) {
        if (v == 0) return "0";
        bytes memory buf;
        while (v > 0) {
            // casting to 'uint8' is safe because 48 + v % 10 is at most 57
            // forge-lint: disable-next-line(unsafe-typecast)
            buf = abi.encodePacked(bytes1(uint8(48 + v % 10)), buf);
            v /= 10;
        }
        return string(buf);
    }
}
