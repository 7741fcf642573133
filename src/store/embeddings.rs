//! Sentence embeddings kept between runs ([`crate::semantic::VectorCache`]): a connection of its
//! own to the same database, behind a mutex, so the judge (on any thread) can read and write
//! vectors while the use cases hold the main connection.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, params};

use crate::error::Result;
use crate::semantic::{Vector, VectorCache};

pub struct EmbeddingCache {
    conn: Mutex<Connection>,
}

impl EmbeddingCache {
    /// Opens the cache in `data_dir`'s database (migrating it like [`super::Store::open`]).
    pub fn open(data_dir: &Path) -> Result<EmbeddingCache> {
        let store = super::Store::open(data_dir)?;
        Ok(EmbeddingCache {
            conn: Mutex::new(store.conn),
        })
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Option<T> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        match f(&conn) {
            Ok(v) => Some(v),
            Err(e) => {
                // A cache: a failure costs an embedding, never an evaluation.
                tracing::warn!(error = %e, "embedding cache");
                None
            }
        }
    }
}

fn encode(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn decode(b: &[u8]) -> Vector {
    b.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

impl VectorCache for EmbeddingCache {
    fn load(&self, keys: &[[u8; 16]]) -> Vec<Option<Vector>> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached("SELECT vector FROM embeddings WHERE key = ?1")?;
            keys.iter()
                .map(|k| {
                    stmt.query_row(params![&k[..]], |r| r.get::<_, Vec<u8>>(0))
                        .map(|b| Some(decode(&b)))
                        .or_else(|e| match e {
                            rusqlite::Error::QueryReturnedNoRows => Ok(None),
                            e => Err(e),
                        })
                })
                .collect()
        })
        .unwrap_or_else(|| vec![None; keys.len()])
    }

    fn save(&self, items: &[([u8; 16], Vector)]) {
        self.with(|conn| {
            let tx = conn.unchecked_transaction()?;
            {
                let mut stmt = tx.prepare_cached(
                    "INSERT OR IGNORE INTO embeddings (key, vector) VALUES (?1, ?2)",
                )?;
                for (k, v) in items {
                    stmt.execute(params![&k[..], encode(v)])?;
                }
            }
            tx.commit()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let k = crate::semantic::key("m", "hello");
        {
            let c = EmbeddingCache::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(c.load(&[k]), vec![None]);
            c.save(&[(k, vec![0.5, -1.25, 3.0])]);
        }
        let c = EmbeddingCache::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.load(&[k]), vec![Some(vec![0.5, -1.25, 3.0])]);
    }
}
