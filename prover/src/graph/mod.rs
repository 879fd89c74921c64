//! Models as graphs of layers (DESIGN §8): the intermediate representation ONNX files are
//! imported into ([`onnx`]), with a float reference evaluation ([`Model::eval`]) that
//! quantization and proofs are checked against.

pub mod dataset;
pub mod ir;
pub mod onnx;
mod onnx_pb;
pub mod quant;
mod rewrite;
pub mod tensor;

pub use ir::{Model, Node, Op, ValueId};
pub use tensor::Tensor;
