//! Shared memory for LibAFL's LLMP that nothing outlives.

use libafl_bolts::shmem::unix_shmem::{UnixShMem, UnixShMemProvider};
use libafl_bolts::shmem::{ShMem, ShMemId, ShMemProvider};
use libafl_bolts::Error;

/// LibAFL's standard provider on Linux (System V segments) with one change: each segment is
/// marked for removal (`IPC_RMID`) as soon as it is created. Linux still lets other processes
/// attach a marked segment by its id, and destroys it when the last process detaches, which
/// the kernel does for a process however it ends. So a broker or client killed with SIGKILL
/// leaves no segment behind, where the standard provider leaves every segment it created
/// (it removes them in `Drop`), and there is no file at all (`/dev/shm` or elsewhere).
///
/// Like the standard provider, a segment must be attached by the others before its creator
/// drops it; LLMP keeps its pages until they are.
#[derive(Debug, Clone, Default)]
pub struct CleanShMemProvider {
    inner: UnixShMemProvider,
}

impl ShMemProvider for CleanShMemProvider {
    type ShMem = UnixShMem;

    fn new() -> Result<Self, Error> {
        Ok(CleanShMemProvider {
            inner: UnixShMemProvider::new()?,
        })
    }

    fn new_shmem(&mut self, map_size: usize) -> Result<Self::ShMem, Error> {
        let shmem = self.inner.new_shmem(map_size)?;
        let id: i32 = shmem.id().into();
        // SAFETY: IPC_RMID on a segment this process created and has attached; no buffer is
        // passed. The mapping stays valid until detached.
        if unsafe { libc::shmctl(id, libc::IPC_RMID, std::ptr::null_mut()) } != 0 {
            return Err(Error::last_os_error(format!(
                "marking System V segment {id} for removal"
            )));
        }
        Ok(shmem)
    }

    fn shmem_from_id_and_size(&mut self, id: ShMemId, size: usize) -> Result<Self::ShMem, Error> {
        self.inner.shmem_from_id_and_size(id, size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment_listed(id: i32) -> bool {
        let table = std::fs::read_to_string("/proc/sysvipc/shm").unwrap();
        table
            .lines()
            .skip(1)
            .any(|line| line.split_whitespace().nth(1) == Some(&id.to_string()))
    }

    #[test]
    fn a_marked_segment_is_shared_and_vanishes_with_its_last_user() {
        let mut provider = CleanShMemProvider::new().unwrap();
        let mut a = provider.new_shmem(4096).unwrap();
        a[0] = 42;
        let id: i32 = a.id().into();
        let b = provider.shmem_from_id_and_size(a.id(), 4096).unwrap();
        assert_eq!(
            b[0], 42,
            "attached after the removal mark, the memory is shared"
        );
        drop(a);
        assert!(segment_listed(id), "still attached by b");
        drop(b);
        assert!(!segment_listed(id), "gone with its last user");
    }
}
