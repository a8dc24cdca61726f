//! Support services: where a migrant worker gets help, at home before leaving and abroad.
//!
//! One definition of "serves a corridor" holds for the `supportServices` filter and for a
//! corridor's help at origin and destination: a service listed for the corridor, or a service
//! that lists no corridor (it helps every migrant) in one of the corridor's two countries.

use chrono::{DateTime, Datelike, Timelike, Utc};
use entity::{
    support_service, support_service_channel, support_service_corridor, support_service_country,
    support_service_language,
};
use interchange::ServiceChannelRecord;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, Query},
};
use serde_json::json;

use super::{
    page::{self, Listing, PageArgs},
    training::listed_in,
};
use crate::{
    error::{AppError, AppResult},
    vocab::{self, ServiceChannelKind, SupportKind},
};

#[derive(Debug, Clone, Default)]
pub struct SupportServiceFilter {
    /// Services in (or serving) this country.
    pub country: Option<String>,
    /// Services that serve this corridor (see the module's definition).
    pub corridor: Option<(String, String)>,
    /// Services that help in this language (ISO 639-1).
    pub language: Option<String>,
    pub kind: Option<Vec<SupportKind>>,
    /// Services reachable on any of these channels.
    pub channel: Option<Vec<ServiceChannelKind>>,
    /// `true`: free services only.
    pub free: Option<bool>,
}

fn id_column() -> (support_service::Entity, support_service::Column) {
    (support_service::Entity, support_service::Column::Id)
}

/// Services listed for the corridor, or listing no corridor and based in one of its countries.
fn serves_corridor(origin: &str, destination: &str) -> Condition {
    let listed = Query::select()
        .column(support_service_corridor::Column::ServiceId)
        .from(support_service_corridor::Entity)
        .and_where(Expr::col(support_service_corridor::Column::Origin).eq(origin))
        .and_where(Expr::col(support_service_corridor::Column::Destination).eq(destination))
        .to_owned();
    let any_corridor = Query::select()
        .column(support_service_corridor::Column::ServiceId)
        .from(support_service_corridor::Entity)
        .to_owned();
    let at_either_end = Query::select()
        .column(support_service_country::Column::ServiceId)
        .from(support_service_country::Entity)
        .and_where(Expr::col(support_service_country::Column::Country).is_in([origin, destination]))
        .to_owned();
    Condition::any().add(Expr::col(id_column()).in_subquery(listed)).add(
        Condition::all()
            .add(Expr::col(id_column()).not_in_subquery(any_corridor))
            .add(Expr::col(id_column()).in_subquery(at_either_end)),
    )
}

impl SupportServiceFilter {
    pub fn condition(&self) -> AppResult<Condition> {
        let mut condition = Condition::all().add(support_service::Column::ArchivedAt.is_null());
        if let Some(country) = &self.country {
            vocab::check_country(country).map_err(AppError::BadInput)?;
            condition = condition.add(listed_in(
                id_column(),
                support_service_country::Entity,
                support_service_country::Column::ServiceId,
                support_service_country::Column::Country,
                country,
            ));
        }
        if let Some((origin, destination)) = &self.corridor {
            vocab::check_country(origin).map_err(AppError::BadInput)?;
            vocab::check_country(destination).map_err(AppError::BadInput)?;
            condition = condition.add(serves_corridor(origin, destination));
        }
        if let Some(language) = &self.language {
            vocab::check_language(language).map_err(AppError::BadInput)?;
            condition = condition.add(listed_in(
                id_column(),
                support_service_language::Entity,
                support_service_language::Column::ServiceId,
                support_service_language::Column::Language,
                language,
            ));
        }
        if let Some(kinds) = self.kind.as_ref().filter(|kinds| !kinds.is_empty()) {
            condition = condition.add(support_service::Column::Kind.is_in(kinds.iter().map(|kind| kind.as_str())));
        }
        if let Some(channels) = self.channel.as_ref().filter(|channels| !channels.is_empty()) {
            let reachable = Query::select()
                .column(support_service_channel::Column::ServiceId)
                .from(support_service_channel::Entity)
                .and_where(
                    Expr::col(support_service_channel::Column::Kind).is_in(channels.iter().map(|kind| kind.as_str())),
                )
                .to_owned();
            condition = condition.add(Expr::col(id_column()).in_subquery(reachable));
        }
        if let Some(free) = self.free {
            condition = condition.add(support_service::Column::Free.eq(free));
        }
        Ok(condition)
    }
}

/// Services matching `filter`, by name.
pub async fn list(
    db: &DatabaseConnection,
    filter: &SupportServiceFilter,
    args: &PageArgs,
) -> AppResult<Listing<support_service::Model>> {
    let ordering = page::by_text_then_id(
        "support_name",
        Expr::col((support_service::Entity, support_service::Column::Name)),
        Expr::col(id_column()),
    );
    let select = support_service::Entity::find().filter(filter.condition()?);
    page::fetch(db, select, &ordering, args, |row| vec![json!(row.name), json!(row.id)]).await
}

/// Whether a channel answers at `now`: `None` when it publishes no hours (or its time zone is
/// unknown, which validation refuses).
pub fn open_at(channel: &ServiceChannelRecord, now: DateTime<Utc>) -> Option<bool> {
    if channel.hours.is_empty() {
        return None;
    }
    let zone: chrono_tz::Tz = channel.time_zone.parse().ok()?;
    let local = now.with_timezone(&zone);
    let day = vocab::Weekday::VALUES[local.weekday().num_days_from_monday() as usize];
    let minute = local.hour() * 60 + local.minute();
    Some(channel.hours.iter().any(|hours| {
        let opens = vocab::parse_time_of_day(&hours.opens).unwrap_or(u32::MAX);
        let closes = vocab::parse_time_of_day(&hours.closes).unwrap_or(0);
        hours.days.iter().any(|listed| listed == day) && opens <= minute && minute < closes
    }))
}

#[cfg(test)]
mod tests {
    use interchange::OpeningHoursRecord;

    use super::*;

    #[test]
    fn a_channel_is_open_by_its_own_clock() {
        let channel = ServiceChannelRecord {
            kind: "phone".to_owned(),
            address: "+977 1 4000000".to_owned(),
            hours: vec![OpeningHoursRecord {
                days: vec![
                    "sun".into(),
                    "mon".into(),
                    "tue".into(),
                    "wed".into(),
                    "thu".into(),
                    "fri".into(),
                ],
                opens: "10:00".to_owned(),
                closes: "17:00".to_owned(),
            }],
            time_zone: "Asia/Kathmandu".to_owned(),
        };
        let at = |text: &str| {
            DateTime::parse_from_rfc3339(text)
                .expect("an instant")
                .with_timezone(&Utc)
        };
        // Monday 04:15 UTC is 10:00 in Kathmandu (UTC+05:45): just open.
        assert_eq!(open_at(&channel, at("2026-11-30T04:15:00Z")), Some(true));
        assert_eq!(open_at(&channel, at("2026-11-30T04:14:00Z")), Some(false));
        // 17:00 local is closed; Saturday is closed all day.
        assert_eq!(open_at(&channel, at("2026-11-30T11:15:00Z")), Some(false));
        assert_eq!(open_at(&channel, at("2026-12-05T06:00:00Z")), Some(false));
        let unpublished = ServiceChannelRecord {
            hours: Vec::new(),
            ..channel
        };
        assert_eq!(open_at(&unpublished, at("2026-11-30T06:00:00Z")), None);
    }
}
