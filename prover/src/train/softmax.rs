//! Fixed-point softmax with exact integer semantics, built from pieces a proof can check:
//! exponentials from 4-bit chunk tables multiplied with floor rescales, and a floor division
//! with a range-checked remainder (DESIGN §8–9).
//!
//! For logits L at scale 2^s and a row maximum m, d_j = m − L_j ≥ 0 is split into 4-bit chunks
//! d = Σ_c d_c·16^c; e^{−d/2^s} = Π_c T_c[d_c] with T_c[v] = round(e^{−v·16^c/2^s}·2^s),
//! multiplied left to right with ⌊·/2^s⌋ after each product. Then p_j = ⌊e_j·2^s / Σ_k e_k⌋.
//! The maximum's own entry is exactly 2^s, so Σ e ≥ 2^s > 0.

/// Number of 4-bit chunks the exponent's argument is split into (d < 2^(4·CHUNKS)).
pub const CHUNKS: usize = 4;

/// The chunk tables for scale 2^s: `tables[c][v] = round(e^{−v·16^c / 2^s} · 2^s)`.
/// The same entries as the lookup tables `Table::ExpChunks { chunks: 4, scale }` (entries 16·c + v) the training
/// proof reads them from.
pub fn chunk_tables(scale: u32) -> [[i64; 16]; CHUNKS] {
    let mut t = [[0i64; 16]; CHUNKS];
    for (c, row) in t.iter_mut().enumerate() {
        for (v, e) in row.iter_mut().enumerate() {
            *e = crate::lookup::exp_chunk(c as u32, v as i64, scale);
        }
    }
    t
}

/// e^{−d/2^s} at fixed point from the chunk tables (d clamped to the chunks' range, where the
/// value is 0 at any useful scale).
pub fn exp_neg(d: i64, scale: u32, tables: &[[i64; 16]; CHUNKS]) -> i64 {
    let max = (1i64 << (4 * CHUNKS)) - 1;
    let d = d.clamp(0, max);
    let mut acc = tables[0][(d & 15) as usize];
    for (c, table) in tables.iter().enumerate().skip(1) {
        let chunk = ((d >> (4 * c)) & 15) as usize;
        acc = (acc * table[chunk]) >> scale;
    }
    acc
}

/// Softmax of one row of logits at scale 2^s, as integers at scale 2^s, over the first `real`
/// entries (the classes; the rest pad the row, take no part and get 0).
pub fn softmax_row(
    logits: &[i64],
    real: usize,
    scale: u32,
    tables: &[[i64; 16]; CHUNKS],
) -> Vec<i64> {
    let m = logits.iter().take(real).copied().max().unwrap_or(0);
    let e: Vec<i64> = logits
        .iter()
        .enumerate()
        .map(|(j, l)| {
            if j < real {
                exp_neg(m - l, scale, tables)
            } else {
                0
            }
        })
        .collect();
    let sum: i64 = e.iter().sum::<i64>().max(1);
    e.iter().map(|v| (v << scale) / sum).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_to_float_softmax() {
        let s = 8;
        let t = chunk_tables(s);
        assert_eq!(exp_neg(0, s, &t), 256);
        let logits = [300i64, -100, 50, 512, 0];
        let p = softmax_row(&logits, logits.len(), s, &t);
        let f: Vec<f64> = logits.iter().map(|l| (*l as f64 / 256.0).exp()).collect();
        let total: f64 = f.iter().sum();
        for (q, x) in p.iter().zip(&f) {
            assert!((*q as f64 / 256.0 - x / total).abs() < 0.02, "{p:?}");
        }
        assert!(p.iter().sum::<i64>() <= 256);
    }
}
