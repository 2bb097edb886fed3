//! The real `sharehub-server` binary as its own process on a free loopback port, over a
//! SQLite file; `stop` (SIGTERM, a graceful shutdown) and `start` keep the file and port.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, Command};

use crate::wait::{self, LONG};
use crate::{free_port, target_dir};

pub struct ServerProcess {
    pub port: u16,
    /// The server's SQLite file.
    pub db: PathBuf,
    log: PathBuf,
    args: Vec<String>,
    child: Option<Child>,
}

impl ServerProcess {
    /// Starts the server with `args` besides `--listen` and `--data` (e.g. `--seed demo`),
    /// its data and log in `dir`, and waits until it is ready.
    pub async fn start_new(dir: &Path, args: &[&str]) -> Result<ServerProcess> {
        let mut server = ServerProcess {
            port: free_port()?,
            db: dir.join("hub.db"),
            log: dir.join("server.log"),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            child: None,
        };
        server.start().await?;
        Ok(server)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts it (again) and waits until `/readyz` answers 200.
    pub async fn start(&mut self) -> Result<()> {
        let binary = target_dir().join("debug/sharehub-server");
        ensure!(
            binary.exists(),
            "{} is missing: run `cargo build -p sharehub-server` (make test does)",
            binary.display()
        );
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)?;
        let mut child = Command::new(binary)
            .arg("--listen")
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("--data")
            .arg(&self.db)
            .args(&self.args)
            .env("SHAREHUB_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .context("cannot start sharehub-server")?;
        let ready = wait::until("the server is ready", LONG, async || {
            if let Ok((200, _)) = http_get(self.port, "/readyz").await {
                return Ok(Some(()));
            }
            if let Some(status) = child.try_wait()? {
                bail!(
                    "the server exited with {status}: {}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            Ok(None)
        })
        .await;
        self.child = Some(child);
        ready
    }

    /// SIGTERM, then waits until it has exited (graceful shutdown; killed after 20 s).
    pub async fn stop(&mut self) -> Result<()> {
        if let Some(mut child) = self.child.take() {
            if let Some(pid) = child.id() {
                Command::new("kill")
                    .args(["-TERM", &pid.to_string()])
                    .status()
                    .await?;
            }
            if tokio::time::timeout(Duration::from_secs(20), child.wait())
                .await
                .is_err()
            {
                child.kill().await?;
            }
        }
        Ok(())
    }

    /// How many answers the server has kept for mutations (one per idempotency key), read
    /// from its SQLite file.
    pub fn receipts(&self) -> Result<u64> {
        let db = rusqlite::Connection::open_with_flags(
            &self.db,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )?;
        Ok(db.query_row("SELECT count(*) FROM mutation_receipt", [], |r| r.get(0))?)
    }
}

/// A plain HTTP/1.1 GET on loopback: (status, body).
pub async fn http_get(port: u16, path: &str) -> Result<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let answer = String::from_utf8_lossy(&answer);
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no HTTP status")?;
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}
