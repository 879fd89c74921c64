//! Canonical binary encodings of proofs, for proof files (DESIGN §13).
//!
//! Every proof type is encoded field by field with arkworks' canonical serialization: field
//! elements as 32 bytes, G1 points compressed, vectors with a u64 length prefix, options and
//! enums with one tag byte. Decoding validates every point (on the curve, in the subgroup)
//! and every field element (canonical, below the modulus); lengths come from the bytes, so a
//! decoded proof may still have the wrong shape for its architecture — the verifier's shape
//! checks refuse that with a typed error, exactly as for a proof built in memory.
//!
//! Only the `Fr` instantiations are encoded: the generic bodies exist so that the circuit can
//! allocate them, never to be stored.

use crate::blocks::argmax::ArgmaxProof;
use crate::blocks::avgpool::AvgPoolProof;
use crate::blocks::avgpool_grad::AvgPoolGradProof;
use crate::blocks::concat::ConcatProof;
use crate::blocks::conv_backprop::ConvBackpropProof;
use crate::blocks::dense::DenseProof;
use crate::blocks::dense_iter::{BiasUpdateProof, IteratedDenseProof, RescaledProof};
use crate::blocks::iterate::StepProof;
use crate::blocks::maxpool::{DiffProof, MaxPoolProof};
use crate::blocks::maxpool_grad::MaxPoolGradProof;
use crate::blocks::pool::PoolProof;
use crate::blocks::relu_train::ReluProof;
use crate::blocks::residual::ResidualProof;
use crate::blocks::softmax::SoftmaxProof;
use crate::lookup::LookupProof;
use crate::pcs::{SplitEvals, SplitFieldProof, SplitOpeningProof};
use crate::proof::model::{LayerProof, ModelProof, ModelProofBody, SoftmaxSiteProof};
use crate::proof::train::{
    BackpropProof, BackwardProof, ForwardProof, PoolGradProof, TrainingProof, TrainingProofBody,
};
use crate::sumcheck::SumcheckProof;
use ark_bn254::Fr;

/// Implements the canonical encoding of a struct as the concatenation of its fields (for the
/// artifact files of this crate and the wrapper).
#[doc(hidden)]
#[macro_export]
macro_rules! canonical_struct {
    ($ty:ty { $($field:ident),+ $(,)? }) => {
        impl ::ark_serialize::CanonicalSerialize for $ty {
            fn serialize_with_mode<W: ::ark_serialize::Write>(
                &self,
                mut writer: W,
                compress: ::ark_serialize::Compress,
            ) -> Result<(), ::ark_serialize::SerializationError> {
                $( ::ark_serialize::CanonicalSerialize::serialize_with_mode(&self.$field, &mut writer, compress)?; )+
                Ok(())
            }

            fn serialized_size(&self, compress: ::ark_serialize::Compress) -> usize {
                0 $( + ::ark_serialize::CanonicalSerialize::serialized_size(&self.$field, compress) )+
            }
        }

        impl ::ark_serialize::Valid for $ty {
            fn check(&self) -> Result<(), ::ark_serialize::SerializationError> {
                $( ::ark_serialize::Valid::check(&self.$field)?; )+
                Ok(())
            }
        }

        impl ::ark_serialize::CanonicalDeserialize for $ty {
            fn deserialize_with_mode<R: ::ark_serialize::Read>(
                mut reader: R,
                compress: ::ark_serialize::Compress,
                validate: ::ark_serialize::Validate,
            ) -> Result<Self, ::ark_serialize::SerializationError> {
                Ok(Self {
                    $( $field: ::ark_serialize::CanonicalDeserialize::deserialize_with_mode(
                        &mut reader, compress, validate,
                    )?, )+
                })
            }
        }
    };
}

/// Implements the canonical encoding of a proof enum: one tag byte, then the variant's fields
/// in the order listed (`tuple:` variants hold one field; `fields:` variants are struct-like).
/// An unknown tag decodes to [`SerializationError::InvalidData`].
#[doc(hidden)]
#[macro_export]
macro_rules! canonical_enum {
    ($ty:ident<Fr> {
        tuple: [$($ttag:ident => $tvariant:ident),* $(,)?],
        fields: [$($stag:ident => $svariant:ident { $($field:ident),+ }),* $(,)?] $(,)?
    }) => {
        impl ::ark_serialize::CanonicalSerialize for $ty<Fr> {
            fn serialize_with_mode<W: ::ark_serialize::Write>(
                &self,
                writer: W,
                compress: ::ark_serialize::Compress,
            ) -> Result<(), ::ark_serialize::SerializationError> {
                match self {
                    $( $ty::$tvariant(x) => ::ark_serialize::CanonicalSerialize::serialize_with_mode(
                        &($ttag, x), writer, compress,
                    ), )*
                    $( $ty::$svariant { $($field),+ } => {
                        ::ark_serialize::CanonicalSerialize::serialize_with_mode(
                            &($stag, $($field),+), writer, compress,
                        )
                    } )*
                }
            }

            fn serialized_size(&self, compress: ::ark_serialize::Compress) -> usize {
                1 + match self {
                    $( $ty::$tvariant(x) => {
                        ::ark_serialize::CanonicalSerialize::serialized_size(x, compress)
                    } )*
                    $( $ty::$svariant { $($field),+ } => {
                        0 $( + ::ark_serialize::CanonicalSerialize::serialized_size($field, compress) )+
                    } )*
                }
            }
        }

        impl ::ark_serialize::Valid for $ty<Fr> {
            fn check(&self) -> Result<(), ::ark_serialize::SerializationError> {
                match self {
                    $( $ty::$tvariant(x) => ::ark_serialize::Valid::check(x), )*
                    $( $ty::$svariant { $($field),+ } => {
                        $( ::ark_serialize::Valid::check($field)?; )+
                        Ok(())
                    } )*
                }
            }
        }

        impl ::ark_serialize::CanonicalDeserialize for $ty<Fr> {
            fn deserialize_with_mode<R: ::ark_serialize::Read>(
                mut reader: R,
                compress: ::ark_serialize::Compress,
                validate: ::ark_serialize::Validate,
            ) -> Result<Self, ::ark_serialize::SerializationError> {
                let tag = <u8 as ::ark_serialize::CanonicalDeserialize>::deserialize_with_mode(
                    &mut reader, compress, validate,
                )?;
                Ok(match tag {
                    // Guards, not patterns: a tag name out of scope must not become a binding
                    // that matches every byte.
                    $( t if t == $ttag => $ty::$tvariant(
                        ::ark_serialize::CanonicalDeserialize::deserialize_with_mode(
                            &mut reader, compress, validate,
                        )?,
                    ), )*
                    $( t if t == $stag => $ty::$svariant {
                        $( $field: ::ark_serialize::CanonicalDeserialize::deserialize_with_mode(
                            &mut reader, compress, validate,
                        )?, )+
                    }, )*
                    _ => return Err(::ark_serialize::SerializationError::InvalidData),
                })
            }
        }
    };
}

crate::canonical_struct!(SumcheckProof<Fr> { rounds, final_evals });
crate::canonical_struct!(LookupProof<Fr> { roots, layers, column_evals });
crate::canonical_struct!(DenseProof<Fr> { values, matmul, zerocheck });
crate::canonical_struct!(ResidualProof<Fr> { values, zerocheck });
crate::canonical_struct!(ConcatProof<Fr> { value, sumcheck });
crate::canonical_struct!(PoolProof<Fr> { values });
crate::canonical_struct!(MaxPoolProof<Fr> { zerocheck, padded_taps, values });
crate::canonical_struct!(AvgPoolProof<Fr> { values });
crate::canonical_struct!(ArgmaxProof<Fr> { values, sumcheck, booleanity });
crate::canonical_struct!(DiffProof<Fr> { values, gather });
crate::canonical_struct!(ModelProofBody<Fr> { range, activations, layers, argmax, pool_diffs, softmax });
crate::canonical_struct!(SoftmaxSiteProof<Fr> { chunks, block });
crate::canonical_struct!(SplitEvals<Fr> {
    g_at_zeta_inv,
    h_at_zeta_inv,
    s1_at_zeta_inv,
    g_rev_at_zeta,
    s2_at_zeta
});
crate::canonical_struct!(SplitFieldProof<Fr> { reduction, evals });
crate::canonical_struct!(SplitOpeningProof {
    field,
    h,
    g,
    g_rev,
    q,
    s1,
    s2,
    w_zeta,
    w_inv
});
crate::canonical_struct!(ModelProof {
    trace_commitment,
    salt,
    body,
    opening
});
crate::canonical_struct!(IteratedDenseProof<Fr> { values, contraction });
crate::canonical_struct!(RescaledProof<Fr> { values, contraction });
crate::canonical_struct!(BiasUpdateProof<Fr> { values });
crate::canonical_struct!(StepProof<Fr> { values, sumcheck });
crate::canonical_struct!(SoftmaxProof<Fr> { values, max, zerocheck });
crate::canonical_struct!(ConvBackpropProof<Fr> { values, scatter, contraction });
crate::canonical_struct!(MaxPoolGradProof<Fr> { grad_in, sumcheck, values });
crate::canonical_struct!(AvgPoolGradProof<Fr> { values, scatter });
crate::canonical_struct!(BackwardProof<Fr> {
    weight,
    weight_gather,
    weight_chain,
    bias,
    bias_chain,
    backprop,
    pool_grad
});
crate::canonical_struct!(ReluProof<Fr> { sumcheck });
crate::canonical_struct!(TrainingProofBody<Fr> {
    lookups,
    forward,
    softmax,
    gradient,
    one_hot,
    backward,
    relus
});
crate::canonical_struct!(TrainingProof {
    trace_commitment,
    salt,
    body,
    opening
});

/// Tags of [`LayerProof`]'s variants.
const DENSE: u8 = 0;
const CONV: u8 = 1;
const POOL: u8 = 2;
const MAXPOOL: u8 = 3;
const AVGPOOL_WINDOW: u8 = 4;
const RESIDUAL: u8 = 5;
const CONCAT: u8 = 6;

crate::canonical_enum!(LayerProof<Fr> {
    tuple: [
        DENSE => Dense,
        POOL => Pool,
        RESIDUAL => Residual,
        CONCAT => Concat,
    ],
    fields: [
        CONV => Conv { dense, gather },
        AVGPOOL_WINDOW => AvgPoolWindow { pool, gather },
        MAXPOOL => MaxPool { pool, gather },
    ],
});
crate::canonical_enum!(ForwardProof<Fr> {
    tuple: [DENSE => Dense, POOL => Pool],
    fields: [
        CONV => Conv { dense, gather },
        MAXPOOL => MaxPool { pool, gather },
        AVGPOOL_WINDOW => AvgPoolWindow { pool, gather },
    ],
});
crate::canonical_enum!(PoolGradProof<Fr> {
    tuple: [MAXPOOL => Max, AVGPOOL_WINDOW => Average],
    fields: [],
});
crate::canonical_enum!(BackpropProof<Fr> {
    tuple: [DENSE => Dense, CONV => Conv],
    fields: [],
});

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::G1Affine;
    use ark_ec::AffineRepr;
    use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, SerializationError};

    fn fr(i: u64) -> Fr {
        Fr::from(i)
    }

    fn sumcheck(seed: u64) -> SumcheckProof<Fr> {
        SumcheckProof {
            rounds: vec![vec![fr(seed), fr(seed + 1)], vec![fr(seed + 2)]],
            final_evals: vec![vec![fr(seed + 3)]],
        }
    }

    fn lookup(seed: u64) -> LookupProof<Fr> {
        LookupProof {
            roots: vec![fr(seed)],
            layers: vec![sumcheck(seed + 1)],
            column_evals: vec![fr(seed + 2), fr(seed + 3)],
        }
    }

    fn model_proof() -> ModelProof {
        let dense = DenseProof {
            values: vec![fr(1), fr(2)],
            matmul: sumcheck(3),
            zerocheck: Some(sumcheck(7)),
        };
        ModelProof {
            trace_commitment: G1Affine::generator(),
            salt: fr(99),
            body: ModelProofBody {
                range: lookup(10),
                activations: vec![lookup(30)],
                layers: vec![
                    LayerProof::Conv {
                        dense: dense.clone(),
                        gather: sumcheck(40),
                    },
                    LayerProof::Pool(PoolProof {
                        values: vec![fr(5)],
                    }),
                    LayerProof::MaxPool {
                        pool: MaxPoolProof {
                            zerocheck: sumcheck(44),
                            padded_taps: vec![fr(45)],
                            values: vec![fr(46), fr(47)],
                        },
                        gather: sumcheck(48),
                    },
                    LayerProof::AvgPoolWindow {
                        pool: AvgPoolProof {
                            values: vec![fr(49), fr(50)],
                        },
                        gather: sumcheck(52),
                    },
                    LayerProof::Residual(ResidualProof {
                        values: vec![fr(53), fr(54), fr(56)],
                        zerocheck: Some(sumcheck(57)),
                    }),
                    LayerProof::Dense(DenseProof {
                        zerocheck: None,
                        ..dense
                    }),
                ],
                argmax: Some(ArgmaxProof {
                    values: vec![fr(50)],
                    sumcheck: sumcheck(51),
                    booleanity: sumcheck(55),
                }),
                pool_diffs: vec![DiffProof {
                    values: vec![fr(56), fr(57)],
                    gather: sumcheck(58),
                }],
                softmax: vec![SoftmaxSiteProof {
                    chunks: LookupProof {
                        roots: vec![fr(80)],
                        layers: vec![sumcheck(81)],
                        column_evals: vec![fr(85), fr(86)],
                    },
                    block: SoftmaxProof {
                        values: vec![fr(87)],
                        max: sumcheck(88),
                        zerocheck: sumcheck(92),
                    },
                }],
            },
            opening: SplitOpeningProof {
                field: SplitFieldProof {
                    reduction: sumcheck(60),
                    evals: SplitEvals {
                        g_at_zeta_inv: fr(61),
                        h_at_zeta_inv: fr(62),
                        s1_at_zeta_inv: fr(63),
                        g_rev_at_zeta: fr(64),
                        s2_at_zeta: fr(65),
                    },
                },
                h: G1Affine::generator(),
                g: G1Affine::identity(),
                g_rev: G1Affine::generator(),
                q: G1Affine::generator(),
                s1: G1Affine::identity(),
                s2: G1Affine::generator(),
                w_zeta: G1Affine::generator(),
                w_inv: G1Affine::identity(),
            },
        }
    }

    #[test]
    fn a_model_proof_round_trips_with_every_layer_kind() {
        let p = model_proof();
        let mut bytes = Vec::new();
        p.serialize_compressed(&mut bytes).unwrap();
        assert_eq!(bytes.len(), p.compressed_size());
        let back = ModelProof::deserialize_compressed(bytes.as_slice()).unwrap();
        assert_eq!(back, p);
    }

    /// The tag bytes are the file format: pinned as numbers, not through the constants.
    #[test]
    fn every_layer_kind_keeps_its_tag_byte() {
        for layer in &model_proof().body.layers {
            let mut bytes = Vec::new();
            layer.serialize_compressed(&mut bytes).unwrap();
            let want = match layer {
                LayerProof::Dense(_) => 0,
                LayerProof::Conv { .. } => 1,
                LayerProof::Pool(_) => 2,
                LayerProof::MaxPool { .. } => 3,
                LayerProof::AvgPoolWindow { .. } => 4,
                LayerProof::Residual(_) => 5,
                LayerProof::Concat(_) => 6,
            };
            assert_eq!(bytes.first(), Some(&want));
            let back = LayerProof::deserialize_compressed(bytes.as_slice()).unwrap();
            assert_eq!(&back, layer);
        }
    }

    #[test]
    fn truncation_an_unknown_layer_tag_and_a_non_canonical_element_are_refused() {
        let p = model_proof();
        let mut bytes = Vec::new();
        p.serialize_compressed(&mut bytes).unwrap();
        for cut in [1, bytes.len() / 2, bytes.len() - 1] {
            assert!(ModelProof::deserialize_compressed(&bytes[..cut]).is_err());
        }
        // The first layer tag follows the commitment, the salt and the two lookup fields'
        // encodings; find it by encoding the prefix.
        let prefix = p.trace_commitment.compressed_size()
            + p.salt.compressed_size()
            + p.body.range.compressed_size()
            + p.body.activations.compressed_size()
            + 8;
        assert_eq!(bytes[prefix], CONV);
        let mut bad = bytes.clone();
        bad[prefix] = 7;
        assert!(matches!(
            ModelProof::deserialize_compressed(bad.as_slice()),
            Err(SerializationError::InvalidData)
        ));
        // The salt at 2^256 − 1 is not a canonical field element.
        let at = p.trace_commitment.compressed_size();
        let mut bad = bytes;
        bad[at..at + 32].fill(0xff);
        assert!(ModelProof::deserialize_compressed(bad.as_slice()).is_err());
    }
}
