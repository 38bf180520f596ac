//! One sync per output folder: an OS file lock on `DIR/.unidesk-sync.lock`, held for the run.
//!
//! The lock is the operating system's (`flock` on Unix, `LockFileEx` on Windows), so a
//! crashed or killed sync releases it with its process: no stale pid file to clean up.

use std::fs::{File, TryLockError};
use std::path::Path;

use crate::error::{MirrorError, Result};

/// The lock file's name inside the output folder.
pub(crate) const LOCK_FILE: &str = ".unidesk-sync.lock";

/// The held lock; released when dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub(crate) struct FolderLock {
    _file: File,
}

/// Takes the folder's lock. When another sync holds it: fails at once with
/// [`MirrorError::Busy`], or with `on_wait` calls it with a message and blocks until that
/// sync ends.
pub(crate) async fn acquire(dir: &Path, on_wait: Option<super::WaitFn<'_>>) -> Result<FolderLock> {
    let path = dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| MirrorError::store(format!("opening {}", path.display()), e))?;
    match file.try_lock() {
        Ok(()) => Ok(FolderLock { _file: file }),
        Err(TryLockError::WouldBlock) => match on_wait {
            Some(say) => {
                say(&format!("{} is in use by another sync; waiting for it to finish", dir.display()));
                let file = tokio::task::spawn_blocking(move || file.lock().map(|()| file))
                    .await
                    .map_err(|e| MirrorError::store(format!("locking {}", dir.display()), e))?
                    .map_err(|e| MirrorError::store(format!("locking {}", path.display()), e))?;
                Ok(FolderLock { _file: file })
            }
            None => Err(MirrorError::Busy { what: dir.display().to_string() }),
        },
        Err(TryLockError::Error(e)) => Err(MirrorError::store(format!("locking {}", path.display()), e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_lock_on_the_same_folder_fails_at_once_and_is_free_after_release() {
        let dir = tempfile::tempdir().expect("tmp");
        let held = acquire(dir.path(), None).await.expect("first lock");
        let e = acquire(dir.path(), None).await.expect_err("second lock refused");
        assert!(e.to_string().contains("in use by another sync"), "{e}");
        drop(held);
        assert!(acquire(dir.path(), None).await.is_ok(), "released on drop");
    }
}
