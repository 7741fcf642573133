//! The sentence-embedding engine: what an answer *means*, as a vector, so the judge and the coach
//! can tell an answer from an echo of the question, and on topic from off topic.
//!
//! all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) runs in-process with candle; its files
//! live in the data dir under `models/` ([`files`]), installed by `prapp model pull|import`. It is
//! optional: without it the judge and the coach use lexical features and say so once.
//!
//! Owns the model and vectors; knows nothing of sessions, the store or the faces. Callers hand it
//! texts and get vectors back; [`Embeddings`] keeps what was computed so a text is embedded once.

pub mod files;
mod minilm;

use std::collections::HashMap;
use std::sync::Mutex;

pub use minilm::MiniLm;

/// A unit-length sentence embedding (384 numbers for MiniLM).
pub type Vector = Vec<f32>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SemanticError {
    #[error("the sentence-embedding model could not be loaded: {0}")]
    Load(String),
    #[error("the sentence-embedding model failed: {0}")]
    Embed(String),
}

/// Turns texts into unit-length vectors. The real one is [`MiniLm`]; tests use fakes.
pub trait Embedder: Send + Sync {
    /// Names the model (and its files), so vectors of different models are never compared.
    fn id(&self) -> &str;
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vector>, SemanticError>;
}

/// Cosine similarity of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum()
}

/// Where computed vectors are kept between runs (the store, for the app). Keys are
/// [`key`]s: the model id and the text, hashed.
pub trait VectorCache: Send + Sync {
    fn load(&self, keys: &[[u8; 16]]) -> Vec<Option<Vector>>;
    fn save(&self, items: &[([u8; 16], Vector)]);
}

/// The cache key of a text under a model.
pub fn key(model: &str, text: &str) -> [u8; 16] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(model.as_bytes());
    h.update([0]);
    h.update(text.as_bytes());
    let d = h.finalize();
    let mut k = [0u8; 16];
    k.copy_from_slice(&d[..16]);
    k
}

/// An embedder with memory: every text is embedded once per process, and once ever when a
/// [`VectorCache`] is attached. What the judge and the coach hold.
pub struct Embeddings<'a> {
    embedder: &'a dyn Embedder,
    cache: Option<&'a dyn VectorCache>,
    memo: Mutex<HashMap<String, Vector>>,
}

impl<'a> Embeddings<'a> {
    pub fn new(embedder: &'a dyn Embedder, cache: Option<&'a dyn VectorCache>) -> Self {
        Embeddings {
            embedder,
            cache,
            memo: Mutex::new(HashMap::new()),
        }
    }

    pub fn model_id(&self) -> &str {
        self.embedder.id()
    }

    /// Vectors for `texts`, in order: from memory, then the cache, then the model (all the
    /// missing ones in one call, so they are batched).
    pub fn get(&self, texts: &[&str]) -> Result<Vec<Vector>, SemanticError> {
        let mut memo = self.memo.lock().unwrap_or_else(|p| p.into_inner());
        let mut missing: Vec<&str> = texts
            .iter()
            .copied()
            .filter(|t| !memo.contains_key(*t))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            let id = self.embedder.id().to_string();
            if let Some(cache) = self.cache {
                let keys: Vec<[u8; 16]> = missing.iter().map(|t| key(&id, t)).collect();
                let found = cache.load(&keys);
                let mut still = Vec::new();
                for (t, v) in missing.iter().zip(found) {
                    match v {
                        Some(v) => {
                            memo.insert((*t).to_string(), v);
                        }
                        None => still.push(*t),
                    }
                }
                missing = still;
            }
            if !missing.is_empty() {
                let vs = self.embedder.embed(&missing)?;
                if let Some(cache) = self.cache {
                    let items: Vec<([u8; 16], Vector)> = missing
                        .iter()
                        .zip(&vs)
                        .map(|(t, v)| (key(&id, t), v.clone()))
                        .collect();
                    cache.save(&items);
                }
                for (t, v) in missing.iter().zip(vs) {
                    memo.insert((*t).to_string(), v);
                }
            }
        }
        Ok(texts
            .iter()
            .map(|t| memo.get(*t).cloned().unwrap_or_default())
            .collect())
    }
}
