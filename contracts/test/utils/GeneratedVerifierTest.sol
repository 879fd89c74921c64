// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

import {BN254} from "../../src/lib/BN254.sol";
import {IZkmodelVerifier} from "../../src/IZkmodelVerifier.sol";
import {TestBase} from "./Vm.sol";

/// @notice Shared checks for a generated verifier against a real Rust proof fixture: the honest
///         proof passes within the gas budget, every flipped calldata word reverts with the custom
///         error naming what failed, and statement edits are rejected.
abstract contract GeneratedVerifierTest is TestBase {
    IZkmodelVerifier internal verifier;
    bytes internal calldata_;
    uint256 internal words;
    uint256 internal numCommitments;
    uint256 internal numPublic;

    // ABI layout of verify(Statement, Proof): word 0 is the statement offset, words 1..31 the
    // static Proof (h, g, gRev, q, s1, s2, wZeta, wInv: 16 words; beta, alpha, zeta, zetaInv,
    // gamma, yZeta, yInv; a, b, c: 8 words), then the statement tail: two offsets,
    // commitments (length, 2 words each), publicValues (length, values).
    uint256 internal constant PROOF = 1;
    uint256 internal constant BETA = PROOF + 16;
    uint256 internal constant COMMITMENTS = PROOF + 31 + 3;

    function deployVerifier() internal virtual returns (IZkmodelVerifier);
    function fixtureName() internal pure virtual returns (string memory);
    /// @notice The architecture's commitment roles (IZkmodelVerifier.commitmentRoles codes).
    function expectedRoles() internal pure virtual returns (uint8[] memory);
    /// @notice Execution gas allowed for one verification.
    function gasBudget() internal pure virtual returns (uint256);

    function setUp() public {
        verifier = deployVerifier();
        string memory json = readFixture(fixtureName());
        calldata_ = vm.parseJsonBytes(json, ".calldata");
        words = vm.parseJsonUint(json, ".words");
        numPublic = vm.parseJsonUint(json, ".publicValues");
        numCommitments = expectedRoles().length;
    }

    function expected(uint256 w) internal view returns (bytes4) {
        uint256 publicStart = COMMITMENTS + 2 * numCommitments + 1;
        // A flipped coordinate leaves the curve: the first precompile that sees it rejects it.
        if (w >= PROOF && w < BETA) return BN254.G1MulFailed.selector; // the opening's points
        if (w == BETA || w == BETA + 1) return IZkmodelVerifier.Groth16Rejected.selector; // beta, alpha
        if (w == BETA + 2 || w == BETA + 3) return IZkmodelVerifier.ZetaInverseMismatch.selector;
        if (w >= BETA + 4 && w < BETA + 7) return IZkmodelVerifier.Groth16Rejected.selector; // gamma, yZeta, yInv
        if (w >= BETA + 7 && w < BETA + 15) return BN254.PairingFailed.selector; // a, b, c off the curve
        if (w >= COMMITMENTS && w < COMMITMENTS + 2 * numCommitments) return BN254.G1MulFailed.selector;
        if (w >= publicStart && w < publicStart + numPublic) return IZkmodelVerifier.Groth16Rejected.selector; // s0 changes
        return bytes4(0); // offsets and lengths: any revert
    }

    function decoded() internal view returns (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) {
        bytes memory args = new bytes(calldata_.length - 4);
        for (uint256 i = 0; i < args.length; ++i) {
            args[i] = calldata_[i + 4];
        }
        (st, p) = abi.decode(args, (IZkmodelVerifier.Statement, IZkmodelVerifier.Proof));
    }

    /// @notice The verifier names each commitment's role, in statement order (DESIGN §11.6).
    function test_CommitmentRoles() public view {
        uint8[] memory got = verifier.commitmentRoles();
        uint8[] memory want = expectedRoles();
        assertEq(got.length, want.length, "role count");
        for (uint256 i = 0; i < want.length; ++i) {
            assertEq(got[i], want[i], string.concat("role ", itoa(i)));
        }
    }

    function test_VerifiesRealProof() public view {
        (bool ok,) = address(verifier).staticcall(calldata_);
        assertTrue(ok, "honest proof rejected");
        (IZkmodelVerifier.Statement memory st,) = decoded();
        assertEq(st.commitments.length, numCommitments, "commitments");
        assertEq(st.publicValues.length, numPublic, "public values");
    }

    /// @notice Gas of one honest verification (calldata cost excluded); printed with -vv.
    function test_GasOfHonestVerification() public {
        bytes memory data = calldata_;
        uint256 before = gasleft();
        (bool ok,) = address(verifier).staticcall(data);
        uint256 used = before - gasleft();
        assertTrue(ok, "honest proof rejected");
        emit log_named_uint("verify gas (execution, incl. call overhead)", used);
        emit log_named_uint("calldata bytes", calldata_.length);
        emit log_named_uint("public values", numPublic);
        assertTrue(used < gasBudget(), "verification above its gas budget");
    }

    function test_RevertIf_AnyWordFlipped() public view {
        assertEq(words, COMMITMENTS + 2 * numCommitments + 1 + numPublic, "calldata layout changed");
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

    function test_RevertIf_WrongCommitmentCount() public {
        (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) = decoded();
        BN254.G1Point[] memory fewer = new BN254.G1Point[](numCommitments - 1);
        for (uint256 i = 0; i < fewer.length; ++i) {
            fewer[i] = st.commitments[i];
        }
        st.commitments = fewer;
        vm.expectRevert(
            abi.encodeWithSelector(IZkmodelVerifier.WrongCommitmentCount.selector, numCommitments, numCommitments - 1)
        );
        verifier.verify(st, p);
    }

    function test_RevertIf_WrongPublicValueCount() public {
        (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) = decoded();
        st.publicValues = new uint256[](numPublic + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IZkmodelVerifier.WrongPublicValueCount.selector, numPublic, numPublic + 1)
        );
        verifier.verify(st, p);
    }

    /// @notice Another model, another data set: the statement seed changes and Groth16 fails.
    function test_RevertIf_CommitmentsSwapped() public {
        (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) = decoded();
        (st.commitments[0], st.commitments[2]) = (st.commitments[2], st.commitments[0]);
        vm.expectRevert(IZkmodelVerifier.Groth16Rejected.selector);
        verifier.verify(st, p);
    }

    /// @notice Any other public value (another count, other logits) is rejected.
    ///         (Statements without public values — training — are covered by the count check.)
    function test_fuzz_RevertIf_PublicValueChanged(uint256 index, uint256 delta) public {
        if (numPublic == 0) return;
        (IZkmodelVerifier.Statement memory st, IZkmodelVerifier.Proof memory p) = decoded();
        index = index % numPublic;
        delta = delta % BN254.R;
        vm.assume(delta != 0);
        st.publicValues[index] = addmod(st.publicValues[index], delta, BN254.R);
        vm.expectRevert(IZkmodelVerifier.Groth16Rejected.selector);
        verifier.verify(st, p);
    }
}
