//! Opens a file in the user's editor (`$VISUAL`, then `$EDITOR`, then `vi`) and waits for it.
//! Used by the practice screen (long answers) and `prapp config edit`.

use std::path::Path;

/// Runs the editor on `path`. The editor variable may carry arguments (`code --wait`).
pub fn open(path: &Path) -> Result<(), String> {
    let editor = crate::config::env_var("VISUAL")
        .or_else(|| crate::config::env_var("EDITOR"))
        .unwrap_or_else(|| if cfg!(windows) { "notepad" } else { "vi" }.into());
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    match std::process::Command::new(program)
        .args(parts)
        .arg(path)
        .status()
    {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("{editor} exited with {s}")),
        Err(e) => Err(format!("cannot start {editor}: {e} — set $EDITOR")),
    }
}
