//! A recruiter's standing: "certified today" and "in force today" as maintained, dated data.
//!
//! The standing is kept as dates, written in the same transaction as every change that can
//! move it (decisions, imports, saves, archiving, mark-right changes: everything that goes
//! through [`crate::changes::record`]), and compared with today when a query runs:
//! - `recruiter.certified_until`: the last day the recruiter is certified, the latest expiry
//!   of its live `certified` certifications; `NULL` when it holds none or is archived;
//! - `trademark_right.in_force_until`: the last day a mark right is in force, the earlier of its
//!   own expiry and its recruiter's `certified_until`; `NULL` unless it is active and live;
//! - `recruiter_corridor.{legal_name, certified_until, listed}`: copies for the corridor page
//!   (see `service/corridor.rs`).
//!
//! A date that passes needs no job: the comparison with today is made at read time, by
//! [`in_force`] in Rust, [`in_force_condition`] in SQL and a range query in the search index.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Statement,
    sea_query::{Expr, ExprTrait, SimpleExpr},
};
use serde::Deserialize;

use crate::changes::Change;
use crate::error::AppResult;

/// The one definition: a standing that runs until `until` (inclusive) holds on `today`.
pub fn in_force(until: Option<NaiveDate>, today: NaiveDate) -> bool {
    until.is_some_and(|until| until >= today)
}

/// [`in_force`] as an SQL condition on a date column.
pub fn in_force_condition(column: impl sea_orm::sea_query::IntoColumnRef, today: NaiveDate) -> SimpleExpr {
    Expr::col(column).gte(today)
}

/// The negation of [`in_force_condition`]: no standing, or one that ended before today.
pub fn not_in_force_condition(column: impl sea_orm::sea_query::IntoColumnRef + Clone, today: NaiveDate) -> SimpleExpr {
    Expr::col(column.clone()).is_null().or(Expr::col(column).lt(today))
}

/// Whether a mark right may be shown today: in force, and already granted.
pub fn right_in_force(right: &entity::trademark_right::Model, today: NaiveDate) -> bool {
    in_force(right.in_force_until, today) && right.granted_on <= today
}

/// Ids per statement: well below the bind limits of SQLite and PostgreSQL.
const CHUNK: usize = 500;

/// The owner named in a row image (`before` of a change), if any.
#[derive(Deserialize)]
struct Owner {
    recruiter_id: Option<i64>,
}

/// The recruiters whose standing `changes` may move: the recruiters changed, and the owners,
/// before and after, of the certifications and mark rights changed (an import may move a
/// certification from one recruiter to another: both are refreshed).
pub async fn affected_recruiters(txn: &DatabaseTransaction, changes: &[Change]) -> AppResult<BTreeSet<i64>> {
    let mut recruiters = BTreeSet::new();
    let mut certifications = Vec::new();
    let mut rights = Vec::new();
    for change in changes {
        match change.entity_type {
            "recruiter" => {
                recruiters.insert(change.entity_id);
                continue;
            }
            "certification" => certifications.push(change.entity_id),
            "trademark_right" => rights.push(change.entity_id),
            _ => continue,
        }
        if let Some(owner) = change
            .before
            .as_deref()
            .and_then(|before| serde_json::from_str::<Owner>(before).ok())
            .and_then(|owner| owner.recruiter_id)
        {
            recruiters.insert(owner);
        }
    }
    recruiters.extend(
        owners::<entity::certification::Entity>(
            txn,
            entity::certification::Column::Id,
            entity::certification::Column::RecruiterId,
            &certifications,
        )
        .await?,
    );
    recruiters.extend(
        owners::<entity::trademark_right::Entity>(
            txn,
            entity::trademark_right::Column::Id,
            entity::trademark_right::Column::RecruiterId,
            &rights,
        )
        .await?,
    );
    Ok(recruiters)
}

/// The current holders (`owner` column) of the rows of `E` with these ids.
async fn owners<E: EntityTrait>(
    txn: &DatabaseTransaction,
    id: E::Column,
    owner: E::Column,
    ids: &[i64],
) -> AppResult<Vec<i64>> {
    let mut found = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<i64> = E::find()
            .select_only()
            .column(owner)
            .filter(id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(txn)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// Recomputes the standing of `recruiters` and of their mark rights from the rows as they are
/// now in the transaction. `None` refreshes the whole directory (the migration does this).
pub async fn refresh(txn: &impl ConnectionTrait, recruiters: Option<&BTreeSet<i64>>) -> AppResult<()> {
    let Some(recruiters) = recruiters else {
        return refresh_where(txn, "1 = 1", "1 = 1").await;
    };
    let ids: Vec<i64> = recruiters.iter().copied().collect();
    for chunk in ids.chunks(CHUNK) {
        // Database ids, not user input: safe to write into the statement.
        let list = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        refresh_where(txn, &format!("id IN ({list})"), &format!("recruiter_id IN ({list})")).await?;
    }
    Ok(())
}

async fn refresh_where(txn: &impl ConnectionTrait, recruiters: &str, owned: &str) -> AppResult<()> {
    let backend = txn.get_database_backend();
    for sql in [
        certified_until_sql(recruiters),
        in_force_until_sql(owned),
        corridor_rows_sql(owned),
    ] {
        txn.execute_raw(Statement::from_string(backend, sql)).await?;
    }
    Ok(())
}

/// Copies each recruiter's name, standing and listing into its corridor rows (those matching
/// `condition`), for the corridor page; runs after [`certified_until_sql`].
pub fn corridor_rows_sql(condition: &str) -> String {
    format!(
        "UPDATE recruiter_corridor SET \
           legal_name = (SELECT r.legal_name FROM recruiter r WHERE r.id = recruiter_corridor.recruiter_id), \
           certified_until = (SELECT r.certified_until FROM recruiter r WHERE r.id = recruiter_corridor.recruiter_id), \
           listed = (SELECT CASE WHEN r.archived_at IS NULL THEN TRUE ELSE FALSE END FROM recruiter r \
                     WHERE r.id = recruiter_corridor.recruiter_id) \
         WHERE {condition}"
    )
}

/// `UPDATE recruiter SET certified_until = ...` for the recruiters matching `condition`. The
/// conditions sit inside `MAX(CASE ...)` on purpose: written as a `WHERE`, SQLite answers the
/// `MAX` from the `(status, expires_on)` index and walks every certified row of the directory
/// for each recruiter (an import of 100 000 recruiters did not finish); this way the only index
/// it can use is the one on `recruiter_id`.
pub fn certified_until_sql(condition: &str) -> String {
    format!(
        "UPDATE recruiter SET certified_until = CASE WHEN archived_at IS NULL THEN \
           (SELECT MAX(CASE WHEN c.status = 'certified' AND c.archived_at IS NULL THEN c.expires_on END) \
              FROM certification c WHERE c.recruiter_id = recruiter.id) \
         END WHERE {condition}"
    )
}

/// `UPDATE trademark_right SET in_force_until = ...` for the rights matching `condition`; runs
/// after [`certified_until_sql`], whose result it reads.
pub fn in_force_until_sql(condition: &str) -> String {
    format!(
        "UPDATE trademark_right SET in_force_until = CASE WHEN archived_at IS NULL AND status = 'active' THEN \
           (SELECT CASE WHEN trademark_right.expires_on IS NULL OR trademark_right.expires_on > r.certified_until \
                        THEN r.certified_until ELSE trademark_right.expires_on END \
              FROM recruiter r WHERE r.id = trademark_right.recruiter_id) \
         END WHERE {condition}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_standing_holds_through_its_last_day_and_not_after() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2027, 3, d);
        let until = day(10);
        assert!(in_force(until, day(9).expect("date")));
        assert!(
            in_force(until, day(10).expect("date")),
            "expires today: still certified"
        );
        assert!(
            !in_force(until, day(11).expect("date")),
            "expired yesterday: not certified"
        );
        assert!(!in_force(None, day(1).expect("date")), "no standing is never in force");
    }
}
