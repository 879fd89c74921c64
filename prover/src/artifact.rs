//! Binary artifact files: commitments, openings, proofs (and, in the wrapper, wrapped proofs).
//!
//! Layout: the header line `zkmodel/<kind>/v<version>\n`, then the content in arkworks'
//! compressed canonical encoding ([`crate::codec`]). Reading checks the kind and version,
//! validates every point and field element, and refuses trailing bytes, so a truncated,
//! corrupt, foreign or future file is one clear error naming the file and what is wrong.
//!
//! Writing goes through a temporary file in the same directory, synced and renamed into
//! place: a crash never leaves a half-written artifact under the final name. Secret artifacts
//! (a model's opening) are created with mode 0600 and never replace an existing file.

use crate::error::Error;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use std::io::Write;
use std::path::Path;

/// One artifact kind: its name in the header and the version this build writes and reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    /// The kind's name (`model-commitment`, `model-proof`, …).
    pub name: &'static str,
    /// The content version.
    pub version: u32,
    /// What a person calls it in messages.
    pub what: &'static str,
}

impl Kind {
    /// The header line.
    pub fn header(&self) -> String {
        format!("zkmodel/{}/v{}\n", self.name, self.version)
    }
}

/// A committed model's public record (model commitment file).
pub const MODEL_COMMITMENT: Kind = Kind {
    name: "model-commitment",
    version: 2,
    what: "model commitment file",
};
/// A committed model's secret opening (weights and mask randomness).
pub const MODEL_OPENING: Kind = Kind {
    name: "model-opening",
    version: 1,
    what: "model opening file (secret)",
};
/// A test set's or a data vector's public commitment.
pub const DATA_COMMITMENT: Kind = Kind {
    name: "data-commitment",
    version: 1,
    what: "data commitment file",
};
/// A native inference or accuracy proof with its statement.
pub const MODEL_PROOF: Kind = Kind {
    name: "model-proof",
    version: 12,
    what: "model proof file",
};
/// A native training proof with its statement.
pub const TRAINING_PROOF: Kind = Kind {
    name: "training-proof",
    version: 15,
    what: "training proof file",
};

/// The header of an artifact's bytes, if they start with one: (kind name, version).
pub fn sniff(bytes: &[u8]) -> Option<(String, u32)> {
    let line_end = bytes.iter().take(64).position(|b| *b == b'\n')?;
    let line = std::str::from_utf8(bytes.get(..line_end)?).ok()?;
    let rest = line.strip_prefix("zkmodel/")?;
    let (name, version) = rest.rsplit_once("/v")?;
    Some((name.to_string(), version.parse().ok()?))
}

fn format(kind: Kind, reason: impl Into<String>) -> Error {
    Error::Format {
        what: kind.what,
        reason: reason.into(),
    }
}

/// Encodes `content` as a `kind` artifact.
pub fn to_bytes(kind: Kind, content: &impl CanonicalSerialize) -> Result<Vec<u8>, Error> {
    let mut out = kind.header().into_bytes();
    content
        .serialize_compressed(&mut out)
        .map_err(|e| format(kind, format!("encoding failed: {e}")))?;
    Ok(out)
}

/// Decodes a `kind` artifact, validating everything (see the module doc).
pub fn from_bytes<T: CanonicalDeserialize>(kind: Kind, bytes: &[u8]) -> Result<T, Error> {
    let Some(mut rest) = bytes.strip_prefix(kind.header().as_bytes()) else {
        return Err(format(
            kind,
            match sniff(bytes) {
                Some((name, version)) if name == kind.name => format!(
                    "version {version}; this build reads version {} (use a matching zkmodel)",
                    kind.version
                ),
                Some((name, _)) => format!("this is a `{name}` file, not a `{}` file", kind.name),
                None => "not a zkmodel file (no zkmodel header)".to_string(),
            },
        ));
    };
    let value = T::deserialize_compressed(&mut rest)
        .map_err(|e| format(kind, format!("corrupt or truncated content ({e})")))?;
    if !rest.is_empty() {
        return Err(format(
            kind,
            format!("{} unexpected bytes after the content", rest.len()),
        ));
    }
    Ok(value)
}

/// Reads a `kind` artifact from `path`; errors name the file.
pub fn load<T: CanonicalDeserialize>(kind: Kind, path: &Path) -> Result<T, Error> {
    let bytes =
        std::fs::read(path).map_err(|e| format(kind, format!("{}: {e}", path.display())))?;
    from_bytes(kind, &bytes).map_err(|e| match e {
        Error::Format { what, reason } => Error::Format {
            what,
            reason: format!("{}: {reason}", path.display()),
        },
        other => other,
    })
}

/// Parses a JSON artifact (model and architecture files) and checks its `format` tag and
/// `version` before anything else is read, so a foreign or future file is one clear error.
pub fn json_envelope(
    text: &str,
    format_tag: &str,
    version: u32,
    what: &'static str,
) -> Result<serde_json::Value, Error> {
    let bad = |reason: String| Error::Format { what, reason };
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| bad(format!("not JSON ({e}); is this a zkmodel {what}?")))?;
    match value.get("format").and_then(|f| f.as_str()) {
        Some(f) if f == format_tag => {}
        Some(other) => return Err(bad(format!("format `{other}`, expected `{format_tag}`"))),
        None => return Err(bad(format!("no format tag: not a zkmodel {what}"))),
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(version) => Ok(value),
        v => Err(bad(format!(
            "version {v:?}; this build reads version {version}"
        ))),
    }
}

/// Who may read a written file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// A public artifact (mode from the umask); replaces an existing file.
    Public,
    /// A secret (mode 0600); never replaces an existing file.
    Secret,
    /// Private but replaceable (mode 0600): a model file's plaintext weights.
    Private,
}

/// Writes `bytes` to `path` atomically (temporary file, sync, rename).
pub fn write_file(
    path: &Path,
    bytes: &[u8],
    access: Access,
    what: &'static str,
) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::Format {
        what,
        reason: format!("cannot write {}: {e}", path.display()),
    };
    if access == Access::Secret && path.exists() {
        return Err(Error::Format {
            what,
            reason: format!(
                "{} exists; a secret is never overwritten (move it away or choose another path)",
                path.display()
            ),
        });
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if access != Access::Public {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = (|| {
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        if access == Access::Secret {
            // Refuse a file that appeared since the check above rather than replace it.
            std::fs::hard_link(&tmp, path)?;
            std::fs::remove_file(&tmp)
        } else {
            std::fs::rename(&tmp, path)
        }
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// Encodes and writes a `kind` artifact to `path`.
pub fn save(
    kind: Kind,
    content: &impl CanonicalSerialize,
    path: &Path,
    access: Access,
) -> Result<(), Error> {
    write_file(path, &to_bytes(kind, content)?, access, kind.what)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fr, G1Affine};
    use ark_ec::AffineRepr;

    #[test]
    fn an_artifact_round_trips_and_foreign_future_truncated_or_padded_bytes_are_refused() {
        let content = (G1Affine::generator(), vec![Fr::from(3u64)]);
        let bytes = to_bytes(MODEL_COMMITMENT, &content).unwrap();
        assert_eq!(
            sniff(&bytes),
            Some(("model-commitment".into(), MODEL_COMMITMENT.version))
        );
        let back: (G1Affine, Vec<Fr>) = from_bytes(MODEL_COMMITMENT, &bytes).unwrap();
        assert_eq!(back, content);
        let reason = |r: Result<(G1Affine, Vec<Fr>), Error>| match r {
            Err(Error::Format { reason, .. }) => reason,
            other => panic!("expected a format error, got {other:?}"),
        };
        assert!(reason(from_bytes(MODEL_PROOF, &bytes)).contains("not a `model-proof` file"));
        let future = [b"zkmodel/model-commitment/v9\n".as_slice(), &bytes[28..]].concat();
        assert!(reason(from_bytes(MODEL_COMMITMENT, &future)).contains("version 9"));
        assert!(reason(from_bytes(MODEL_COMMITMENT, b"GIF89a")).contains("not a zkmodel file"));
        let cut = &bytes[..bytes.len() - 1];
        assert!(reason(from_bytes(MODEL_COMMITMENT, cut)).contains("truncated"));
        let padded = [bytes.as_slice(), &[0]].concat();
        assert!(reason(from_bytes(MODEL_COMMITMENT, &padded)).contains("1 unexpected bytes"));
    }

    #[test]
    fn a_secret_is_written_0600_and_never_overwritten() {
        let dir = std::env::temp_dir().join(format!("zkm-artifact-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("model.opening");
        let _ = std::fs::remove_file(&path);
        write_file(&path, b"secret", Access::Secret, "test").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(write_file(&path, b"other", Access::Secret, "test").is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"secret");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
