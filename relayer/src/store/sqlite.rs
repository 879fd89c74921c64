//! The SQLite job store: one file, write-ahead log, `synchronous = FULL` (a commit survives a
//! power cut, not only a process crash), a busy timeout for the rare concurrent writer.

use super::{JobStore, StoreIdentity};
use crate::error::Error;
use crate::job::{Job, JobKind, JobState, NewJob, Tx, TxState, now_ms};
use alloy::primitives::{Address, B256, Bytes, U256};
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    key          BLOB NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    target       BLOB NOT NULL,
    calldata     BLOB NOT NULL,
    value        TEXT NOT NULL,
    state        TEXT NOT NULL,
    nonce        INTEGER,
    tx_hash      BLOB,
    block_number INTEGER,
    block_hash   BLOB,
    gas_used     INTEGER,
    result       BLOB,
    error        TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    retry_at_ms  INTEGER NOT NULL DEFAULT 0,
    created_ms   INTEGER NOT NULL,
    updated_ms   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state, id);
CREATE INDEX IF NOT EXISTS jobs_block ON jobs (state, block_number);
CREATE TABLE IF NOT EXISTS txs (
    hash                     BLOB PRIMARY KEY,
    job_id                   INTEGER NOT NULL REFERENCES jobs (id),
    nonce                    INTEGER NOT NULL,
    max_fee_per_gas          TEXT NOT NULL,
    max_priority_fee_per_gas TEXT NOT NULL,
    gas_limit                INTEGER NOT NULL,
    raw                      BLOB NOT NULL,
    state                    TEXT NOT NULL,
    sent_ms                  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS txs_job ON txs (job_id);
";

const JOB_COLUMNS: &str = "id, key, kind, target, calldata, value, state, nonce, tx_hash, \
    block_number, block_hash, gas_used, result, error, attempts, retry_at_ms, created_ms, updated_ms";

/// Jobs in a SQLite file.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let conn = Connection::open(path).map_err(|e| Error::Store {
            reason: format!("opening {}: {e}", path.display()),
        })?;
        Self::init(conn)
    }

    /// A store in memory, for tests of the logic above it.
    pub fn in_memory() -> Result<Self, Error> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Self, Error> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>, Error> {
        self.conn.lock().map_err(|_| Error::Store {
            reason: "a thread panicked while holding the store".into(),
        })
    }
}

fn bad(column: &str, reason: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("{column}: {reason}").into(),
    )
}

fn b256(row: &Row<'_>, i: usize, column: &str) -> rusqlite::Result<B256> {
    let v: Vec<u8> = row.get(i)?;
    B256::try_from(v.as_slice()).map_err(|e| bad(column, e))
}

fn opt_b256(row: &Row<'_>, i: usize, column: &str) -> rusqlite::Result<Option<B256>> {
    let v: Option<Vec<u8>> = row.get(i)?;
    v.map(|v| B256::try_from(v.as_slice()).map_err(|e| bad(column, e)))
        .transpose()
}

fn parsed<T: std::str::FromStr>(row: &Row<'_>, i: usize, column: &str) -> rusqlite::Result<T>
where
    T::Err: std::fmt::Display,
{
    let s: String = row.get(i)?;
    s.parse().map_err(|e| bad(column, e))
}

fn u64_col(row: &Row<'_>, i: usize) -> rusqlite::Result<Option<u64>> {
    let v: Option<i64> = row.get(i)?;
    v.map(|v| u64::try_from(v).map_err(|e| bad("integer", e)))
        .transpose()
}

fn sql_u64(v: u64) -> Result<i64, Error> {
    i64::try_from(v).map_err(|_| Error::Store {
        reason: format!("{v} does not fit the store's integers"),
    })
}

fn job_row(row: &Row<'_>) -> rusqlite::Result<Job> {
    let target: Vec<u8> = row.get(3)?;
    let calldata: Vec<u8> = row.get(4)?;
    let result: Option<Vec<u8>> = row.get(12)?;
    Ok(Job {
        id: row.get(0)?,
        key: b256(row, 1, "key")?,
        kind: parsed::<JobKind>(row, 2, "kind")?,
        target: Address::try_from(target.as_slice()).map_err(|e| bad("target", e))?,
        calldata: Bytes::from(calldata),
        value: parsed::<U256>(row, 5, "value")?,
        state: parsed::<JobState>(row, 6, "state")?,
        nonce: u64_col(row, 7)?,
        tx_hash: opt_b256(row, 8, "tx_hash")?,
        block_number: u64_col(row, 9)?,
        block_hash: opt_b256(row, 10, "block_hash")?,
        gas_used: u64_col(row, 11)?,
        result: result.map(Bytes::from),
        error: row.get(13)?,
        attempts: row.get(14)?,
        retry_at_ms: row.get(15)?,
        created_ms: row.get(16)?,
        updated_ms: row.get(17)?,
    })
}

fn tx_row(row: &Row<'_>) -> rusqlite::Result<Tx> {
    let raw: Vec<u8> = row.get(6)?;
    Ok(Tx {
        hash: b256(row, 0, "hash")?,
        job_id: row.get(1)?,
        nonce: u64_col(row, 2)?.ok_or_else(|| bad("nonce", "null"))?,
        max_fee_per_gas: parsed(row, 3, "max_fee_per_gas")?,
        max_priority_fee_per_gas: parsed(row, 4, "max_priority_fee_per_gas")?,
        gas_limit: u64_col(row, 5)?.ok_or_else(|| bad("gas_limit", "null"))?,
        raw: Bytes::from(raw),
        state: parsed::<TxState>(row, 7, "state")?,
        sent_ms: row.get(8)?,
    })
}

fn write_job(conn: &Connection, job: &Job) -> Result<(), Error> {
    let changed = conn.execute(
        "UPDATE jobs SET state = ?2, nonce = ?3, tx_hash = ?4, block_number = ?5, block_hash = ?6,
             gas_used = ?7, result = ?8, error = ?9, attempts = ?10, retry_at_ms = ?11,
             updated_ms = ?12
         WHERE id = ?1",
        params![
            job.id,
            job.state.as_str(),
            job.nonce.map(sql_u64).transpose()?,
            job.tx_hash.map(|h| h.to_vec()),
            job.block_number.map(sql_u64).transpose()?,
            job.block_hash.map(|h| h.to_vec()),
            job.gas_used.map(sql_u64).transpose()?,
            job.result.as_ref().map(|r| r.to_vec()),
            job.error,
            job.attempts,
            job.retry_at_ms,
            now_ms(),
        ],
    )?;
    if changed == 1 {
        Ok(())
    } else {
        Err(Error::Store {
            reason: format!("job {} does not exist", job.id),
        })
    }
}

impl JobStore for SqliteStore {
    fn bind(&self, identity: StoreIdentity) -> Result<(), Error> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let read = |name: &str| -> Result<Option<String>, Error> {
            Ok(tx
                .query_row("SELECT value FROM meta WHERE name = ?1", [name], |r| {
                    r.get(0)
                })
                .optional()?)
        };
        let (chain, signer) = (read("chain_id")?, read("signer")?);
        match (chain, signer) {
            (None, None) => {
                tx.execute(
                    "INSERT INTO meta (name, value) VALUES ('chain_id', ?1), ('signer', ?2)",
                    params![identity.chain_id.to_string(), identity.signer.to_string()],
                )?;
            }
            (Some(c), Some(s)) => {
                let found = StoreIdentity {
                    chain_id: c.parse().map_err(|_| Error::Store {
                        reason: format!("stored chain id `{c}` is not a number"),
                    })?,
                    signer: s.parse().map_err(|_| Error::Store {
                        reason: format!("stored signer `{s}` is not an address"),
                    })?,
                };
                if found != identity {
                    return Err(Error::StoreIdentity {
                        stored_chain: found.chain_id,
                        stored_signer: found.signer,
                        chain: identity.chain_id,
                        signer: identity.signer,
                    });
                }
            }
            _ => {
                return Err(Error::Store {
                    reason: "the store's identity is half written".into(),
                });
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn insert(&self, job: &NewJob) -> Result<(Job, bool), Error> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let now = now_ms();
        let created = tx.execute(
            "INSERT INTO jobs (key, kind, target, calldata, value, state, created_ms, updated_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6, ?6)
             ON CONFLICT (key) DO NOTHING",
            params![
                job.key.to_vec(),
                job.kind.as_str(),
                job.target.to_vec(),
                job.calldata.to_vec(),
                job.value.to_string(),
                now,
            ],
        )? == 1;
        let stored = tx.query_row(
            &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE key = ?1"),
            [job.key.to_vec()],
            job_row,
        )?;
        tx.commit()?;
        Ok((stored, created))
    }

    fn job(&self, id: i64) -> Result<Option<Job>, Error> {
        Ok(self
            .conn()?
            .query_row(
                &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1"),
                [id],
                job_row,
            )
            .optional()?)
    }

    fn job_by_key(&self, key: &B256) -> Result<Option<Job>, Error> {
        Ok(self
            .conn()?
            .query_row(
                &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE key = ?1"),
                [key.to_vec()],
                job_row,
            )
            .optional()?)
    }

    fn list(&self, state: Option<JobState>, after: i64, limit: u32) -> Result<Vec<Job>, Error> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE (?1 IS NULL OR state = ?1) AND id > ?2
             ORDER BY id LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![state.map(JobState::as_str), after, limit], job_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn landed_since(&self, from: u64) -> Result<Vec<Job>, Error> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs
             WHERE state IN ('confirmed', 'failed') AND block_number >= ?1
             ORDER BY id"
        ))?;
        let rows = stmt.query_map([sql_u64(from)?], job_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn counts(&self) -> Result<Vec<(JobState, u64)>, Error> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached("SELECT state, COUNT(*) FROM jobs GROUP BY state")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                parsed::<JobState>(r, 0, "state")?,
                u64_col(r, 1)?.unwrap_or(0),
            ))
        })?;
        let found: Vec<(JobState, u64)> = rows.collect::<Result<_, _>>()?;
        Ok(JobState::ALL
            .into_iter()
            .map(|s| {
                let n = found.iter().find(|(f, _)| *f == s).map_or(0, |(_, n)| *n);
                (s, n)
            })
            .collect())
    }

    fn update(&self, job: &Job) -> Result<(), Error> {
        write_job(&*self.conn()?, job)
    }

    fn record_send(&self, job: &Job, t: &Tx) -> Result<(), Error> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE txs SET state = 'replaced' WHERE job_id = ?1 AND state = 'pending'",
            [job.id],
        )?;
        tx.execute(
            "INSERT INTO txs (hash, job_id, nonce, max_fee_per_gas, max_priority_fee_per_gas,
                              gas_limit, raw, state, sent_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                t.hash.to_vec(),
                t.job_id,
                sql_u64(t.nonce)?,
                t.max_fee_per_gas.to_string(),
                t.max_priority_fee_per_gas.to_string(),
                sql_u64(t.gas_limit)?,
                t.raw.to_vec(),
                t.state.as_str(),
                t.sent_ms,
            ],
        )?;
        write_job(&tx, job)?;
        tx.commit()?;
        Ok(())
    }

    fn txs(&self, job_id: i64) -> Result<Vec<Tx>, Error> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT hash, job_id, nonce, max_fee_per_gas, max_priority_fee_per_gas, gas_limit,
                    raw, state, sent_ms
             FROM txs WHERE job_id = ?1 ORDER BY rowid",
        )?;
        let rows = stmt.query_map([job_id], tx_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn set_tx(&self, hash: &B256, state: TxState, sent_ms: Option<i64>) -> Result<(), Error> {
        self.conn()?.execute(
            "UPDATE txs SET state = ?2, sent_ms = COALESCE(?3, sent_ms) WHERE hash = ?1",
            params![hash.to_vec(), state.as_str(), sent_ms],
        )?;
        Ok(())
    }

    fn marker(&self, name: &str) -> Result<Option<String>, Error> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT value FROM meta WHERE name = ?1",
                [format!("marker:{name}")],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn set_marker(&self, name: &str, value: &str) -> Result<(), Error> {
        self.conn()?.execute(
            "INSERT INTO meta (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            params![format!("marker:{name}"), value],
        )?;
        Ok(())
    }

    fn max_pending_nonce(&self) -> Result<Option<u64>, Error> {
        let conn = self.conn()?;
        let n: Option<i64> = conn.query_row(
            "SELECT MAX(nonce) FROM txs WHERE state = 'pending'",
            [],
            |r| r.get(0),
        )?;
        n.map(|n| {
            u64::try_from(n).map_err(|_| Error::Store {
                reason: format!("negative nonce {n} stored"),
            })
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn new_job(i: u8) -> NewJob {
        NewJob {
            key: B256::repeat_byte(i),
            kind: JobKind::Call,
            target: Address::repeat_byte(1),
            calldata: Bytes::from(vec![i; 4]),
            value: U256::from(i),
        }
    }

    #[test]
    fn insert_is_idempotent_by_key() {
        let s = SqliteStore::in_memory().unwrap();
        let (a, created) = s.insert(&new_job(1)).unwrap();
        assert!(created);
        let (b, created) = s.insert(&new_job(1)).unwrap();
        assert!(!created);
        assert_eq!(a, b);
        assert_eq!(s.list(None, 0, 10).unwrap().len(), 1);
        assert_eq!(a.state, JobState::Queued);
        assert_eq!(a.value, U256::from(1));
    }

    #[test]
    fn record_send_replaces_earlier_transactions() {
        let s = SqliteStore::in_memory().unwrap();
        let (mut job, _) = s.insert(&new_job(2)).unwrap();
        let tx = |b: u8| Tx {
            hash: B256::repeat_byte(b),
            job_id: job.id,
            nonce: 7,
            max_fee_per_gas: 10,
            max_priority_fee_per_gas: 1,
            gas_limit: 21000,
            raw: Bytes::from(vec![b]),
            state: TxState::Pending,
            sent_ms: 0,
        };
        job.state = JobState::Sent;
        job.nonce = Some(7);
        s.record_send(&job, &tx(1)).unwrap();
        s.record_send(&job, &tx(2)).unwrap();
        let txs = s.txs(job.id).unwrap();
        assert_eq!(
            txs.iter().map(|t| t.state).collect::<Vec<_>>(),
            [TxState::Replaced, TxState::Pending]
        );
        assert_eq!(s.max_pending_nonce().unwrap(), Some(7));
        assert_eq!(s.job(job.id).unwrap().unwrap().state, JobState::Sent);
    }

    #[test]
    fn a_store_serves_one_chain_and_signer() {
        let s = SqliteStore::in_memory().unwrap();
        let id = StoreIdentity {
            chain_id: 31337,
            signer: Address::repeat_byte(3),
        };
        s.bind(id).unwrap();
        s.bind(id).unwrap();
        let other = StoreIdentity { chain_id: 1, ..id };
        assert!(matches!(
            s.bind(other),
            Err(Error::StoreIdentity {
                stored_chain: 31337,
                chain: 1,
                ..
            })
        ));
    }

    #[test]
    fn counts_cover_every_state() {
        let s = SqliteStore::in_memory().unwrap();
        s.insert(&new_job(1)).unwrap();
        s.insert(&new_job(2)).unwrap();
        let counts = s.counts().unwrap();
        assert_eq!(counts.len(), JobState::ALL.len());
        assert_eq!(counts[0], (JobState::Queued, 2));
    }
}
