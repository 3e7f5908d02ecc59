//! Virus scanning of uploads through clamd's INSTREAM command, when `TALENTFLYT_CLAMD` is set.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    Infected,
}

/// Send `bytes` to clamd at `addr` (`host:port`) and read its verdict.
pub async fn scan(addr: &str, bytes: &[u8]) -> std::io::Result<Verdict> {
    let fut = async {
        let mut s = TcpStream::connect(addr).await?;
        s.write_all(b"zINSTREAM\0").await?;
        for chunk in bytes.chunks(64 * 1024) {
            s.write_all(&(chunk.len() as u32).to_be_bytes()).await?;
            s.write_all(chunk).await?;
        }
        s.write_all(&0u32.to_be_bytes()).await?;
        let mut reply = Vec::new();
        s.read_to_end(&mut reply).await?;
        let reply = String::from_utf8_lossy(&reply);
        let reply = reply.trim_end_matches(['\0', '\n']);
        if reply.ends_with("OK") {
            Ok(Verdict::Clean)
        } else if reply.ends_with("FOUND") {
            Ok(Verdict::Infected)
        } else {
            Err(std::io::Error::other(format!(
                "unexpected clamd reply: {reply}"
            )))
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), fut)
        .await
        .map_err(|_| std::io::Error::other("clamd timed out"))?
}

/// The EICAR anti-virus test string: harmless, and what every scanner is made to find.
pub const EICAR: &[u8] = br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// The environment variable that makes tests fail, rather than skip, when clamd is missing
/// (`.ci/run` sets it: CI installs Debian's clamav-daemon).
pub const CLAMD_REQUIRED_ENV: &str = "TALENTFLYT_TEST_CLAMD";

/// A real clamd for tests: Debian's `clamd` started on a free local port with a signature
/// database this writes itself (one body signature for [`EICAR`], in clamd's `.ndb` format), so
/// no signatures are downloaded. Stopped and its files removed when dropped.
#[doc(hidden)]
pub struct TestClamd {
    child: std::process::Child,
    dir: std::path::PathBuf,
    /// `127.0.0.1:port`.
    pub addr: String,
}

impl TestClamd {
    /// Start clamd and wait until it answers PING. `None` when clamd is not installed and
    /// [`CLAMD_REQUIRED_ENV`] is not set (the test then says it was skipped).
    pub async fn start() -> Option<TestClamd> {
        let bin = ["/usr/sbin/clamd", "/usr/bin/clamd"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists());
        let Some(bin) = bin else {
            assert!(
                std::env::var_os(CLAMD_REQUIRED_ENV).is_none(),
                "{CLAMD_REQUIRED_ENV} is set but clamd is not installed (apt-get install clamav-daemon)"
            );
            eprintln!("clamd is not installed: the virus-scanning test is skipped");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir =
            std::env::temp_dir().join(format!("talentflyt-clamd-{}-{port}", std::process::id()));
        let db = dir.join("db");
        std::fs::create_dir_all(&db).expect("clamd's directory");
        let hex: String = EICAR.iter().map(|b| format!("{b:02x}")).collect();
        std::fs::write(
            db.join("talentflyt-test.ndb"),
            format!("Talentflyt.Test.EICAR:0:*:{hex}\n"),
        )
        .expect("the signature database");
        let conf = dir.join("clamd.conf");
        std::fs::write(
            &conf,
            format!(
                "Foreground yes\nDatabaseDirectory {}\nTCPSocket {port}\nTCPAddr 127.0.0.1\nLogFile {}\nStreamMaxLength 50M\n",
                db.display(),
                dir.join("clamd.log").display()
            ),
        )
        .expect("clamd.conf");
        let child = std::process::Command::new(bin)
            .arg("-c")
            .arg(&conf)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("clamd starts");
        let c = TestClamd {
            child,
            dir,
            addr: format!("127.0.0.1:{port}"),
        };
        for _ in 0..300 {
            if ping(&c.addr).await {
                return Some(c);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("clamd did not answer within 30 s");
    }
}

async fn ping(addr: &str) -> bool {
    let Ok(mut s) = TcpStream::connect(addr).await else {
        return false;
    };
    let mut reply = Vec::new();
    s.write_all(b"zPING\0").await.is_ok()
        && s.read_to_end(&mut reply).await.is_ok()
        && reply.starts_with(b"PONG")
}

impl Drop for TestClamd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_real_clamd_finds_eicar_passes_clean_files_and_a_missing_one_is_an_error() {
        let Some(clamd) = TestClamd::start().await else {
            return;
        };
        let addr = clamd.addr.clone();
        let big_clean = vec![b'a'; 200 * 1024];
        assert_eq!(
            scan(&addr, &big_clean).await.unwrap(),
            Verdict::Clean,
            "several chunks"
        );
        let mut infected = b"%PDF-1.4\n".to_vec();
        infected.extend_from_slice(EICAR);
        infected.extend_from_slice(b"\n%%EOF\n");
        assert_eq!(scan(&addr, &infected).await.unwrap(), Verdict::Infected);
        let mut late = vec![b'a'; 150 * 1024];
        late.extend_from_slice(EICAR);
        assert_eq!(
            scan(&addr, &late).await.unwrap(),
            Verdict::Infected,
            "found across chunk boundaries"
        );
        assert!(
            scan("127.0.0.1:1", b"x").await.is_err(),
            "no scanner: an error, never a pass"
        );
    }
}
