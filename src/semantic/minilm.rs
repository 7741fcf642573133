//! all-MiniLM-L6-v2 run by candle: BERT, mean pooling over the attention mask, L2 normalisation —
//! what sentence-transformers does, so the similarities are the published ones.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use super::{Embedder, SemanticError, Vector};

/// The model's own limit (sentence_bert_config.json's max_seq_length): longer texts are cut.
const MAX_TOKENS: usize = 256;
/// Texts per forward pass. Sorted by length first, so padding wastes little; measured fastest
/// on a 2-core machine against 4, 16 and one big batch.
const BATCH: usize = 8;

pub struct MiniLm {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    id: String,
}

impl MiniLm {
    /// Loads config.json, tokenizer.json and model.safetensors from `dir`. `id` names the model
    /// files (their checksum), so stored vectors of other files are never mixed with these.
    pub fn load(dir: &Path, id: String) -> Result<MiniLm, SemanticError> {
        let read = |name: &str| {
            std::fs::read(dir.join(name))
                .map_err(|e| SemanticError::Load(format!("{}: {e}", dir.join(name).display())))
        };
        let config: Config = serde_json::from_slice(&read("config.json")?)
            .map_err(|e| SemanticError::Load(format!("config.json: {e}")))?;
        // The tokenizer is parsed while the weights are mapped: each is about half the load.
        let (tokenizer, model) = std::thread::scope(|scope| {
            let tokenizer = scope.spawn(|| tokenizer(&read("tokenizer.json")?));
            let device = Device::Cpu;
            let model = map_weights(&dir.join("model.safetensors"), &device).and_then(|vb| {
                BertModel::load(vb, &config)
                    .map_err(|e| SemanticError::Load(format!("model.safetensors: {e}")))
            });
            let tokenizer = tokenizer
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            (tokenizer, model)
        });
        let (tokenizer, model, device) = (tokenizer?, model?, Device::Cpu);
        Ok(MiniLm {
            model,
            tokenizer,
            device,
            id,
        })
    }

    fn batch(&self, texts: &[&str]) -> Result<Vec<Vector>, SemanticError> {
        let fail = |e: &dyn std::fmt::Display| SemanticError::Embed(e.to_string());
        let enc = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| fail(&e))?;
        let len = enc.first().map_or(0, |e| e.get_ids().len());
        let mut ids = Vec::with_capacity(texts.len() * len);
        let mut mask = Vec::with_capacity(texts.len() * len);
        for e in &enc {
            ids.extend_from_slice(e.get_ids());
            mask.extend_from_slice(e.get_attention_mask());
        }
        let shape = (texts.len(), len);
        let ids = Tensor::from_vec(ids, shape, &self.device).map_err(|e| fail(&e))?;
        let mask = Tensor::from_vec(mask, shape, &self.device).map_err(|e| fail(&e))?;
        let types = ids.zeros_like().map_err(|e| fail(&e))?;
        let out = self
            .model
            .forward(&ids, &types, Some(&mask))
            .map_err(|e| fail(&e))?;
        // Mean over the real tokens only, then unit length.
        let pooled = (|| {
            let m = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
            let sum = out.broadcast_mul(&m)?.sum(1)?;
            let count = m.sum(1)?;
            let mean = sum.broadcast_div(&count)?;
            let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?;
            mean.broadcast_div(&norm)?.to_vec2::<f32>()
        })()
        .map_err(|e| fail(&e))?;
        Ok(pooled)
    }
}

/// tokenizer.json, padding each batch to its longest text and cutting at the model's limit.
fn tokenizer(bytes: &[u8]) -> Result<Tokenizer, SemanticError> {
    let mut tokenizer = Tokenizer::from_bytes(bytes)
        .map_err(|e| SemanticError::Load(format!("tokenizer.json: {e}")))?;
    // The shipped tokenizer pads every text to 128 tokens; pad to the batch's longest.
    tokenizer.with_padding(Some(PaddingParams {
        strategy: PaddingStrategy::BatchLongest,
        ..PaddingParams::default()
    }));
    tokenizer
        .with_truncation(Some(TruncationParams {
            max_length: MAX_TOKENS,
            ..TruncationParams::default()
        }))
        .map_err(|e| SemanticError::Load(format!("tokenizer.json: {e}")))?;
    Ok(tokenizer)
}

/// The weights, memory-mapped: 105 ms to a loaded model where reading the 90 MB into memory
/// first takes 250 ms on a 2-core machine (measured with examples/embed_probe.rs).
#[allow(unsafe_code)]
fn map_weights(path: &Path, device: &Device) -> Result<VarBuilder<'static>, SemanticError> {
    // SAFETY: a mapping is undefined behaviour only if the file is changed in place while mapped.
    // prapp never writes an installed model file: `files::install` builds a new folder and
    // renames it into place, which leaves an open mapping on the old inode intact.
    unsafe { VarBuilder::from_mmaped_safetensors(&[path], DType::F32, device) }
        .map_err(|e| SemanticError::Load(format!("{}: {e}", path.display())))
}

impl Embedder for MiniLm {
    fn id(&self) -> &str {
        &self.id
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vector>, SemanticError> {
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| texts[i].len());
        let mut out: Vec<Vector> = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(BATCH) {
            let batch: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
            for (&i, v) in chunk.iter().zip(self.batch(&batch)?) {
                out[i] = v;
            }
        }
        Ok(out)
    }
}
