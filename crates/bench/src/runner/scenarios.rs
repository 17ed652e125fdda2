//! The scenarios: which server each loads, in what order, and how a run is measured
//! (wrk's latencies, the server's statement counter and peak memory, and for writes
//! whether every acknowledged write is in the database). [`items`](super::items) says
//! what they send.

use alliance_store::Store;
use anyhow::{Context, bail};
use secrecy::SecretString;
use serde_json::{Value, json};

use super::args::{RunArgs, Scenario};
use super::client::{self, Counters};
use super::database;
use super::process::Server;
use super::report::{Probe, Run, Writes};
use super::wrk::{self, Item};
use crate::floor::DASHBOARD;

/// How many writes `--no-wrk` makes of each kind.
const PROBES: usize = 5;

/// A run's servers, database and settings.
pub struct Bench<'a> {
    pub args: &'a RunArgs,
    pub dir: std::path::PathBuf,
    pub store: Store,
    pub client: reqwest::Client,
    pub alliance: Server,
    pub floor: Server,
    pub secret: SecretString,
}

/// Where a write scenario's records land, and how its answers name them.
struct Written {
    table: &'static str,
    ack: &'static str,
    field: &'static str,
    mutation: &'static str,
}

fn written(scenario: Scenario) -> Option<Written> {
    match scenario {
        Scenario::RecordProgress => Some(Written {
            table: "progress_entries",
            ack: r#""progressEntry":{"id":"([^"]+)""#,
            field: "progressEntry",
            mutation: "recordProgress",
        }),
        Scenario::SubmitFeedback => Some(Written {
            table: "feedback_responses",
            ack: r#""feedbackResponse":{"id":"([^"]+)""#,
            field: "feedbackResponse",
            mutation: "submitFeedback",
        }),
        _ => None,
    }
}

impl Bench<'_> {
    /// Asks both servers for the dashboard, keeps both answers beside the logs, and
    /// says whether they are the same JSON; and how large Alliance's is.
    pub async fn compare_dashboards(&self) -> anyhow::Result<(bool, usize)> {
        let token = self.token(&self.args.viewer, "STAFF")?;
        let body = client::body(DASHBOARD, json!({}));
        let mut answers = Vec::new();
        for (server, name) in [(&self.alliance, "alliance"), (&self.floor, "floor")] {
            let (status, text) =
                client::post(&self.client, &server.url("/graphql"), &token, body.clone()).await?;
            std::fs::write(self.dir.join(format!("dashboard.{name}.json")), &text)?;
            let value: Value = serde_json::from_str(&text)
                .with_context(|| format!("{name} answered {status}: {text}"))?;
            if status != 200 || value.get("errors").is_some() {
                bail!("{name} answered the dashboard with {status}: {text}");
            }
            answers.push((value, text.len()));
        }
        let students = &answers[0].0["data"]["students"]["nodes"];
        if students.as_array().is_none_or(Vec::is_empty) {
            bail!(
                "the dashboard of `{}` in `{}` shows no students: are --district and --viewer right?",
                self.args.viewer,
                self.args.district
            );
        }
        Ok((answers[0].0 == answers[1].0, answers[0].1))
    }

    /// Every scenario asked for at every concurrency; the dashboard and the floor take
    /// turns at each concurrency, so their ratio compares like with like.
    pub async fn measure_all(&self) -> anyhow::Result<Vec<Run>> {
        let scenarios = self.args.scenarios();
        let wants = |s: Scenario| scenarios.contains(&s);
        let concurrency = &self.args.concurrency;
        let viewer = Item {
            token: self.token(&self.args.viewer, "STAFF")?,
            body: client::body(DASHBOARD, json!({})),
        };
        let mut runs = Vec::new();
        for &c in concurrency {
            for scenario in [Scenario::Dashboard, Scenario::Floor] {
                if wants(scenario) {
                    runs.push(
                        self.measure(scenario, c, vec![viewer.clone()], false)
                            .await?,
                    );
                }
            }
        }
        if wants(Scenario::AllianceDetail) {
            let detail = self.detail_item().await?;
            for &c in concurrency {
                let items = vec![detail.clone()];
                runs.push(
                    self.measure(Scenario::AllianceDetail, c, items, false)
                        .await?,
                );
            }
        }
        if wants(Scenario::RecordProgress) || wants(Scenario::SubmitFeedback) {
            let writers = self.writers().await?;
            if wants(Scenario::RecordProgress) {
                let items = self.progress_items(&writers)?;
                for &c in concurrency {
                    runs.push(
                        self.measure(Scenario::RecordProgress, c, items.clone(), false)
                            .await?,
                    );
                }
            }
            if wants(Scenario::SubmitFeedback) {
                // Each check-in is answered once: every run gets its own share.
                let items = self.feedback_items(&writers)?;
                let share = items.len().div_ceil(concurrency.len().max(1)).max(1);
                for (&c, items) in concurrency.iter().zip(items.chunks(share)) {
                    runs.push(
                        self.measure(Scenario::SubmitFeedback, c, items.to_vec(), true)
                            .await?,
                    );
                }
            }
        }
        let floor: Vec<(u32, f64)> = runs
            .iter()
            .filter(|r| r.scenario == Scenario::Floor.name())
            .map(|r| (r.concurrency, r.requests_per_s))
            .collect();
        for run in runs
            .iter_mut()
            .filter(|r| r.scenario == Scenario::Dashboard.name())
        {
            run.ratio_to_floor = floor
                .iter()
                .find(|(c, _)| *c == run.concurrency)
                .filter(|(_, rps)| *rps > 0.0)
                .map(|(_, rps)| run.requests_per_s / rps);
        }
        Ok(runs)
    }

    async fn measure(
        &self,
        scenario: Scenario,
        connections: u32,
        items: Vec<Item>,
        once: bool,
    ) -> anyhow::Result<Run> {
        let server = match scenario {
            Scenario::Floor => &self.floor,
            _ => &self.alliance,
        };
        let writes = written(scenario);
        let rows_before = match &writes {
            Some(w) => database::count(&self.store, w.table).await?,
            None => 0,
        };
        let metrics = server.url("/metrics");
        let before = client::counters(&self.client, &metrics).await?;
        server.reset_peak_memory();
        eprintln!(
            "alliance-bench: {} at {connections} connections ({} requests to choose from)",
            scenario.name(),
            items.len()
        );
        let load = wrk::Load {
            wrk: &self.args.wrk,
            url: server.url("/graphql"),
            connections,
            duration: self.args.duration,
            // Writes share their items out (each is one record's worth of work);
            // reads send the same request from every thread.
            items: if scenario.writes() {
                wrk::deal(&items, connections)
            } else {
                vec![items.clone(); wrk::threads(connections) as usize]
            },
            once,
            ack: writes.as_ref().map(|w| w.ack),
            dir: &self.dir,
            name: format!("{}-c{connections}", scenario.name()),
        };
        let outcome = tokio::task::block_in_place(|| wrk::run(&load))?;
        let peak_rss_mib = server.peak_memory_mib();
        let after: Counters = client::counters(&self.client, &metrics).await?;
        let writes = match writes {
            Some(w) => {
                let new_rows = database::count(&self.store, w.table).await? - rows_before;
                let found = database::present(&self.store, w.table, &outcome.acked_ids).await?;
                let unanswered = outcome.sent.saturating_sub(outcome.answered);
                Some(Writes::new(outcome.acked, found, new_rows, unanswered))
            }
            None => None,
        };
        let e = &outcome.socket_errors;
        Ok(Run {
            scenario: scenario.name().to_owned(),
            concurrency: connections,
            requests: outcome.answered,
            window_s: outcome.window_s,
            requests_per_s: outcome.answered as f64 / outcome.window_s.max(1e-9),
            p50_ms: outcome.p50_us as f64 / 1000.0,
            p99_ms: outcome.p99_us as f64 / 1000.0,
            max_ms: outcome.max_us as f64 / 1000.0,
            non_2xx: outcome.non2xx,
            errors: outcome.errors,
            socket_errors: e.connect + e.read + e.write + e.timeout,
            statements_per_request: before.per_request(after),
            peak_rss_mib,
            ratio_to_floor: None,
            writes,
            error_samples: outcome.error_samples,
        })
    }

    /// Without wrk: a few writes of each kind, one at a time, checked in the database.
    pub async fn probe_writes(&self) -> anyhow::Result<Vec<Probe>> {
        let writers = self.writers().await?;
        let mut probes = Vec::new();
        for scenario in [Scenario::RecordProgress, Scenario::SubmitFeedback] {
            let w = written(scenario).context("a write scenario")?;
            let items = match scenario {
                Scenario::RecordProgress => self.progress_items(&writers)?,
                _ => self.feedback_items(&writers)?,
            };
            let before = database::count(&self.store, w.table).await?;
            let mut acked = Vec::new();
            for item in items.into_iter().take(PROBES) {
                let url = self.alliance.url("/graphql");
                let (status, text) =
                    client::post(&self.client, &url, &item.token, item.body).await?;
                let value: Value = serde_json::from_str(&text).unwrap_or_default();
                let payload = &value["data"][w.mutation];
                let clean = status == 200
                    && value.get("errors").is_none()
                    && payload["userErrors"].as_array().is_some_and(Vec::is_empty);
                match payload[w.field]["id"].as_str() {
                    Some(id) if clean => acked.push(id.to_owned()),
                    _ => eprintln!("alliance-bench: {} was refused: {text}", scenario.name()),
                }
            }
            let new_rows = database::count(&self.store, w.table).await? - before;
            let found = database::present(&self.store, w.table, &acked).await?;
            probes.push(Probe {
                scenario: scenario.name().to_owned(),
                requests: PROBES as u64,
                writes: Writes::new(acked.len() as u64, found, new_rows, 0),
            });
        }
        Ok(probes)
    }
}
