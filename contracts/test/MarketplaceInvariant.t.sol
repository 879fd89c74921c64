// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

import {BN254} from "../src/lib/BN254.sol";
import {IZkmodelMarketplace} from "../src/marketplace/IZkmodelMarketplace.sol";
import {ZkmodelMarketplace} from "../src/marketplace/ZkmodelMarketplace.sol";
import {MarketplaceFixture} from "./utils/MarketplaceFixture.sol";

/// @notice Drives the marketplace with random buyers, requests, fulfilments (the real proof, or
///         a tampered one), refunds, withdrawals and time, and keeps ghost books to compare.
contract MarketplaceHandler is MarketplaceFixture {
    uint256 public modelId;
    uint256 public otherModelId;
    uint256[] public requestIds;
    address[3] internal buyers = [address(0xB1), address(0xB2), address(0xB3)];

    /// @notice Proofs the verifier accepted (each fulfil or attest that went through).
    uint256 public acceptedProofs;
    /// @notice Times each request was paid out (to the seller or back to the buyer).
    mapping(uint256 requestId => uint256) public payouts;
    /// @notice Wei credited to the seller and refunded to buyers, by the ghost books.
    uint256 public ghostSellerCredit;
    uint256 public ghostRefunds;
    uint256 public ghostWithdrawn;

    constructor() {
        setUpMarket();
        registerAll();
        modelId = registerDigitsModel();
        bytes32 shape = shapeOf(inference);
        otherModelId = listModel(SELLER, shape, BN254.G1Point(1, 2), PRICE, "");
        for (uint256 i = 0; i < buyers.length; ++i) {
            vm.deal(buyers[i], 1000 ether);
        }
    }

    function marketAddress() external view returns (address) {
        return address(market);
    }

    function requestCount() external view returns (uint256) {
        return requestIds.length;
    }

    function request(uint256 buyerSeed, bool otherModel, bool otherInput, uint32 ttl) external {
        uint256 m = otherModel ? otherModelId : modelId;
        BN254.G1Point memory input = otherInput ? BN254.G1Point(1, 2) : inferenceFixture().st.commitments[2];
        vm.prank(buyers[buyerSeed % buyers.length]);
        uint256 id = market.request{value: PRICE}(m, inference, input, noWords(), uint64(block.timestamp) + ttl + 1);
        requestIds.push(id);
    }

    function fulfil(uint256 seed, bool tamper) external {
        if (requestIds.length == 0) return;
        uint256 id = requestIds[seed % requestIds.length];
        Fixture memory f = inferenceFixture();
        if (tamper) f.st.publicValues[0] ^= 1;
        vm.prank(RELAYER);
        try market.fulfil(id, f.st, f.p) {
            ++acceptedProofs;
            ++payouts[id];
            ghostSellerCredit += PRICE;
        } catch {}
    }

    function attest(bool tamper) external {
        Fixture memory f = inferenceFixture();
        if (tamper) f.st.publicValues[0] ^= 1;
        try market.attest(pins(inference, modelId, 0, 0), f.st, f.p) {
            ++acceptedProofs;
        } catch {}
    }

    function refund(uint256 seed) external {
        if (requestIds.length == 0) return;
        uint256 id = requestIds[seed % requestIds.length];
        try market.refund(id) {
            ++payouts[id];
            ghostRefunds += PRICE;
        } catch {}
    }

    function withdraw(uint256 seed) external {
        address who = seed % 4 == 3 ? SELLER : buyers[seed % 3];
        uint256 amount = market.withdrawable(who);
        vm.prank(who);
        try market.withdraw() {
            ghostWithdrawn += amount;
        } catch {}
    }

    function warp(uint32 dt) external {
        vm.warp(block.timestamp + (dt % 2 days));
    }
}

/// @notice Invariants of the escrow and the claim book under random interleavings.
contract MarketplaceInvariantTest is MarketplaceFixture {
    MarketplaceHandler internal handler;

    function setUp() public {
        handler = new MarketplaceHandler();
        market = ZkmodelMarketplace(handler.marketAddress());
    }

    /// @dev Read by forge: fuzz only the handler.
    function targetContracts() public view returns (address[] memory t) {
        t = new address[](1);
        t[0] = address(handler);
    }

    /// @notice The handler can make progress: a request fulfilled by the real proof pays the
    ///         seller once, a tampered fulfilment is refused, and the books balance.
    function test_HandlerFulfilsWithTheRealProof() public {
        handler.request(0, false, false, 100);
        handler.fulfil(0, true);
        assertEq(handler.acceptedProofs(), 0, "tampered proof accepted");
        handler.fulfil(0, false);
        handler.fulfil(0, false);
        assertEq(handler.acceptedProofs(), 1, "real proof");
        assertEq(handler.payouts(1), 1, "paid once");
        handler.withdraw(3);
        assertEq(handler.ghostWithdrawn(), PRICE, "seller withdrew");
        invariant_BalanceIsEscrowedPlusWithdrawable();
        invariant_NoClaimWithoutAcceptedProof();
        invariant_RequestPaidAtMostOnce();
    }

    /// @notice The contract holds exactly what is escrowed plus what is owed.
    function invariant_BalanceIsEscrowedPlusWithdrawable() public view {
        assertEq(address(market).balance, market.totalEscrowed() + market.totalWithdrawable(), "balance");
        uint256 open;
        for (uint256 i = 0; i < handler.requestCount(); ++i) {
            IZkmodelMarketplace.Request memory r = market.requestOf(handler.requestIds(i));
            if (r.state == IZkmodelMarketplace.RequestState.Open) open += r.amount;
        }
        assertEq(market.totalEscrowed(), open, "escrow is the open requests");
        uint256 paidIn = handler.requestCount() * PRICE;
        assertEq(paidIn, open + handler.ghostSellerCredit() + handler.ghostRefunds(), "every wei accounted");
        assertEq(
            market.totalWithdrawable(),
            handler.ghostSellerCredit() + handler.ghostRefunds() - handler.ghostWithdrawn(),
            "owed"
        );
    }

    /// @notice Every recorded claim came from a proof the verifier accepted, and only the real
    ///         proof's statement is ever recorded.
    function invariant_NoClaimWithoutAcceptedProof() public view {
        bytes32[] memory ids = market.claimsOf(handler.modelId(), 0, 100);
        assertTrue(ids.length <= handler.acceptedProofs(), "claims without accepted proofs");
        assertTrue(ids.length <= 1, "only one true statement exists here");
        uint256 logits = inferenceFixture().st.publicValues[0];
        for (uint256 i = 0; i < ids.length; ++i) {
            assertEq(market.claim(ids[i]).publicValues[0], logits, "recorded a statement nobody proved");
        }
        assertEq(market.claimCount(handler.otherModelId()), 0, "a claim for a model without proofs");
    }

    /// @notice A request is paid out at most once: to the seller or back to the buyer.
    function invariant_RequestPaidAtMostOnce() public view {
        for (uint256 i = 0; i < handler.requestCount(); ++i) {
            uint256 id = handler.requestIds(i);
            IZkmodelMarketplace.RequestState s = market.requestOf(id).state;
            uint256 paid = handler.payouts(id);
            assertTrue(paid <= 1, "paid twice");
            assertEq(paid, s == IZkmodelMarketplace.RequestState.Open ? 0 : 1, "state agrees with payouts");
        }
    }
}
