//! Job alerts: the e-mails (confirmation, new ads, renewal) and the job that sends new ads to
//! each confirmed alert, at once or once a day as its subscriber chose, asks for renewal before
//! consent runs out, and deletes alerts whose consent has run out.

use crate::mail::Brand;
use askama::Template;
use chrono::{Days, NaiveDate};
use std::collections::{HashMap, HashSet};
use talentflyt_domain::ad::TargetGroup;
use talentflyt_domain::alert::{AdFacts, Frequency, RENEWAL_NOTICE_DAYS};
use talentflyt_domain::{profession, Lang};
use talentflyt_store::{Alert, OpenPosting, OrgUnit, OutgoingEmail, Store, StoreError};

/// What the alert e-mails need of the site.
#[derive(Debug, Clone)]
pub struct AlertSite {
    /// The public address, without a trailing slash.
    pub base_url: String,
    pub brand: Brand,
    /// How long consent lasts, in days.
    pub consent_days: u32,
}

impl AlertSite {
    /// The page where the person sees, renews or ends the alert.
    pub fn manage_url(&self, token: &str) -> String {
        format!("{}/jobs/alerts/{token}", self.base_url)
    }
    /// The one-click unsubscribe address (RFC 8058).
    pub fn unsubscribe_url(&self, token: &str) -> String {
        format!("{}/jobs/alerts/{token}/unsubscribe", self.base_url)
    }
    pub fn confirm_url(&self, token: &str) -> String {
        format!("{}/jobs/alerts/confirm/{token}", self.base_url)
    }
    /// The last day of consent given today.
    pub fn consent_until(&self, today: NaiveDate) -> NaiveDate {
        today + Days::new(self.consent_days.into())
    }
}

/// An ad in an e-mail.
pub struct NoticeItem {
    pub title: String,
    pub meta: String,
    pub url: String,
}

/// A plain e-mail: heading, paragraphs, a list of ads, one button, a footer and links.
pub struct Notice {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub items: Vec<NoticeItem>,
    pub action: Option<(String, String)>,
    pub footer: Vec<String>,
    pub links: Vec<(String, String)>,
}

struct NoticeCtx<'a> {
    lang: &'a str,
    subject: &'a str,
    org_name: &'a str,
    primary_color: &'a str,
}

#[derive(Template)]
#[template(path = "email/notice.html")]
struct NoticeHtml<'a> {
    c: &'a NoticeCtx<'a>,
    n: &'a Notice,
}

#[derive(Template)]
#[template(path = "email/notice.txt")]
struct NoticeTxt<'a> {
    c: &'a NoticeCtx<'a>,
    n: &'a Notice,
}

impl Notice {
    pub fn render(
        &self,
        to: &str,
        subject: &str,
        lang: Lang,
        brand: &Brand,
        template: &str,
        list_unsubscribe: Option<String>,
    ) -> Result<OutgoingEmail, askama::Error> {
        let c = NoticeCtx {
            lang: lang.code(),
            subject,
            org_name: &brand.org_name,
            primary_color: &brand.primary_color,
        };
        Ok(OutgoingEmail {
            to: to.to_owned(),
            subject: subject.to_owned(),
            text: NoticeTxt { c: &c, n: self }.render()?,
            html: NoticeHtml { c: &c, n: self }.render()?,
            template: format!("{template}.{}", lang.code()),
            list_unsubscribe,
            calendar: None,
        })
    }
}

fn nb_en(lang: Lang, nb: &str, en: &str) -> String {
    match lang {
        Lang::Nb => nb.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// The e-mail that asks the person to confirm the alert (double opt-in).
pub fn confirmation(
    site: &AlertSite,
    to: &str,
    token: &str,
    lang: Lang,
) -> Result<OutgoingEmail, askama::Error> {
    let org = &site.brand.org_name;
    let n = Notice {
        heading: nb_en(lang, "Bekreft jobbvarselet ditt", "Confirm your job alert"),
        paragraphs: vec![
            nb_en(
                lang,
                &format!("Du (eller noen som skrev inn adressen din) har bedt om å få e-post når {org} lyser ut stillinger som passer det du valgte."),
                &format!("You (or someone who entered your address) asked for e-mail when {org} advertises vacancies that match your choices."),
            ),
            nb_en(
                lang,
                "Varselet starter først når du bekrefter. Gjør du ingenting, sletter vi adressen om sju dager.",
                "The alert starts only when you confirm. If you do nothing, we delete the address in seven days.",
            ),
        ],
        items: vec![],
        action: Some((
            nb_en(lang, "Bekreft jobbvarselet", "Confirm the job alert"),
            site.confirm_url(token),
        )),
        footer: vec![nb_en(
            lang,
            "Dette er en automatisk melding. Du kan ikke svare på denne e-posten.",
            "This is an automatic message. Replies to this e-mail are not read.",
        )],
        links: vec![],
    };
    n.render(
        to,
        &nb_en(lang, "Bekreft jobbvarselet ditt", "Confirm your job alert"),
        lang,
        &site.brand,
        "alert_confirm",
        None,
    )
}

fn footer(site: &AlertSite, a: &Alert, lang: Lang) -> (Vec<String>, Vec<(String, String)>) {
    let until = a
        .consent_until
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map(|d| lang.date(d))
        .unwrap_or_default();
    (
        vec![nb_en(
            lang,
            &format!("Du får denne e-posten fordi du har bedt om jobbvarsel. Samtykket ditt gjelder til {until}."),
            &format!("You get this e-mail because you asked for job alerts. Your consent lasts until {until}."),
        )],
        vec![
            (
                nb_en(lang, "Endre eller se varselet", "Change or view the alert"),
                site.manage_url(&a.token),
            ),
            (
                nb_en(lang, "Meld deg av med ett klikk", "Unsubscribe with one click"),
                site.unsubscribe_url(&a.token),
            ),
        ],
    )
}

fn lang_of(a: &Alert) -> Lang {
    Lang::parse(&a.lang).unwrap_or(Lang::Nb)
}

/// The e-mail with new ads for one alert.
pub fn new_ads(
    site: &AlertSite,
    a: &Alert,
    ads: &[&OpenPosting],
    units: &HashMap<i64, &OrgUnit>,
) -> Result<OutgoingEmail, askama::Error> {
    let lang = lang_of(a);
    let items = ads
        .iter()
        .map(|p| {
            let title = lang.pick(&p.title, &p.title_en).0.to_owned();
            let unit = units.get(&p.unit_id).map(|u| u.name(lang)).unwrap_or("");
            let deadline = NaiveDate::parse_from_str(&p.deadline, "%Y-%m-%d")
                .map(|d| lang.date(d))
                .unwrap_or_default();
            NoticeItem {
                title,
                meta: format!(
                    "{unit} · {} · {} % · {} {deadline}",
                    profession::name(&p.profession, lang),
                    p.extent_percent,
                    nb_en(lang, "Søknadsfrist", "Deadline"),
                ),
                url: format!("{}/jobs/{}?src=job_alert", site.base_url, p.id),
            }
        })
        .collect();
    let (footer, links) = footer(site, a, lang);
    let subject = match (lang, ads.len()) {
        (Lang::Nb, 1) => format!("Ny stilling hos {}: {}", site.brand.org_name, ads[0].title),
        (Lang::Nb, n) => format!("{n} nye stillinger hos {}", site.brand.org_name),
        (Lang::En, 1) => format!(
            "New vacancy at {}: {}",
            site.brand.org_name,
            lang.pick(&ads[0].title, &ads[0].title_en).0
        ),
        (Lang::En, n) => format!("{n} new vacancies at {}", site.brand.org_name),
    };
    Notice {
        heading: nb_en(lang, "Nye stillinger for deg", "New vacancies for you"),
        paragraphs: vec![nb_en(
            lang,
            "Disse stillingene er lyst ut og passer jobbvarselet ditt:",
            "These vacancies have been advertised and match your job alert:",
        )],
        items,
        action: None,
        footer,
        links,
    }
    .render(
        &a.email,
        &subject,
        lang,
        &site.brand,
        "alert_new_ads",
        Some(site.unsubscribe_url(&a.token)),
    )
}

/// The e-mail that asks the person to renew consent before it runs out.
pub fn renewal(site: &AlertSite, a: &Alert) -> Result<OutgoingEmail, askama::Error> {
    let lang = lang_of(a);
    let (footer, links) = footer(site, a, lang);
    let subject = nb_en(
        lang,
        "Vil du fortsatt få jobbvarsel?",
        "Do you still want job alerts?",
    );
    Notice {
        heading: subject.clone(),
        paragraphs: vec![nb_en(
            lang,
            "Samtykket ditt til jobbvarsel går snart ut. Vil du fortsatt få e-post om nye stillinger, fornyer du det med knappen under. Gjør du ingenting, sletter vi varselet og adressen din når samtykket går ut.",
            "Your consent to job alerts runs out soon. To keep getting e-mail about new vacancies, renew it with the button below. If you do nothing, we delete the alert and your address when consent runs out.",
        )],
        items: vec![],
        action: Some((
            nb_en(lang, "Forny jobbvarselet", "Renew the job alert"),
            site.manage_url(&a.token),
        )),
        footer,
        links,
    }
    .render(
        &a.email,
        &subject,
        lang,
        &site.brand,
        "alert_renewal",
        Some(site.unsubscribe_url(&a.token)),
    )
}

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AlertRun {
    /// E-mails with new ads.
    pub sent: usize,
    pub renewals: usize,
    /// Alerts deleted because consent ran out.
    pub expired: usize,
}

/// A daily alert is sent from this hour (Norwegian time), once a day.
pub const DAILY_HOUR: u32 = 7;
/// Sign-ups never confirmed are deleted after this long.
pub const PENDING_MAX_AGE_SECS: i64 = 7 * 86_400;

/// Send what is due: new ads to each alert (instant ones always, daily ones once a day from
/// [`DAILY_HOUR`]), renewal e-mails, and delete alerts whose consent has run out.
pub async fn run(
    store: &Store,
    site: &AlertSite,
    today: NaiveDate,
    hour: u32,
) -> Result<AlertRun, StoreError> {
    let mut r = AlertRun::default();
    store.prune_pending_alerts(PENDING_MAX_AGE_SECS).await?;
    let alerts = store.active_alerts().await?;
    if alerts.is_empty() {
        return Ok(r);
    }
    let day = today.format("%Y-%m-%d").to_string();
    let open = store.open_postings(&day).await?;
    let all_units = store.all_units().await?;
    let units: HashMap<i64, &OrgUnit> = all_units.iter().map(|u| (u.id, u)).collect();
    let clinic_of = |p: &OpenPosting| -> Option<&str> {
        p.unit_path
            .split('/')
            .filter_map(|s| s.parse::<i64>().ok())
            .filter_map(|id| units.get(&id))
            .find(|u| u.kind == talentflyt_domain::org::UnitKind::Clinic)
            .map(|u| u.code.as_str())
    };
    let targets: Vec<Vec<TargetGroup>> = open
        .iter()
        .map(|p| {
            p.target_groups
                .split(',')
                .filter_map(TargetGroup::parse)
                .collect()
        })
        .collect();
    let sent = store.alert_sent_pairs().await?;
    let now = talentflyt_store::now();
    let renew_from = today + Days::new(RENEWAL_NOTICE_DAYS.into());
    for a in &alerts {
        let until = a
            .consent_until
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        if until.is_none_or(|u| u < today) {
            store.delete_alert(a.id, "", "consent ran out").await?;
            r.expired += 1;
            continue;
        }
        if until.is_some_and(|u| u <= renew_from) && a.renewal_sent_at.is_none() {
            let m = renewal(site, a).map_err(|e| StoreError::Other(format!("e-mail: {e}")))?;
            store.record_alert_renewal(a.id, &m).await?;
            r.renewals += 1;
        }
        let due = match a.frequency {
            Frequency::Instant => true,
            Frequency::Daily => {
                hour >= DAILY_HOUR && a.last_sent_at.is_none_or(|t| now - t >= 20 * 3600)
            }
        };
        if !due {
            continue;
        }
        let criteria = a.criteria();
        let ads: Vec<&OpenPosting> = open
            .iter()
            .zip(&targets)
            .filter(|(p, t)| {
                !sent.contains(&(a.id, p.id))
                    && criteria.matches(&AdFacts {
                        profession: &p.profession,
                        clinic: clinic_of(p),
                        place: &p.work_place,
                        targets: t,
                    })
            })
            .map(|(p, _)| p)
            .take(50)
            .collect();
        if ads.is_empty() {
            continue;
        }
        let m = new_ads(site, a, &ads, &units)
            .map_err(|e| StoreError::Other(format!("e-mail: {e}")))?;
        let ids: Vec<i64> = ads.iter().map(|p| p.id).collect();
        store.record_alert_sent(a.id, &ids, &m).await?;
        r.sent += 1;
    }
    Ok(r)
}

/// Pool sizes: how many confirmed alerts ask for each value of each kind (an alert that names
/// no value of a kind counts under "any").
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PoolSizes {
    pub total: usize,
    pub professions: HashMap<String, usize>,
    pub clinics: HashMap<String, usize>,
    pub places: HashMap<String, usize>,
    pub targets: HashMap<String, usize>,
}

/// Count the pool by kind and value.
pub fn pool_sizes(alerts: &[Alert]) -> PoolSizes {
    let mut s = PoolSizes {
        total: alerts.len(),
        ..Default::default()
    };
    for a in alerts {
        let c = a.criteria();
        let targets: Vec<String> = c.targets.iter().map(|t| t.as_str().to_owned()).collect();
        for (map, values) in [
            (&mut s.professions, &c.professions),
            (&mut s.clinics, &c.clinics),
            (&mut s.places, &c.places),
            (&mut s.targets, &targets),
        ] {
            let distinct: HashSet<&String> = values.iter().collect();
            if distinct.is_empty() {
                *map.entry(String::new()).or_default() += 1;
            }
            for v in distinct {
                *map.entry(v.clone()).or_default() += 1;
            }
        }
    }
    s
}
