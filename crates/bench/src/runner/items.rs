//! What the scenarios send: tokens minted with the run's secret, and the requests
//! each scenario's wrk threads take turns with.

use std::time::Duration;

use alliance_server::tokens;
use anyhow::{Context, bail};
use serde_json::json;

use super::client;
use super::database::{self, Writers};
use super::scenarios::Bench;
use super::wrk::Item;

const ALLIANCE_DETAIL: &str = include_str!("../../queries/alliance_detail.graphql");
const RECORD_PROGRESS: &str = include_str!("../../queries/record_progress.graphql");
const SUBMIT_FEEDBACK: &str = include_str!("../../queries/submit_feedback.graphql");

impl Bench<'_> {
    pub(super) fn token(&self, subject: &str, role: &str) -> anyhow::Result<String> {
        let claims = tokens::claims(
            "alliance",
            "alliance",
            subject,
            &self.args.district,
            vec![role.to_owned()],
            Vec::new(),
            Duration::from_secs(8 * 3600),
        );
        tokens::mint(&self.secret, &claims)
    }

    pub(super) async fn writers(&self) -> anyhow::Result<Writers> {
        let args = self.args;
        let writers = database::writers(
            &self.store,
            &args.district,
            &args.staff_prefix,
            args.writers,
            &args.family_prefix,
        )
        .await?;
        if writers.goals.is_empty() || writers.check_ins.is_empty() {
            bail!(
                "found {} staff `{}*` with goals and {} families `{}*` with open check-ins in `{}`",
                writers.goals.len(),
                args.staff_prefix,
                writers.check_ins.len(),
                args.family_prefix,
                args.district
            );
        }
        Ok(writers)
    }

    /// recordProgress on every writer's goals, the writers taking turns.
    pub(super) fn progress_items(&self, writers: &Writers) -> anyhow::Result<Vec<Item>> {
        let tokens: Vec<String> = writers
            .goals
            .iter()
            .map(|(subject, _)| self.token(subject, "STAFF"))
            .collect::<anyhow::Result<_>>()?;
        let longest = writers
            .goals
            .iter()
            .map(|(_, g)| g.len())
            .max()
            .unwrap_or(0);
        let mut items = Vec::new();
        for i in 0..longest {
            for ((_, goals), token) in writers.goals.iter().zip(&tokens) {
                let Some(goal) = goals.get(i) else { continue };
                let input = json!({
                    "goalId": goal,
                    "value": (items.len() % 10) as f64,
                    "note": "Recorded by alliance-bench.",
                });
                items.push(Item {
                    token: token.clone(),
                    body: client::body(RECORD_PROGRESS, json!({ "input": input })),
                });
            }
        }
        Ok(items)
    }

    /// submitFeedback, each family answering its own check-in.
    pub(super) fn feedback_items(&self, writers: &Writers) -> anyhow::Result<Vec<Item>> {
        writers
            .check_ins
            .iter()
            .map(|(subject, request)| {
                let input = json!({
                    "requestId": request, "supported": 8, "understood": 9,
                    "centered": 8, "goals": 7, "approach": 9,
                });
                Ok(Item {
                    token: self.token(subject, "FAMILY")?,
                    body: client::body(SUBMIT_FEEDBACK, json!({ "input": input })),
                })
            })
            .collect()
    }

    /// The viewer's first alliance, with its timeline.
    pub(super) async fn detail_item(&self) -> anyhow::Result<Item> {
        let token = self.token(&self.args.viewer, "STAFF")?;
        let first = "{ students(first: 1) { nodes { alliance { id } } } }";
        let data = client::data(
            &self.client,
            &self.alliance.url("/graphql"),
            &token,
            first,
            json!({}),
        )
        .await?;
        let id = data["students"]["nodes"][0]["alliance"]["id"]
            .as_str()
            .context("the viewer's first student has no alliance")?
            .to_owned();
        Ok(Item {
            token,
            body: client::body(ALLIANCE_DETAIL, json!({ "id": id })),
        })
    }
}
