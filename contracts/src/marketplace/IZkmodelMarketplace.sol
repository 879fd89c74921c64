// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.30;

import {BN254} from "../lib/BN254.sol";
import {IZkmodelVerifier} from "../IZkmodelVerifier.sol";

/// @title IZkmodelMarketplace
/// @notice The vocabulary of the zkmodel marketplace (DESIGN §13): registered architectures
///         (verifiers), datasets, models, verified claims and escrowed proven inference. The
///         Rust bindings, the CLI and the relayer are generated from this interface.
/// @dev Statement kinds: 0 inference, 1 accuracy, 2 training. Commitment roles (DESIGN §11.6):
///      0 model, 1 trace, 2 data, 3 test set, 4 final model, 5 initial model, 6 dataset.
interface IZkmodelMarketplace {
    /// @notice A registered verifier and what it said about its architecture at registration.
    /// @param registrant Who registered it (anyone may; the verifier is keyed by its address).
    /// @param codeHash The verifier's code hash: compare it with the code you regenerate from
    ///        the published verifying key and SRS before relying on its claims.
    /// @param uri Where the architecture's artifacts (description, keys, SRS) are published.
    struct Architecture {
        address registrant;
        bytes32 codeHash;
        IZkmodelVerifier.Info info;
        string uri;
    }

    /// @notice A published dataset commitment.
    /// @param publisher The account that registered it: a claim on it means "on the data
    ///        `publisher` committed to", so buyers judge the publisher.
    /// @param kind 0 training set, 1 test set.
    /// @param examples Number of examples it holds.
    /// @param commitment The KZG commitment a statement's dataset or test-set role must equal.
    /// @param uri Where the data (public benchmark) or its description is published.
    struct Dataset {
        address publisher;
        uint8 kind;
        uint64 examples;
        BN254.G1Point commitment;
        string uri;
    }

    /// @notice A model for sale or reference.
    /// @param seller The registrant; only it can change the price or the active flag.
    /// @param modelShape The shape id every architecture of its claims must have.
    /// @param commitment The model commitment, fixed at registration: every claim's model (or
    ///        training's final model) commitment must equal it.
    /// @param price Wei per proven inference request.
    /// @param active Whether it accepts inference requests.
    /// @param seeded Whether the weights are derived from `seed` (a public initial model for
    ///        training claims: anyone can recompute the commitment from the shape and the seed).
    /// @param seed The seed, when `seeded`.
    /// @param uri Metadata (name, description, ONNX export of the architecture).
    struct Model {
        address seller;
        bytes32 modelShape;
        BN254.G1Point commitment;
        uint256 price;
        bool active;
        bool seeded;
        uint256 seed;
        string uri;
    }

    /// @notice Which registered objects a statement's pinned commitments are (0 = none). The
    ///         statement's kind decides which are required: inference and accuracy need
    ///         `modelId`; accuracy a test set `datasetId`; training the trained `modelId`, a
    ///         training-set `datasetId` and `initialModelId`.
    struct Pins {
        address verifier;
        uint256 modelId;
        uint256 datasetId;
        uint256 initialModelId;
    }

    /// @notice A verified claim.
    /// @param pins The registered verifier, model, dataset and initial model it is about.
    /// @param codeHash The code hash of the verifier that accepted the proof: trust the claim
    ///        only if it is the hash of a verifier you regenerated from keys you trust.
    /// @param kind The statement kind.
    /// @param data Inference with a committed input: that input's commitment (free: whoever
    ///        committed it); zero otherwise.
    /// @param publicValues The statement's public words (packed input and outputs; the count).
    /// @param blockNumber The block it was recorded in.
    /// @param submitter Who sent it (often a relayer).
    struct Claim {
        Pins pins;
        bytes32 codeHash;
        uint8 kind;
        BN254.G1Point data;
        uint256[] publicValues;
        uint64 blockNumber;
        address submitter;
    }

    /// @notice The state of an escrowed inference request.
    enum RequestState {
        None,
        Open,
        Fulfilled,
        Refunded
    }

    /// @notice An escrowed inference request.
    /// @param buyer Who paid; refunds go to it.
    /// @param modelId The model asked.
    /// @param verifier The inference architecture the proof must verify under.
    /// @param amount Escrowed wei.
    /// @param deadline Fulfilment is accepted up to this timestamp; after it, refund.
    /// @param state Open, Fulfilled or Refunded.
    /// @param input Committed input (architectures with a data role): the buyer's commitment.
    /// @param inputWords Public input (architectures with public input): the packed words.
    /// @param claimId The inference claim that fulfilled it.
    struct Request {
        address buyer;
        uint256 modelId;
        address verifier;
        uint256 amount;
        uint64 deadline;
        RequestState state;
        BN254.G1Point input;
        uint256[] inputWords;
        bytes32 claimId;
    }

    // ----- events -----

    /// @notice A verifier was registered.
    event ArchitectureRegistered(
        address indexed verifier,
        bytes32 indexed architecture,
        bytes32 indexed modelShape,
        uint8 kind,
        bool development,
        bytes32 codeHash,
        address registrant,
        string uri
    );
    /// @notice A dataset commitment was published.
    event DatasetRegistered(
        uint256 indexed datasetId, address indexed publisher, uint8 kind, uint64 examples, BN254.G1Point commitment
    );
    /// @notice A seller reserved a model commitment (commit–reveal registration).
    event ModelReserved(bytes32 indexed reservation, address indexed seller);
    /// @notice A model was registered.
    event ModelRegistered(
        uint256 indexed modelId,
        address indexed seller,
        bytes32 indexed modelShape,
        BN254.G1Point commitment,
        uint256 price,
        bool seeded,
        uint256 seed
    );
    /// @notice A seller changed its model's price or availability.
    event ModelUpdated(uint256 indexed modelId, uint256 price, bool active);
    /// @notice A claim was verified and recorded.
    event ClaimRecorded(
        bytes32 indexed claimId,
        uint256 indexed modelId,
        address indexed verifier,
        bytes32 codeHash,
        uint256 datasetId,
        uint256 initialModelId,
        BN254.G1Point data,
        uint256[] publicValues
    );
    /// @notice A buyer escrowed payment for a proven inference.
    event InferenceRequested(
        uint256 indexed requestId,
        uint256 indexed modelId,
        address indexed buyer,
        address verifier,
        uint256 amount,
        uint64 deadline,
        BN254.G1Point input,
        uint256[] inputWords
    );
    /// @notice A request was fulfilled by a verified proof; the payment is the seller's.
    event InferenceFulfilled(uint256 indexed requestId, bytes32 indexed claimId, uint256[] outputs);
    /// @notice An unfulfilled request passed its deadline; the payment is the buyer's again.
    event RequestRefunded(uint256 indexed requestId, address indexed buyer, uint256 amount);
    /// @notice Funds were credited to an account's withdrawable balance.
    event Credited(address indexed account, uint256 amount);
    /// @notice An account withdrew its balance.
    event Withdrawn(address indexed account, uint256 amount);

    // ----- errors -----

    /// @notice The marketplace accepts development verifiers only on a local chain (31337).
    error DevelopmentModeOffLocalChain(uint256 chainId);
    /// @notice The verifier's keys or SRS are INSECURE development ones and this marketplace
    ///         was deployed without development mode.
    error DevelopmentVerifierRefused(address verifier);
    /// @notice This verifier is already registered.
    error ArchitectureExists(address verifier);
    /// @notice The address is not a registered verifier.
    error UnknownArchitecture(address verifier);
    /// @notice The verifier's reported id is not keccak256(description ‖ srsId ‖ transcript),
    ///         or its roles disagree with `commitmentRoles()` or its kind.
    error InconsistentVerifierInfo(address verifier);
    /// @notice The statement kind code is not 0, 1 or 2.
    error UnknownKind(uint8 kind);
    /// @notice No dataset has this id.
    error UnknownDataset(uint256 datasetId);
    /// @notice The dataset kind code is not 0 (training set) or 1 (test set).
    error UnknownDatasetKind(uint8 kind);
    /// @notice A dataset needs at least one example.
    error EmptyDataset();
    /// @notice No model has this id.
    error UnknownModel(uint256 modelId);
    /// @notice Only the model's seller may do this.
    error NotSeller(uint256 modelId, address caller);
    /// @notice This reservation was already made.
    error ReservationExists(bytes32 reservation);
    /// @notice No reservation by this seller for this commitment and salt in an earlier block.
    error ReservationNotMature(bytes32 reservation);
    /// @notice Another model already registered this commitment.
    error ModelCommitmentTaken(uint256 modelId);
    /// @notice The point is the identity or not a reduced pair of coordinates.
    error InvalidCommitment();
    /// @notice The architecture is of another kind than this operation needs.
    error WrongKind(uint8 expected, uint8 actual);
    /// @notice The model (or initial model) has another shape than the architecture.
    error ShapeMismatch(bytes32 expected, bytes32 actual);
    /// @notice The dataset is of the other kind (training set vs test set).
    error DatasetKindMismatch(uint256 datasetId, uint8 expected, uint8 actual);
    /// @notice The dataset's size differs from the architecture's.
    error ExamplesMismatch(uint256 expected, uint256 actual);
    /// @notice An accuracy claim counts only on a test set someone other than the seller published.
    error TestSetPublishedBySeller(uint256 datasetId, address seller);
    /// @notice A pin the statement's kind needs is 0, or one it has no role for is set.
    error PinMismatch(uint8 role);
    /// @notice The statement has another number of commitments than the architecture's roles.
    error WrongCommitmentCount(uint256 expected, uint256 actual);
    /// @notice Commitment `index` (role `role`) is not the registered one.
    error CommitmentMismatch(uint256 index, uint8 role);
    /// @notice This claim was already recorded.
    error ClaimExists(bytes32 claimId);
    /// @notice The model does not accept requests now.
    error ModelInactive(uint256 modelId);
    /// @notice The payment is not the model's price.
    error WrongPayment(uint256 expected, uint256 actual);
    /// @notice A deadline must lie in the future.
    error DeadlineInPast(uint64 deadline, uint256 timestamp);
    /// @notice The request's input does not fit the architecture (a committed input needs a
    ///         data role; public input words must number `publicInputWords`).
    error InputShapeMismatch();
    /// @notice The verifier's statements bind no input or publish no output, so a proof
    ///         could not answer one specific request.
    error InputNotBound(address verifier);
    /// @notice No request has this id.
    error UnknownRequest(uint256 requestId);
    /// @notice The request was already fulfilled or refunded.
    error RequestNotOpen(uint256 requestId, RequestState state);
    /// @notice Fulfilment after the request's deadline.
    error DeadlinePassed(uint256 requestId, uint64 deadline);
    /// @notice Refund before the request's deadline.
    error DeadlineNotReached(uint256 requestId, uint64 deadline);
    /// @notice The proof's input (commitment or public word `index`) is not the request's.
    error InputMismatch(uint256 index);
    /// @notice There is nothing to withdraw.
    error NothingToWithdraw();
    /// @notice Sending the withdrawal failed.
    error TransferFailed(address account, uint256 amount);
    /// @notice A value transfer re-entered the marketplace.
    error Reentrancy();

    // ----- functions -----

    /// @notice Registers a generated verifier. Permissionless: the marketplace asks the verifier
    ///         for its architecture id, kind, roles and shape and checks they are consistent;
    ///         buyers should compare `codeHash` with the code regenerated from published keys.
    /// @dev Example: `registerArchitecture(0xVerifier, "ipfs://…/architecture.json")`.
    function registerArchitecture(address verifier, string calldata uri) external;

    /// @notice Publishes a dataset commitment (a training set, or a test set whose commitment
    ///         anyone recomputes from the published data) and returns its id.
    function registerDataset(uint8 kind, uint64 examples, BN254.G1Point calldata commitment, string calldata uri)
        external
        returns (uint256 datasetId);

    /// @notice First step of registering a model: reserve `reservationOf(commitment, seller,
    ///         salt)` with a secret salt; register in a later block. The reservation hides the
    ///         commitment, so nobody can front-run the registration with it.
    function reserveModel(bytes32 reservation) external;

    /// @notice The reservation of `commitment` by `seller` with `salt`.
    function reservationOf(BN254.G1Point calldata commitment, address seller, bytes32 salt)
        external
        pure
        returns (bytes32);

    /// @notice Registers a model (the caller is its seller) reserved in an earlier block with
    ///         `salt`, and returns its id. A commitment can be registered by one model only.
    /// @dev Example: `reserveModel(reservationOf(c, me, s))`; next block:
    ///      `registerModel(shape, c, 0.01 ether, "ipfs://…", s)`.
    function registerModel(
        bytes32 modelShape,
        BN254.G1Point calldata commitment,
        uint256 price,
        string calldata uri,
        bytes32 salt
    ) external returns (uint256 modelId);

    /// @notice Registers a public initial model derived from `seed` (never for sale); training
    ///         claims from it mean "trained from the weights anyone derives from this seed". The
    ///         contract cannot check the derivation: clients recompute the commitment from the
    ///         model shape and the seed. Seeded models are public, so they are not unique.
    function registerSeededModel(bytes32 modelShape, BN254.G1Point calldata commitment, uint256 seed)
        external
        returns (uint256 modelId);

    /// @notice The seller sets its model's price and whether it accepts requests.
    function updateModel(uint256 modelId, uint256 price, bool active) external;

    /// @notice Verifies a statement whose pinned commitments are the registered objects named
    ///         in `pins` and records it as a claim. Anyone may submit (a relayer, usually).
    /// @dev Reverts with the verifier's own custom error if the proof does not verify, and with
    ///      `ClaimExists` for a statement already recorded.
    function attest(
        Pins calldata pins,
        IZkmodelVerifier.Statement calldata statement,
        IZkmodelVerifier.Proof calldata proof
    ) external returns (bytes32 claimId);

    /// @notice The id of the claim a statement establishes: the verifier's code hash, its
    ///         registered objects, its committed input (if any) and its public words. The trace
    ///         is not part of it, so two proofs of the same fact are one claim.
    function claimIdOf(
        bytes32 codeHash,
        Pins memory pins,
        BN254.G1Point memory data,
        uint256[] calldata publicValues
    ) external pure returns (bytes32);

    /// @notice Escrows the model's price for a proven inference on `input` (committed input)
    ///         or `inputWords` (public input), fulfillable until `deadline`.
    function request(
        uint256 modelId,
        address verifier,
        BN254.G1Point calldata input,
        uint256[] calldata inputWords,
        uint64 deadline
    ) external payable returns (uint256 requestId);

    /// @notice Fulfils a request with an inference proof on exactly its input and model; the
    ///         escrow becomes the seller's withdrawable balance.
    function fulfil(
        uint256 requestId,
        IZkmodelVerifier.Statement calldata statement,
        IZkmodelVerifier.Proof calldata proof
    ) external returns (bytes32 claimId);

    /// @notice After the deadline, returns an unfulfilled request's escrow to its buyer's
    ///         withdrawable balance. Anyone may call it.
    function refund(uint256 requestId) external;

    /// @notice Sends the caller its withdrawable balance.
    function withdraw() external;
}
