//! The public plan of a training statement: the four vectors' layouts, which range checks run,
//! the virtual tensors and where every tensor is placed (block shapes are in [`super::shapes`],
//! claim routing in [`super::routing`] and [`super::sink`]). Prover and verifier build the
//! same plan from the architecture alone.

use super::TrainArchitecture;
use crate::error::Error;
use crate::field::encoding::from_i128;
use crate::lookup::LookupStatement;
use crate::pcs::layout::{AxisSplit, Layout, LayoutBuilder, Stored, TensorId, block_name};
use crate::proof::bounds::{
    RangeColumn, RangeColumns, range_statement, softmax_lookup, softmax_ranges,
};
use crate::proof::model::{LayerKind, LayerShape};
use ark_bn254::Fr;
use std::collections::BTreeMap;

/// Vector indices in commitment order.
pub(crate) const FINAL: usize = 0;
pub(crate) const INITIAL: usize = 1;
pub(crate) const DATASET: usize = 2;
pub(crate) const TRACE: usize = 3;

/// Names of the statement's tensors.
pub(crate) mod names {
    pub const INPUTS: &str = "dataset.inputs";
    pub const LABELS: &str = "dataset.labels";
    pub const LOGITS: &str = "logits";
    pub const GRADIENT: &str = "gradient";
    pub const RANGE_MULT: &str = "range.multiplicities";
    /// The stacked batch inputs (never committed: claims go to the dataset).
    pub const BATCH_INPUTS: &str = "batch.inputs";
    /// The stacked batch labels (never committed: claims go to the dataset).
    pub const BATCH_LABELS: &str = "batch.labels";
    pub const EXP_MULT: &str = "softmax.exp.multiplicities";
    /// A softmax tensor (its logits are the last layer's output).
    pub fn softmax(name: &str) -> String {
        if name == "logits" {
            LOGITS.to_string()
        } else {
            format!("softmax.{name}")
        }
    }
    /// Per-layer tensors named as in the model statement (the weight and bias names are the
    /// model vector's, so the final and initial vectors share the inference layout).
    pub(crate) use crate::proof::model::names::{bias, neg, pos, remainder, weight};
    pub fn last(tensor: &str) -> String {
        format!("final.{tensor}")
    }
    pub fn first(tensor: &str) -> String {
        format!("initial.{tensor}")
    }
    pub fn weight_rem(l: &str) -> String {
        format!("{l}.weight_update.remainder")
    }
    pub fn bias_rem(l: &str) -> String {
        format!("{l}.bias_update.remainder")
    }
    pub fn grad(l: &str) -> String {
        format!("{l}.grad")
    }
    pub fn backprop(l: &str) -> String {
        format!("{l}.backprop")
    }
    /// The remainder of the gradient back-propagated into layer `l`, times 2^(b − sh): virtual
    /// (defined by the back-propagation relation of the layer above, [`crate::blocks::
    /// conv_backprop`] and [`crate::blocks::dense_iter::prove_rescaled_at`]), the one range
    /// column that bounds it.
    pub fn backprop_rem_scaled(l: &str) -> String {
        format!("{l}.backprop.remainder.scaled")
    }
    /// A weighted layer's forward remainder R times 2^(b − s): virtual (R is defined by the
    /// layer's relation, [`crate::blocks::dense_iter`]), the one range column that bounds R.
    pub fn remainder_scaled(l: &str) -> String {
        format!("{l}.remainder.scaled")
    }
    pub fn mask(l: &str) -> String {
        format!("{l}.relu_mask")
    }
    /// |Y| of a hidden layer's output Y: with the mask M, what the trace holds of its ReLU
    /// split (Pos = M·|Y| and Neg = (1 − M)·|Y| are virtual, [`crate::blocks::relu_train`]).
    pub fn relu_abs(l: &str) -> String {
        format!("{l}.relu_abs")
    }
    /// A pool's output (the pooled values; the model statement's name).
    pub(crate) use crate::proof::model::names::output;
    /// The gradient a 2×2 average pool hands down: its output gradient repeated over each
    /// window (never committed: a claim on it is routed to the output gradient).
    pub fn upsampled(pool: &str) -> String {
        format!("{pool}.upsampled_grad")
    }
    /// A convolution's or max pool's im2col rows (never committed: claims go through the
    /// gather).
    pub fn xcol(l: &str) -> String {
        format!("{l}.xcol")
    }
    /// A max pool's differences from the window maximum (the model statement's name).
    pub(crate) use crate::proof::model::names::diff;
    /// A max pool's selection of each window's first maximum (the window layout).
    pub fn select(pool: &str) -> String {
        format!("{pool}.first_max")
    }
    /// A max pool's first-maximum slack E = D − B ≥ 0 (the window layout).
    pub fn slack(pool: &str) -> String {
        format!("{pool}.first_max_slack")
    }
    /// The remainder of the gradient a window average pool hands down.
    pub fn pool_grad_rem(pool: &str) -> String {
        format!("{pool}.grad_in_rem")
    }
    /// The gradient a max pool or window average pool hands down (committed, the pool's
    /// input layout).
    pub fn pool_grad_in(pool: &str) -> String {
        format!("{pool}.grad_in")
    }
}

/// The plan built from a training architecture.
#[derive(Clone, Debug)]
pub(crate) struct TrainPlan {
    pub layouts: Vec<Layout>,
    /// Tensor name → (vector, how it is stored).
    pub places: BTreeMap<String, (usize, Stored)>,
    /// log2 of each tensor's padded size (stacked batch tensors and virtual ones included).
    pub vars: BTreeMap<String, usize>,
    /// Never-committed tensors whose claims are claims on a committed one with variables
    /// dropped (the variable is one the tensor does not depend on): name → (target, the
    /// dropped variables' indices).
    pub virtuals: BTreeMap<String, (String, Vec<usize>)>,
    /// Columns of the b-bit range check ([`crate::proof::bounds`]); a tensor stored without
    /// its padded channels is checked block by block ([`TrainPlan::blocks`]).
    pub range_columns: Vec<RangeColumn>,
    /// The blocks of tensors stored without their padded channels, by name (`{tensor}[a..b)`):
    /// (vector, segment). The range check reads them, not the padded tensor, and its claims on
    /// them are plain evaluations.
    pub blocks: BlockPlaces,
}

/// Blocks by name: (vector, segment).
pub(crate) type BlockPlaces = BTreeMap<String, (usize, TensorId)>;

pub(super) fn log(x: usize) -> usize {
    x.trailing_zeros() as usize
}

impl TrainArchitecture {
    pub(crate) fn layers(&self) -> &[LayerShape] {
        &self.shape.layers
    }

    /// The name of the tensor layer `l` reads (stacked batch inputs for the first layer).
    pub(crate) fn input_of(&self, l: usize) -> String {
        match l.checked_sub(1).and_then(|p| self.layers().get(p)) {
            None => names::BATCH_INPUTS.to_string(),
            Some(prev) => prev.output_name(false),
        }
    }

    /// The name of the gradient at layer `l`'s output: a pool's is the back-propagated
    /// gradient of the weighted layer above (no mask between).
    pub(crate) fn grad_of(&self, l: usize) -> String {
        match self.layers().get(l) {
            None => String::new(),
            Some(_) if l + 1 == self.layers().len() => names::GRADIENT.to_string(),
            Some(x) if x.is_pool() => names::backprop(&x.name),
            Some(x) => names::grad(&x.name),
        }
    }

    /// The gradient the ReLU mask of weighted layer `l` reads: the back-propagated gradient of
    /// the layer above, or the upsampled output gradient of the pool above.
    pub(crate) fn grad_in_of(&self, l: usize) -> Result<String, Error> {
        let (this, above) = (self.layers().get(l), self.layers().get(l + 1));
        match (this, above) {
            (Some(_), Some(a)) if matches!(a.kind, LayerKind::AvgPool { .. }) => {
                Ok(names::upsampled(&a.name))
            }
            (Some(_), Some(a))
                if matches!(a.kind, LayerKind::MaxPool(_) | LayerKind::AvgPoolWindow(_)) =>
            {
                Ok(names::pool_grad_in(&a.name))
            }
            (Some(x), Some(_)) => Ok(names::backprop(&x.name)),
            _ => Err(Error::Internal {
                what: "a ReLU mask belongs to a hidden weighted layer",
            }),
        }
    }

    /// Indices of the weighted (Dense and convolution) layers, first to last.
    pub(crate) fn weighted(&self) -> Vec<usize> {
        (0..self.layers().len())
            .filter(|i| self.layers().get(*i).is_some_and(LayerShape::is_dense))
            .collect()
    }

    /// 2^(b − s): the factor a weighted layer's forward remainder is read at by its one range
    /// column (`names::remainder_scaled`).
    pub(crate) fn remainder_to_table(&self) -> Result<Fr, Error> {
        self.to_table(self.config.scale)
    }

    /// The shift of the gradient back-propagated into layer `i`: s + e for e the extra scale
    /// bits of the weighted layer above that produces it.
    pub(crate) fn backprop_shift(&self, i: usize) -> u32 {
        self.config.scale + self.extra_bits(i + 1)
    }

    /// 2^(b − sh), sh = [`Self::backprop_shift`]: the factor the remainder of the gradient
    /// back-propagated into layer `i` is read at by its one range column
    /// (`names::backprop_rem_scaled`).
    pub(crate) fn backprop_remainder_to_table(&self, i: usize) -> Result<Fr, Error> {
        self.to_table(self.backprop_shift(i))
    }

    /// 2^(b − shift): the factor that reads a remainder in [0, 2^shift) as a b-bit value.
    fn to_table(&self, shift: u32) -> Result<Fr, Error> {
        let e = self
            .config
            .bits
            .checked_sub(shift)
            .filter(|e| *e < 64)
            .ok_or(Error::RangeBound {
                tensor: "a rounding remainder".into(),
                bound: 1i64.checked_shl(shift).unwrap_or(i64::MAX),
                bits: self.config.bits,
            })?;
        Ok(Fr::from(1u64 << e))
    }

    /// Where layer `l`'s forward proof runs: 0 for a weighted layer (after the lookups, at its
    /// remainder's point), 1 for a max or window average pool (its own fork), 2 for a 2×2
    /// average pool (its output is virtual: resolved once the forks join).
    fn forward_group(&self, l: usize) -> usize {
        match self.layers().get(l).map(|x| x.kind) {
            Some(LayerKind::AvgPool { .. }) => 2,
            Some(LayerKind::MaxPool(_) | LayerKind::AvgPoolWindow(_)) => 1,
            _ => 0,
        }
    }

    fn group(&self, g: usize) -> Vec<usize> {
        (0..self.layers().len())
            .filter(|i| self.forward_group(*i) == g)
            .collect()
    }

    /// The pools whose forward block runs on a fork of its own (max and window average pools),
    /// first to last.
    pub(crate) fn pools(&self) -> Vec<usize> {
        self.group(1)
    }

    /// The 2×2 average pools, whose output is virtual, first to last. Their claims are
    /// resolved once the forks join and before the ReLU blocks; that every claim on an output
    /// exists by then relies on a pool sitting between two weighted layers (never above a
    /// pool), which the architecture check enforces.
    pub(crate) fn virtual_pools(&self) -> Vec<usize> {
        self.group(2)
    }

    /// Per-layer items in layer order from the weighted layers', the forked pools' and the
    /// virtual-output pools' (each in their own order): the forward proofs, which run on
    /// different transcripts by kind.
    pub(crate) fn in_layer_order<T>(&self, groups: [Vec<T>; 3]) -> Result<Vec<T>, Error> {
        let total: usize = groups.iter().map(Vec::len).sum();
        if total != self.layers().len() {
            return Err(Error::ProofShape {
                what: "layer proofs (forward per layer)",
                expected: self.layers().len(),
                actual: total,
            });
        }
        let mut its = groups.map(Vec::into_iter);
        (0..self.layers().len())
            .map(|i| {
                its.get_mut(self.forward_group(i))
                    .and_then(Iterator::next)
                    .ok_or(Error::ProofShape {
                        what: "layer proofs by kind (weighted, forked pool, 2×2 pool)",
                        expected: self.layers().len(),
                        actual: i,
                    })
            })
            .collect()
    }

    /// Whether weighted layer `l` has a ReLU block ([`crate::blocks::relu_train`]): every
    /// hidden one (the last layer's output gradient is the loss's).
    pub(crate) fn has_relu_derivative(&self, l: usize) -> bool {
        l + 1 < self.layers().len() && self.layers().get(l).is_some_and(LayerShape::is_dense)
    }

    /// The weighted layer below layer `l` (through a pool), if any.
    pub(crate) fn weighted_below(&self, l: usize) -> Option<usize> {
        (0..l)
            .rev()
            .find(|i| self.layers().get(*i).is_some_and(LayerShape::is_dense))
    }

    /// The layer directly below weighted layer `i` that its back-propagation hands the
    /// gradient to (a weighted layer or a pool); none for the first weighted layer.
    pub(crate) fn handed_to(&self, i: usize) -> Option<usize> {
        self.weighted_below(i).and(i.checked_sub(1))
    }

    /// Values per training example: rows (image positions, or 1) × padded width.
    pub(crate) fn example_len(&self) -> usize {
        self.shape.input.rows() * self.shape.input_width()
    }

    /// Output rows of layer `l` per iteration (examples × positions).
    pub(crate) fn rows_of(&self, l: &LayerShape) -> usize {
        self.config.batch * l.rows
    }

    /// Entries of layer `l`'s output over every iteration.
    fn output_len(&self, l: &LayerShape) -> usize {
        self.config.steps * self.rows_of(l) * l.n
    }

    pub(crate) fn log_batch(&self) -> usize {
        log(self.config.batch)
    }

    /// Shift of the weight update: s + lr_shift + log B.
    pub(crate) fn weight_shift(&self) -> u32 {
        self.config.scale + self.config.lr_shift + self.log_batch() as u32
    }

    /// Shift of the bias update: lr_shift + log B.
    pub(crate) fn bias_shift(&self) -> u32 {
        self.config.lr_shift + self.log_batch() as u32
    }

    pub(crate) fn eta(&self) -> u64 {
        u64::try_from(self.config.lr_num).unwrap_or(0)
    }

    pub(crate) fn plan(&self) -> Result<TrainPlan, Error> {
        self.check()?;
        let (t, bsz, n) = (self.config.steps, self.config.batch, self.examples);
        let s = &self.shape;
        let m = t * bsz;
        let c = s.output_width();
        let (model_layout, model_ids) = s.model_layout()?;
        let mut data = LayoutBuilder::new();
        let mut trace = LayoutBuilder::new();
        let mut places = BTreeMap::new();
        let mut vars = BTreeMap::new();
        // Claims are routed by name: a name two tensors would share refuses the statement.
        let fresh = |vars: &BTreeMap<String, usize>, name: &str| {
            if vars.contains_key(name) {
                Err(Error::TensorNameCollision { name: name.into() })
            } else {
                Ok(())
            }
        };
        for (name, id) in &model_ids {
            let len = model_layout.segment(*id).len();
            for (vector, tensor) in [(FINAL, names::last(name)), (INITIAL, names::first(name))] {
                fresh(&vars, &tensor)?;
                places.insert(tensor.clone(), (vector, Stored::Whole(*id)));
                vars.insert(tensor, log(len));
            }
        }
        let k0 = self.example_len();
        for (name, len) in [(names::INPUTS, n * k0), (names::LABELS, n * c)] {
            fresh(&vars, name)?;
            places.insert(
                name.to_string(),
                (DATASET, Stored::Whole(data.add(name, len))),
            );
            vars.insert(name.to_string(), log(len));
        }
        for (name, len) in [(names::BATCH_INPUTS, m * k0), (names::BATCH_LABELS, m * c)] {
            fresh(&vars, name)?;
            vars.insert(name.into(), log(len));
        }
        let (mut virtuals, mut virtual_vars) = (BTreeMap::new(), Vec::new());
        // A tensor whose lowest variables are a layer's padded channels is stored without
        // them (`split`).
        let mut put = |name: String, len: usize, split: Option<AxisSplit>| {
            fresh(&vars, &name)?;
            vars.insert(name.clone(), log(len));
            let stored = trace.add_stored(&name, len, split);
            places.insert(name, (TRACE, stored));
            Ok::<(), Error>(())
        };
        let last = s.layers.len() - 1;
        for (i, l) in s.layers.iter().enumerate() {
            // This layer's channels, when padded ([`LayerShape::real_c`]): zero there, except
            // in a rounding remainder (the remainder of rounding zero).
            let channels = |fill: i64| {
                l.real_c.map_or(Ok(None), |c| {
                    AxisSplit::new(0, log(l.n), c, from_i128(i128::from(fill)))
                })
            };
            let real = channels(0)?;
            let rounded = |shift: u32| channels(crate::train::round_shift(0, shift).1);
            let out = self.output_len(l);
            // The gradient into this layer comes from a weighted layer above (committed), or
            // from a pool above (virtual: the pool's output gradient repeated).
            let above_is_pool = s.layers.get(i + 1).is_some_and(LayerShape::is_pool);
            // A max or window average pool's input length: the gradient it hands down.
            let input_len = || {
                i.checked_sub(1)
                    .and_then(|b| s.layers.get(b))
                    .map(|below| self.output_len(below))
                    .ok_or(Error::Internal {
                        what: "a trained pool sits above a weighted layer",
                    })
            };
            if let LayerKind::MaxPool(g) = l.kind {
                put(names::output(&l.name), out, real)?;
                // The window-layout tensors are not zero on padded channels (a tap reading
                // padding differs from the maximum by H there), so they are stored whole.
                put(names::diff(&l.name), out * g.taps_pad(), None)?;
                put(names::backprop(&l.name), out, real)?;
                virtual_vars.push((names::backprop_rem_scaled(&l.name), log(out)));
                // The backward's selection and slack in the window layout, and the gradient
                // it hands down in the input layout (the layer below's output).
                put(names::select(&l.name), out * g.taps_pad(), None)?;
                put(names::slack(&l.name), out * g.taps_pad(), None)?;
                put(names::pool_grad_in(&l.name), input_len()?, real)?;
                continue;
            }
            if let LayerKind::AvgPoolWindow(g) = l.kind {
                put(names::output(&l.name), out, real)?;
                put(names::remainder(&l.name), out, real)?;
                put(names::backprop(&l.name), out, real)?;
                virtual_vars.push((names::backprop_rem_scaled(&l.name), log(out)));
                // The gradient it hands down and its remainder, in the input layout.
                put(names::pool_grad_in(&l.name), input_len()?, real)?;
                let half = i64::try_from(g.kh * g.kw / 2).unwrap_or(0);
                put(names::pool_grad_rem(&l.name), input_len()?, channels(half)?)?;
                // The pooled gradient repeated over the window's taps (c, t, p, example, t):
                // routed to the output gradient without the tap variables.
                let lc = log(l.n);
                virtual_vars.push((names::upsampled(&l.name), log(out * g.taps_pad())));
                virtuals.insert(
                    names::upsampled(&l.name),
                    (
                        names::backprop(&l.name),
                        (lc..lc + log(g.taps_pad())).collect(),
                    ),
                );
                continue;
            }
            if let LayerKind::AvgPool { w, .. } = l.kind {
                // The output is virtual, (S − R)/4 ([`crate::blocks::pool::prove_pool_output`]),
                // range-checked whole (0 on padded channels).
                virtual_vars.push((names::output(&l.name), log(out)));
                put(names::remainder(&l.name), out, real)?;
                put(names::backprop(&l.name), out, real)?;
                virtual_vars.push((names::backprop_rem_scaled(&l.name), log(out)));
                // Its input gradient: (c, x, y, example, t) with the window bits dx, dy lowest
                // in x and y; routed to the output gradient without them.
                let lc = log(l.n);
                virtual_vars.push((names::upsampled(&l.name), log(out * 4)));
                virtuals.insert(
                    names::upsampled(&l.name),
                    (names::backprop(&l.name), vec![lc, lc + log(w)]),
                );
                continue;
            }
            put(names::weight(&l.name), t * l.k * l.n, real)?;
            put(names::bias(&l.name), t * l.n, real)?;
            // The forward remainder is virtual: defined by the layer's relation from committed
            // tensors, range-checked whole and scaled (padded channels hold 0), its one lookup
            // claim proven by the forward block ([`crate::blocks::dense_iter`]).
            virtual_vars.push((names::remainder_scaled(&l.name), log(out)));
            let e = self.extra_bits(i);
            let weight_fill = rounded(self.weight_shift() + e)?;
            put(names::weight_rem(&l.name), t * l.k * l.n, weight_fill)?;
            put(
                names::bias_rem(&l.name),
                t * l.n,
                rounded(self.bias_shift() + e)?,
            )?;
            if i == last {
                put(names::LOGITS.into(), out, real)?;
                put(names::GRADIENT.into(), out, real)?;
            } else {
                // The output gradient M ⊙ dA, Pos and Neg are virtual
                // ([`crate::blocks::relu_train`]).
                put(names::relu_abs(&l.name), out, real)?;
                if !above_is_pool {
                    put(names::backprop(&l.name), out, real)?;
                    virtual_vars.push((names::backprop_rem_scaled(&l.name), log(out)));
                }
                put(names::mask(&l.name), out, real)?;
            }
        }
        if let Some(shape) = self.softmax_shape() {
            // The logits are the last layer's output, placed with it.
            for (name, len) in shape.tensor_lens().skip(1) {
                put(names::softmax(name), len, None)?;
            }
            put(names::EXP_MULT.into(), 64, None)?;
        }
        put(names::RANGE_MULT.into(), 1 << self.config.bits, None)?;
        for (name, v) in virtual_vars {
            fresh(&vars, &name)?;
            vars.insert(name, v);
        }
        // A hidden layer's output gradient, Pos and Neg are virtual: their claims are taken by
        // name from the routed list and proven on |Y|, M and dA by the layer's ReLU block, so
        // no tensor may carry their names.
        for (i, l) in s.layers.iter().enumerate() {
            // Every ReLU layer needs its ReLU block, which alone proves M Boolean.
            if l.relu != self.has_relu_derivative(i) {
                return Err(Error::Internal {
                    what: "every ReLU layer, and only those, has its mask proven Boolean",
                });
            }
            if self.has_relu_derivative(i) {
                for name in [names::grad, names::pos, names::neg] {
                    fresh(&vars, &name(&l.name))?;
                }
            }
        }
        let data = data.build();
        // The trace's mask rows follow the largest vector opened beside it.
        let trace = trace.build_trace(model_layout.num_vars.max(data.num_vars));
        let layouts = vec![model_layout.clone(), model_layout, data, trace];

        let mut range = RangeColumns::new(self.config.bits);
        range.signed(names::INPUTS);
        // Labels are Boolean.
        range.below(names::LABELS, 2);
        // The remainder R of the gradient back-propagated into layer i, in [0, 2^sh) for
        // sh = s + e (e the extra bits of the weighted layer above that produced it), is
        // virtual: one unsigned column reads 2^(b − sh)·R whole. On padded channels the
        // handed-down gradient is the public 0, so R = X + 2^(sh − 1) there (2^(sh − 1) in an
        // honest trace); the column bounds that product X, which nothing reads, to
        // |X| < 2^(sh − 1) rather than fixing it at 0. As for the forward remainder, the
        // back-propagation relation makes R an integer of magnitude below 2^(2b + 40) given
        // its operands' columns and M Boolean, so the scaled column bounds the integer R
        // exactly.
        let backprop_rem = |range: &mut RangeColumns, i: usize, l: &LayerShape| {
            self.backprop_remainder_to_table(i)?;
            range.unsigned(names::backprop_rem_scaled(&l.name));
            Ok::<(), Error>(())
        };
        for (i, l) in s.layers.iter().enumerate() {
            if let LayerKind::MaxPool(_) = l.kind {
                range.signed(names::output(&l.name));
                range.unsigned(names::diff(&l.name));
                range.unsigned(names::slack(&l.name));
                range.signed(names::backprop(&l.name));
                backprop_rem(&mut range, i, l)?;
                continue;
            }
            if let LayerKind::AvgPoolWindow(g) = l.kind {
                let k = i64::try_from(g.kh * g.kw).unwrap_or(i64::MAX);
                range.signed(names::output(&l.name));
                range.below(names::remainder(&l.name), k);
                range.signed(names::backprop(&l.name));
                backprop_rem(&mut range, i, l)?;
                range.signed(names::pool_grad_in(&l.name));
                range.below(names::pool_grad_rem(&l.name), k);
                continue;
            }
            if let LayerKind::AvgPool { .. } = l.kind {
                range.unsigned(names::output(&l.name));
                range.below(names::remainder(&l.name), 4);
                range.signed(names::backprop(&l.name));
                backprop_rem(&mut range, i, l)?;
                continue;
            }
            for tensor in [names::weight(&l.name), names::bias(&l.name)] {
                range.signed(names::last(&tensor));
                range.signed(tensor);
            }
            let e = self.extra_bits(i);
            // R ∈ [0, 2^s) as 2^(b − s)·R ∈ [0, 2^b): one column, not R and R + 2^b − 2^s. A
            // scaled column alone would admit R = v/2^(b − s) for v not a multiple; but R is
            // the relation's P − 2^s·(Pos − Neg), an integer of magnitude below 2^(2b + 24)
            // given the other columns and M Boolean, so 2^(b − s)·R does not wrap and the
            // column bounds the integer R exactly.
            range.unsigned(names::remainder_scaled(&l.name));
            range.below(
                names::weight_rem(&l.name),
                1i64 << (self.weight_shift() + e),
            );
            range.below(names::bias_rem(&l.name), 1i64 << (self.bias_shift() + e));
            if i == last {
                range.signed(names::LOGITS);
            } else {
                // |Y| ∈ [0, 2^b) bounds Pos and Neg as the trainer does; |Y| − M ≥ 0,
                // checked without committing it, makes M exactly [Y > 0] for Boolean M
                // ([`crate::blocks::relu_train`]).
                range.unsigned(names::relu_abs(&l.name));
                range.difference(names::relu_abs(&l.name), names::mask(&l.name));
                if places.contains_key(&names::backprop(&l.name)) {
                    range.signed(names::backprop(&l.name));
                    backprop_rem(&mut range, i, l)?;
                }
            }
        }
        if self.softmax_shape().is_some() {
            softmax_ranges(&mut range, self.config.scale, names::softmax);
        }
        let (range_columns, blocks) =
            split_range_columns(range.into_columns()?, &places, &mut vars, self.config.bits)?;
        Ok(TrainPlan {
            layouts,
            places,
            vars,
            virtuals,
            range_columns,
            blocks,
        })
    }
}

/// The range columns with every tensor stored without its padded channels replaced by one
/// column per block (a difference's subtrahend split the same way), and the blocks' places.
/// The padded entries are the public fill, not the prover's: each column's fill (less the
/// subtrahend's) plus its offset must lie in the table, checked here once.
fn split_range_columns(
    columns: Vec<RangeColumn>,
    places: &BTreeMap<String, (usize, Stored)>,
    vars: &mut BTreeMap<String, usize>,
    bits: u32,
) -> Result<(Vec<RangeColumn>, BlockPlaces), Error> {
    let split_of = |name: &str| match places.get(name) {
        Some((vector, Stored::Split { split, blocks })) => Some((*vector, *split, blocks)),
        _ => None,
    };
    let mut out = Vec::with_capacity(columns.len());
    let mut places_of_blocks = BTreeMap::new();
    for c in columns {
        let Some((vector, split, ids)) = split_of(&c.tensor) else {
            if c.minus.as_deref().and_then(split_of).is_some() {
                return Err(Error::Internal {
                    what: "a range-checked difference's operands are stored alike",
                });
            }
            out.push(c);
            continue;
        };
        let minus = c.minus.as_deref().map(|m| split_of(m).map(|s| (m, s)));
        let fill_less = match &minus {
            None => split.fill,
            Some(Some((m, (_, other, _))))
                if (other.low, other.axis_vars, other.real)
                    == (split.low, split.axis_vars, split.real)
                    && vars.get(*m) == vars.get(&c.tensor) =>
            {
                split.fill - other.fill
            }
            Some(_) => {
                return Err(Error::Internal {
                    what: "a range-checked difference's operands are stored alike",
                });
            }
        };
        let padded = fill_less + from_i128(i128::from(c.offset));
        if crate::field::encoding::to_i128(&padded, bits + 1)
            .map_or(true, |v| !(0..1i128 << bits).contains(&v))
        {
            return Err(Error::Internal {
                what: "a split tensor's padding lies in its range column's table",
            });
        }
        let tensor_vars = vars
            .get(&c.tensor)
            .copied()
            .ok_or_else(|| Error::MissingTensor {
                name: c.tensor.clone(),
            })?;
        let lens = split.block_lens(tensor_vars);
        for (k, (block, len)) in split.blocks().into_iter().zip(lens).enumerate() {
            let mut place = |tensor: &str, vector: usize, ids: &[TensorId]| {
                let name = block_name(tensor, block);
                let id = ids.get(k).copied().ok_or(Error::Internal {
                    what: "a split tensor has a segment per block",
                })?;
                // Claims are routed by name: a tensor of that name would share them.
                if !places_of_blocks.contains_key(&name) && vars.contains_key(&name) {
                    return Err(Error::TensorNameCollision { name });
                }
                vars.insert(name.clone(), log(len));
                places_of_blocks.insert(name.clone(), (vector, id));
                Ok::<String, Error>(name)
            };
            let tensor = place(&c.tensor, vector, ids)?;
            let minus = match &minus {
                Some(Some((m, (mv, _, mids)))) => Some(place(m, *mv, mids)?),
                _ => None,
            };
            out.push(RangeColumn {
                tensor,
                minus,
                offset: c.offset,
            });
        }
    }
    Ok((out, places_of_blocks))
}

impl TrainPlan {
    /// A claim's point on `name` has the tensor's number of variables.
    pub(super) fn check_point<F>(&self, name: &str, point: &[F]) -> Result<(), Error> {
        let want = self.vars_of(name)?;
        if point.len() != want {
            return Err(Error::ProofShape {
                what: "claim point",
                expected: want,
                actual: point.len(),
            });
        }
        Ok(())
    }

    pub(crate) fn vars_of(&self, name: &str) -> Result<usize, Error> {
        self.vars
            .get(name)
            .copied()
            .ok_or_else(|| Error::MissingTensor {
                name: name.to_string(),
            })
    }

    /// The range statement (b-bit) and, for cross-entropy, the exponent chunks' lookup
    /// (paired columns (d_k + 16k, U_k)).
    pub(crate) fn lookup_statements(
        &self,
        arch: &TrainArchitecture,
    ) -> Result<Vec<LookupStatement>, Error> {
        let mut out = vec![range_statement(
            arch.config.bits,
            &self.range_columns,
            |n| self.vars_of(n),
        )?];
        if arch.softmax_shape().is_some() {
            out.push(softmax_lookup(arch.config.scale, |n| {
                self.vars_of(&names::softmax(n))
            })?);
        }
        Ok(out)
    }

    /// The multiplicity tensor of lookup `i` (in [`Self::lookup_statements`] order).
    pub(crate) fn multiplicity_name(i: usize) -> String {
        match i {
            0 => names::RANGE_MULT.to_string(),
            _ => names::EXP_MULT.to_string(),
        }
    }

    pub(crate) fn vector_vars(&self) -> Vec<usize> {
        self.layouts.iter().map(|l| l.num_vars).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::names;
    use crate::error::Error;
    use crate::proof::bounds::RangeColumn;
    use crate::proof::model::ModelShape;
    use crate::proof::train::TrainArchitecture;
    use crate::train::{TrainConfig, initial_model};

    /// The ReLU mask's bound |Y| − M ≥ 0 (what makes M exactly [Pos > 0], see
    /// [`crate::blocks::relu_train`]) is one range column over the difference of the two
    /// committed tensors, and no tensor of the trace holds the difference; |Y| is range-checked
    /// too, and neither Pos nor Neg is in the trace or the range lookup.
    #[test]
    fn every_relu_mask_is_bounded_by_a_difference_column() {
        let arch = fixture_mlp();
        let plan = arch.plan().unwrap();
        let hidden: Vec<_> = arch.layers().iter().filter(|l| l.relu).collect();
        assert_eq!(hidden.len(), 2);
        for l in hidden {
            let abs = names::relu_abs(&l.name);
            for column in [
                RangeColumn {
                    tensor: abs.clone(),
                    minus: Some(names::mask(&l.name)),
                    offset: 0,
                },
                RangeColumn {
                    tensor: abs.clone(),
                    minus: None,
                    offset: 0,
                },
            ] {
                assert_eq!(
                    plan.range_columns.iter().filter(|c| **c == column).count(),
                    1,
                    "{}",
                    l.name
                );
            }
            for virtual_tensor in [names::pos(&l.name), names::neg(&l.name)] {
                assert!(!plan.places.contains_key(&virtual_tensor));
                assert!(
                    plan.range_columns
                        .iter()
                        .all(|c| c.tensor != virtual_tensor)
                );
            }
        }
        let differences = plan.range_columns.iter().filter(|c| c.minus.is_some());
        assert_eq!(differences.count(), 2);
        assert!(plan.places.keys().all(|n| !n.contains("relu_mask_gap")));
    }

    /// A weighted layer's forward remainder is never committed: one range column reads it
    /// scaled to the table (2^(b − s)·R, no twin with an offset), and no column or place names
    /// R itself — its one lookup claim is the forward block's to prove.
    #[test]
    fn every_forward_remainder_is_virtual_and_checked_once_scaled() {
        let arch = fixture_mlp();
        let plan = arch.plan().unwrap();
        for i in arch.weighted() {
            let l = &arch.layers()[i];
            let (r, scaled) = (names::remainder(&l.name), names::remainder_scaled(&l.name));
            assert!(!plan.places.contains_key(&r) && !plan.places.contains_key(&scaled));
            let on = |t: &str| plan.range_columns.iter().filter(|c| c.tensor == t).count();
            assert_eq!((on(&r), on(&scaled)), (0, 1), "{}", l.name);
            let column = plan.range_columns.iter().find(|c| c.tensor == scaled);
            assert!(column.is_some_and(|c| c.offset == 0 && c.minus.is_none()));
            let f = arch.forward_shape(l);
            assert_eq!(1 << plan.vars_of(&scaled).unwrap(), f.m * f.n * f.t);
        }
    }

    /// The remainder of every gradient handed down to a layer is never committed either: one
    /// range column reads it whole, scaled to the table by 2^(b − sh) for its shift sh, no
    /// twin — on the MLP (dense back-propagation) and the CNN (into each pool's output, by a
    /// convolution and by the dense head) — and every operand of the relation that defines it
    /// is bounded: the weights, the handed-down gradient, and the gradient it starts from
    /// (the loss gradient, or a hidden layer's M ⊙ dA with dA checked and M proven Boolean).
    #[test]
    fn every_backprop_remainder_is_virtual_and_checked_once_scaled() {
        let mlp = fixture_mlp();
        for (arch, handed) in [(mlp, 2), (fixture_cnn(), 2)] {
            let plan = arch.plan().unwrap();
            let bounded = |t: &str| has_range_column(&plan, t);
            let mut seen = 0;
            for i in arch.weighted() {
                let Some(d) = arch.handed_to(i) else {
                    continue;
                };
                seen += 1;
                let below = &arch.layers()[d].name;
                let scaled = names::backprop_rem_scaled(below);
                assert!(!plan.places.contains_key(&scaled), "{below}");
                assert!(
                    plan.places
                        .keys()
                        .all(|t| !t.starts_with(&format!("{below}.backprop.remainder")))
                );
                let on: Vec<_> = plan
                    .range_columns
                    .iter()
                    .filter(|c| c.tensor == scaled)
                    .collect();
                assert!(
                    matches!(on.as_slice(), [c] if c.offset == 0 && c.minus.is_none()),
                    "{below}: one unsigned column"
                );
                let factor = arch.backprop_remainder_to_table(d).unwrap();
                let sh = arch.backprop_shift(d);
                assert_eq!(factor, ark_bn254::Fr::from(1u64 << (arch.config.bits - sh)));
                assert_eq!(plan.vars_of(&scaled), plan.vars_of(&names::backprop(below)));
                let l = &arch.layers()[i];
                // A hidden layer's gradient is M ⊙ dA, M proven Boolean by its ReLU block.
                let grad = if arch.has_relu_derivative(i) {
                    arch.grad_in_of(i).unwrap()
                } else {
                    names::GRADIENT.to_string()
                };
                let grad_bounded = bounded(&grad)
                    || grad == names::GRADIENT
                    || plan.virtuals.get(&grad).is_some_and(|(t, _)| bounded(t));
                assert!(grad_bounded, "{}: {grad} has no range column", l.name);
                for t in [names::weight(&l.name), names::backprop(below)] {
                    assert!(bounded(&t), "{}: {t} has no range column", l.name);
                }
            }
            assert_eq!(seen, handed);
        }
    }

    /// The MLP 64-32-16-10 at T = 4 on 64 examples.
    fn fixture_mlp() -> TrainArchitecture {
        let cfg = TrainConfig::digits_mlp(4);
        let q = initial_model(&[64, 32, 16, 10], cfg.scale, cfg.bits, 7).unwrap();
        TrainArchitecture::new(ModelShape::from(&q), cfg, 64).unwrap()
    }

    /// Whether a range column reads tensor `t`, whole or block by block.
    fn has_range_column(plan: &super::TrainPlan, t: &str) -> bool {
        let block = format!("{t}[");
        plan.range_columns
            .iter()
            .any(|c| c.tensor == t || c.tensor.starts_with(&block))
    }

    /// The PyTorch CNN fixture (convolutions of 6 and 12 channels, padded to 8 and 16) at
    /// batch 8, T = 4.
    fn fixture_cnn() -> TrainArchitecture {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/pytorch/cnn.onnx");
        let model = crate::graph::onnx::import_path(&path).unwrap();
        let cfg = TrainConfig {
            batch: 8,
            ..TrainConfig::digits_mlp(4)
        };
        let q = crate::graph::quant::QuantizedModel::quantize(&model, cfg.scale, cfg.bits).unwrap();
        TrainArchitecture::new(ModelShape::from(&q), cfg, 64).unwrap()
    }

    /// The scaled column bounds a forward remainder only because the relation makes R an
    /// integer: every operand of each weighted layer's forward relation must be bounded by a
    /// range column (its own, its blocks', or — for the virtual Pos of the layer below — |Y|'s)
    /// and every ReLU mask proven Boolean. Guards that dependency on the MLP and the CNN.
    #[test]
    fn every_forward_operand_is_bounded() {
        let mlp = fixture_mlp();
        for arch in [mlp, fixture_cnn()] {
            let plan = arch.plan().unwrap();
            let bounded = |t: &str| has_range_column(&plan, t);
            let by_layer: std::collections::BTreeMap<String, &crate::proof::model::LayerShape> =
                arch.layers()
                    .iter()
                    .map(|l| (names::pos(&l.name), l))
                    .collect();
            for i in arch.weighted() {
                let l = &arch.layers()[i];
                let input = match arch.input_of(i) {
                    b if b == names::BATCH_INPUTS => names::INPUTS.to_string(),
                    p => by_layer
                        .get(&p)
                        .map_or(p, |below| names::relu_abs(&below.name)),
                };
                let mut operands = vec![input, names::weight(&l.name), names::bias(&l.name)];
                if l.relu {
                    operands.push(names::relu_abs(&l.name));
                    assert!(arch.has_relu_derivative(i), "{} mask Boolean", l.name);
                } else {
                    operands.push(names::LOGITS.into());
                }
                for t in operands {
                    assert!(bounded(&t), "{}: {t} has no range column", l.name);
                }
            }
        }
    }

    /// A tensor stored without its padded channels is range-checked block by block: no column
    /// reads a split tensor, every block of one has its columns (a difference's subtrahend
    /// split alike), and the blocks are placed where the tensor's blocks are.
    #[test]
    fn split_tensors_are_range_checked_block_by_block() {
        use crate::pcs::layout::Stored;
        let arch = fixture_cnn();
        let plan = arch.plan().unwrap();
        let split: Vec<&String> = plan
            .places
            .iter()
            .filter(|(_, (_, s))| matches!(s, Stored::Split { .. }))
            .map(|(n, _)| n)
            .collect();
        assert!(!split.is_empty());
        for c in &plan.range_columns {
            for t in c.tensors() {
                assert!(!split.contains(&t), "{t}");
            }
        }
        let pos = plan
            .range_columns
            .iter()
            .filter(|c| c.minus.as_deref().is_some_and(|m| m.contains("relu_mask[")))
            .count();
        assert!(pos >= 2, "{:?}", plan.range_columns);
    }

    /// Every exponent chunk is confined to [0, 16) by its own two range columns, beside the
    /// combined ExpChunks lookup that alone would let chunk k read chunk k ± 1's entries.
    #[test]
    fn every_softmax_chunk_is_range_checked_to_16() {
        let cfg = TrainConfig::digits_mlp(4);
        let q = initial_model(&[64, 32, 10], cfg.scale, cfg.bits, 7).unwrap();
        let arch = TrainArchitecture::new(ModelShape::from(&q), cfg, 64).unwrap();
        let plan = arch.plan().unwrap();
        for k in 0..4 {
            let chunk = names::softmax(&format!("chunk{k}"));
            for offset in [0, (1i64 << cfg.bits) - 16] {
                assert!(
                    plan.range_columns.contains(&RangeColumn {
                        tensor: chunk.clone(),
                        minus: None,
                        offset
                    }),
                    "{chunk} at offset {offset}"
                );
            }
        }
        // Cross-entropy's fixed-point softmax needs scale ≥ 4: 3 is refused.
        let low = TrainConfig { scale: 3, ..cfg };
        let q = initial_model(&[64, 32, 10], 3, cfg.bits, 7).unwrap();
        assert!(matches!(
            TrainArchitecture::new(ModelShape::from(&q), low, 64),
            Err(Error::BlockShape {
                block: "training architecture",
                ..
            })
        ));
    }

    /// Layer names are not part of the architecture id and claims are routed by name: names
    /// that make two tensors share one (`initial.a`'s weight stack is the initial model's
    /// `a` weights) would let a claim land on the wrong tensor and leave another unbound, so
    /// they are refused.
    #[test]
    fn layer_names_that_collide_in_the_plan_are_refused() {
        let cfg = TrainConfig::digits_mlp(1);
        let q = initial_model(&[32, 32, 32, 10], cfg.scale, cfg.bits, 7).unwrap();
        let shape = ModelShape::from(&q);
        assert!(TrainArchitecture::new(shape.clone(), cfg, 64).is_ok());
        for (a, b, shared) in [
            ("a", "initial.a", "initial.a.weight"),
            ("a", "final.a", "final.a.weight"),
        ] {
            let mut renamed = shape.clone();
            renamed.layers[0].name = a.into();
            renamed.layers[1].name = b.into();
            assert_eq!(
                TrainArchitecture::new(renamed, cfg, 64).map(|_| ()),
                Err(Error::TensorNameCollision {
                    name: shared.into()
                }),
                "{a} / {b}"
            );
        }
        // Virtual tensors are named too: `x.backprop`'s scaled forward remainder and the scaled
        // remainder of the gradient handed to `x` share a name, and their claims would mix.
        let mut renamed = shape.clone();
        renamed.layers[0].name = "x".into();
        renamed.layers[1].name = "x.backprop".into();
        assert_eq!(
            TrainArchitecture::new(renamed, cfg, 64).map(|_| ()),
            Err(Error::TensorNameCollision {
                name: "x.backprop.remainder.scaled".into()
            })
        );
    }
}
