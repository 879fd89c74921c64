// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

import {BN254} from "../src/lib/BN254.sol";
import {IZkmodelVerifier} from "../src/IZkmodelVerifier.sol";
import {IZkmodelMarketplace} from "../src/marketplace/IZkmodelMarketplace.sol";
import {TestBase} from "./utils/Vm.sol";

/// @notice The Rust bindings' calldata (contracts/test/fixtures/marketplace_calls.json, from
///         chain/tests/golden.rs) decodes with Solidity's ABI decoder to exactly the arguments
///         Rust encoded: selector and every field.
contract MarketplaceCalldataTest is TestBase {
    string internal json;
    bytes internal accuracyArgs;

    function setUp() public {
        json = readFixture("marketplace_calls.json");
        accuracyArgs = args(vm.parseJsonBytes(readFixture("digits_mlp_accuracy.json"), ".calldata"));
    }

    /// @notice The digits accuracy fixture's statement and proof.
    function accuracy() internal view returns (IZkmodelVerifier.Statement memory, IZkmodelVerifier.Proof memory) {
        return abi.decode(accuracyArgs, (IZkmodelVerifier.Statement, IZkmodelVerifier.Proof));
    }

    function args(bytes memory data) internal pure returns (bytes memory out) {
        out = new bytes(data.length - 4);
        for (uint256 i = 0; i < out.length; ++i) {
            out[i] = data[i + 4];
        }
    }

    function call(string memory name, bytes4 selector) internal view returns (bytes memory) {
        bytes memory data = vm.parseJsonBytes(json, string.concat(".", name));
        // casting to 'bytes4' is safe because it reads the selector, the first 4 bytes
        // forge-lint: disable-next-line(unsafe-typecast)
        assertTrue(bytes4(data) == selector, string.concat("selector of ", name));
        return args(data);
    }

    function test_AttestCalldata() public view {
        (IZkmodelMarketplace.Pins memory pins, IZkmodelVerifier.Statement memory s, IZkmodelVerifier.Proof memory p)
        = abi.decode(
            call("attest", IZkmodelMarketplace.attest.selector),
            (IZkmodelMarketplace.Pins, IZkmodelVerifier.Statement, IZkmodelVerifier.Proof)
        );
        assertTrue(pins.verifier == address(bytes20(hex"abababababababababababababababababababab")), "verifier");
        assertEq(pins.modelId, 1, "model");
        assertEq(pins.datasetId, 2, "dataset");
        assertEq(pins.initialModelId, 0, "initial");
        (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory pr) = accuracy();
        assertEq(uint256(keccak256(abi.encode(s))), uint256(keccak256(abi.encode(st))), "statement");
        assertEq(uint256(keccak256(abi.encode(p))), uint256(keccak256(abi.encode(pr))), "proof");
    }

    function test_FulfilCalldata() public view {
        (uint256 id, IZkmodelVerifier.Statement memory s, IZkmodelVerifier.Proof memory p) = abi.decode(
            call("fulfil", IZkmodelMarketplace.fulfil.selector),
            (uint256, IZkmodelVerifier.Statement, IZkmodelVerifier.Proof)
        );
        assertEq(id, 3, "request id");
        (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory pr) = accuracy();
        assertEq(uint256(keccak256(abi.encode(s))), uint256(keccak256(abi.encode(st))), "statement");
        assertEq(uint256(keccak256(abi.encode(p))), uint256(keccak256(abi.encode(pr))), "proof");
    }

    function test_RequestCalldata() public view {
        (uint256 modelId, address verifier, BN254.G1Point memory input, uint256[] memory words, uint64 deadline) =
        abi.decode(
            call("request", IZkmodelMarketplace.request.selector),
            (uint256, address, BN254.G1Point, uint256[], uint64)
        );
        (IZkmodelVerifier.Statement memory st,) = accuracy();
        assertEq(modelId, 1, "model");
        assertTrue(verifier == address(bytes20(hex"abababababababababababababababababababab")), "verifier");
        assertEq(input.x, st.commitments[2].x, "input x");
        assertEq(input.y, st.commitments[2].y, "input y");
        assertEq(words.length, 2, "words");
        assertEq(words[0] + 10 * words[1], 65, "word values");
        assertEq(deadline, 1_900_000_000, "deadline");
    }

    function test_RegisterModelCalldata() public view {
        (bytes32 shape, BN254.G1Point memory c, uint256 price, string memory uri, bytes32 salt) = abi.decode(
            call("registerModel", IZkmodelMarketplace.registerModel.selector),
            (bytes32, BN254.G1Point, uint256, string, bytes32)
        );
        (IZkmodelVerifier.Statement memory st,) = accuracy();
        assertTrue(shape == bytes32(uint256(0x5a) * (type(uint256).max / 0xff)), "shape");
        assertEq(c.x, st.commitments[0].x, "commitment");
        assertEq(price, 0.01 ether, "price");
        assertTrue(keccak256(bytes(uri)) == keccak256("ipfs://model"), "uri");
        assertTrue(salt == bytes32(uint256(0x11) * (type(uint256).max / 0xff)), "salt");
    }

    function test_RegisterDatasetCalldata() public view {
        (uint8 kind, uint64 examples, BN254.G1Point memory c, string memory uri) = abi.decode(
            call("registerDataset", IZkmodelMarketplace.registerDataset.selector),
            (uint8, uint64, BN254.G1Point, string)
        );
        assertEq(kind, 1, "kind");
        assertEq(examples, 360, "examples");
        assertEq(c.x + c.y, 3, "commitment");
        assertTrue(keccak256(bytes(uri)) == keccak256("ipfs://test-set"), "uri");
    }
}
