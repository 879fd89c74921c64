// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

import {BN254} from "./lib/BN254.sol";

/// @title IZkmodelVerifier
/// @notice The one interface every generated zkmodel verifier implements (DESIGN §13). A
///         verifier checks one architecture's statements: a Groth16 proof of the field part of
///         verification plus the constant-size KZG opening of the statement's commitments.
/// @dev `verify` returns nothing and reverts with a custom error naming what failed.
interface IZkmodelVerifier {
    /// @notice What a proof is about.
    /// @param commitments Vector commitments in the architecture's order (model first).
    /// @param publicValues Public values (counts, hyperparameters), each < r.
    struct Statement {
        BN254.G1Point[] commitments;
        uint256[] publicValues;
    }

    /// @notice A wrapped proof: the row-split opening's group elements (H the row values, G the
    ///         fold, gRev its reversal, Q the fold quotient, S1/S2 the inner-product quotients,
    ///         wZeta/wInv the KZG quotients at ζ and ζ⁻¹) and field outputs, and Groth16.
    struct Proof {
        BN254.G1Point h;
        BN254.G1Point g;
        BN254.G1Point gRev;
        BN254.G1Point q;
        BN254.G1Point s1;
        BN254.G1Point s2;
        BN254.G1Point wZeta;
        BN254.G1Point wInv;
        uint256 beta;
        uint256 alpha;
        uint256 zeta;
        uint256 zetaInv;
        uint256 gamma;
        uint256 yZeta;
        uint256 yInv;
        BN254.G1Point a;
        BN254.G2Point b;
        BN254.G1Point c;
    }

    /// @notice What a verifier says about itself, for a registry (the marketplace) to record.
    ///         None of it is trusted by itself: a verifier is only as good as its bytecode, which
    ///         anyone can regenerate from the published verifying key and SRS and compare with
    ///         the deployed code (the marketplace records its code hash).
    /// @param architecture The architecture id: keccak256(description ‖ srsId ‖ transcript).
    /// @param modelShape keccak256 of the model shape and the SRS id: architectures with the
    ///        same model shape commit a model identically, so one registered model commitment
    ///        serves its training, inference and accuracy statements.
    /// @param kind 0 inference, 1 accuracy, 2 training.
    /// @param developmentKeys The Groth16 keys come from the INSECURE single-party development
    ///        setup: whoever ran it can forge proofs. Local chains only.
    /// @param developmentSrs The KZG SRS comes from the INSECURE seeded development τ.
    /// @param roles The commitment roles, as `commitmentRoles()`.
    /// @param numPublicValues Public words per statement.
    /// @param publicInputWords Leading public words that pack a public inference input (0 when
    ///        the input is committed or the statement has none); the remaining words of an
    ///        inference statement pack its outputs, and an accuracy statement's one word is the
    ///        count of correct predictions.
    /// @param rows Inference: batch rows; accuracy: test examples; training: dataset examples.
    /// @param srsId keccak256 of the SRS (its G1 powers' digest and [τ]₂).
    /// @param description The canonical architecture description (layers, scales, task).
    /// @param transcript The transcript parameters' id.
    struct Info {
        bytes32 architecture;
        bytes32 modelShape;
        uint8 kind;
        bool developmentKeys;
        bool developmentSrs;
        uint8[] roles;
        uint256 numPublicValues;
        uint256 publicInputWords;
        uint256 rows;
        bytes32 srsId;
        string description;
        string transcript;
    }

    /// @notice The statement has the wrong number of commitments for this architecture.
    error WrongCommitmentCount(uint256 expected, uint256 actual);
    /// @notice The statement has the wrong number of public values for this architecture.
    error WrongPublicValueCount(uint256 expected, uint256 actual);
    /// @notice A proof scalar (0 = beta, 1 = alpha, 2 = zeta, 3 = zetaInv, 4 = gamma, 5 = yZeta,
    ///         6 = yInv) is not < r.
    error ScalarNotReduced(uint256 which, uint256 value);
    /// @notice zetaInv is not the inverse of zeta modulo r.
    error ZetaInverseMismatch();
    /// @notice The Groth16 proof of the field part does not verify.
    error Groth16Rejected();
    /// @notice The KZG opening pairing check fails.
    error OpeningRejected();

    /// @notice The architecture id this verifier accepts (hash of the circuit description).
    function architecture() external view returns (bytes32);

    /// @notice The role of each statement commitment, in order (DESIGN §11.6): 0 model,
    ///         1 trace, 2 data, 3 test set, 4 final model, 5 initial model, 6 dataset. A claim
    ///         means something only if every commitment whose role is not free (trace and data
    ///         are free) was registered by the party that role names: the model by its seller,
    ///         a test set or dataset by its publisher, an initial model as a registered model
    ///         or derived from a public seed. A verifier cannot tell; its caller must check.
    function commitmentRoles() external view returns (uint8[] memory);

    /// @notice Where the Groth16 keys come from. Keys are sound only if nobody knows their
    ///         toxic waste: for ceremony keys, if one phase-2 contributor and the Powers of Tau
    ///         were honest; development keys (`info().developmentKeys`) were made by one party,
    ///         who can forge proofs.
    /// @return ceremony True for keys from a multi-party phase-2 ceremony (snarkjs), false for
    ///         the INSECURE single-party development setup. A ceremony over a Powers of Tau
    ///         that records no contribution (the development one) still has
    ///         `info().developmentKeys`: whoever made that file can forge.
    /// @return digest For ceremony keys, keccak256(Powers-of-Tau blake2b-512 ‖ circuit hash ‖
    ///         each contribution hash, in order), recomputable from the published final zkey
    ///         and Powers of Tau (`zkmodel ceremony verify`); zero for development keys.
    function keyOrigin() external view returns (bool ceremony, bytes32 digest);

    /// @notice Everything a registry records about this verifier's architecture.
    function info() external view returns (Info memory);

    /// @notice Verifies `proof` for `statement`; reverts with a custom error if it is invalid.
    function verify(Statement calldata statement, Proof calldata proof) external view;
}
