// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

import {BN254} from "./BN254.sol";

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
    function statementSeed(
        bytes32 architecture,
        BN254.G1Point[] memory commitments,
        uint256[] memory publicValues
    ) internal pure returns (uint256) {
        bytes memory buf = abi.encodePacked(S0_TAG, architecture);
        for (uint256 i = 0; i < commitments.length; ++i) {
            buf = abi.encodePacked(buf, commitments[i].x, commitments[i].y);
        }
        for (uint256 i = 0; i < publicValues.length; ++i) {
            if (publicValues[i] >= BN254.R) revert PublicValueNotReduced(i, publicValues[i]);
        }
        buf = abi.encodePacked(buf, publicValues);
        return uint256(keccak256(buf)) % BN254.R;
    }

    /// @notice kp = keccak256(Q1, Q2) mod r: binds the opening's quotient commitments.
    function quotientDigest(BN254.G1Point memory q1, BN254.G1Point memory q2) internal pure returns (uint256) {
        return uint256(keccak256(abi.encodePacked(q1.x, q1.y, q2.x, q2.y))) % BN254.R;
    }

    /// @notice u = keccak256(zeta, W1, W2) mod r: the challenge combining the two KZG openings.
    function pairingChallenge(uint256 zeta, BN254.G1Point memory w1, BN254.G1Point memory w2)
        internal
        pure
        returns (uint256)
    {
        return uint256(keccak256(abi.encodePacked(zeta, w1.x, w1.y, w2.x, w2.y))) % BN254.R;
    }
}
