// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

/// @title BN254
/// @notice Group operations and pairing checks on the BN254 (alt_bn128) curve through the EVM
///         precompiles 0x06 (G1 add), 0x07 (G1 scalar multiplication) and 0x08 (pairing check),
///         EIP-196/EIP-197. Every zkmodel verifier builds on this library.
/// @dev Encodings follow DESIGN §3: G1 is (x, y) and G2 is ((x.c1, x.c0), (y.c1, y.c0)), all as
///      uint256 words; the point at infinity is all zeros. Points are not validated here: the
///      precompiles reject points off the curve (or, for G2, outside the subgroup), and that
///      rejection surfaces as this library's custom errors.
library BN254 {
    /// @notice The base field modulus q.
    uint256 internal constant Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    /// @notice The scalar field modulus r (the order of G1 and G2).
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice An affine G1 point; (0, 0) is the point at infinity.
    struct G1Point {
        uint256 x;
        uint256 y;
    }

    /// @notice An affine G2 point over Fq2 in EIP-197 word order: x = [x.c1, x.c0], y = [y.c1, y.c0].
    struct G2Point {
        uint256[2] x;
        uint256[2] y;
    }

    /// @notice The G1 addition precompile rejected its input (a point off the curve or a coordinate ≥ q).
    error G1AddFailed();
    /// @notice The G1 scalar multiplication precompile rejected its input.
    error G1MulFailed();
    /// @notice The pairing precompile rejected its input (a point off the curve or outside the subgroup).
    error PairingFailed();
    /// @notice The pairing inputs have different lengths.
    error PairingLengthMismatch(uint256 g1Count, uint256 g2Count);
    /// @notice A G1 coordinate is not reduced modulo q.
    error CoordinateNotReduced(uint256 value);

    /// @notice The generator (1, 2) of G1.
    function g1Generator() internal pure returns (G1Point memory) {
        return G1Point(1, 2);
    }

    /// @notice The generator of G2, in EIP-197 word order.
    function g2Generator() internal pure returns (G2Point memory) {
        return G2Point(
            [
                11559732032986387107991004021392285783925812861821192530917403151452391805634,
                10857046999023057135944570762232829481370756359578518086990519993285655852781
            ],
            [
                4082367875863433681332203403145435568316851327593401208105741076214120093531,
                8495653923123431417604973247489272438418190587263600148770280649306958101930
            ]
        );
    }

    /// @notice a + b in G1.
    function add(G1Point memory a, G1Point memory b) internal view returns (G1Point memory out) {
        uint256[4] memory input = [a.x, a.y, b.x, b.y];
        bool ok;
        assembly ("memory-safe") {
            ok := staticcall(gas(), 0x06, input, 0x80, out, 0x40)
        }
        if (!ok) revert G1AddFailed();
    }

    /// @notice s · p in G1 (any 256-bit scalar; the precompile reduces it implicitly by the group order).
    function mul(G1Point memory p, uint256 s) internal view returns (G1Point memory out) {
        uint256[3] memory input = [p.x, p.y, s];
        bool ok;
        assembly ("memory-safe") {
            ok := staticcall(gas(), 0x07, input, 0x60, out, 0x40)
        }
        if (!ok) revert G1MulFailed();
    }

    /// @notice acc ← acc + s·(x, y), on an accumulator in scratch memory: acc[0..1] is the sum,
    ///         acc[2..4] the product's operands. One ecMul and one ecAdd and no allocation: the
    ///         generated verifiers' linear combinations run on it.
    /// @dev Reverts with {G1MulFailed} if (x, y) is not a curve point with coordinates < q.
    function mulAddTo(uint256[5] memory acc, uint256 x, uint256 y, uint256 s) internal view {
        bool mulOk;
        bool addOk;
        assembly ("memory-safe") {
            let t := add(acc, 0x40)
            mstore(t, x)
            mstore(add(t, 0x20), y)
            mstore(add(t, 0x40), s)
            mulOk := staticcall(gas(), 0x07, t, 0x60, t, 0x40)
            if mulOk { addOk := staticcall(gas(), 0x06, acc, 0x80, acc, 0x40) }
        }
        if (!mulOk) revert G1MulFailed();
        if (!addOk) revert G1AddFailed();
    }

    /// @notice The y coordinate of −(x, y); infinity (y = 0) maps to itself.
    /// @dev Reverts with {CoordinateNotReduced} for y ≥ q, which the precompiles would also reject.
    function negY(uint256 y) internal pure returns (uint256) {
        if (y >= Q) revert CoordinateNotReduced(y);
        return y == 0 ? 0 : Q - y;
    }

    /// @notice Whether the six-pair product in `input` (G1 x, y, then G2 in EIP-197 order, per
    ///         pair) is 1, without copying it.
    /// @dev Reverts with {PairingFailed} if the precompile rejects a point.
    function pairing6(uint256[36] memory input) internal view returns (bool) {
        uint256[1] memory out;
        bool ok;
        assembly ("memory-safe") {
            ok := staticcall(gas(), 0x08, input, 0x480, out, 0x20)
        }
        if (!ok) revert PairingFailed();
        return out[0] == 1;
    }

    /// @notice −p in G1. Infinity maps to itself.
    /// @dev Reverts with {CoordinateNotReduced} for y ≥ q, which the precompiles would also reject.
    function negate(G1Point memory p) internal pure returns (G1Point memory) {
        if (p.y >= Q) revert CoordinateNotReduced(p.y);
        if (p.x == 0 && p.y == 0) return p;
        return G1Point(p.x, Q - p.y);
    }

    /// @notice Whether Π e(a[i], b[i]) = 1.
    /// @dev Reverts with {PairingFailed} if the precompile rejects a point, and with
    ///      {PairingLengthMismatch} if the arrays differ in length. An empty product is 1.
    function pairing(G1Point[] memory a, G2Point[] memory b) internal view returns (bool) {
        if (a.length != b.length) revert PairingLengthMismatch(a.length, b.length);
        uint256 n = a.length;
        uint256[] memory input = new uint256[](n * 6);
        for (uint256 i = 0; i < n; ++i) {
            uint256 o = i * 6;
            input[o] = a[i].x;
            input[o + 1] = a[i].y;
            input[o + 2] = b[i].x[0];
            input[o + 3] = b[i].x[1];
            input[o + 4] = b[i].y[0];
            input[o + 5] = b[i].y[1];
        }
        uint256[1] memory out;
        bool ok;
        assembly ("memory-safe") {
            ok := staticcall(gas(), 0x08, add(input, 0x20), mul(n, 0xc0), out, 0x20)
        }
        if (!ok) revert PairingFailed();
        return out[0] == 1;
    }

    /// @notice Whether e(a1, b1) · e(a2, b2) = 1, without dynamic arrays (the common two-pairing check).
    function pairing2(G1Point memory a1, G2Point memory b1, G1Point memory a2, G2Point memory b2)
        internal
        view
        returns (bool)
    {
        uint256[12] memory input = [
            a1.x, a1.y, b1.x[0], b1.x[1], b1.y[0], b1.y[1],
            a2.x, a2.y, b2.x[0], b2.x[1], b2.y[0], b2.y[1]
        ];
        uint256[1] memory out;
        bool ok;
        assembly ("memory-safe") {
            ok := staticcall(gas(), 0x08, input, 0x180, out, 0x20)
        }
        if (!ok) revert PairingFailed();
        return out[0] == 1;
    }
}
