// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

import {BN254} from "../src/lib/BN254.sol";
import {IZkmodelVerifier} from "../src/IZkmodelVerifier.sol";
import {IZkmodelMarketplace} from "../src/marketplace/IZkmodelMarketplace.sol";
import {ZkmodelMarketplace} from "../src/marketplace/ZkmodelMarketplace.sol";
import {DigitsMlpAccuracyVerifier} from "../src/generated/DigitsMlpAccuracyVerifier.sol";
import {MarketplaceFixture} from "./utils/MarketplaceFixture.sol";

/// @notice A verifier that lies about itself: its reported id does not hash its description.
contract LyingVerifier {
    address internal immutable honest;

    constructor(address honest_) {
        honest = honest_;
    }

    function architecture() external view returns (bytes32) {
        return IZkmodelVerifier(honest).architecture();
    }

    function commitmentRoles() external view returns (uint8[] memory) {
        return IZkmodelVerifier(honest).commitmentRoles();
    }

    function info() external view returns (IZkmodelVerifier.Info memory i) {
        i = IZkmodelVerifier(honest).info();
        i.description = string.concat(i.description, "/forged");
    }
}

/// @notice Registration: architectures, datasets and models.
contract MarketplaceRegistrationTest is MarketplaceFixture {
    function setUp() public {
        setUpMarket();
    }

    function test_RegisterArchitecture() public {
        IZkmodelVerifier.Info memory info = IZkmodelVerifier(inference).info();
        vm.expectEmit();
        emit IZkmodelMarketplace.ArchitectureRegistered(
            inference, info.architecture, info.modelShape, 0, true, inference.codehash, address(this), "ipfs://a"
        );
        market.registerArchitecture(inference, "ipfs://a");
        IZkmodelMarketplace.Architecture memory a = market.architectureOf(inference);
        assertEq(uint256(a.info.architecture), uint256(info.architecture), "id");
        assertEq(uint256(a.codeHash), uint256(inference.codehash), "code hash");
        assertEq(a.info.roles.length, 3, "roles");
        assertEq(a.info.kind, 0, "kind");
        assertTrue(a.info.developmentKeys && a.info.developmentSrs, "development flags");
        assertEq(a.registrant == address(this) ? 1 : 0, 1, "registrant");
    }

    /// @notice The verifiers report consistent kinds and one shape for the MLP's inference
    ///         and accuracy statements.
    function test_VerifierInfo() public view {
        IZkmodelVerifier.Info memory i = IZkmodelVerifier(inference).info();
        IZkmodelVerifier.Info memory a = IZkmodelVerifier(accuracy).info();
        IZkmodelVerifier.Info memory t = IZkmodelVerifier(training).info();
        assertEq((i.kind), 0, "inference kind");
        assertEq((a.kind), 1, "accuracy kind");
        assertEq((t.kind), 2, "training kind");
        assertEq(uint256(i.modelShape), uint256(a.modelShape), "same MLP shape");
        assertEq(a.rows, 360, "test examples");
        assertEq(t.rows, 1024, "training examples");
        assertEq(i.publicInputWords, 0, "committed image");
        assertEq(i.numPublicValues, 1, "packed logits");
        assertEq(
            uint256(keccak256(abi.encodePacked(t.description, t.srsId, t.transcript))),
            uint256(t.architecture),
            "id hashes the description"
        );
    }

    function test_RevertIf_ArchitectureExists() public {
        market.registerArchitecture(inference, "");
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.ArchitectureExists.selector, inference));
        market.registerArchitecture(inference, "");
    }

    function test_RevertIf_DevelopmentVerifierRefused() public {
        ZkmodelMarketplace production = new ZkmodelMarketplace(false);
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.DevelopmentVerifierRefused.selector, inference));
        production.registerArchitecture(inference, "");
    }

    function test_RevertIf_DevelopmentModeOffLocalChain() public {
        vm.chainId(1);
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.DevelopmentModeOffLocalChain.selector, 1));
        new ZkmodelMarketplace(true);
    }

    function test_RevertIf_InconsistentVerifierInfo() public {
        address liar = address(new LyingVerifier(inference));
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.InconsistentVerifierInfo.selector, liar));
        market.registerArchitecture(liar, "");
    }

    function test_RevertIf_UnknownArchitecture() public {
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.UnknownArchitecture.selector, address(7)));
        market.architectureOf(address(7));
    }

    function test_RegisterDataset() public {
        BN254.G1Point memory c = accuracyFixture().st.commitments[2];
        vm.expectEmit();
        emit IZkmodelMarketplace.DatasetRegistered(1, PUBLISHER, 1, 360, c);
        uint256 id = registerTestSet();
        IZkmodelMarketplace.Dataset memory d = market.dataset(id);
        assertEq(id, 1, "first id");
        assertTrue(d.publisher == PUBLISHER, "publisher");
        assertEq(d.commitment.x, c.x, "commitment");
        assertEq(d.examples, 360, "examples");
        // The same commitment may be published again by someone else: claims name the id.
        vm.prank(BUYER);
        assertEq(market.registerDataset(1, 360, c, ""), 2, "second registration");
    }

    function test_RevertIf_UnknownDatasetKind() public {
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.UnknownDatasetKind.selector, 2));
        market.registerDataset(2, 1, BN254.G1Point(1, 2), "");
    }

    function test_RevertIf_EmptyDataset() public {
        vm.expectRevert(IZkmodelMarketplace.EmptyDataset.selector);
        market.registerDataset(0, 0, BN254.G1Point(1, 2), "");
    }

    function test_RevertIf_InvalidCommitment() public {
        vm.expectRevert(IZkmodelMarketplace.InvalidCommitment.selector);
        market.registerDataset(0, 1, BN254.G1Point(0, 0), "");
        vm.expectRevert(IZkmodelMarketplace.InvalidCommitment.selector);
        market.registerModel(bytes32(0), BN254.G1Point(BN254.Q, 2), 0, "", bytes32(0));
    }

    function test_RegisterModel() public {
        BN254.G1Point memory c = inferenceFixture().st.commitments[0];
        bytes32 shape = shapeOf(inference);
        bytes32 reservation = market.reservationOf(c, SELLER, "salt");
        vm.expectEmit();
        emit IZkmodelMarketplace.ModelReserved(reservation, SELLER);
        vm.prank(SELLER);
        market.reserveModel(reservation);
        vm.roll(block.number + 1);
        vm.expectEmit();
        emit IZkmodelMarketplace.ModelRegistered(1, SELLER, shape, c, PRICE, false, 0);
        vm.prank(SELLER);
        uint256 id = market.registerModel(shape, c, PRICE, "ipfs://digits-mlp", "salt");
        IZkmodelMarketplace.Model memory m = market.model(id);
        assertTrue(m.seller == SELLER && m.active && !m.seeded, "record");
        assertEq(m.price, PRICE, "price");
        assertEq(market.modelByCommitment(keccak256(abi.encode(c.x, c.y))), id, "by commitment");
    }

    function test_RevertIf_ModelCommitmentTaken() public {
        uint256 id = registerDigitsModel();
        BN254.G1Point memory c = inferenceFixture().st.commitments[0];
        bytes32 shape = shapeOf(inference);
        market.reserveModel(market.reservationOf(c, address(this), "s"));
        vm.roll(block.number + 1);
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.ModelCommitmentTaken.selector, id));
        market.registerModel(shape, c, 0, "", "s");
    }

    /// @notice Registration is commit–reveal: a front-runner who copies the seller's
    ///         registration (commitment and salt) from the mempool has no reservation of its own.
    function test_RevertIf_ReservationNotMature() public {
        BN254.G1Point memory c = inferenceFixture().st.commitments[0];
        bytes32 shape = shapeOf(inference);
        bytes32 mine = market.reservationOf(c, SELLER, "salt");
        vm.prank(SELLER);
        market.reserveModel(mine);
        // Same block: not yet.
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.ReservationNotMature.selector, mine));
        vm.prank(SELLER);
        market.registerModel(shape, c, PRICE, "", "salt");
        vm.roll(block.number + 1);
        // The front-runner replays the seller's reveal: its reservation would be another hash.
        bytes32 theirs = market.reservationOf(c, BUYER, "salt");
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.ReservationNotMature.selector, theirs));
        vm.prank(BUYER);
        market.registerModel(shape, c, PRICE, "", "salt");
        vm.prank(SELLER);
        uint256 id = market.registerModel(shape, c, PRICE, "", "salt");
        assertTrue(market.model(id).seller == SELLER, "the seller's");
    }

    function test_RevertIf_ReservationExists() public {
        market.reserveModel(bytes32(uint256(1)));
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.ReservationExists.selector, bytes32(uint256(1))));
        market.reserveModel(bytes32(uint256(1)));
    }

    /// @notice The local reservation formula is the contract's.
    function test_fuzz_ReservationOf(uint256 x, uint256 y, address seller, bytes32 salt) public view {
        assertEq(
            uint256(market.reservationOf(BN254.G1Point(x, y), seller, salt)),
            uint256(keccak256(abi.encode(x, y, seller, salt))),
            "reservation"
        );
    }

    function test_UpdateModel() public {
        uint256 id = registerDigitsModel();
        vm.expectEmit();
        emit IZkmodelMarketplace.ModelUpdated(id, 5, false);
        vm.prank(SELLER);
        market.updateModel(id, 5, false);
        IZkmodelMarketplace.Model memory m = market.model(id);
        assertTrue(!m.active && m.price == 5, "updated");
    }

    function test_RevertIf_NotSeller() public {
        uint256 id = registerDigitsModel();
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.NotSeller.selector, id, BUYER));
        vm.prank(BUYER);
        market.updateModel(id, 0, true);
    }

    /// @notice A seeded initial model is a public reference, never for sale.
    function test_RevertIf_SeededModelUpdated() public {
        uint256 id = market.registerSeededModel(shapeOf(training), trainingFixture().st.commitments[1], 7);
        IZkmodelMarketplace.Model memory m = market.model(id);
        assertTrue(m.seeded && m.seed == 7 && !m.active, "seeded record");
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.NotSeller.selector, id, address(this)));
        market.updateModel(id, 1, true);
    }

    function test_RevertIf_UnknownModel() public {
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.UnknownModel.selector, 9));
        market.model(9);
    }
}

/// @notice Claims recorded from real proofs, with every pinned role checked.
contract MarketplaceClaimTest is MarketplaceFixture {
    uint256 internal modelId;
    uint256 internal testSetId;

    function setUp() public {
        setUpMarket();
        registerAll();
        modelId = registerDigitsModel();
        testSetId = registerTestSet();
    }

    function test_AttestInference() public {
        Fixture memory f = inferenceFixture();
        vm.prank(RELAYER);
        bytes32 id = market.attest(pins(inference, modelId, 0, 0), f.st, f.p);
        IZkmodelMarketplace.Claim memory c = market.claim(id);
        assertEq(c.blockNumber, block.number, "recorded");
        assertEq(c.kind, 0, "kind");
        assertEq(c.data.x, f.st.commitments[2].x, "committed input");
        assertEq(c.publicValues[0], f.st.publicValues[0], "logits");
        assertTrue(c.submitter == RELAYER, "submitter");
        assertEq(market.claimCount(modelId), 1, "listed");
    }

    function test_AttestAccuracy() public {
        Fixture memory f = accuracyFixture();
        IZkmodelMarketplace.Pins memory pn = pins(accuracy, modelId, testSetId, 0);
        bytes32 expectedId =
            keccak256(abi.encode(accuracy.codehash, modelId, testSetId, uint256(0), 0, 0, f.st.publicValues));
        vm.expectEmit();
        emit IZkmodelMarketplace.ClaimRecorded(
            expectedId, modelId, accuracy, accuracy.codehash, testSetId, 0, noPoint(), f.st.publicValues
        );
        bytes32 id = market.attest(pn, f.st, f.p);
        assertEq(uint256(id), uint256(expectedId), "claim id");
        assertEq(uint256(market.claim(id).codeHash), uint256(accuracy.codehash), "code hash recorded");
        assertEq(market.claimsOf(modelId, 0, 10).length, 1, "page");
        assertEq(market.claimsOf(modelId, 1, 10).length, 0, "past the end");
        assertEq(market.claim(id).publicValues[0], 350, "350 of 360 correct");
    }

    /// @notice A training claim: final model = a registered model, initial = a seeded public
    ///         model, dataset = a registered training set.
    function test_AttestTraining() public {
        Fixture memory f = trainingFixture();
        bytes32 shape = shapeOf(training);
        uint256 trained = listModel(SELLER, shape, f.st.commitments[0], PRICE, "ipfs://trained");
        uint256 initial = market.registerSeededModel(shape, f.st.commitments[1], 2033);
        vm.prank(PUBLISHER);
        uint256 data = market.registerDataset(0, 1024, f.st.commitments[2], "ipfs://digits-train-1024");
        bytes32 id = market.attest(pins(training, trained, data, initial), f.st, f.p);
        IZkmodelMarketplace.Claim memory c = market.claim(id);
        assertEq(c.kind, 2, "training");
        assertEq(c.pins.initialModelId, initial, "initial");
        assertEq(c.pins.datasetId, data, "dataset");
    }

    function test_RevertIf_ClaimExists() public {
        Fixture memory f = accuracyFixture();
        bytes32 id = market.attest(pins(accuracy, modelId, testSetId, 0), f.st, f.p);
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.ClaimExists.selector, id));
        market.attest(pins(accuracy, modelId, testSetId, 0), f.st, f.p);
    }

    /// @notice A forgery (forged logits for the registered model: other weights opened in its
    ///         place, Groth16 valid): the verifier's fold equation refuses it, nothing recorded.
    ///         With another input commitment the statement seed changes and Groth16 refuses.
    function test_RevertIf_ForgedProof() public {
        Fixture memory f = fixture("digits_mlp_inference_forged.json");
        vm.expectRevert(IZkmodelVerifier.OpeningRejected.selector);
        market.attest(pins(inference, modelId, 0, 0), f.st, f.p);
        f.st.commitments[2] = BN254.G1Point(1, 2);
        vm.expectRevert(IZkmodelVerifier.Groth16Rejected.selector);
        market.attest(pins(inference, modelId, 0, 0), f.st, f.p);
        assertEq(market.claimCount(modelId), 0, "nothing recorded");
    }

    /// @notice A redeployed copy of a verifier has the same code: the same proof through it is
    ///         the same claim.
    function test_RevertIf_ClaimExistsThroughARedeployedVerifier() public {
        Fixture memory f = accuracyFixture();
        bytes32 id = market.attest(pins(accuracy, modelId, testSetId, 0), f.st, f.p);
        address copy = address(new DigitsMlpAccuracyVerifier());
        market.registerArchitecture(copy, "");
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.ClaimExists.selector, id));
        market.attest(pins(copy, modelId, testSetId, 0), f.st, f.p);
    }

    function test_RevertIf_OtherLogits() public {
        Fixture memory f = inferenceFixture();
        f.st.publicValues[0] += 1;
        vm.expectRevert(IZkmodelVerifier.Groth16Rejected.selector);
        market.attest(pins(inference, modelId, 0, 0), f.st, f.p);
    }

    function test_RevertIf_UnregisteredVerifier() public {
        Fixture memory f = inferenceFixture();
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.UnknownArchitecture.selector, address(1)));
        market.attest(pins(address(1), modelId, 0, 0), f.st, f.p);
    }

    /// @notice A proof about another model commitment than the registered one.
    function test_RevertIf_CommitmentMismatch() public {
        Fixture memory f = inferenceFixture();
        bytes32 shape_ = shapeOf(inference);
        uint256 other = listModel(SELLER, shape_, BN254.G1Point(1, 2), 0, "");
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.CommitmentMismatch.selector, 0, 0));
        market.attest(pins(inference, other, 0, 0), f.st, f.p);
    }

    /// @notice An accuracy claim on a test set the seller published itself does not count.
    function test_RevertIf_TestSetPublishedBySeller() public {
        Fixture memory f = accuracyFixture();
        vm.prank(SELLER);
        uint256 own = market.registerDataset(1, 360, f.st.commitments[2], "");
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.TestSetPublishedBySeller.selector, own, SELLER));
        market.attest(pins(accuracy, modelId, own, 0), f.st, f.p);
    }

    function test_RevertIf_ExamplesMismatch() public {
        Fixture memory f = accuracyFixture();
        vm.prank(PUBLISHER);
        uint256 small = market.registerDataset(1, 100, f.st.commitments[2], "");
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.ExamplesMismatch.selector, 360, 100));
        market.attest(pins(accuracy, modelId, small, 0), f.st, f.p);
    }

    function test_RevertIf_DatasetKindMismatch() public {
        Fixture memory f = accuracyFixture();
        vm.prank(PUBLISHER);
        uint256 train = market.registerDataset(0, 360, f.st.commitments[2], "");
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.DatasetKindMismatch.selector, train, 1, 0));
        market.attest(pins(accuracy, modelId, train, 0), f.st, f.p);
    }

    /// @notice The test set's role is pinned: another published set is another statement.
    function test_RevertIf_TestSetCommitmentMismatch() public {
        Fixture memory f = accuracyFixture();
        vm.prank(PUBLISHER);
        uint256 other = market.registerDataset(1, 360, BN254.G1Point(1, 2), "");
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.CommitmentMismatch.selector, 2, 3));
        market.attest(pins(accuracy, modelId, other, 0), f.st, f.p);
    }

    function test_RevertIf_PinMismatch() public {
        Fixture memory f = inferenceFixture();
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.PinMismatch.selector, 6));
        market.attest(pins(inference, modelId, testSetId, 0), f.st, f.p);
        Fixture memory a = accuracyFixture();
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.PinMismatch.selector, 6));
        market.attest(pins(accuracy, modelId, 0, 0), a.st, a.p);
    }

    function test_RevertIf_ShapeMismatch() public {
        Fixture memory f = inferenceFixture();
        uint256 other = listModel(SELLER, bytes32(uint256(1)), BN254.G1Point(1, 2), 0, "");
        vm.expectRevert(
            abi.encodeWithSelector(IZkmodelMarketplace.ShapeMismatch.selector, shapeOf(inference), bytes32(uint256(1)))
        );
        market.attest(pins(inference, other, 0, 0), f.st, f.p);
    }

    function test_RevertIf_WrongCommitmentCount() public {
        Fixture memory f = inferenceFixture();
        BN254.G1Point[] memory two = new BN254.G1Point[](2);
        two[0] = f.st.commitments[0];
        two[1] = f.st.commitments[1];
        f.st.commitments = two;
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.WrongCommitmentCount.selector, 3, 2));
        market.attest(pins(inference, modelId, 0, 0), f.st, f.p);
    }

    /// @notice Training: the initial model is pinned to the registered (seeded) model.
    function test_RevertIf_TrainingInitialModelMismatch() public {
        Fixture memory f = trainingFixture();
        bytes32 shape = shapeOf(training);
        uint256 trained = listModel(SELLER, shape, f.st.commitments[0], PRICE, "");
        uint256 wrongInitial = market.registerSeededModel(shape, BN254.G1Point(1, 2), 1);
        vm.prank(PUBLISHER);
        uint256 data = market.registerDataset(0, 1024, f.st.commitments[2], "");
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.CommitmentMismatch.selector, 1, 5));
        market.attest(pins(training, trained, data, wrongInitial), f.st, f.p);
    }
}
