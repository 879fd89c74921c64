// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

import {BN254} from "../src/lib/BN254.sol";
import {IZkmodelVerifier} from "../src/IZkmodelVerifier.sol";
import {SplitHash} from "../src/lib/SplitHash.sol";
import {DigitsMlpInferenceVerifier} from "../src/generated/DigitsMlpInferenceVerifier.sol";
import {TestBase} from "./utils/Vm.sol";

/// @notice A forgery produced by Rust (wrapper/tests/integration/forgery.rs): logits the
///         registered digits MLP does not compute. Its Groth16 proof verifies (the circuit
///         proves only the field part), and its opening honestly opens other weights in place
///         of the registered model: both KZG evaluations hold, and only the fold equation
///         C_F − G + αQ = τ^b·Q ties the opening to the commitments. The verifier must reject it
///         with `OpeningRejected`; the fold-less test shows a contract without the fold would
///         accept it.
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

    /// @notice The forgery names three commitments, the registered model's first.
    function test_ForgeryNamesTheRegisteredModel() public view {
        (IZkmodelVerifier.Statement memory st,) = decoded();
        assertEq(st.commitments.length, 3, "commitments");
        assertTrue(st.commitments[0].x != 0, "model commitment");
    }

    /// @notice The two KZG evaluations without the fold,
    ///         e(F_ζ − yζ·[1] + ζWζ + u(F_ι − yι·[1] + ζ⁻¹Wι), [1]) = e(Wζ + uWι, [τ]), hold for the
    ///         forgery: a verifier without the fold equation would accept it.
    function test_ForgeryHoldsWithoutTheFold() public view {
        (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) = decoded();
        uint256 u = challenge(st, p);
        uint256 R = BN254.R;
        BN254.G1Point memory a = BN254.add(p.gRev, BN254.mul(p.s2, p.gamma));
        a = BN254.add(a, BN254.mul(p.wZeta, p.zeta));
        BN254.G1Point memory fi = BN254.add(p.g, BN254.mul(BN254.add(p.h, BN254.mul(p.s1, p.gamma)), p.gamma));
        fi = BN254.add(fi, BN254.mul(p.wInv, p.zetaInv));
        a = BN254.add(a, BN254.mul(fi, u));
        uint256 y = addmod(p.yZeta, mulmod(u, p.yInv, R), R);
        a = BN254.add(a, BN254.negate(BN254.mul(BN254.g1Generator(), y)));
        BN254.G1Point memory b = BN254.add(p.wZeta, BN254.mul(p.wInv, u));
        uint256[] memory t = vm.parseJsonUintArray(json, ".tauG2");
        bool ok = BN254.pairing2(a, BN254.g2Generator(), BN254.negate(b), BN254.G2Point([t[0], t[1]], [t[2], t[3]]));
        assertTrue(ok, "the forgery does not satisfy the fold-less equations");
    }

    /// @dev s0 as the verifier derives it (SplitHash.statementSeed, over memory).
    function seed(IZkmodelVerifier.Statement memory st) internal view returns (uint256) {
        bytes memory statement = abi.encodePacked(SplitHash.S0_TAG, verifier.ARCHITECTURE());
        for (uint256 i = 0; i < st.commitments.length; ++i) {
            statement = abi.encodePacked(statement, st.commitments[i].x, st.commitments[i].y);
        }
        return uint256(keccak256(abi.encodePacked(statement, st.publicValues))) % BN254.R;
    }

    /// @dev u as the verifier derives it (SplitHash.pairingChallenge, over memory).
    function challenge(IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p)
        internal
        view
        returns (uint256)
    {
        uint256 R = BN254.R;
        uint256 s0 = seed(st);
        uint256 d1 = uint256(keccak256(abi.encodePacked(p.h.x, p.h.y))) % R;
        uint256 d2 = uint256(
            keccak256(
                abi.encodePacked(p.g.x, p.g.y, p.gRev.x, p.gRev.y, p.q.x, p.q.y, p.s1.x, p.s1.y, p.s2.x, p.s2.y)
            )
        ) % R;
        bytes memory head = abi.encodePacked(SplitHash.U_TAG, s0, d1, d2, p.wZeta.x, p.wZeta.y, p.wInv.x, p.wInv.y);
        return uint256(
            keccak256(abi.encodePacked(head, p.beta, p.alpha, p.zeta, p.zetaInv, p.gamma, p.yZeta, p.yInv))
        ) % R;
    }
}
