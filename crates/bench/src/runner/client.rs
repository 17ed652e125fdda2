//! Single requests the runner makes itself (not load): setting up, comparing the two
//! dashboards, reading `/metrics`, and the sequential writes of `--no-wrk`.

use anyhow::{Context, bail};
use serde_json::{Value, json};

/// A GraphQL request body, as both servers and wrk receive it.
pub fn body(query: &str, variables: Value) -> String {
    json!({ "query": query, "variables": variables }).to_string()
}

/// POSTs `body` to `url` as the bearer of `token`; the status and the raw answer.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    body: String,
) -> anyhow::Result<(u16, String)> {
    let response = client
        .post(url)
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .with_context(|| format!("POST {url}"))?;
    let status = response.status().as_u16();
    Ok((status, response.text().await?))
}

/// Runs a query that must succeed, and returns its `data`.
pub async fn data(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> anyhow::Result<Value> {
    let (status, text) = post(client, url, token, body(query, variables)).await?;
    let mut value: Value = serde_json::from_str(&text).with_context(|| format!("{url}: {text}"))?;
    if status != 200 || value.get("errors").is_some() {
        bail!("{url} answered {status}: {text}");
    }
    Ok(value["data"].take())
}

/// A server's request and SQL statement counters.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counters {
    pub requests: u64,
    pub statements: u64,
}

/// Reads `/metrics` (Alliance's, or the floor's under the same names).
pub async fn counters(client: &reqwest::Client, url: &str) -> anyhow::Result<Counters> {
    let text = client.get(url).send().await?.text().await?;
    let read = |name: &str| -> anyhow::Result<u64> {
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
            .with_context(|| format!("{url} has no {name}"))
    };
    Ok(Counters {
        requests: read("alliance_graphql_requests_total")?,
        statements: read("alliance_sql_statements_total")?,
    })
}

impl Counters {
    /// SQL statements per request between `self` (before) and `after`.
    pub fn per_request(self, after: Counters) -> Option<f64> {
        let requests = after.requests.checked_sub(self.requests)?;
        let statements = after.statements.checked_sub(self.statements)?;
        (requests > 0).then(|| statements as f64 / requests as f64)
    }
}
