// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

import {BN254} from "../src/lib/BN254.sol";
import {IZkmodelVerifier} from "../src/IZkmodelVerifier.sol";
import {MatMul2x4x2Verifier} from "../src/generated/MatMul2x4x2Verifier.sol";
import {TestBase} from "./utils/Vm.sol";

/// @notice The generated verifier accepts a real wrapped MatMul proof produced by Rust
///         (contracts/test/fixtures/matmul_verifier.json) and rejects every one-bit change of its
///         calldata with the custom error naming what failed.
contract MatMulVerifierTest is TestBase {
    MatMul2x4x2Verifier internal verifier;
    bytes internal calldata_;
    uint256 internal words;

    // ABI layout of verify(Statement, Proof): word 0 is the statement offset, words 1..31 the
    // static Proof (h, g, gRev, q, s1, s2, wZeta, wInv: 16 words; beta, alpha, zeta, zetaInv,
    // gamma, yZeta, yInv; a, b, c: 8 words), then the statement tail: two offsets, commitments
    // (length, 2×(x, y)), publicValues (length).
    uint256 internal constant PROOF = 1;
    uint256 internal constant BETA = PROOF + 16;
    uint256 internal constant COMMITMENTS = PROOF + 31 + 3;

    function setUp() public {
        verifier = new MatMul2x4x2Verifier();
        string memory json = readFixture("matmul_verifier.json");
        calldata_ = vm.parseJsonBytes(json, ".calldata");
        words = vm.parseJsonUint(json, ".words");
    }

    function expected(uint256 w) internal pure returns (bytes4) {
        // A flipped coordinate leaves the curve: the first precompile that sees it rejects it.
        if (w >= PROOF && w < BETA) return BN254.G1MulFailed.selector; // the opening's points
        if (w == BETA || w == BETA + 1) return IZkmodelVerifier.Groth16Rejected.selector; // beta, alpha
        if (w == BETA + 2 || w == BETA + 3) return IZkmodelVerifier.ZetaInverseMismatch.selector;
        if (w >= BETA + 4 && w < BETA + 7) return IZkmodelVerifier.Groth16Rejected.selector; // gamma, yZeta, yInv
        if (w >= BETA + 7 && w < BETA + 15) return BN254.PairingFailed.selector; // a, b, c off the curve
        if (w >= COMMITMENTS && w < COMMITMENTS + 4) return BN254.G1MulFailed.selector;
        return bytes4(0); // offsets and lengths: any revert
    }

    function test_VerifiesRealProof() public view {
        (bool ok,) = address(verifier).staticcall(calldata_);
        assertTrue(ok, "honest proof rejected");
    }

    /// @notice Gas of one honest verification (calldata cost excluded) against a budget of
    ///         520k (issue 18 aims at 300k); printed with -vv.
    function test_GasOfHonestVerification() public {
        bytes memory data = calldata_; // load from storage outside the measurement
        uint256 before = gasleft();
        (bool ok,) = address(verifier).staticcall(data);
        uint256 used = before - gasleft();
        assertTrue(ok, "honest proof rejected");
        emit log_named_uint("verify gas (execution, incl. call overhead)", used);
        emit log_named_uint("calldata bytes", calldata_.length);
        assertTrue(used < 520_000, "verification above 520k gas");
    }

    function test_KeyOriginSaysDevelopmentSetup() public view {
        (bool ceremony, bytes32 digest) = verifier.keyOrigin();
        assertTrue(!ceremony, "development keys are not a ceremony's");
        assertTrue(digest == bytes32(0), "no ceremony digest");
        assertTrue(verifier.info().developmentKeys, "info agrees");
    }

    function test_ArchitectureIsExposed() public view {
        assertTrue(verifier.architecture() == verifier.ARCHITECTURE(), "architecture");
        assertTrue(verifier.architecture() != bytes32(0), "nonzero");
        uint8[] memory roles = verifier.commitmentRoles();
        assertEq(roles.length, 2, "roles");
        assertEq(roles[0], 0, "model");
        assertEq(roles[1], 1, "trace");
    }

    function test_RevertIf_AnyWordFlipped() public view {
        assertEq(words, 40, "calldata layout changed: update the word map");
        for (uint256 w = 0; w < words; ++w) {
            bytes memory bad = bytes.concat(calldata_);
            bad[4 + 32 * w + 31] ^= 0x01;
            // A failing precompile consumes the gas forwarded to it, so each case gets a budget.
            (bool ok, bytes memory ret) = address(verifier).staticcall{gas: 2_000_000}(bad);
            assertTrue(!ok, string.concat("accepted with word flipped: ", itoa(w)));
            bytes4 want = expected(w);
            if (want != bytes4(0)) {
                // casting to 'bytes4' is safe because it reads the selector, the first 4 bytes
                // forge-lint: disable-next-line(unsafe-typecast)
                assertTrue(ret.length >= 4 && bytes4(ret) == want, string.concat("wrong error for word ", itoa(w)));
            }
        }
    }

    function decoded() internal view returns (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) {
        bytes memory args = new bytes(calldata_.length - 4);
        for (uint256 i = 0; i < args.length; ++i) {
            args[i] = calldata_[i + 4];
        }
        (st, p) = abi.decode(args, (IZkmodelVerifier.Statement, IZkmodelVerifier.Proof));
    }

    function test_DecodedCallVerifies() public view {
        (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) = decoded();
        verifier.verify(st, p);
    }

    function test_RevertIf_WrongCommitmentCount() public {
        (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) = decoded();
        BN254.G1Point[] memory one = new BN254.G1Point[](1);
        one[0] = st.commitments[0];
        st.commitments = one;
        vm.expectRevert(abi.encodeWithSelector(IZkmodelVerifier.WrongCommitmentCount.selector, 2, 1));
        verifier.verify(st, p);
    }

    function test_RevertIf_WrongPublicValueCount() public {
        (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) = decoded();
        st.publicValues = new uint256[](1);
        vm.expectRevert(abi.encodeWithSelector(IZkmodelVerifier.WrongPublicValueCount.selector, 0, 1));
        verifier.verify(st, p);
    }

    function test_RevertIf_ScalarNotReduced() public {
        (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) = decoded();
        p.gamma += BN254.R; // same residue, not canonical
        vm.expectRevert(abi.encodeWithSelector(IZkmodelVerifier.ScalarNotReduced.selector, 4, p.gamma));
        verifier.verify(st, p);
    }

    function test_RevertIf_ModelCommitmentSwapped() public {
        (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) = decoded();
        (st.commitments[0], st.commitments[1]) = (st.commitments[1], st.commitments[0]);
        vm.expectRevert(IZkmodelVerifier.Groth16Rejected.selector);
        verifier.verify(st, p);
    }

    /// @notice Valid curve points that are not the prover's: the equation they enter fails.
    function test_RevertIf_ValidButWrongPoints() public {
        BN254.G1Point memory g = BN254.g1Generator();
        (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) = decoded();
        p.wZeta = BN254.add(p.wZeta, g);
        vm.expectRevert(IZkmodelVerifier.OpeningRejected.selector);
        verifier.verify(st, p);

        (st, p) = decoded();
        p.wInv = BN254.add(p.wInv, g);
        vm.expectRevert(IZkmodelVerifier.OpeningRejected.selector);
        verifier.verify(st, p);

        (st, p) = decoded();
        p.h = BN254.add(p.h, g); // changes d1, a Groth16 public input
        vm.expectRevert(IZkmodelVerifier.Groth16Rejected.selector);
        verifier.verify(st, p);

        (st, p) = decoded();
        p.q = BN254.add(p.q, g); // changes d2, a Groth16 public input
        vm.expectRevert(IZkmodelVerifier.Groth16Rejected.selector);
        verifier.verify(st, p);

        (st, p) = decoded();
        st.commitments[1] = BN254.add(st.commitments[1], g); // changes s0
        vm.expectRevert(IZkmodelVerifier.Groth16Rejected.selector);
        verifier.verify(st, p);

        (st, p) = decoded();
        p.c = BN254.add(p.c, g);
        vm.expectRevert(IZkmodelVerifier.Groth16Rejected.selector);
        verifier.verify(st, p);
    }

    function test_fuzz_RevertIf_ZetaChanged(uint256 delta) public {
        (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) = decoded();
        delta = delta % BN254.R;
        vm.assume(delta != 0);
        p.zeta = addmod(p.zeta, delta, BN254.R);
        vm.expectRevert(IZkmodelVerifier.ZetaInverseMismatch.selector);
        verifier.verify(st, p);
    }
}
