//! Authorised channels of recruiters and `verifyContact`: is the phone number, page or agent
//! number that reached a jobseeker really a channel of a recruiter certified today?
//!
//! Every contact is compared in one normalised form, the same when a channel is written and when
//! a value is checked, so that `+977 61-441 172`, `0061441172` dialled in Nepal and
//! `tel:+97761441172` are one number, and `HTTPS://m.facebook.com/HimalayanOverseas/` is the
//! page `facebook.com/himalayanoverseas`:
//! - phones: E.164, through libphonenumber's metadata (the `phonenumber` crate);
//! - web and social-media addresses: the host in lower-case ASCII without `www.`/`m.`, then the
//!   path without its final `/`, in lower case; the query only where it names the page
//!   (`profile.php?id=…`);
//! - agent numbers: upper case, letters and digits only.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use entity::{authorised_channel, authorised_contact, recruiter};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::standing;
use crate::{
    error::{AppError, AppResult},
    vocab::Violation,
};

/// The kinds of contact a channel lists and `verifyContact` recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContactKind {
    Phone,
    Web,
    AgentNumber,
}

impl ContactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactKind::Phone => "phone",
            ContactKind::Web => "web",
            ContactKind::AgentNumber => "agent_number",
        }
    }
}

/// The longest value `verifyContact` accepts.
pub const MAX_VALUE_CHARS: usize = 300;

/// A phone number in E.164 (`+97761441172`). Without a leading `+` (or `00`), the number is read
/// as dialled in `country`; with neither, it cannot be placed and is refused.
pub fn normalise_phone(text: &str, country: Option<&str>) -> Result<String, Violation> {
    let trimmed = text.trim().trim_start_matches("tel:");
    // `00` is the international prefix of most countries; read it as `+` when no country says
    // otherwise.
    let rewritten;
    let trimmed = match trimmed.strip_prefix("00") {
        Some(rest) if country.is_none() => {
            rewritten = format!("+{rest}");
            rewritten.as_str()
        }
        _ => trimmed,
    };
    let international = trimmed.starts_with('+');
    let region = match country {
        Some(country) => Some(
            country
                .parse::<phonenumber::country::Id>()
                .map_err(|_| format!("`{country}` is not a country phone numbers can be read in"))?,
        ),
        None if international => None,
        None => {
            return Err(format!(
                "phone number `{}` has no country code: write it with one (`+977 …`), or give the country it is dialled in",
                shorten(trimmed)
            ));
        }
    };
    let number =
        phonenumber::parse(region, trimmed).map_err(|_| format!("`{}` is not a phone number", shorten(trimmed)))?;
    if !phonenumber::is_valid(&number) {
        return Err(format!(
            "`{}` is not a valid phone number of its country (check the country code and the number of digits)",
            shorten(trimmed)
        ));
    }
    Ok(number.format().mode(phonenumber::Mode::E164).to_string())
}

/// A web or social-media address in compared form: `facebook.com/himalayanoverseas`.
pub fn normalise_web(text: &str) -> Result<String, Violation> {
    let trimmed = text.trim();
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let parsed = url::Url::parse(&with_scheme)
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https"))
        .ok_or_else(|| format!("`{}` is not a web address", shorten(trimmed)))?;
    let host = parsed
        .host_str()
        .filter(|host| host.contains('.'))
        .ok_or_else(|| format!("`{}` is not a web address: it names no host", shorten(trimmed)))?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let host = ["www.", "m.", "mobile.", "web."]
        .iter()
        .find_map(|prefix| host.strip_prefix(prefix))
        .map_or(host.clone(), str::to_owned);
    let path = parsed.path().trim_end_matches('/').to_lowercase();
    // A few pages are named by their query (`facebook.com/profile.php?id=100064…`); other
    // queries are tracking and dropped.
    let page_id = parsed
        .query_pairs()
        .find(|(name, _)| name == "id")
        .map(|(_, value)| format!("?id={}", value.to_lowercase()))
        .unwrap_or_default();
    Ok(format!("{host}{path}{page_id}"))
}

/// An agent registration number in compared form: `NP-AG/2024/0117` -> `NPAG20240117`.
pub fn normalise_agent_number(text: &str) -> Result<String, Violation> {
    let key: String = text
        .chars()
        .filter(|character| character.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect();
    if key.is_empty() {
        return Err(format!("`{}` holds no letters or digits", shorten(text.trim())));
    }
    Ok(key)
}

/// What a value typed by a jobseeker most likely is: a phone number (a `+`, or mostly digits),
/// a web address (a dot or a slash and no space), or else an agent number.
pub fn classify(value: &str) -> ContactKind {
    let trimmed = value.trim();
    let digits = trimmed.chars().filter(char::is_ascii_digit).count();
    let phone_like = trimmed
        .chars()
        .all(|character| character.is_ascii_digit() || " +-().".contains(character))
        || trimmed.starts_with("tel:");
    if phone_like && (digits >= 6 || trimmed.starts_with('+')) {
        return ContactKind::Phone;
    }
    let web_like = !trimmed.contains(char::is_whitespace)
        && (trimmed.contains("://") || (trimmed.contains('.') && trimmed.chars().any(char::is_alphabetic)));
    if web_like && normalise_web(trimmed).is_ok() {
        return ContactKind::Web;
    }
    ContactKind::AgentNumber
}

/// The keys a channel is found by: each contact under its kind. Fails on the first contact
/// that cannot be normalised, naming it.
pub fn channel_keys(
    country: &str,
    phones: &[String],
    web_addresses: &[String],
    agent_numbers: &[String],
) -> Result<BTreeSet<(ContactKind, String)>, Violation> {
    let mut keys = BTreeSet::new();
    for phone in phones {
        keys.insert((ContactKind::Phone, normalise_phone(phone, Some(country))?));
    }
    for address in web_addresses {
        keys.insert((ContactKind::Web, normalise_web(address)?));
    }
    for number in agent_numbers {
        keys.insert((ContactKind::AgentNumber, normalise_agent_number(number)?));
    }
    Ok(keys)
}

/// The keys a checked value is looked up by: for a web address, the page and each page above
/// it on the same site (`site.np/jobs/2024` matches a channel listing `site.np`).
fn lookup_keys(kind: ContactKind, value: &str, country: Option<&str>) -> AppResult<(String, Vec<String>)> {
    let normalised = match kind {
        ContactKind::Phone => normalise_phone(value, country),
        ContactKind::Web => normalise_web(value),
        ContactKind::AgentNumber => normalise_agent_number(value),
    }
    .map_err(AppError::BadInput)?;
    let mut keys = vec![normalised.clone()];
    if kind == ContactKind::Web {
        let without_query = normalised.split('?').next().unwrap_or_default();
        let mut prefix = without_query;
        if prefix != normalised {
            keys.push(prefix.to_owned());
        }
        while let Some((parent, _)) = prefix.rsplit_once('/') {
            keys.push(parent.to_owned());
            prefix = parent;
        }
    }
    Ok((normalised, keys))
}

/// A channel is valid today from its first day through its last.
pub fn channel_valid(channel: &authorised_channel::Model, today: NaiveDate) -> bool {
    channel.archived_at.is_none()
        && channel.valid_from <= today
        && channel.valid_until.is_none_or(|until| until >= today)
}

/// The answer of `verifyContact`.
#[derive(Debug)]
pub struct ContactCheck {
    pub value: String,
    pub kind: ContactKind,
    /// The compared form (E.164 for a phone).
    pub normalised: String,
    /// An authorised channel, valid today, of a recruiter certified today.
    pub authorised: bool,
    pub recruiter: Option<recruiter::Model>,
    pub channel: Option<authorised_channel::Model>,
    /// Why, in a sentence a person can act on.
    pub reason: String,
    /// Set when the value matches a channel that must not be trusted today.
    pub warning: Option<String>,
}

/// Checks one value: `country` places a phone number written without its country code.
pub async fn verify(
    db: &impl ConnectionTrait,
    value: &str,
    country: Option<&str>,
    today: NaiveDate,
) -> AppResult<ContactCheck> {
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.chars().count() > MAX_VALUE_CHARS {
        return Err(AppError::bad_input(format!(
            "`value` must be a phone number, a web address or an agent number of 1 to {MAX_VALUE_CHARS} characters"
        )));
    }
    if let Some(country) = country {
        crate::vocab::check_country(country).map_err(AppError::BadInput)?;
    }
    let kind = classify(trimmed);
    let (normalised, keys) = lookup_keys(kind, trimmed, country)?;
    // A confirmed misuse report on the value (or, for a page, on the page it is on) overrides
    // everything: the secretariat found it to be an impersonator.
    let reported_keys: Vec<String> = keys.iter().map(|key| format!("{}:{key}", kind.as_str())).collect();
    let reported = super::misuse::confirmed_for(db, &reported_keys).await?;
    let mut check = verify_channels(db, value, kind, normalised, keys, today).await?;
    if let Some(report) = reported {
        check.authorised = false;
        check.reason = "reported and confirmed as an impersonator: do not pay, do not hand over documents".to_owned();
        check.warning = Some(super::misuse::warning(&report));
    }
    Ok(check)
}

/// [`verify`] against the authorised channels.
async fn verify_channels(
    db: &impl ConnectionTrait,
    value: &str,
    kind: ContactKind,
    normalised: String,
    keys: Vec<String>,
    today: NaiveDate,
) -> AppResult<ContactCheck> {
    let contacts = authorised_contact::Entity::find()
        .filter(authorised_contact::Column::Kind.eq(kind.as_str()))
        .filter(authorised_contact::Column::ContactKey.is_in(keys.clone()))
        .all(db)
        .await?;
    // The most specific key that matched (a page before its site).
    let best_key = keys
        .iter()
        .find(|key| contacts.iter().any(|contact| &contact.contact_key == *key));
    let channel_ids: Vec<i64> = contacts
        .iter()
        .filter(|contact| Some(&contact.contact_key) == best_key)
        .map(|contact| contact.channel_id)
        .collect();
    let channels = if channel_ids.is_empty() {
        Vec::new()
    } else {
        authorised_channel::Entity::find()
            .filter(authorised_channel::Column::Id.is_in(channel_ids))
            .filter(authorised_channel::Column::ArchivedAt.is_null())
            .order_by_asc(authorised_channel::Column::Id)
            .all(db)
            .await?
    };
    let recruiter_ids: Vec<i64> = channels.iter().map(|channel| channel.recruiter_id).collect();
    let recruiters = if recruiter_ids.is_empty() {
        Vec::new()
    } else {
        recruiter::Entity::find()
            .filter(recruiter::Column::Id.is_in(recruiter_ids))
            .filter(recruiter::Column::ArchivedAt.is_null())
            .all(db)
            .await?
    };
    let holder = |channel: &authorised_channel::Model| {
        recruiters
            .iter()
            .find(|recruiter| recruiter.id == channel.recruiter_id)
            .cloned()
    };
    // Prefer a channel that is good today; else the most recent one that matched, to explain.
    let mut candidates: Vec<(authorised_channel::Model, recruiter::Model)> = channels
        .into_iter()
        .filter_map(|channel| holder(&channel).map(|recruiter| (channel, recruiter)))
        .collect();
    candidates.sort_by_key(|(channel, recruiter)| {
        (
            !(channel_valid(channel, today) && standing::in_force(recruiter.certified_until, today)),
            std::cmp::Reverse(channel.valid_from),
        )
    });
    let what = match kind {
        ContactKind::Phone => "phone number",
        ContactKind::Web => "web address",
        ContactKind::AgentNumber => "agent number",
    };
    let Some((channel, recruiter)) = candidates.into_iter().next() else {
        return Ok(ContactCheck {
            value: value.to_owned(),
            kind,
            normalised,
            authorised: false,
            recruiter: None,
            channel: None,
            reason: format!(
                "this {what} is not an authorised channel of any recruiter in the directory: do not pay or hand over documents before checking the recruiter itself"
            ),
            warning: None,
        });
    };
    let certified = standing::in_force(recruiter.certified_until, today);
    let valid = channel_valid(&channel, today);
    let name = recruiter.legal_name.clone();
    let (authorised, reason, warning) = match (valid, certified) {
        (true, true) => (
            true,
            format!(
                "an authorised {} of {name}, certified today, since {}",
                channel.kind.replace('_', " "),
                channel.valid_from
            ),
            None,
        ),
        (true, false) => (
            false,
            format!("a channel of {name}, which is not certified today"),
            Some(format!(
                "{name} is not certified today: its channels are not vouched for"
            )),
        ),
        (false, _) if channel.valid_from > today => (
            false,
            format!("a channel of {name} only from {}", channel.valid_from),
            Some(format!("not yet an authorised channel of {name}")),
        ),
        (false, _) => (
            false,
            format!(
                "was a channel of {name} until {}",
                channel.valid_until.map(|day| day.to_string()).unwrap_or_default()
            ),
            Some(format!(
                "no longer an authorised channel of {name}: someone may be using its name"
            )),
        ),
    };
    Ok(ContactCheck {
        value: value.to_owned(),
        kind,
        normalised,
        authorised,
        recruiter: Some(recruiter),
        channel: Some(channel),
        reason,
        warning,
    })
}

fn shorten(value: &str) -> String {
    value.chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_compare_in_e164_whatever_the_spelling() {
        let e164 = normalise_phone("+977 1-4411726", None).expect("a Nepali number");
        assert_eq!(e164, "+97714411726");
        assert_eq!(normalise_phone("tel:+97714411726", None).as_deref(), Ok("+97714411726"));
        assert_eq!(normalise_phone("00977 1 4411726", None).as_deref(), Ok("+97714411726"));
        assert_eq!(normalise_phone("01-4411726", Some("NP")).as_deref(), Ok("+97714411726"));
        assert!(
            normalise_phone("01-4411726", None)
                .unwrap_err()
                .contains("country code")
        );
        assert!(normalise_phone("+977 12", None).is_err());
    }

    #[test]
    fn web_addresses_compare_by_host_and_path() {
        for spelling in [
            "https://www.facebook.com/HimalayanOverseas/",
            "http://m.facebook.com/himalayanoverseas?ref=share",
            "facebook.com/HimalayanOverseas",
        ] {
            assert_eq!(
                normalise_web(spelling).as_deref(),
                Ok("facebook.com/himalayanoverseas"),
                "{spelling}"
            );
        }
        assert_eq!(
            normalise_web("https://www.facebook.com/profile.php?id=1000642&ref=x").as_deref(),
            Ok("facebook.com/profile.php?id=1000642")
        );
        assert!(normalise_web("not a page").is_err());
        let (_, keys) = lookup_keys(ContactKind::Web, "https://agency.com.np/jobs/qatar", None).expect("an address");
        assert_eq!(
            keys,
            ["agency.com.np/jobs/qatar", "agency.com.np/jobs", "agency.com.np"]
        );
    }

    #[test]
    fn a_typed_value_is_read_as_what_it_looks_like() {
        assert_eq!(classify("+977 9801234567"), ContactKind::Phone);
        assert_eq!(classify("9801 234 567"), ContactKind::Phone);
        assert_eq!(classify("www.facebook.com/agency"), ContactKind::Web);
        assert_eq!(classify("tiktok.com/@agency"), ContactKind::Web);
        assert_eq!(classify("DoFE-AG 2024/117"), ContactKind::AgentNumber);
        assert_eq!(
            normalise_agent_number("dofe-ag 2024/117").as_deref(),
            Ok("DOFEAG2024117")
        );
        assert!(normalise_agent_number("--").is_err());
    }
}
