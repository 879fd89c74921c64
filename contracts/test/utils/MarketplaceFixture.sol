// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

import {BN254} from "../../src/lib/BN254.sol";
import {IZkmodelVerifier} from "../../src/IZkmodelVerifier.sol";
import {IZkmodelMarketplace} from "../../src/marketplace/IZkmodelMarketplace.sol";
import {ZkmodelMarketplace} from "../../src/marketplace/ZkmodelMarketplace.sol";
import {DigitsMlpAccuracyVerifier} from "../../src/generated/DigitsMlpAccuracyVerifier.sol";
import {DigitsMlpInferenceVerifier} from "../../src/generated/DigitsMlpInferenceVerifier.sol";
import {DigitsMlpTraining16Verifier} from "../../src/generated/DigitsMlpTraining16Verifier.sol";
import {TestBase} from "./Vm.sol";

/// @notice A marketplace in development mode with the real generated digits verifiers and their
///         real Rust proof fixtures (contracts/test/fixtures/): the MLP inference proof (model,
///         trace, committed image; ten packed logits), the MLP accuracy proof on the published
///         360-image test split (same model commitment), and a T = 16 training proof.
abstract contract MarketplaceFixture is TestBase {
    ZkmodelMarketplace internal market;
    address internal inference;
    address internal accuracy;
    address internal training;

    address internal constant SELLER = address(0x5E11E4);
    address internal constant PUBLISHER = address(0x9B115E4);
    address internal constant BUYER = address(0xB0E4);
    address internal constant RELAYER = address(0x4E1A7E4);

    uint256 internal constant PRICE = 0.01 ether;

    struct Fixture {
        IZkmodelVerifier.Statement st;
        IZkmodelVerifier.Proof p;
    }

    function setUpMarket() internal {
        market = new ZkmodelMarketplace(true);
        inference = address(new DigitsMlpInferenceVerifier());
        accuracy = address(new DigitsMlpAccuracyVerifier());
        training = address(new DigitsMlpTraining16Verifier());
        vm.deal(BUYER, 100 ether);
    }

    function fixture(string memory name) internal view returns (Fixture memory f) {
        bytes memory data = vm.parseJsonBytes(readFixture(name), ".calldata");
        bytes memory args = new bytes(data.length - 4);
        for (uint256 i = 0; i < args.length; ++i) {
            args[i] = data[i + 4];
        }
        (f.st, f.p) = abi.decode(args, (IZkmodelVerifier.Statement, IZkmodelVerifier.Proof));
    }

    function inferenceFixture() internal view returns (Fixture memory) {
        return fixture("digits_mlp_inference.json");
    }

    function accuracyFixture() internal view returns (Fixture memory) {
        return fixture("digits_mlp_accuracy.json");
    }

    function trainingFixture() internal view returns (Fixture memory) {
        return fixture("digits_mlp_training_16.json");
    }

    function shapeOf(address verifier) internal view returns (bytes32) {
        return IZkmodelVerifier(verifier).info().modelShape;
    }

    function registerAll() internal {
        market.registerArchitecture(inference, "ipfs://digits-mlp-inference");
        market.registerArchitecture(accuracy, "ipfs://digits-mlp-accuracy");
        market.registerArchitecture(training, "ipfs://digits-mlp-training-16");
    }

    /// @notice The digits MLP of the inference and accuracy fixtures, registered by SELLER.
    function registerDigitsModel() internal returns (uint256 id) {
        id = listModel(SELLER, shapeOf(inference), inferenceFixture().st.commitments[0], PRICE, "ipfs://digits-mlp");
    }

    /// @notice Registers a model by commit–reveal: reserve, next block register.
    function listModel(address seller, bytes32 shape, BN254.G1Point memory c, uint256 price, string memory uri)
        internal
        returns (uint256 id)
    {
        bytes32 salt = keccak256(abi.encode(seller, c.x, c.y));
        bytes32 reservation = keccak256(abi.encode(c.x, c.y, seller, salt));
        vm.prank(seller);
        market.reserveModel(reservation);
        vm.roll(block.number + 1);
        vm.prank(seller);
        id = market.registerModel(shape, c, price, uri, salt);
    }

    /// @notice The published digits test split (the accuracy fixture's test-set commitment).
    function registerTestSet() internal returns (uint256 id) {
        BN254.G1Point memory c = accuracyFixture().st.commitments[2];
        vm.prank(PUBLISHER);
        id = market.registerDataset(1, 360, c, "ipfs://digits-test-split");
    }

    function pins(address verifier, uint256 modelId, uint256 datasetId, uint256 initialModelId)
        internal
        pure
        returns (IZkmodelMarketplace.Pins memory)
    {
        return IZkmodelMarketplace.Pins(verifier, modelId, datasetId, initialModelId);
    }

    function noPoint() internal pure returns (BN254.G1Point memory) {
        return BN254.G1Point(0, 0);
    }

    function noWords() internal pure returns (uint256[] memory) {
        return new uint256[](0);
    }

    /// @notice A request for the inference fixture's committed image, by BUYER.
    function requestDigits(uint256 modelId, uint64 deadline) internal returns (uint256) {
        BN254.G1Point memory input = inferenceFixture().st.commitments[2];
        vm.prank(BUYER);
        return market.request{value: PRICE}(modelId, inference, input, noWords(), deadline);
    }
}
