//! The servers under test as child processes: started, timed until they say they are
//! listening, watched for peak memory, and stopped when dropped.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// How long a server may take to say it is listening.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// A running server.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// From spawning the process to its "listening" log line.
    pub startup: Duration,
}

impl Server {
    /// Spawns `command` (which must listen on port 0 or a free port), copies its
    /// stderr to `log`, and waits for its line saying `listening on http://ADDR/...`.
    pub fn start(mut command: Command, log: &Path) -> anyhow::Result<Self> {
        let started = Instant::now();
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {command:?}"))?;
        let stderr = child.stderr.take().context("no stderr")?;
        let mut file =
            std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let (listening, heard) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(addr) = listening_on(&line) {
                    let _ = listening.send((addr, started.elapsed()));
                }
                let _ = writeln!(file, "{line}");
            }
        });
        match heard.recv_timeout(START_TIMEOUT) {
            Ok((addr, startup)) => Ok(Self {
                child,
                addr,
                startup,
            }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                let tail = std::fs::read_to_string(log).unwrap_or_default();
                let tail: Vec<&str> = tail.lines().rev().take(20).collect();
                bail!(
                    "{command:?} did not say it was listening; the end of its log:\n{}",
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                )
            }
        }
    }

    /// The process id, for profilers.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Starts a new peak: the kernel sets the peak resident size (VmHWM) to the current.
    pub fn reset_peak_memory(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5");
    }

    /// The peak resident size since start or the last reset, in MiB.
    pub fn peak_memory_mib(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The address in a log line such as `Alliance is listening on http://127.0.0.1:8080/graphql`.
fn listening_on(line: &str) -> Option<SocketAddr> {
    let (_, rest) = line.split_once("listening on http://")?;
    rest.split(['/', ' ']).next()?.parse().ok()
}

/// Runs `command` to completion, timing it; fails with its output if it fails.
pub fn timed(mut command: Command) -> anyhow::Result<(Duration, String)> {
    let started = Instant::now();
    let output = command
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {command:?}"))?;
    let took = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        bail!(
            "{command:?} failed ({}):\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok((took, stdout))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listening_line_names_the_address() {
        let line = "2026-11-27T20:06:31Z  INFO alliance_server::cli: Alliance is listening on http://127.0.0.1:18080/graphql backend=\"sqlite\"";
        assert_eq!(listening_on(line), Some("127.0.0.1:18080".parse().unwrap()));
        assert_eq!(
            listening_on("the floor is listening on http://127.0.0.1:9/graphql"),
            Some("127.0.0.1:9".parse().unwrap())
        );
        assert_eq!(listening_on("nothing here"), None);
    }
}
