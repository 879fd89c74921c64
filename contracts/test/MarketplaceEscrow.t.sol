// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

import {BN254} from "../src/lib/BN254.sol";
import {IZkmodelVerifier} from "../src/IZkmodelVerifier.sol";
import {IZkmodelMarketplace} from "../src/marketplace/IZkmodelMarketplace.sol";
import {ZkmodelMarketplace} from "../src/marketplace/ZkmodelMarketplace.sol";
import {MatMul2x4x2Verifier} from "../src/generated/MatMul2x4x2Verifier.sol";
import {MarketplaceFixture} from "./utils/MarketplaceFixture.sol";

/// @notice A payee that re-enters `withdraw` when paid.
contract Reenterer {
    ZkmodelMarketplace internal immutable market;
    bool internal reentered;

    constructor(ZkmodelMarketplace m) {
        market = m;
    }

    function pull() external {
        market.withdraw();
    }

    receive() external payable {
        if (!reentered) {
            reentered = true;
            market.withdraw();
        }
    }
}

/// @notice Escrowed proven inference: request, fulfil with a real proof, refund, withdraw.
contract MarketplaceEscrowTest is MarketplaceFixture {
    uint256 internal modelId;
    uint64 internal deadline;

    function setUp() public {
        setUpMarket();
        registerAll();
        modelId = registerDigitsModel();
        deadline = uint64(block.timestamp + 1 hours);
    }

    function test_Request() public {
        BN254.G1Point memory input = inferenceFixture().st.commitments[2];
        vm.expectEmit();
        emit IZkmodelMarketplace.InferenceRequested(1, modelId, BUYER, inference, PRICE, deadline, input, noWords());
        uint256 id = requestDigits(modelId, deadline);
        IZkmodelMarketplace.Request memory r = market.requestOf(id);
        assertTrue(r.buyer == BUYER && r.state == IZkmodelMarketplace.RequestState.Open, "open");
        assertEq(r.amount, PRICE, "escrowed");
        assertEq(market.totalEscrowed(), PRICE, "total escrowed");
        assertEq(address(market).balance, PRICE, "balance");
    }

    function test_FulfilAndWithdraw() public {
        uint256 id = requestDigits(modelId, deadline);
        Fixture memory f = inferenceFixture();
        uint256[] memory outputs = f.st.publicValues;
        vm.expectEmit(true, false, false, true);
        emit IZkmodelMarketplace.InferenceFulfilled(id, bytes32(0), outputs);
        vm.prank(RELAYER);
        bytes32 claimId = market.fulfil(id, f.st, f.p);

        IZkmodelMarketplace.Request memory r = market.requestOf(id);
        assertTrue(r.state == IZkmodelMarketplace.RequestState.Fulfilled, "fulfilled");
        assertEq(uint256(r.claimId), uint256(claimId), "claim");
        assertEq(market.claim(claimId).publicValues[0], outputs[0], "outputs recorded");
        assertEq(market.withdrawable(SELLER), PRICE, "seller credited");
        assertEq(market.totalEscrowed(), 0, "released");

        vm.expectEmit();
        emit IZkmodelMarketplace.Withdrawn(SELLER, PRICE);
        vm.prank(SELLER);
        market.withdraw();
        assertEq(SELLER.balance, PRICE, "paid");
        assertEq(address(market).balance, 0, "empty");
    }

    /// @notice A second request on the same input is paid by the same (already recorded) claim.
    function test_FulfilReusesARecordedClaim() public {
        Fixture memory f = inferenceFixture();
        market.attest(pins(inference, modelId, 0, 0), f.st, f.p);
        uint256 id = requestDigits(modelId, deadline);
        market.fulfil(id, f.st, f.p);
        assertEq(market.withdrawable(SELLER), PRICE, "seller credited");
        assertEq(market.claimCount(modelId), 1, "one claim");
    }

    function test_RevertIf_RequestNotOpen() public {
        uint256 id = requestDigits(modelId, deadline);
        Fixture memory f = inferenceFixture();
        market.fulfil(id, f.st, f.p);
        vm.expectRevert(
            abi.encodeWithSelector(
                IZkmodelMarketplace.RequestNotOpen.selector, id, IZkmodelMarketplace.RequestState.Fulfilled
            )
        );
        market.fulfil(id, f.st, f.p);
        vm.warp(deadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IZkmodelMarketplace.RequestNotOpen.selector, id, IZkmodelMarketplace.RequestState.Fulfilled
            )
        );
        market.refund(id);
    }

    /// @notice A proof on another input (the buyer asked about another committed image).
    function test_RevertIf_InputMismatch() public {
        vm.prank(BUYER);
        uint256 id = market.request{value: PRICE}(modelId, inference, BN254.G1Point(1, 2), noWords(), deadline);
        Fixture memory f = inferenceFixture();
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.InputMismatch.selector, 0));
        market.fulfil(id, f.st, f.p);
    }

    /// @notice A proof for another model does not fulfil the request.
    function test_RevertIf_FulfilledWithAnotherModel() public {
        Fixture memory f = inferenceFixture();
        bytes32 shape_ = shapeOf(inference);
        uint256 other = listModel(SELLER, shape_, BN254.G1Point(1, 2), PRICE, "");
        uint256 id = requestDigits(other, deadline);
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.CommitmentMismatch.selector, 0, 0));
        market.fulfil(id, f.st, f.p);
    }

    function test_RevertIf_ForgedFulfilment() public {
        uint256 id = requestDigits(modelId, deadline);
        Fixture memory f = inferenceFixture();
        f.st.publicValues[0] ^= 1;
        vm.expectRevert(IZkmodelVerifier.Groth16Rejected.selector);
        market.fulfil(id, f.st, f.p);
        assertTrue(market.requestOf(id).state == IZkmodelMarketplace.RequestState.Open, "still open");
        assertEq(market.withdrawable(SELLER), 0, "nothing credited");
    }

    function test_RevertIf_DeadlinePassed() public {
        uint256 id = requestDigits(modelId, deadline);
        vm.warp(deadline + 1);
        Fixture memory f = inferenceFixture();
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.DeadlinePassed.selector, id, deadline));
        market.fulfil(id, f.st, f.p);
    }

    function test_Refund() public {
        uint256 id = requestDigits(modelId, deadline);
        vm.warp(deadline + 1);
        vm.expectEmit();
        emit IZkmodelMarketplace.RequestRefunded(id, BUYER, PRICE);
        market.refund(id);
        assertEq(market.withdrawable(BUYER), PRICE, "buyer credited");
        uint256 before = BUYER.balance;
        vm.prank(BUYER);
        market.withdraw();
        assertEq(BUYER.balance - before, PRICE, "refunded");
    }

    function test_RevertIf_DeadlineNotReached() public {
        uint256 id = requestDigits(modelId, deadline);
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.DeadlineNotReached.selector, id, deadline));
        market.refund(id);
    }

    function test_RevertIf_WrongPayment() public {
        BN254.G1Point memory input = inferenceFixture().st.commitments[2];
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.WrongPayment.selector, PRICE, PRICE - 1));
        vm.prank(BUYER);
        market.request{value: PRICE - 1}(modelId, inference, input, noWords(), deadline);
    }

    function test_RevertIf_ModelInactive() public {
        vm.prank(SELLER);
        market.updateModel(modelId, PRICE, false);
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.ModelInactive.selector, modelId));
        requestDigits(modelId, deadline);
    }

    function test_RevertIf_DeadlineInPast() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IZkmodelMarketplace.DeadlineInPast.selector, uint64(block.timestamp), block.timestamp
            )
        );
        requestDigits(modelId, uint64(block.timestamp));
    }

    function test_RevertIf_InputShapeMismatch() public {
        vm.expectRevert(IZkmodelMarketplace.InputShapeMismatch.selector);
        vm.prank(BUYER);
        market.request{value: PRICE}(modelId, inference, noPoint(), noWords(), deadline);
        uint256[] memory words = new uint256[](1);
        vm.expectRevert(IZkmodelMarketplace.InputShapeMismatch.selector);
        vm.prank(BUYER);
        market.request{value: PRICE}(modelId, inference, BN254.G1Point(1, 2), words, deadline);
    }

    /// @notice A verifier whose statements bind no input (the MatMul statement: committed
    ///         model, private X and Y) cannot take requests: one proof would answer them all.
    function test_RevertIf_InputNotBound() public {
        address matmul = address(new MatMul2x4x2Verifier());
        market.registerArchitecture(matmul, "");
        uint256 m = listModel(SELLER, shapeOf(matmul), BN254.G1Point(1, 2), PRICE, "");
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.InputNotBound.selector, matmul));
        vm.prank(BUYER);
        market.request{value: PRICE}(m, matmul, noPoint(), noWords(), deadline);
    }

    function test_RevertIf_RequestWithAccuracyVerifier() public {
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.WrongKind.selector, 0, 1));
        vm.prank(BUYER);
        market.request{value: PRICE}(modelId, accuracy, BN254.G1Point(1, 2), noWords(), deadline);
    }

    function test_RevertIf_UnknownRequest() public {
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.UnknownRequest.selector, 5));
        market.refund(5);
    }

    function test_RevertIf_NothingToWithdraw() public {
        vm.expectRevert(IZkmodelMarketplace.NothingToWithdraw.selector);
        market.withdraw();
    }

    /// @notice A payee that re-enters `withdraw` fails the whole withdrawal; its balance stays.
    function test_RevertIf_Reentrancy() public {
        Reenterer r = new Reenterer(market);
        bytes32 shape_ = shapeOf(inference);
        uint256 id = listModel(SELLER, shape_, BN254.G1Point(1, 2), PRICE, "");
        vm.deal(address(r), PRICE);
        vm.prank(address(r));
        uint256 req = market.request{value: PRICE}(id, inference, BN254.G1Point(1, 2), noWords(), deadline);
        vm.warp(deadline + 1);
        market.refund(req);
        vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.TransferFailed.selector, address(r), PRICE));
        r.pull();
        assertEq(market.withdrawable(address(r)), PRICE, "balance kept");
    }

    /// @notice Any payment other than the price is refused; the exact price is escrowed.
    function test_fuzz_RequestPaysExactlyThePrice(uint96 price, uint96 paid) public {
        vm.prank(SELLER);
        market.updateModel(modelId, price, true);
        vm.deal(BUYER, uint256(paid) + 1);
        BN254.G1Point memory input = inferenceFixture().st.commitments[2];
        if (paid != price) {
            vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.WrongPayment.selector, price, paid));
        }
        vm.prank(BUYER);
        market.request{value: paid}(modelId, inference, input, noWords(), deadline);
        assertEq(address(market).balance, paid == price ? price : 0, "escrow");
    }

    /// @notice Refund is possible exactly after the deadline, fulfilment exactly up to it.
    function test_fuzz_DeadlineSplitsFulfilmentAndRefund(uint32 elapsed) public {
        uint256 id = requestDigits(modelId, deadline);
        uint256 t = block.timestamp + elapsed;
        vm.warp(t);
        if (t > deadline) {
            market.refund(id);
            assertEq(market.withdrawable(BUYER), PRICE, "refunded");
        } else {
            vm.expectRevert(abi.encodeWithSelector(IZkmodelMarketplace.DeadlineNotReached.selector, id, deadline));
            market.refund(id);
        }
    }
}
