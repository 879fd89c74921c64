// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

import {BN254} from "../lib/BN254.sol";
import {IZkmodelVerifier} from "../IZkmodelVerifier.sol";
import {IZkmodelMarketplace} from "./IZkmodelMarketplace.sol";

/// @title ZkmodelMarketplace
/// @notice A trustless registry of zkmodel verifiers, datasets and models, of the claims their
///         proofs establish, and an escrow for proven inference.
///
///         Trust model. A proof shows a relation between commitments; a commitment means
///         something only through who registered it (DESIGN §11.6), so every claim pins each
///         non-free commitment of its statement to a registered object:
///         - model / final model: the model registered (once, by its seller) with that commitment;
///         - test set / dataset: a dataset registered by its publisher (an accuracy claim counts
///           only on a test set published by someone other than the seller);
///         - initial model: a registered model (a seeded one for training from a public seed).
///         Only the trace (and a buyer's own committed input) is free.
///
///         A verifier is trusted by its code, never by what it says. Registration is
///         permissionless, so anyone can register a contract that accepts everything and reports
///         an honest architecture's id: claims and requests made through it mean nothing. Every
///         claim therefore names its verifier's code hash (part of the claim id, so a redeployed
///         copy of one verifier cannot record a statement twice), and a client must compare that
///         hash with the verifier it regenerates from keys it trusts (a ceremony's) before
///         relying on a claim or paying through a verifier. The development flags of `info()` are
///         self-reported: refusing them protects against accidents, not against an adversary.
///
///         Model commitments are registered by commit–reveal (`reserveModel`, then
///         `registerModel` in a later block), so nobody can front-run a seller's registration
///         with its own commitment. Register before publishing any proof about the commitment.
///
///         No owner, no admin key: nobody can move escrowed funds, rewrite a claim or remove a
///         registration. Escrowed funds leave only to the seller after a verified fulfilment or
///         to the buyer after the deadline, always through `withdraw` (pull payments). The
///         balance equals escrowed plus withdrawable funds, unless someone forces ether in
///         (selfdestruct), which only adds to it.
contract ZkmodelMarketplace is IZkmodelMarketplace {
    uint8 internal constant KIND_INFERENCE = 0;
    uint8 internal constant KIND_ACCURACY = 1;
    uint8 internal constant KIND_TRAINING = 2;

    uint8 internal constant ROLE_MODEL = 0;
    uint8 internal constant ROLE_TRACE = 1;
    uint8 internal constant ROLE_DATA = 2;
    uint8 internal constant ROLE_TEST_SET = 3;
    uint8 internal constant ROLE_FINAL_MODEL = 4;
    uint8 internal constant ROLE_INITIAL_MODEL = 5;
    uint8 internal constant ROLE_DATASET = 6;

    uint8 internal constant DATASET_TRAINING = 0;
    uint8 internal constant DATASET_TEST = 1;

    /// @notice The chain id of a local development chain (Anvil, Hardhat).
    uint256 public constant LOCAL_CHAIN_ID = 31337;

    /// @notice Whether verifiers with INSECURE development keys or SRS are accepted. Set once
    ///         at deployment, and only possible on the local chain.
    bool public immutable developmentMode;

    mapping(address verifier => Architecture) internal _architectures;
    mapping(uint256 datasetId => Dataset) internal _datasets;
    mapping(uint256 modelId => Model) internal _models;
    mapping(bytes32 commitmentHash => uint256 modelId) public modelByCommitment;
    /// @notice Block in which each model reservation was made (commit–reveal registration).
    mapping(bytes32 reservation => uint256 blockNumber) public reservations;
    mapping(bytes32 claimId => Claim) internal _claims;
    mapping(uint256 modelId => bytes32[]) internal _modelClaims;
    mapping(uint256 requestId => Request) internal _requests;

    /// @notice Withdrawable balance of each account (sellers' earnings, buyers' refunds).
    mapping(address account => uint256) public withdrawable;

    /// @notice Number of datasets, models and requests registered so far (ids start at 1).
    uint256 public datasetCount;
    uint256 public modelCount;
    uint256 public requestCount;
    /// @notice Wei held for open requests.
    uint256 public totalEscrowed;
    /// @notice Wei owed to accounts through `withdraw`.
    uint256 public totalWithdrawable;

    bool private transient _entered;

    modifier nonReentrant() {
        if (_entered) revert Reentrancy();
        _entered = true;
        _;
        _entered = false;
    }

    /// @param acceptDevelopmentVerifiers Accept verifiers whose Groth16 keys or SRS are the
    ///        INSECURE development ones (anyone with the setup can forge their proofs). Only
    ///        allowed on the local chain id 31337; reverts elsewhere.
    constructor(bool acceptDevelopmentVerifiers) {
        if (acceptDevelopmentVerifiers && block.chainid != LOCAL_CHAIN_ID) {
            revert DevelopmentModeOffLocalChain(block.chainid);
        }
        developmentMode = acceptDevelopmentVerifiers;
    }

    // ----- registration -----

    /// @inheritdoc IZkmodelMarketplace
    function registerArchitecture(address verifier, string calldata uri) external {
        if (_architectures[verifier].registrant != address(0)) revert ArchitectureExists(verifier);
        IZkmodelVerifier.Info memory info = IZkmodelVerifier(verifier).info();
        _checkInfo(verifier, info);
        bool development = info.developmentKeys || info.developmentSrs;
        if (development && !developmentMode) revert DevelopmentVerifierRefused(verifier);

        Architecture storage a = _architectures[verifier];
        a.registrant = msg.sender;
        a.codeHash = verifier.codehash;
        a.info = info;
        a.uri = uri;
        emit ArchitectureRegistered(
            verifier, info.architecture, info.modelShape, info.kind, development, verifier.codehash, msg.sender, uri
        );
    }

    /// @dev The verifier's self-description must be internally consistent: the id hashes the
    ///      description, its roles are those `commitmentRoles()` returns and fit its kind.
    function _checkInfo(address verifier, IZkmodelVerifier.Info memory info) internal view {
        if (info.kind > KIND_TRAINING) revert UnknownKind(info.kind);
        bytes32 id = keccak256(abi.encodePacked(info.description, info.srsId, info.transcript));
        uint8[] memory roles = IZkmodelVerifier(verifier).commitmentRoles();
        bool ok = id == info.architecture && IZkmodelVerifier(verifier).architecture() == id
            && keccak256(abi.encode(roles)) == keccak256(abi.encode(info.roles)) && info.rows > 0;
        uint256[7] memory count;
        for (uint256 i = 0; i < roles.length; ++i) {
            if (roles[i] > ROLE_DATASET) revert InconsistentVerifierInfo(verifier);
            ++count[roles[i]];
        }
        if (info.kind == KIND_TRAINING) {
            ok = ok && count[ROLE_FINAL_MODEL] == 1 && count[ROLE_INITIAL_MODEL] == 1 && count[ROLE_DATASET] == 1
                && count[ROLE_MODEL] + count[ROLE_DATA] + count[ROLE_TEST_SET] == 0;
        } else {
            ok = ok && count[ROLE_MODEL] == 1
                && count[ROLE_FINAL_MODEL] + count[ROLE_INITIAL_MODEL] + count[ROLE_DATASET] == 0
                && count[ROLE_DATA] <= 1;
            // An accuracy statement names its test set and no other data.
            if (info.kind == KIND_ACCURACY) ok = ok && count[ROLE_TEST_SET] == 1 && count[ROLE_DATA] == 0;
            else ok = ok && count[ROLE_TEST_SET] == 0;
        }
        ok = ok && info.publicInputWords <= info.numPublicValues;
        if (!ok) revert InconsistentVerifierInfo(verifier);
    }

    /// @inheritdoc IZkmodelMarketplace
    function registerDataset(uint8 kind, uint64 examples, BN254.G1Point calldata commitment, string calldata uri)
        external
        returns (uint256 datasetId)
    {
        if (kind > DATASET_TEST) revert UnknownDatasetKind(kind);
        if (examples == 0) revert EmptyDataset();
        _checkPoint(commitment);
        datasetId = ++datasetCount;
        _datasets[datasetId] = Dataset(msg.sender, kind, examples, commitment, uri);
        emit DatasetRegistered(datasetId, msg.sender, kind, examples, commitment);
    }

    /// @inheritdoc IZkmodelMarketplace
    function reserveModel(bytes32 reservation) external {
        if (reservations[reservation] != 0) revert ReservationExists(reservation);
        reservations[reservation] = block.number;
        emit ModelReserved(reservation, msg.sender);
    }

    /// @inheritdoc IZkmodelMarketplace
    function reservationOf(BN254.G1Point calldata commitment, address seller, bytes32 salt)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(commitment.x, commitment.y, seller, salt));
    }

    /// @inheritdoc IZkmodelMarketplace
    function registerModel(
        bytes32 modelShape,
        BN254.G1Point calldata commitment,
        uint256 price,
        string calldata uri,
        bytes32 salt
    ) external returns (uint256 modelId) {
        _checkPoint(commitment);
        bytes32 reservation = reservationOf(commitment, msg.sender, salt);
        uint256 reservedAt = reservations[reservation];
        if (reservedAt == 0 || reservedAt >= block.number) revert ReservationNotMature(reservation);
        bytes32 h = _hash(commitment);
        uint256 existing = modelByCommitment[h];
        if (existing != 0) revert ModelCommitmentTaken(existing);
        modelByCommitment[h] = modelId = _storeModel(modelShape, commitment, price, true, false, 0, uri);
    }

    /// @inheritdoc IZkmodelMarketplace
    function registerSeededModel(bytes32 modelShape, BN254.G1Point calldata commitment, uint256 seed)
        external
        returns (uint256 modelId)
    {
        _checkPoint(commitment);
        modelId = _storeModel(modelShape, commitment, 0, false, true, seed, "");
    }

    function _storeModel(
        bytes32 modelShape,
        BN254.G1Point calldata commitment,
        uint256 price,
        bool active,
        bool seeded,
        uint256 seed,
        string memory uri
    ) internal returns (uint256 modelId) {
        modelId = ++modelCount;
        _models[modelId] = Model(msg.sender, modelShape, commitment, price, active, seeded, seed, uri);
        emit ModelRegistered(modelId, msg.sender, modelShape, commitment, price, seeded, seed);
    }

    /// @inheritdoc IZkmodelMarketplace
    function updateModel(uint256 modelId, uint256 price, bool active) external {
        Model storage m = _model(modelId);
        if (m.seller != msg.sender) revert NotSeller(modelId, msg.sender);
        if (m.seeded) revert NotSeller(modelId, msg.sender);
        m.price = price;
        m.active = active;
        emit ModelUpdated(modelId, price, active);
    }

    // ----- claims -----

    /// @inheritdoc IZkmodelMarketplace
    function attest(
        Pins calldata pins,
        IZkmodelVerifier.Statement calldata statement,
        IZkmodelVerifier.Proof calldata proof
    ) external nonReentrant returns (bytes32 claimId) {
        (Architecture storage a, BN254.G1Point memory data) = _checkPins(pins, statement);
        claimId = claimIdOf(a.codeHash, pins, data, statement.publicValues);
        if (_claims[claimId].submitter != address(0)) revert ClaimExists(claimId);
        IZkmodelVerifier(pins.verifier).verify(statement, proof);
        _record(claimId, pins, a, data, statement.publicValues);
    }

    /// @inheritdoc IZkmodelMarketplace
    function claimIdOf(
        bytes32 codeHash,
        Pins memory pins,
        BN254.G1Point memory data,
        uint256[] calldata publicValues
    ) public pure returns (bytes32) {
        return keccak256(
            abi.encode(codeHash, pins.modelId, pins.datasetId, pins.initialModelId, data.x, data.y, publicValues)
        );
    }

    /// @dev Checks the statement's shape and that every non-free commitment is the registered
    ///      object its pin names; returns the architecture and the committed input (if any).
    function _checkPins(Pins memory pins, IZkmodelVerifier.Statement calldata st)
        internal
        view
        returns (Architecture storage a, BN254.G1Point memory data)
    {
        a = _architecture(pins.verifier);
        IZkmodelVerifier.Info storage info = a.info;
        uint8[] storage roles = info.roles;
        if (st.commitments.length != roles.length) revert WrongCommitmentCount(roles.length, st.commitments.length);
        Model storage m = _model(pins.modelId);
        if (m.modelShape != info.modelShape) revert ShapeMismatch(info.modelShape, m.modelShape);
        bool training = info.kind == KIND_TRAINING;
        _requirePin(training ? pins.initialModelId != 0 : pins.initialModelId == 0, ROLE_INITIAL_MODEL);
        _requirePin(info.kind != KIND_INFERENCE ? pins.datasetId != 0 : pins.datasetId == 0, ROLE_DATASET);
        for (uint256 i = 0; i < roles.length; ++i) {
            uint8 role = roles[i];
            BN254.G1Point calldata c = st.commitments[i];
            if (role == ROLE_MODEL || role == ROLE_FINAL_MODEL) {
                _requireEqual(c, m.commitment, i, role);
            } else if (role == ROLE_INITIAL_MODEL) {
                Model storage initial = _model(pins.initialModelId);
                if (initial.modelShape != info.modelShape) revert ShapeMismatch(info.modelShape, initial.modelShape);
                _requireEqual(c, initial.commitment, i, role);
            } else if (role == ROLE_TEST_SET || role == ROLE_DATASET) {
                Dataset storage d = _dataset(pins.datasetId);
                uint8 want = role == ROLE_TEST_SET ? DATASET_TEST : DATASET_TRAINING;
                if (d.kind != want) revert DatasetKindMismatch(pins.datasetId, want, d.kind);
                if (d.examples != info.rows) revert ExamplesMismatch(info.rows, d.examples);
                if (role == ROLE_TEST_SET && d.publisher == m.seller) {
                    revert TestSetPublishedBySeller(pins.datasetId, m.seller);
                }
                _requireEqual(c, d.commitment, i, role);
            } else if (role == ROLE_DATA) {
                // A committed input at the identity commits nothing anyone could have chosen.
                _checkPoint(c);
                data = c;
            }
            // ROLE_TRACE is free.
        }
    }

    function _record(
        bytes32 claimId,
        Pins memory pins,
        Architecture storage a,
        BN254.G1Point memory data,
        uint256[] calldata pv
    ) internal {
        Claim storage c = _claims[claimId];
        c.pins = pins;
        c.codeHash = a.codeHash;
        c.kind = a.info.kind;
        c.data = data;
        c.publicValues = pv;
        c.blockNumber = uint64(block.number);
        c.submitter = msg.sender;
        _modelClaims[pins.modelId].push(claimId);
        emit ClaimRecorded(claimId, pins.modelId, pins.verifier, a.codeHash, pins.datasetId, pins.initialModelId, data, pv);
    }

    // ----- escrowed inference -----

    /// @inheritdoc IZkmodelMarketplace
    function request(
        uint256 modelId,
        address verifier,
        BN254.G1Point calldata input,
        uint256[] calldata inputWords,
        uint64 deadline
    ) external payable returns (uint256 requestId) {
        Model storage m = _model(modelId);
        if (!m.active) revert ModelInactive(modelId);
        if (msg.value != m.price) revert WrongPayment(m.price, msg.value);
        // Deadlines are hours to days; a validator's few seconds of timestamp skew do not matter.
        // forge-lint: disable-next-line(block-timestamp)
        if (deadline <= block.timestamp) revert DeadlineInPast(deadline, block.timestamp);
        IZkmodelVerifier.Info storage info = _architecture(verifier).info;
        if (info.kind != KIND_INFERENCE) revert WrongKind(KIND_INFERENCE, info.kind);
        if (info.modelShape != m.modelShape) revert ShapeMismatch(info.modelShape, m.modelShape);
        bool committed = _hasRole(info.roles, ROLE_DATA);
        // The proof must be bound to this request's input (committed or public words), and its
        // outputs must be public: otherwise one proof would answer every request.
        if ((!committed && info.publicInputWords == 0) || info.numPublicValues <= info.publicInputWords) {
            revert InputNotBound(verifier);
        }
        bool hasInput = input.x != 0 || input.y != 0;
        if (committed != hasInput || inputWords.length != info.publicInputWords) revert InputShapeMismatch();
        if (hasInput) _checkPoint(input);
        for (uint256 i = 0; i < inputWords.length; ++i) {
            if (inputWords[i] >= BN254.R) revert InputShapeMismatch();
        }

        requestId = ++requestCount;
        Request storage r = _requests[requestId];
        r.buyer = msg.sender;
        r.modelId = modelId;
        r.verifier = verifier;
        r.amount = msg.value;
        r.deadline = deadline;
        r.state = RequestState.Open;
        r.input = input;
        r.inputWords = inputWords;
        totalEscrowed += msg.value;
        _emitRequested(requestId, r);
    }

    function _emitRequested(uint256 requestId, Request storage r) internal {
        emit InferenceRequested(requestId, r.modelId, r.buyer, r.verifier, r.amount, r.deadline, r.input, r.inputWords);
    }

    /// @inheritdoc IZkmodelMarketplace
    function fulfil(
        uint256 requestId,
        IZkmodelVerifier.Statement calldata statement,
        IZkmodelVerifier.Proof calldata proof
    ) external nonReentrant returns (bytes32 claimId) {
        Request storage r = _openRequest(requestId);
        // Deadlines are hours to days; a validator's few seconds of timestamp skew do not matter.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > r.deadline) revert DeadlinePassed(requestId, r.deadline);
        Pins memory pins = Pins(r.verifier, r.modelId, 0, 0);
        (Architecture storage a, BN254.G1Point memory data) = _checkPins(pins, statement);
        if (data.x != r.input.x || data.y != r.input.y) revert InputMismatch(0);
        uint256 n = r.inputWords.length;
        if (statement.publicValues.length < n) revert InputMismatch(0);
        for (uint256 i = 0; i < n; ++i) {
            if (statement.publicValues[i] != r.inputWords[i]) revert InputMismatch(i + 1);
        }
        IZkmodelVerifier(r.verifier).verify(statement, proof);

        claimId = claimIdOf(a.codeHash, pins, data, statement.publicValues);
        r.state = RequestState.Fulfilled;
        r.claimId = claimId;
        totalEscrowed -= r.amount;
        address seller = _models[r.modelId].seller;
        _credit(seller, r.amount);
        if (_claims[claimId].submitter == address(0)) _record(claimId, pins, a, data, statement.publicValues);
        emit InferenceFulfilled(requestId, claimId, statement.publicValues[n:]);
    }

    /// @inheritdoc IZkmodelMarketplace
    function refund(uint256 requestId) external nonReentrant {
        Request storage r = _openRequest(requestId);
        // Deadlines are hours to days; a validator's few seconds of timestamp skew do not matter.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp <= r.deadline) revert DeadlineNotReached(requestId, r.deadline);
        r.state = RequestState.Refunded;
        totalEscrowed -= r.amount;
        _credit(r.buyer, r.amount);
        emit RequestRefunded(requestId, r.buyer, r.amount);
    }

    /// @inheritdoc IZkmodelMarketplace
    function withdraw() external nonReentrant {
        uint256 amount = withdrawable[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        withdrawable[msg.sender] = 0;
        totalWithdrawable -= amount;
        emit Withdrawn(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed(msg.sender, amount);
    }

    function _credit(address account, uint256 amount) internal {
        withdrawable[account] += amount;
        totalWithdrawable += amount;
        emit Credited(account, amount);
    }

    // ----- views -----

    /// @notice A registered verifier's record (reverts for an unknown one).
    function architectureOf(address verifier) external view returns (Architecture memory) {
        return _architecture(verifier);
    }

    /// @notice A dataset (reverts for an unknown id).
    function dataset(uint256 datasetId) external view returns (Dataset memory) {
        return _dataset(datasetId);
    }

    /// @notice A model (reverts for an unknown id).
    function model(uint256 modelId) external view returns (Model memory) {
        return _model(modelId);
    }

    /// @notice A recorded claim (submitter 0 when there is none).
    function claim(bytes32 claimId) external view returns (Claim memory) {
        return _claims[claimId];
    }

    /// @notice Number of claims recorded about a model.
    function claimCount(uint256 modelId) external view returns (uint256) {
        return _modelClaims[modelId].length;
    }

    /// @notice Up to `count` of a model's claim ids from index `start`, in recording order.
    ///         Anyone can record claims through any verifier, so read in pages and keep those
    ///         whose code hash you trust.
    function claimsOf(uint256 modelId, uint256 start, uint256 count) external view returns (bytes32[] memory ids) {
        bytes32[] storage all = _modelClaims[modelId];
        uint256 left = start < all.length ? all.length - start : 0;
        ids = new bytes32[](count < left ? count : left);
        for (uint256 i = 0; i < ids.length; ++i) {
            ids[i] = all[start + i];
        }
    }

    /// @notice An inference request (reverts for an unknown id).
    function requestOf(uint256 requestId) external view returns (Request memory) {
        Request storage r = _requests[requestId];
        if (r.state == RequestState.None) revert UnknownRequest(requestId);
        return r;
    }

    // ----- internals -----

    function _architecture(address verifier) internal view returns (Architecture storage a) {
        a = _architectures[verifier];
        if (a.registrant == address(0)) revert UnknownArchitecture(verifier);
    }

    function _dataset(uint256 datasetId) internal view returns (Dataset storage d) {
        d = _datasets[datasetId];
        if (d.publisher == address(0)) revert UnknownDataset(datasetId);
    }

    function _model(uint256 modelId) internal view returns (Model storage m) {
        m = _models[modelId];
        if (m.seller == address(0)) revert UnknownModel(modelId);
    }

    function _openRequest(uint256 requestId) internal view returns (Request storage r) {
        r = _requests[requestId];
        if (r.state == RequestState.None) revert UnknownRequest(requestId);
        if (r.state != RequestState.Open) revert RequestNotOpen(requestId, r.state);
    }

    function _hasRole(uint8[] storage roles, uint8 role) internal view returns (bool) {
        for (uint256 i = 0; i < roles.length; ++i) {
            if (roles[i] == role) return true;
        }
        return false;
    }

    function _requirePin(bool ok, uint8 role) internal pure {
        if (!ok) revert PinMismatch(role);
    }

    function _requireEqual(BN254.G1Point calldata c, BN254.G1Point storage registered, uint256 index, uint8 role)
        internal
        view
    {
        if (c.x != registered.x || c.y != registered.y) revert CommitmentMismatch(index, role);
    }

    /// @dev A registered commitment must be a non-identity point with reduced coordinates (the
    ///      verifier's precompiles reject points off the curve when a proof uses it).
    function _checkPoint(BN254.G1Point calldata p) internal pure {
        if ((p.x == 0 && p.y == 0) || p.x >= BN254.Q || p.y >= BN254.Q) revert InvalidCommitment();
    }

    function _hash(BN254.G1Point calldata p) internal pure returns (bytes32) {
        return keccak256(abi.encode(p.x, p.y));
    }
}
