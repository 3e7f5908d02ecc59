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
