// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

import {IZkmodelVerifier} from "../src/IZkmodelVerifier.sol";
import {DigitsCnnAccuracyVerifier} from "../src/generated/DigitsCnnAccuracyVerifier.sol";
import {DigitsMlpAccuracyVerifier} from "../src/generated/DigitsMlpAccuracyVerifier.sol";
import {DigitsMlpInferenceVerifier} from "../src/generated/DigitsMlpInferenceVerifier.sol";
import {DigitsMlpTraining16Verifier} from "../src/generated/DigitsMlpTraining16Verifier.sol";
import {DigitsMlpTraining64Verifier} from "../src/generated/DigitsMlpTraining64Verifier.sol";
import {GeneratedVerifierTest} from "./utils/GeneratedVerifierTest.sol";

/// @notice The digits MLP inference verifier (one committed image, 10 public logits packed in one
///         word) on a real
///         Rust proof (contracts/test/fixtures/digits_mlp_inference.json).
contract DigitsMlpInferenceVerifierTest is GeneratedVerifierTest {
    function deployVerifier() internal override returns (IZkmodelVerifier) {
        return new DigitsMlpInferenceVerifier();
    }

    function fixtureName() internal pure override returns (string memory) {
        return "digits_mlp_inference.json";
    }

    function expectedRoles() internal pure override returns (uint8[] memory r) {
        r = new uint8[](3);
        r[0] = 0;
        r[1] = 1;
        r[2] = 2;
    }

    /// @dev The ten logits are packed into one public word: the same budget as any statement.
    function gasBudget() internal pure override returns (uint256) {
        return 520_000;
    }
}

/// @notice The digits MLP accuracy verifier (committed 360-image test split, public count) on a
///         real Rust proof (contracts/test/fixtures/digits_mlp_accuracy.json).
contract DigitsMlpAccuracyVerifierTest is GeneratedVerifierTest {
    function deployVerifier() internal override returns (IZkmodelVerifier) {
        return new DigitsMlpAccuracyVerifier();
    }

    function fixtureName() internal pure override returns (string memory) {
        return "digits_mlp_accuracy.json";
    }

    function expectedRoles() internal pure override returns (uint8[] memory r) {
        r = new uint8[](3);
        r[0] = 0;
        r[1] = 1;
        r[2] = 3;
    }

    function gasBudget() internal pure override returns (uint256) {
        return 520_000;
    }
}

/// @notice The digits CNN accuracy verifier on a real Rust proof
///         (contracts/test/fixtures/digits_cnn_accuracy.json): the same constant cost as the MLP.
contract DigitsCnnAccuracyVerifierTest is GeneratedVerifierTest {
    function deployVerifier() internal override returns (IZkmodelVerifier) {
        return new DigitsCnnAccuracyVerifier();
    }

    function fixtureName() internal pure override returns (string memory) {
        return "digits_cnn_accuracy.json";
    }

    function expectedRoles() internal pure override returns (uint8[] memory r) {
        r = new uint8[](3);
        r[0] = 0;
        r[1] = 1;
        r[2] = 3;
    }

    function gasBudget() internal pure override returns (uint256) {
        return 520_000;
    }
}

/// @notice The digits MLP training verifiers (T SGD steps from committed initial weights on 1024
///         committed examples; commitments: final model, initial model, dataset, trace; no public
///         values) on real Rust proofs (contracts/test/fixtures/digits_mlp_training_{16,64}.json).
abstract contract DigitsTrainingVerifierTest is GeneratedVerifierTest {
    function expectedRoles() internal pure override returns (uint8[] memory r) {
        r = new uint8[](4);
        r[0] = 4;
        r[1] = 5;
        r[2] = 6;
        r[3] = 1;
    }

    function gasBudget() internal pure override returns (uint256) {
        return 520_000;
    }

    /// @notice Initial and final weights swapped: another statement, Groth16 fails.
    function test_RevertIf_InitialAndFinalSwapped() public {
        (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) = decoded();
        (st.commitments[0], st.commitments[1]) = (st.commitments[1], st.commitments[0]);
        vm.expectRevert(IZkmodelVerifier.Groth16Rejected.selector);
        verifier.verify(st, p);
    }
}

contract DigitsMlpTraining16VerifierTest is DigitsTrainingVerifierTest {
    function deployVerifier() internal override returns (IZkmodelVerifier) {
        return new DigitsMlpTraining16Verifier();
    }

    function fixtureName() internal pure override returns (string memory) {
        return "digits_mlp_training_16.json";
    }
}

/// @notice T = 64: the same constant cost as T = 16.
contract DigitsMlpTraining64VerifierTest is DigitsTrainingVerifierTest {
    function deployVerifier() internal override returns (IZkmodelVerifier) {
        return new DigitsMlpTraining64Verifier();
    }

    function fixtureName() internal pure override returns (string memory) {
        return "digits_mlp_training_64.json";
    }
}
