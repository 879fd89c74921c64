//! Proof data mapped element by element, keeping its shape: the Groth16 circuit allocates a
//! native proof body (`Body<Fr>`) as witnesses (`Body<Var>`) through [`MapFields`], so no
//! statement kind needs its own allocation code and the circuit reads exactly the shape the
//! native verifier reads.

use crate::blocks::argmax::ArgmaxProof;
use crate::blocks::avgpool::AvgPoolProof;
use crate::blocks::avgpool_grad::AvgPoolGradProof;
use crate::blocks::concat::ConcatProof;
use crate::blocks::conv_backprop::ConvBackpropProof;
use crate::blocks::dense::DenseProof;
use crate::blocks::dense_iter::{BiasUpdateProof, IteratedDenseProof, RescaledProof};
use crate::blocks::iterate::StepProof;
use crate::blocks::matmul::MatMulProof;
use crate::blocks::maxpool::{DiffProof, MaxPoolProof};
use crate::blocks::maxpool_grad::MaxPoolGradProof;
use crate::blocks::pool::PoolProof;
use crate::blocks::relu_train::ReluProof;
use crate::blocks::residual::ResidualProof;
use crate::blocks::softmax::SoftmaxProof;
use crate::lookup::LookupProof;
use crate::pcs::split::{SplitEvals, SplitFieldProof};
use crate::proof::model::{LayerProof, ModelProofBody, SoftmaxSiteProof};
use crate::proof::train::{
    BackpropProof, BackwardProof, ForwardProof, PoolGradProof, TrainingProofBody,
};
use crate::sumcheck::SumcheckProof;

/// A value whose field elements can be mapped one by one into another field type.
pub trait MapFields<F> {
    /// The same shape over `G`.
    type Out<G>;
    /// Maps every element in a fixed order: the circuit's witness order, which its keys
    /// depend on (the bodies list their fields in the order the committed development keys
    /// were generated with; reordering them changes every key).
    fn map_fields<G, E>(&self, f: &mut dyn FnMut(&F) -> Result<G, E>) -> Result<Self::Out<G>, E>;
}

impl<F, T: MapFields<F>> MapFields<F> for Vec<T> {
    type Out<G> = Vec<T::Out<G>>;
    fn map_fields<G, E>(&self, f: &mut dyn FnMut(&F) -> Result<G, E>) -> Result<Vec<T::Out<G>>, E> {
        self.iter().map(|t| t.map_fields(f)).collect()
    }
}

impl<F, T: MapFields<F>> MapFields<F> for Option<T> {
    type Out<G> = Option<T::Out<G>>;
    fn map_fields<G, E>(
        &self,
        f: &mut dyn FnMut(&F) -> Result<G, E>,
    ) -> Result<Option<T::Out<G>>, E> {
        self.as_ref().map(|t| t.map_fields(f)).transpose()
    }
}

impl<F, A: MapFields<F>, B: MapFields<F>> MapFields<F> for (A, B) {
    type Out<G> = (A::Out<G>, B::Out<G>);
    fn map_fields<G, E>(
        &self,
        f: &mut dyn FnMut(&F) -> Result<G, E>,
    ) -> Result<(A::Out<G>, B::Out<G>), E> {
        Ok((self.0.map_fields(f)?, self.1.map_fields(f)?))
    }
}

/// One element.
fn one<F, G, E>(v: &F, f: &mut dyn FnMut(&F) -> Result<G, E>) -> Result<G, E> {
    f(v)
}

/// A list of elements.
fn list<F, G, E>(v: &[F], f: &mut dyn FnMut(&F) -> Result<G, E>) -> Result<Vec<G>, E> {
    v.iter().map(f).collect()
}

/// A list of lists of elements.
fn lists<F, G, E>(v: &[Vec<F>], f: &mut dyn FnMut(&F) -> Result<G, E>) -> Result<Vec<Vec<G>>, E> {
    v.iter().map(|x| list(x, f)).collect()
}

/// A nested proof.
fn nested<F, T: MapFields<F>, G, E>(
    v: &T,
    f: &mut dyn FnMut(&F) -> Result<G, E>,
) -> Result<T::Out<G>, E> {
    v.map_fields(f)
}

/// Implements [`MapFields`] for a proof struct generic over its field, field by field in the
/// order listed (the witness order), each with how it maps (`one`, `list`, `lists` or
/// `nested`).
macro_rules! map_struct {
    ($ty:ident { $($field:ident: $how:ident),+ $(,)? }) => {
        impl<F> MapFields<F> for $ty<F> {
            type Out<G> = $ty<G>;
            fn map_fields<G, E>(
                &self,
                f: &mut dyn FnMut(&F) -> Result<G, E>,
            ) -> Result<$ty<G>, E> {
                Ok($ty { $($field: $how(&self.$field, f)?,)+ })
            }
        }
    };
}

map_struct!(SumcheckProof {
    rounds: lists,
    final_evals: lists
});
map_struct!(LookupProof {
    roots: list,
    layers: nested,
    column_evals: list
});
map_struct!(SplitEvals {
    g_at_zeta_inv: one,
    h_at_zeta_inv: one,
    s1_at_zeta_inv: one,
    g_rev_at_zeta: one,
    s2_at_zeta: one
});
map_struct!(SplitFieldProof {
    reduction: nested,
    evals: nested
});
map_struct!(MatMulProof {
    y_value: one,
    sumcheck: nested
});
map_struct!(DenseProof {
    values: list,
    matmul: nested,
    zerocheck: nested
});
map_struct!(PoolProof { values: list });
map_struct!(AvgPoolProof { values: list });
map_struct!(ConcatProof {
    value: one,
    sumcheck: nested
});
map_struct!(ResidualProof {
    values: list,
    zerocheck: nested
});
map_struct!(MaxPoolProof {
    zerocheck: nested,
    padded_taps: list,
    values: list
});
map_struct!(ArgmaxProof {
    values: list,
    sumcheck: nested,
    booleanity: nested
});
map_struct!(DiffProof {
    values: list,
    gather: nested
});
map_struct!(ModelProofBody {
    layers: nested,
    argmax: nested,
    range: nested,
    activations: nested,
    pool_diffs: nested,
    softmax: nested
});
map_struct!(SoftmaxSiteProof {
    chunks: nested,
    block: nested
});
map_struct!(IteratedDenseProof {
    values: list,
    contraction: nested
});
map_struct!(RescaledProof {
    values: list,
    contraction: nested
});
map_struct!(BiasUpdateProof { values: list });
map_struct!(StepProof {
    values: list,
    sumcheck: nested
});
map_struct!(SoftmaxProof {
    values: list,
    max: nested,
    zerocheck: nested
});
map_struct!(ConvBackpropProof {
    values: list,
    scatter: nested,
    contraction: nested
});
// The order the committed MLP training keys were generated with; a convolution's gather
// (absent for dense layers) comes last.
map_struct!(BackwardProof {
    backprop: nested,
    weight: nested,
    weight_chain: nested,
    bias: nested,
    bias_chain: nested,
    weight_gather: nested,
    pool_grad: nested
});
map_struct!(ReluProof { sumcheck: nested });
map_struct!(MaxPoolGradProof {
    grad_in: one,
    sumcheck: nested,
    values: list
});
map_struct!(AvgPoolGradProof {
    values: list,
    scatter: nested
});
map_struct!(TrainingProofBody {
    forward: nested,
    softmax: nested,
    lookups: nested,
    gradient: nested,
    one_hot: nested,
    backward: nested,
    relus: nested
});

impl<F> MapFields<F> for ForwardProof<F> {
    type Out<G> = ForwardProof<G>;
    fn map_fields<G, E>(
        &self,
        f: &mut dyn FnMut(&F) -> Result<G, E>,
    ) -> Result<ForwardProof<G>, E> {
        Ok(match self {
            ForwardProof::Dense(d) => ForwardProof::Dense(d.map_fields(f)?),
            ForwardProof::Conv { dense, gather } => ForwardProof::Conv {
                dense: dense.map_fields(f)?,
                gather: gather.map_fields(f)?,
            },
            ForwardProof::Pool(p) => ForwardProof::Pool(p.map_fields(f)?),
            ForwardProof::MaxPool { pool, gather } => ForwardProof::MaxPool {
                pool: pool.map_fields(f)?,
                gather: gather.map_fields(f)?,
            },
            ForwardProof::AvgPoolWindow { pool, gather } => ForwardProof::AvgPoolWindow {
                pool: pool.map_fields(f)?,
                gather: gather.map_fields(f)?,
            },
        })
    }
}

impl<F> MapFields<F> for PoolGradProof<F> {
    type Out<G> = PoolGradProof<G>;
    fn map_fields<G, E>(
        &self,
        f: &mut dyn FnMut(&F) -> Result<G, E>,
    ) -> Result<PoolGradProof<G>, E> {
        Ok(match self {
            PoolGradProof::Max(p) => PoolGradProof::Max(p.map_fields(f)?),
            PoolGradProof::Average(p) => PoolGradProof::Average(p.map_fields(f)?),
        })
    }
}

impl<F> MapFields<F> for BackpropProof<F> {
    type Out<G> = BackpropProof<G>;
    fn map_fields<G, E>(
        &self,
        f: &mut dyn FnMut(&F) -> Result<G, E>,
    ) -> Result<BackpropProof<G>, E> {
        Ok(match self {
            BackpropProof::Dense(p) => BackpropProof::Dense(p.map_fields(f)?),
            BackpropProof::Conv(p) => BackpropProof::Conv(p.map_fields(f)?),
        })
    }
}

impl<F> MapFields<F> for LayerProof<F> {
    type Out<G> = LayerProof<G>;
    fn map_fields<G, E>(&self, f: &mut dyn FnMut(&F) -> Result<G, E>) -> Result<LayerProof<G>, E> {
        Ok(match self {
            LayerProof::Dense(d) => LayerProof::Dense(d.map_fields(f)?),
            LayerProof::Conv { dense, gather } => LayerProof::Conv {
                dense: dense.map_fields(f)?,
                gather: gather.map_fields(f)?,
            },
            LayerProof::Pool(p) => LayerProof::Pool(p.map_fields(f)?),
            LayerProof::MaxPool { pool, gather } => LayerProof::MaxPool {
                pool: pool.map_fields(f)?,
                gather: gather.map_fields(f)?,
            },
            LayerProof::AvgPoolWindow { pool, gather } => LayerProof::AvgPoolWindow {
                pool: pool.map_fields(f)?,
                gather: gather.map_fields(f)?,
            },
            LayerProof::Residual(r) => LayerProof::Residual(r.map_fields(f)?),
            LayerProof::Concat(c) => LayerProof::Concat(c.map_fields(f)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mapping visits every element once, keeps the shape, and stops at the first error.
    #[test]
    fn mapping_keeps_the_shape_and_visits_every_element() {
        let s = |b: u64| SumcheckProof {
            rounds: vec![vec![b, b + 1], vec![b + 2]],
            final_evals: vec![vec![b + 3]],
        };
        let body = ModelProofBody {
            range: LookupProof {
                roots: vec![1],
                layers: vec![s(10)],
                column_evals: vec![2, 3],
            },
            activations: vec![],
            layers: vec![
                LayerProof::Conv {
                    dense: DenseProof {
                        values: vec![4],
                        matmul: s(20),
                        zerocheck: None,
                    },
                    gather: s(30),
                },
                LayerProof::Pool(PoolProof { values: vec![5, 6] }),
            ],
            argmax: None,
            pool_diffs: vec![DiffProof {
                values: vec![7, 8],
                gather: s(40),
            }],
            softmax: vec![],
        };
        let mut seen = 0usize;
        let mapped: ModelProofBody<i128> = body
            .map_fields(&mut |v: &u64| -> Result<i128, ()> {
                seen += 1;
                Ok(-i128::from(*v))
            })
            .unwrap();
        assert_eq!(seen, 3 + 4 + 1 + 4 + 4 + 2 + 2 + 4);
        let back: ModelProofBody<u64> = mapped
            .map_fields(&mut |v: &i128| -> Result<u64, ()> { Ok((-*v) as u64) })
            .unwrap();
        assert_eq!(back, body);
        let mut count = 0;
        let failed = body.map_fields(&mut |_| -> Result<u64, usize> {
            count += 1;
            if count == 5 { Err(count) } else { Ok(0) }
        });
        assert_eq!(failed.map(|_| ()), Err(5));
    }
}
