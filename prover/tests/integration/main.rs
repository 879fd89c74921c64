//! zkmodel-prover integration and soundness tests, linked as one binary: each test file used to be its own crate,
//! compiled at opt-level 3 with its own copy of every generic it instantiates and linked
//! statically — most of CI's build time and disk. Run one file's tests with
//! `cargo test -p <crate> --test integration <file>::`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod architecture_checks;
mod argmax;
mod average_pools;
mod avgpool_grad;
mod cnn_training_statement;
mod col2im;
mod common;
mod concat;
mod conv_backprop;
mod exported_models;
mod forgery;
mod golden;
mod iterate;
mod logup;
mod matmul_statement;
mod maxpool_block;
mod maxpool_grad;
mod model_statement;
mod one_hot;
mod onnx_graph_checks;
mod onnx_import;
mod poly_identities;
mod pool_output;
mod pools_and_shapes;
mod quantize;
mod relu_train_block;
mod residual;
mod residual_topologies;
mod roles;
mod softmax_block;
mod softmax_output;
mod split_opening;
mod srs;
mod sumcheck;
mod training;
mod training_statement;
