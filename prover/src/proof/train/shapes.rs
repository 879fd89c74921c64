//! The block shapes of a training statement, per layer: the iterated forward relation, the
//! pools' forward and backward relations, the weight and bias updates, back-propagation and
//! the update chains — public, built by prover and verifier alike from the architecture.

use super::TrainArchitecture;
use crate::blocks::avgpool::AvgPoolShape;
use crate::blocks::avgpool_grad::AvgPoolGrad;
use crate::blocks::conv_backprop::ConvBackprop;
use crate::blocks::dense_iter::{BiasUpdate, IteratedDense, RescaledContraction};
use crate::blocks::iterate::{Contraction, Operand, StepChain};
use crate::blocks::maxpool::MaxPoolShape;
use crate::blocks::maxpool_grad::MaxPoolGrad;
use crate::blocks::one_hot::OneHotShape;
use crate::blocks::pool::PoolShape;
use crate::blocks::softmax::SoftmaxShape;
use crate::error::Error;
use crate::proof::model::{LayerKind, LayerShape};
use crate::train::Loss;

impl TrainArchitecture {
    pub(crate) fn forward_shape(&self, l: &LayerShape) -> IteratedDense {
        IteratedDense {
            m: self.rows_of(l),
            k: l.k,
            n: l.n,
            t: self.config.steps,
            scale: self.config.scale,
            relu: l.relu,
            row_mask: l.row_mask(),
        }
    }

    /// A max pool's forward relation over every iteration's examples.
    pub(crate) fn maxpool_shape(&self, l: &LayerShape) -> Result<MaxPoolShape, Error> {
        match l.kind {
            LayerKind::MaxPool(geometry) => Ok(MaxPoolShape {
                m: self.config.steps * self.config.batch,
                bits: self.config.bits,
                geometry,
            }),
            _ => Err(Error::Internal {
                what: "a max-pool shape is asked of a max pool",
            }),
        }
    }

    /// A window average pool's forward and backward shapes over every iteration's examples.
    pub(crate) fn avgpool_window_shapes(
        &self,
        l: &LayerShape,
    ) -> Result<(AvgPoolShape, AvgPoolGrad), Error> {
        let m = self.config.steps * self.config.batch;
        match l.kind {
            LayerKind::AvgPoolWindow(geometry) => {
                Ok((AvgPoolShape { m, geometry }, AvgPoolGrad { m, geometry }))
            }
            _ => Err(Error::Internal {
                what: "an average-pool shape is asked of a window average pool",
            }),
        }
    }

    /// A max pool's backward relation over every iteration's examples.
    pub(crate) fn maxpool_grad_shape(&self, l: &LayerShape) -> Result<MaxPoolGrad, Error> {
        match l.kind {
            LayerKind::MaxPool(geometry) => Ok(MaxPoolGrad {
                m: self.config.steps * self.config.batch,
                geometry,
            }),
            _ => Err(Error::Internal {
                what: "a max-pool shape is asked of a max pool",
            }),
        }
    }

    /// A 2×2 pool over every iteration's examples.
    pub(crate) fn pool_shape(&self, l: &LayerShape) -> Result<PoolShape, Error> {
        match l.kind {
            LayerKind::AvgPool { h, w } => Ok(PoolShape {
                m: self.config.steps * self.config.batch,
                h,
                w,
                c: l.n,
            }),
            _ => Err(Error::Internal {
                what: "a pool shape is asked of a pool",
            }),
        }
    }

    /// The dataset's labels: one-hot rows on the real classes.
    pub(crate) fn one_hot_shape(&self) -> OneHotShape {
        OneHotShape {
            rows: self.examples,
            c: self.shape.output_width(),
            classes: self.shape.classes,
        }
    }

    pub(crate) fn softmax_shape(&self) -> Option<SoftmaxShape> {
        (self.config.loss == Loss::CrossEntropy).then(|| SoftmaxShape {
            rows: self.config.steps * self.config.batch,
            c: self.shape.output_width(),
            real: self.shape.classes,
            scale: self.config.scale,
        })
    }

    /// ΔW[t] = round(η_num·A[t]ᵀ·G[t] / 2^(s + lr_shift + log B + e)) for layer `i`, over its
    /// rows (examples × positions).
    pub(crate) fn weight_update(&self, i: usize, l: &LayerShape) -> RescaledContraction {
        RescaledContraction {
            contraction: Contraction {
                a: l.k,
                b: l.n,
                c: self.rows_of(l),
                t: self.config.steps,
                left: Operand::Transposed,
                right: Operand::Plain,
            },
            eta_num: self.eta(),
            shift: self.weight_shift() + self.extra_bits(i),
        }
    }

    pub(crate) fn bias_update(&self, i: usize, l: &LayerShape) -> BiasUpdate {
        BiasUpdate {
            m: self.rows_of(l),
            n: l.n,
            t: self.config.steps,
            eta_num: self.eta(),
            shift: self.bias_shift() + self.extra_bits(i),
        }
    }

    /// G′[t] = round(G[t]·W[t]ᵀ / 2^(s + e)): the gradient dense layer `i` sends below.
    pub(crate) fn backprop(&self, i: usize, l: &LayerShape) -> RescaledContraction {
        RescaledContraction {
            contraction: Contraction {
                a: self.config.batch,
                b: l.k,
                c: l.n,
                t: self.config.steps,
                left: Operand::Plain,
                right: Operand::Transposed,
            },
            eta_num: 1,
            shift: self.config.scale + self.extra_bits(i),
        }
    }

    /// round(col2im(G[t]·W[t]ᵀ) / 2^(s + e)): the gradient convolution `i` sends below.
    pub(crate) fn conv_backprop(&self, i: usize, l: &LayerShape) -> Result<ConvBackprop, Error> {
        match l.kind {
            LayerKind::Conv(geometry) => Ok(ConvBackprop {
                geometry,
                m: self.config.batch,
                n: l.n,
                t: self.config.steps,
                shift: self.config.scale + self.extra_bits(i),
            }),
            _ => Err(Error::Internal {
                what: "a convolution's back-propagation is asked of a convolution",
            }),
        }
    }

    pub(crate) fn weight_chain(&self, l: &LayerShape) -> StepChain {
        StepChain {
            len: l.k * l.n,
            t: self.config.steps,
        }
    }

    pub(crate) fn bias_chain(&self, l: &LayerShape) -> StepChain {
        StepChain {
            len: l.n,
            t: self.config.steps,
        }
    }
}
