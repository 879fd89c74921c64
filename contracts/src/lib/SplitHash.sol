// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

import {BN254} from "./BN254.sol";
import {IZkmodelVerifier} from "../IZkmodelVerifier.sol";

/// @title SplitHash
/// @notice The Keccak side of zkmodel's split verification (DESIGN §11): the values a verifier
///         contract recomputes from group elements instead of trusting them. Each is
///         keccak256 over 32-byte big-endian words, reduced modulo the scalar field order r.
/// @dev Pinned to the Rust implementation (prover/src/pcs/chain.rs) by the golden vector
///      contracts/test/fixtures/split.json.
library SplitHash {
    /// @notice Domain tag of the statement seed s0 ("zkmodel.s0.v1", zero padded to 32 bytes).
    bytes32 internal constant S0_TAG = "zkmodel.s0.v1";

    /// @notice A public value is not a canonical scalar-field element (it must be < r).
    error PublicValueNotReduced(uint256 index, uint256 value);

    /// @notice s0 = keccak256(tag, architecture, commitments as (x, y) words, public values) mod r.
    /// @dev The commitments and public values are hashed straight from calldata.
    function statementSeed(
        bytes32 architecture,
        BN254.G1Point[] calldata commitments,
        uint256[] calldata publicValues
    ) internal pure returns (uint256 s) {
        for (uint256 i = 0; i < publicValues.length; ++i) {
            if (publicValues[i] >= BN254.R) revert PublicValueNotReduced(i, publicValues[i]);
        }
        bytes32 tag = S0_TAG;
        uint256 r = BN254.R;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, tag)
            mstore(add(m, 0x20), architecture)
            let c := shl(6, commitments.length)
            calldatacopy(add(m, 0x40), commitments.offset, c)
            let v := shl(5, publicValues.length)
            calldatacopy(add(add(m, 0x40), c), publicValues.offset, v)
            s := mod(keccak256(m, add(0x40, add(c, v))), r)
        }
    }

    /// @notice d1 = keccak256(H) mod r: binds the opening's row-value commitment.
    /// @dev H is proof words 0..1: hashed in place.
    function rowsDigest(IZkmodelVerifier.Proof calldata p) internal pure returns (uint256 d) {
        uint256 r = BN254.R;
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, p, 0x40)
            d := mod(keccak256(m, 0x40), r)
        }
    }

    /// @notice d2 = keccak256(G, Ĝ, Q, S1, S2) mod r: binds the fold, the reversed fold, the fold
    ///         quotient and the inner-product quotients.
    /// @dev G..S2 are proof words 2..11, contiguous in calldata: hashed in place.
    function splitDigest(IZkmodelVerifier.Proof calldata p) internal pure returns (uint256 d) {
        uint256 r = BN254.R;
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, add(p, 0x40), 0x140)
            d := mod(keccak256(m, 0x140), r)
        }
    }

    /// @notice Domain tag of the pairing challenge u ("zkmodel.u.v3", zero padded).
    bytes32 internal constant U_TAG = "zkmodel.u.v3";

    /// @notice Domain tag of the scalar batching Groth16 and the opening ("zkmodel.batch.v2").
    bytes32 internal constant BATCH_TAG = "zkmodel.batch.v2";

    /// @notice u = keccak256(U_TAG, s0, d1, d2, Wζ, Wι, β, α, ζ, ζ⁻¹, γ, yζ, yι) mod r: the
    ///         challenge combining the opening's three pairing equations (two KZG evaluations
    ///         and the fold). It is drawn after both claimed values, both quotients and every
    ///         value of the fold equation are fixed; a u that omitted a claimed value would let a
    ///         prover read u and then solve for it.
    /// @dev Wζ..yι are proof words 12..22, contiguous in calldata: hashed in place.
    function pairingChallenge(uint256 s0, uint256 d1, uint256 d2, IZkmodelVerifier.Proof calldata p)
        internal
        pure
        returns (uint256 u)
    {
        bytes32 tag = U_TAG;
        uint256 r = BN254.R;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, tag)
            mstore(add(m, 0x20), s0)
            mstore(add(m, 0x40), d1)
            mstore(add(m, 0x60), d2)
            calldatacopy(add(m, 0x80), add(p, 0x180), 0x160)
            u := mod(keccak256(m, 0x1e0), r)
        }
    }

    /// @notice keccak256(BATCH_TAG, u, A, B, C) mod r: the scalar raising the opening's equation
    ///         before it joins the Groth16 equation in one multi-pairing. u binds every Groth16
    ///         public input and every opening value; A, B, C are the Groth16 proof, so the
    ///         scalar is drawn after everything both equations consume.
    /// @dev A, B, C are proof words 23..30, contiguous in calldata: hashed in place.
    function batchingChallenge(uint256 u, IZkmodelVerifier.Proof calldata p) internal pure returns (uint256 rho) {
        bytes32 tag = BATCH_TAG;
        uint256 r = BN254.R;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, tag)
            mstore(add(m, 0x20), u)
            calldatacopy(add(m, 0x40), add(p, 0x2e0), 0x100)
            rho := mod(keccak256(m, 0x140), r)
        }
    }
}
