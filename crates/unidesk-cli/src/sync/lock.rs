//! One sync per output folder: an OS file lock on `DIR/.unidesk-sync.lock`, held for the run.
//!
//! The lock is the operating system's (`flock` on Unix, `LockFileEx` on Windows), so a
//! crashed or killed sync releases it with its process: no stale pid file to clean up.

use std::fs::{File, TryLockError};
use std::path::Path;

use crate::error::CliError;

/// The lock file's name inside the output folder.
pub(crate) const LOCK_FILE: &str = ".unidesk-sync.lock";

/// The held lock; released when dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub(crate) struct FolderLock {
    _file: File,
}

/// Takes the folder's lock. When another sync holds it: fails at once, or with `wait`
/// blocks until that sync ends (saying so on stderr).
pub(crate) async fn acquire(dir: &Path, wait: bool) -> Result<FolderLock, CliError> {
    let path = dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| CliError::other(format!("opening {}: {e}", path.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(FolderLock { _file: file }),
        Err(TryLockError::WouldBlock) if wait => {
            eprintln!("{} is in use by another sync; waiting for it to finish", dir.display());
            let file = tokio::task::spawn_blocking(move || file.lock().map(|()| file))
                .await
                .map_err(CliError::other)?
                .map_err(|e| CliError::other(format!("locking {}: {e}", path.display())))?;
            Ok(FolderLock { _file: file })
        }
        Err(TryLockError::WouldBlock) => Err(CliError::other(format!(
            "{} is in use by another sync (run it again when that one ends, or pass --wait)",
            dir.display()
        ))),
        Err(TryLockError::Error(e)) => Err(CliError::other(format!("locking {}: {e}", path.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_lock_on_the_same_folder_fails_at_once_and_is_free_after_release() {
        let dir = tempfile::tempdir().expect("tmp");
        let held = acquire(dir.path(), false).await.expect("first lock");
        let e = acquire(dir.path(), false).await.expect_err("second lock refused");
        assert!(e.message.contains("in use by another sync"), "{}", e.message);
        drop(held);
        assert!(acquire(dir.path(), false).await.is_ok(), "released on drop");
    }
}
