// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

import {IZkmodelVerifier} from "../src/IZkmodelVerifier.sol";
import {DigitsCnnAccuracyVerifier} from "../src/generated/DigitsCnnAccuracyVerifier.sol";
import {DigitsMlpAccuracyVerifier} from "../src/generated/DigitsMlpAccuracyVerifier.sol";
import {DigitsMlpInferenceVerifier} from "../src/generated/DigitsMlpInferenceVerifier.sol";
import {GeneratedVerifierTest} from "./utils/GeneratedVerifierTest.sol";

/// @notice The digits MLP inference verifier (one committed image, 10 public logits) on a real
///         Rust proof (contracts/test/fixtures/digits_mlp_inference.json).
contract DigitsMlpInferenceVerifierTest is GeneratedVerifierTest {
    function deployVerifier() internal override returns (IZkmodelVerifier) {
        return new DigitsMlpInferenceVerifier();
    }

    function fixtureName() internal pure override returns (string memory) {
        return "digits_mlp_inference.json";
    }

    function expectedCommitments() internal pure override returns (uint256) {
        return 3;
    }

    /// @dev 400k plus one IC multiplication-addition per public logit.
    function gasBudget() internal pure override returns (uint256) {
        return 400_000 + 10 * 7_000;
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

    function expectedCommitments() internal pure override returns (uint256) {
        return 3;
    }

    function gasBudget() internal pure override returns (uint256) {
        return 400_000;
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

    function expectedCommitments() internal pure override returns (uint256) {
        return 3;
    }

    function gasBudget() internal pure override returns (uint256) {
        return 400_000;
    }
}
