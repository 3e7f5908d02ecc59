//! Local passwords: argon2id, verified off the async threads, at most one verification per core
//! at a time so a burst of sign-ins cannot take gigabytes of memory.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// An argon2id hash in PHC format.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hash: {e}"))?
        .to_string())
}

/// Used for unknown users so a failed sign-in takes as long whether or not the name exists.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("not-a-real-password-just-for-timing").expect("hash"));

/// Argon2 needs 19 MiB and a core for each verification: one slot per core.
static SLOTS: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2),
    )
});

/// Whether `password` matches `hash`; `None` (no such user) checks a dummy hash and is false.
pub async fn verify_password(hash: Option<String>, password: String) -> bool {
    let Ok(_slot) = SLOTS.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        let (hash, real) = match hash {
            Some(h) => (h, true),
            None => (DUMMY_HASH.clone(), false),
        };
        let ok = PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false);
        ok && real
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn password_hashes_verify() {
        let h = hash_password("et-langt-passord").unwrap();
        assert!(verify_password(Some(h.clone()), "et-langt-passord".into()).await);
        assert!(!verify_password(Some(h), "feil".into()).await);
        assert!(!verify_password(None, "not-a-real-password-just-for-timing".into()).await);
    }
}
