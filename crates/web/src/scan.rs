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

/// A stand-in speaking clamd's INSTREAM protocol, for tests where clamd's signature database
/// cannot be downloaded: it reassembles the stream and flags the EICAR test string, as clamd does.
#[doc(hidden)]
pub async fn spawn_test_clamd() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut cmd = [0u8; 10];
                if s.read_exact(&mut cmd).await.is_err() || &cmd != b"zINSTREAM\0" {
                    let _ = s.write_all(b"UNKNOWN COMMAND\0").await;
                    return;
                }
                let mut data = Vec::new();
                loop {
                    let mut len = [0u8; 4];
                    if s.read_exact(&mut len).await.is_err() {
                        return;
                    }
                    let n = u32::from_be_bytes(len) as usize;
                    if n == 0 {
                        break;
                    }
                    let mut chunk = vec![0u8; n];
                    if s.read_exact(&mut chunk).await.is_err() {
                        return;
                    }
                    data.extend_from_slice(&chunk);
                }
                let eicar = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE";
                let reply: &[u8] = if data.windows(eicar.len()).any(|w| w == eicar) {
                    b"stream: Eicar-Test-Signature FOUND\0"
                } else {
                    b"stream: OK\0"
                };
                let _ = s.write_all(reply).await;
            });
        }
    });
    addr
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_instream_protocol_gives_a_verdict() {
        let addr = spawn_test_clamd().await.to_string();
        let big_clean = vec![b'a'; 200 * 1024];
        assert_eq!(
            scan(&addr, &big_clean).await.unwrap(),
            Verdict::Clean,
            "several chunks"
        );
        let mut infected = b"%PDF-1.4\n".to_vec();
        infected.extend_from_slice(
            br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*",
        );
        assert_eq!(scan(&addr, &infected).await.unwrap(), Verdict::Infected);
        assert!(
            scan("127.0.0.1:1", b"x").await.is_err(),
            "no scanner: an error, never a pass"
        );
    }
}
