//! Renders the Solidity verifier of one architecture from the template
//! `wrapper/templates/Verifier.sol.tmpl`, a Groth16 verifying key and the SRS. Generated files
//! live under `contracts/src/generated/` and are never edited by hand.

use crate::error::Error;
use crate::groth16::KeyOrigin;
use ark_bn254::{Bn254, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_groth16::VerifyingKey;
use std::fmt::Write;
use zkmodel_prover::field::encoding::{g1_to_words, g2_to_words};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::info::ArchitectureInfo;

const TEMPLATE: &str = include_str!("../templates/Verifier.sol.tmpl");

pub use crate::circuit::FIXED_PUBLIC_INPUTS;

/// Everything a verifier is rendered from.
pub struct VerifierSpec<'a> {
    /// Contract name.
    pub name: &'a str,
    /// Human description of the architecture (for NatSpec).
    pub description: &'a str,
    /// What the architecture reports on chain (id, shape, kind, roles, public layout): derived
    /// from the architecture, never written by hand.
    pub info: ArchitectureInfo,
    /// Groth16 verifying key.
    pub vk: &'a VerifyingKey<Bn254>,
    /// Provenance of the Groth16 keys (printed in the header and reported by `info()`).
    pub key_origin: &'a KeyOrigin,
    /// The SRS ([τ]₂ and [τ^b]₂ are baked in).
    pub srs: &'a Srs,
    /// The architecture's opening row width b ([`Statement::opening_row`]).
    ///
    /// [`Statement::opening_row`]: zkmodel_prover::proof::statement::Statement::opening_row
    pub opening_row: usize,
}

fn hex(w: &[u8; 32]) -> String {
    let mut s = String::from("0x");
    for b in w {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn g2_consts(out: &mut String, name: &str, p: &G2Affine) {
    let [x1, x0, y1, y0] = g2_to_words(p);
    for (suffix, w) in [("X1", x1), ("X0", x0), ("Y1", y1), ("Y0", y0)] {
        let _ = writeln!(
            out,
            "    uint256 internal constant {name}_{suffix} = {};",
            hex(&w)
        );
    }
}

fn g1_consts(out: &mut String, name: &str, p: &G1Affine) {
    let [x, y] = g1_to_words(p);
    let _ = writeln!(out, "    uint256 internal constant {name}_X = {};", hex(&x));
    let _ = writeln!(out, "    uint256 internal constant {name}_Y = {};", hex(&y));
}

/// A Solidity string literal's content: printable ASCII without quotes or backslashes, so the
/// literal is the exact bytes the architecture id hashes.
fn solidity_string(what: &'static str, s: &str) -> Result<String, Error> {
    match s
        .chars()
        .find(|c| (!c.is_ascii_graphic() && *c != ' ') || *c == '"' || *c == '\\')
    {
        Some(c) => Err(Error::Format {
            what,
            reason: format!("character {c:?} cannot be rendered in a Solidity string literal"),
        }),
        None => Ok(s.to_string()),
    }
}

/// Renders the verifier contract.
pub fn render(spec: &VerifierSpec<'_>) -> Result<String, Error> {
    let info = &spec.info;
    let num_public = info.public_len;
    let expected_ic = FIXED_PUBLIC_INPUTS + num_public + 1;
    if spec.vk.gamma_abc_g1.len() != expected_ic {
        return Err(Error::Format {
            what: "verifying key",
            reason: format!(
                "{} IC points for {} public inputs",
                spec.vk.gamma_abc_g1.len(),
                expected_ic - 1
            ),
        });
    }
    if spec.vk.gamma_g2 != G2Affine::generator() {
        return Err(Error::Format {
            what: "verifying key",
            reason: "[γ]₂ is not the G2 generator: the verifier shares that pairing with the \
                     opening's. snarkjs phase-2 keys and zkmodel's development keys have it; \
                     regenerate the keys"
                .into(),
        });
    }
    let mut g2 = String::new();
    g2_consts(&mut g2, "BETA", &spec.vk.beta_g2);
    g2_consts(&mut g2, "DELTA", &spec.vk.delta_g2);
    g2.push_str("    // [γ]₂ = [1]₂, the G2 generator: the pairing Groth16's public inputs share with the opening.\n");
    g2_consts(&mut g2, "G2", &G2Affine::generator());
    g2.push_str("    // Opening: [τ]₂ and [τ^b]₂ of the SRS (b the opening's row width).\n");
    g2_consts(&mut g2, "TAU", &spec.srs.tau_g2);
    let tau_b = spec.srs.tau_power_g2(spec.opening_row)?;
    g2_consts(&mut g2, "TAU_B", &tau_b);
    let mut ic = String::new();
    for (i, p) in spec.vk.gamma_abc_g1.iter().enumerate() {
        g1_consts(&mut ic, &format!("IC{i}"), p);
    }
    let mut terms = String::new();
    for j in 0..num_public {
        let i = FIXED_PUBLIC_INPUTS + 1 + j;
        let _ = writeln!(
            terms,
            "        BN254.mulAddTo(acc, IC{i}_X, IC{i}_Y, publicValues[{j}]);"
        );
    }
    let mut role_doc = String::new();
    let mut role_codes = String::new();
    for (i, r) in info.roles.iter().enumerate() {
        let _ = writeln!(role_doc, "///         [{i}] {r}: {}.", r.pinned_by());
        let _ = writeln!(role_codes, "        roles[{i}] = {}; // {r}", r.code());
    }
    let arch_description = solidity_string("architecture description", &info.description)?;
    let transcript = solidity_string("transcript id", info.transcript)?;
    let [ax, ay] = g1_to_words(&spec.vk.alpha_g1);
    let b = |v: bool| if v { "true" } else { "false" }.to_string();
    let substitutions: Vec<(&str, String)> = vec![
        ("NAME", spec.name.to_string()),
        ("DESCRIPTION", spec.description.to_string()),
        ("KEY_ORIGIN", spec.key_origin.header_lines().join("\n// ")),
        ("KEY_CEREMONY", b(spec.key_origin.ceremony().is_some())),
        ("KEY_DIGEST", hex(&spec.key_origin.digest())),
        ("SRS_ORIGIN", spec.srs.origin.to_string()),
        ("ARCHITECTURE", hex(&info.id)),
        ("MODEL_SHAPE", hex(&info.model_shape)),
        ("KIND", info.kind.code().to_string()),
        ("KIND_NAME", info.kind.to_string()),
        ("DEVELOPMENT_KEYS", b(spec.key_origin.is_development())),
        ("DEVELOPMENT_SRS", b(info.development_srs)),
        ("PUBLIC_INPUT_WORDS", info.public_input_words.to_string()),
        ("ROWS", info.rows.to_string()),
        ("SRS_ID", hex(&info.srs_id)),
        ("ARCH_DESCRIPTION", arch_description),
        ("TRANSCRIPT", transcript),
        ("NUM_COMMITMENTS", info.roles.len().to_string()),
        ("ROLE_DOC", role_doc.trim_end().to_string()),
        ("ROLE_CODES", role_codes.trim_end().to_string()),
        ("NUM_PUBLIC", num_public.to_string()),
        ("OPENING_ROW", spec.opening_row.to_string()),
        ("ALPHA_X", hex(&ax)),
        ("ALPHA_Y", hex(&ay)),
        ("G2_CONSTANTS", g2.trim_end().to_string()),
        ("IC_CONSTANTS", ic.trim_end().to_string()),
        ("IC_PUBLIC_TERMS", terms.trim_end().to_string()),
        (
            "PUBLIC_VALUES_PARAM",
            if num_public > 0 {
                "publicValues"
            } else {
                "/* publicValues: none */"
            }
            .to_string(),
        ),
    ];
    fill(TEMPLATE, &substitutions)
}

/// Substitutes every `{{KEY}}` of `template` in one pass: substituted text (names from a
/// ceremony or a model) is never scanned again, so it cannot expand into code. An unknown key
/// is an error.
fn fill(template: &str, substitutions: &[(&str, String)]) -> Result<String, Error> {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or_else(|| Error::Format {
            what: "verifier template",
            reason: "an unterminated placeholder".into(),
        })?;
        let key = &after[..end];
        let value = substitutions
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
            .ok_or_else(|| Error::Format {
                what: "verifier template",
                reason: format!("no value for {{{{{key}}}}}"),
            })?;
        out.push_str(value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A contribution or layer name that spells a placeholder stays text: the template is
    /// filled in one pass.
    #[test]
    fn substituted_text_is_never_expanded() {
        let subs = [("X", "{{Y}}".to_string()), ("Y", "y".to_string())];
        assert_eq!(
            fill("a {{X}} b {{Y}}", &subs),
            Ok("a {{Y}} b y".to_string())
        );
        assert!(matches!(fill("{{Z}}", &subs), Err(Error::Format { .. })));
        assert!(matches!(fill("{{X", &subs), Err(Error::Format { .. })));
    }
}
