//! The NAV arbeidsplassen channel (arbeidsmarkedsloven § 7): every ad open on the career site is
//! sent to NAV's import API ("stillingsimport", see `docs/channels/nav-stillingsimport.md`), sent
//! again when it changes, and stopped when it is no longer open. What NAV answered is kept per ad
//! (`channel_posts`) for HR to see. The sync job compares each ad with what NAV was last told,
//! so it can run any number of times; an ad NAV refused or could not be reached for makes the
//! job fail, and the queue runs it again later with backoff.

use sha2::{Digest, Sha256};
use std::time::Duration;
use talentflyt_domain::ad::html;
use talentflyt_domain::nav::{NavAd, NavEmployer, NavInput};
use talentflyt_domain::posting::PublicView;
use talentflyt_store::{ChannelAttempt, Posting, Store, StoreError};

pub const CHANNEL: &str = "nav";

/// Where and as whom to send ads.
#[derive(Debug, Clone)]
pub struct NavConfig {
    /// The API's base, e.g. `https://arbeidsplassen-api.nav.no/stillingsimport`.
    pub base_url: String,
    pub provider_id: String,
    /// The provider's secret key from NAV, sent as a bearer token. Never logged.
    pub token: String,
    pub employer: NavEmployer,
    /// The career site's public address, for each ad's link.
    pub site_url: String,
}

/// The section headings of an ad sent to NAV (the ad is in bokmål).
fn heading(key: &'static str) -> String {
    match key {
        "ad.about_unit" => "Om enheten",
        "ad.duties" => "Arbeidsoppgaver",
        "ad.offer" => "Vi tilbyr",
        "ad.required" => "Kvalifikasjoner",
        "ad.desired" => "Ønskede kvalifikasjoner",
        _ => "",
    }
    .to_owned()
}

/// The ad for NAV, as it is now.
pub fn nav_ad(cfg: &NavConfig, p: &Posting) -> NavAd {
    let content = p.content();
    let fields = p.fields();
    let ad_html = html(
        &content.nb,
        &content.requirements,
        talentflyt_domain::Lang::Nb,
        heading,
    );
    let ad_html = if ad_html.is_empty() {
        format!("<p>{}</p>", talentflyt_domain::ad::escape_html(&p.body))
    } else {
        ad_html
    };
    let published = p
        .published_at
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .unwrap_or_default()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .naive_local();
    let url = format!("{}/jobs/{}", cfg.site_url.trim_end_matches('/'), p.id);
    let deadline = chrono::NaiveDate::parse_from_str(&p.deadline, "%Y-%m-%d").unwrap_or_default();
    NavAd::build(&NavInput {
        reference: &p.reference,
        positions: p.positions,
        title: &p.title,
        ad_html: &ad_html,
        published,
        deadline,
        engagement: p.engagement,
        substitute: None,
        extent_percent: p.extent_percent,
        start_date: fields.start_date,
        work_place: &fields.work_place,
        contacts: &content.contacts,
        url: &url,
        employer: &cfg.employer,
        profession_name: talentflyt_domain::profession::find(&p.profession)
            .map(|x| x.name_nb)
            .unwrap_or(""),
    })
}

/// What happened in one sync.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub sent: usize,
    pub stopped: usize,
    pub unchanged: usize,
    /// Ads NAV refused, or could not be told about.
    pub failed: usize,
}

/// Bring NAV up to date with every ad that may concern it.
pub async fn sync(
    store: &Store,
    cfg: &NavConfig,
    today: chrono::NaiveDate,
) -> Result<SyncReport, StoreError> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| StoreError::Other(format!("http client: {e}")))?;
    let mut report = SyncReport::default();
    let day = today.format("%Y-%m-%d").to_string();
    for c in store.channel_candidates(CHANNEL, &day).await? {
        let p = &c.posting;
        let open = p.public_view(today) == PublicView::Open;
        if open {
            let ad = nav_ad(cfg, p);
            let json = serde_json::to_string(&ad)
                .map_err(|e| StoreError::Other(format!("NAV ad: {e}")))?;
            let digest = hex::encode(Sha256::digest(json.as_bytes()));
            if c.post.as_ref().is_some_and(|post| post.shows(&digest)) {
                report.unchanged += 1;
                continue;
            }
            let problems = ad.check();
            let (accepted, answer) = if !problems.is_empty() {
                (false, format!("Not sent: {}", problems.join("; ")))
            } else {
                send(&client, cfg, &json).await
            };
            store
                .record_channel_attempt(&ChannelAttempt {
                    posting_id: p.id,
                    channel: CHANNEL,
                    state: "active",
                    digest: &digest,
                    accepted,
                    answer: &answer,
                })
                .await?;
            if accepted {
                report.sent += 1;
            } else {
                report.failed += 1;
            }
        } else if c
            .post
            .as_ref()
            .is_some_and(|post| post.sent_state == "active")
        {
            let (accepted, answer) = stop(&client, cfg, &p.reference).await;
            store
                .record_channel_attempt(&ChannelAttempt {
                    posting_id: p.id,
                    channel: CHANNEL,
                    // Until NAV has confirmed the stop, it may still show the ad: try again.
                    state: if accepted { "stopped" } else { "active" },
                    digest: "",
                    accepted,
                    answer: &answer,
                })
                .await?;
            if accepted {
                report.stopped += 1;
            } else {
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

/// POST one ad to the stream endpoint: NAV answers 200 with a receipt whose `status` says
/// whether it was taken (RECEIVED, DONE, SKIPPED) or refused (ERROR, with a message).
async fn send(client: &reqwest::Client, cfg: &NavConfig, json: &str) -> (bool, String) {
    let url = format!(
        "{}/api/v1/transfers/{}",
        cfg.base_url.trim_end_matches('/'),
        cfg.provider_id
    );
    let r = client
        .post(&url)
        .bearer_auth(&cfg.token)
        .header(reqwest::header::CONTENT_TYPE, "application/x-json-stream")
        .header(reqwest::header::ACCEPT, "application/x-json-stream")
        .header(reqwest::header::CACHE_CONTROL, "no-cache")
        .body(json.to_owned())
        .send()
        .await;
    match r {
        Err(e) => (false, format!("NAV could not be reached: {e}")),
        Ok(r) => {
            let status = r.status();
            let body = r.text().await.unwrap_or_default();
            let body: String = body.chars().take(2000).collect();
            if !status.is_success() {
                return (false, format!("HTTP {}: {body}", status.as_u16()));
            }
            let receipt: serde_json::Value = match serde_json::from_str(&body) {
                Ok(v) => v,
                Err(_) => return (false, format!("Unreadable answer: {body}")),
            };
            let taken = matches!(
                receipt["status"].as_str(),
                Some("RECEIVED" | "DONE" | "SKIPPED")
            );
            (taken, body)
        }
    }
}

/// Stop an ad at NAV (DELETE by reference; an ad NAV never had counts as stopped).
async fn stop(client: &reqwest::Client, cfg: &NavConfig, reference: &str) -> (bool, String) {
    let url = format!(
        "{}/api/v1/transfers/{}/{}",
        cfg.base_url.trim_end_matches('/'),
        cfg.provider_id,
        reference
    );
    match client.delete(&url).bearer_auth(&cfg.token).send().await {
        Err(e) => (false, format!("NAV could not be reached: {e}")),
        Ok(r) => {
            let status = r.status();
            let body: String = r
                .text()
                .await
                .unwrap_or_default()
                .chars()
                .take(2000)
                .collect();
            (
                status.is_success() || status.as_u16() == 404,
                format!("HTTP {}: {body}", status.as_u16()),
            )
        }
    }
}
