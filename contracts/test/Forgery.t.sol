// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

import {BN254} from "../src/lib/BN254.sol";
import {IZkmodelVerifier} from "../src/IZkmodelVerifier.sol";
import {DigitsMlpInferenceVerifier} from "../src/generated/DigitsMlpInferenceVerifier.sol";
import {TestBase} from "./utils/Vm.sol";

/// @notice An adaptive forgery produced by Rust (wrapper/tests/integration/forgery.rs): logits the
///         registered digits MLP does not compute. Its Groth16 proof verifies (the circuit
///         proves only the field part), and its opening was solved after reading the pre-fix
///         pairing challenge u = keccak(zeta, W1, W2). The verifier must reject it with
///         `OpeningRejected`; the legacy-equation test shows the old contract accepted it.
contract DigitsMlpInferenceForgeryTest is TestBase {
    DigitsMlpInferenceVerifier internal verifier;
    string internal json;

    function setUp() public {
        verifier = new DigitsMlpInferenceVerifier();
        json = readFixture("digits_mlp_inference_forged.json");
    }

    function decoded() internal view returns (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) {
        bytes memory data = vm.parseJsonBytes(json, ".calldata");
        bytes memory args = new bytes(data.length - 4);
        for (uint256 i = 0; i < args.length; ++i) {
            args[i] = data[i + 4];
        }
        (st, p) = abi.decode(args, (IZkmodelVerifier.Statement, IZkmodelVerifier.Proof));
    }

    function test_RevertIf_ForgedOpening() public {
        (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) = decoded();
        vm.expectRevert(IZkmodelVerifier.OpeningRejected.selector);
        verifier.verify(st, p);
    }

    /// @notice The forgery's model commitment is the registered one; the trace and data
    ///         commitments are the point at infinity, which the adversary owns.
    function test_ForgeryNamesTheRegisteredModel() public view {
        (IZkmodelVerifier.Statement memory st,) = decoded();
        assertEq(st.commitments.length, 3, "commitments");
        assertTrue(st.commitments[0].x != 0, "model commitment");
        assertEq(st.commitments[1].x | st.commitments[1].y, 0, "trace at infinity");
        assertEq(st.commitments[2].x | st.commitments[2].y, 0, "data at infinity");
    }

    /// @notice The pre-fix KZG equation, e(A, [1]) = e(B, [tau]) with u = keccak(zeta, W1, W2),
    ///         holds for the forgery: the forge test above would have failed before the fix.
    function test_ForgeryHeldUnderTheLegacyChallenge() public view {
        (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) = decoded();
        uint256 R = BN254.R;
        uint256 u = uint256(keccak256(abi.encodePacked(p.zeta, p.w1.x, p.w1.y, p.w2.x, p.w2.y))) % R;
        BN254.G1Point memory a = st.commitments[0];
        uint256 g = p.gamma;
        for (uint256 k = 1; k < st.commitments.length; ++k) {
            a = BN254.add(a, BN254.mul(st.commitments[k], g));
            g = mulmod(g, p.gamma, R);
        }
        a = BN254.add(a, BN254.mul(p.q1, g));
        a = BN254.add(a, BN254.mul(p.w1, p.zeta));
        a = BN254.add(a, BN254.mul(p.q2, u));
        a = BN254.add(a, BN254.mul(p.w2, mulmod(u, p.zetaInv, R)));
        uint256 y = addmod(p.y1, mulmod(u, p.y2, R), R);
        a = BN254.add(a, BN254.negate(BN254.mul(BN254.g1Generator(), y)));
        BN254.G1Point memory b = BN254.add(p.w1, BN254.mul(p.w2, u));
        uint256[] memory t = vm.parseJsonUintArray(json, ".tauG2");
        bool ok = BN254.pairing2(a, BN254.g2Generator(), BN254.negate(b), BN254.G2Point([t[0], t[1]], [t[2], t[3]]));
        assertTrue(ok, "the forgery does not satisfy the legacy equation");
    }
}
