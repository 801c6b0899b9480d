//! Atomic output: every file framescope writes goes through here.
//!
//! The bytes go to a temporary file in the destination folder, are flushed to
//! disk, and the file is renamed over the destination. A run that is killed
//! half-way therefore leaves either the previous file or the new one, never a
//! truncated mix; the temporary file is removed when its handle drops, and
//! one left by a killed process is removed by the next run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};

/// Name prefix and suffix of every temporary file framescope creates.
pub const TEMP_PREFIX: &str = ".framescope-";
/// See [`TEMP_PREFIX`].
pub const TEMP_SUFFIX: &str = ".tmp";
/// A temporary file this old cannot belong to a run still writing it: one
/// file is written in milliseconds to a few seconds.
const STALE_AFTER: Duration = Duration::from_secs(60);

/// Writes `bytes` to `path` atomically. The parent folder must exist.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    // tempfile creates owner-only files (0600); outputs are ordinary files
    // others may read, like any file a program writes (umask still applies).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("writing {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("replacing {}", path.display()))?;
    Ok(())
}

/// Removes the temporary files that a killed run left in `dir` (a process
/// killed by SIGKILL, or by Ctrl-C, exits without removing them), and returns
/// their paths. Only framescope's own names (`.framescope-*.tmp`) older than a
/// minute are touched, so a run writing into the same folder right now keeps
/// its file and nothing of the user's is ever deleted.
pub fn remove_stale_temporaries(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("reading folder {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("reading folder {}", dir.display()))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let path = entry.path();
        let meta = entry
            .metadata()
            .with_context(|| format!("reading {}", path.display()))?;
        let age = meta
            .modified()
            .ok()
            .and_then(|m| SystemTime::now().duration_since(m).ok());
        if meta.is_file() && age.is_some_and(|a| a > STALE_AFTER) {
            std::fs::remove_file(&path).with_context(|| {
                format!("removing {}, left by an interrupted run", path.display())
            })?;
            removed.push(path);
        }
    }
    removed.sort();
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        atomic_write(&path, b"first").unwrap();
        atomic_write(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.json")]);
    }

    #[cfg(unix)]
    #[test]
    fn outputs_are_readable_by_others() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        atomic_write(&path, b"x").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o044, 0o044, "{mode:o}");
    }

    #[test]
    fn only_old_framescope_temporaries_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let two_hours_ago = SystemTime::now() - Duration::from_secs(7200);
        let make = |name: &str, old: bool| {
            let path = dir.path().join(name);
            let file = std::fs::File::create(&path).unwrap();
            if old {
                file.set_modified(two_hours_ago).unwrap();
            }
            path
        };
        let stale = make(".framescope-a1b2.tmp", true);
        // A run writing right now, and files that are not framescope's.
        make(".framescope-c3d4.tmp", false);
        make(".framescope-notes.txt", true);
        make("mine.tmp", true);
        make("report.json", true);
        assert_eq!(remove_stale_temporaries(dir.path()).unwrap(), vec![stale]);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            vec![
                ".framescope-c3d4.tmp",
                ".framescope-notes.txt",
                "mine.tmp",
                "report.json"
            ]
        );
    }

    #[test]
    fn missing_folder_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("a.json");
        let err = format!("{:#}", atomic_write(&path, b"x").unwrap_err());
        assert!(err.contains("missing"), "{err}");
    }
}
