//! A corridor (origin -> destination) and its page of recruiters: certified today first, then
//! by name.
//!
//! The page is read from `recruiter_corridor` alone, through one index on (origin, destination,
//! listed, legal_name, recruiter_id, certified_until): the rows carry the recruiter's name and
//! standing (kept by `standing.rs` in every write), so ordering, paging and counting a corridor
//! never touch the recruiters' own rows; only the page's recruiters are read, by id, in the
//! same statement.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{recruiter, recruiter_corridor};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use serde_json::json;

use super::{
    page::{self, KeyKind, Listing, Ordering, PageArgs},
    recruiter::CorridorInput,
    standing,
};
use crate::error::{AppError, AppResult};

/// The recruiters listed on a corridor, optionally only those certified on `today`.
fn rows(
    origin: &str,
    destination: &str,
    certified_only: bool,
    today: NaiveDate,
) -> sea_orm::Select<recruiter_corridor::Entity> {
    let select = recruiter_corridor::Entity::find()
        .filter(recruiter_corridor::Column::Origin.eq(origin))
        .filter(recruiter_corridor::Column::Destination.eq(destination))
        .filter(recruiter_corridor::Column::Listed.eq(true));
    if certified_only {
        return select.filter(standing::in_force_condition(
            (recruiter_corridor::Entity, recruiter_corridor::Column::CertifiedUntil),
            today,
        ));
    }
    select
}

/// Certified first, then by name: the same cursor name and key as the `CERTIFIED_FIRST`
/// ordering of `recruiters`, so a cursor means the same position in both.
fn certified_first(today: NaiveDate) -> Ordering {
    let column = |column: recruiter_corridor::Column| Expr::col((recruiter_corridor::Entity, column));
    let rank = Expr::case(
        standing::in_force_condition(
            (recruiter_corridor::Entity, recruiter_corridor::Column::CertifiedUntil),
            today,
        ),
        0,
    )
    .finally(1);
    Ordering {
        name: "certified_first_asc".to_owned(),
        exprs: vec![
            rank.into(),
            column(recruiter_corridor::Column::LegalName),
            column(recruiter_corridor::Column::RecruiterId),
        ],
        kinds: vec![KeyKind::Int, KeyKind::Text, KeyKind::Int],
        descending: false,
    }
}

fn check(origin: &str, destination: &str) -> AppResult<()> {
    CorridorInput {
        origin: Some(origin.to_owned()),
        destination: Some(destination.to_owned()),
    }
    .validate()
}

/// A corridor row's place in [`certified_first`]: its cursor key.
fn sort_key(row: &recruiter_corridor::Model, today: NaiveDate) -> Vec<serde_json::Value> {
    let rank = if standing::in_force(row.certified_until, today) {
        0
    } else {
        1
    };
    vec![json!(rank), json!(row.legal_name), json!(row.recruiter_id)]
}

/// One page of the corridor's recruiters, certified today first, then by name.
pub async fn recruiters(
    db: &impl ConnectionTrait,
    origin: &str,
    destination: &str,
    certified_only: bool,
    args: &PageArgs,
    today: NaiveDate,
) -> AppResult<Listing<recruiter::Model>> {
    check(origin, destination)?;
    let ordering = certified_first(today);
    let request = args.validate()?;
    if !request.backward {
        return forward(db, origin, destination, certified_only, &ordering, &request, today).await;
    }
    // Paging backwards is rare: the general keyset query (it sorts the corridor's entries), then
    // the page's recruiters by id.
    let select = rows(origin, destination, certified_only, today);
    let listing = page::fetch(db, select, &ordering, args, |row| sort_key(row, today)).await?;
    let ids: Vec<i64> = listing.edges.iter().map(|(_, row)| row.recruiter_id).collect();
    let mut found: HashMap<i64, recruiter::Model> = recruiter::Entity::find()
        .filter(recruiter::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row))
        .collect();
    let edges = listing
        .edges
        .into_iter()
        .map(|(cursor, row)| {
            found
                .remove(&row.recruiter_id)
                .map(|recruiter| (cursor, recruiter))
                .ok_or_else(|| missing_recruiter(row.recruiter_id))
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Listing {
        edges,
        has_previous_page: listing.has_previous_page,
        has_next_page: listing.has_next_page,
        counter: listing.counter,
    })
}

fn missing_recruiter(id: i64) -> AppError {
    AppError::internal(anyhow::anyhow!("corridor row of recruiter {id} has no recruiter"))
}

/// A page forwards as at most two walks of the index in name order, which stop as soon as the
/// page is full: the certified recruiters from the cursor on, then the others. Nothing is
/// sorted, whatever the corridor's size. Each walk joins the recruiters' rows by primary key,
/// so the page's recruiters come with it: no third statement (each statement is a round trip
/// to the database, and with SQLite two hand-offs between threads).
async fn forward(
    db: &impl ConnectionTrait,
    origin: &str,
    destination: &str,
    certified_only: bool,
    ordering: &Ordering,
    request: &page::PageRequest,
    today: NaiveDate,
) -> AppResult<Listing<recruiter::Model>> {
    let malformed = || AppError::bad_input("malformed cursor: use a cursor returned by this query");
    let after: Option<(i64, String, i64)> = match &request.cursor {
        Some(cursor) => {
            let key: (i64, String, i64) = crate::ids::decode_cursor(&ordering.name, cursor)?;
            if !(0..=1).contains(&key.0) || key.1.contains('\0') {
                return Err(malformed());
            }
            Some(key)
        }
        None => None,
    };
    let wanted = request.size.saturating_add(1);
    let walk = |certified: bool, from: Option<(String, i64)>, limit: u64| {
        let column = (recruiter_corridor::Entity, recruiter_corridor::Column::CertifiedUntil);
        let mut select = rows(origin, destination, false, today).filter(if certified {
            standing::in_force_condition(column, today)
        } else {
            standing::not_in_force_condition(column, today)
        });
        if let Some((name, id)) = from {
            let key = Expr::tuple([
                Expr::col((recruiter_corridor::Entity, recruiter_corridor::Column::LegalName)),
                Expr::col((recruiter_corridor::Entity, recruiter_corridor::Column::RecruiterId)),
            ]);
            select = select.filter(key.gt(Expr::tuple([Expr::val(name), Expr::val(id)])));
        }
        select
            .join(JoinType::InnerJoin, holder())
            .order_by_asc(recruiter_corridor::Column::LegalName)
            .order_by_asc(recruiter_corridor::Column::RecruiterId)
            .limit(limit)
            .select_also(recruiter::Entity)
            .all(db)
    };
    let (certified_from, others_from) = match after {
        None => (Some(None), Some(None)),
        Some((0, name, id)) => (Some(Some((name, id))), Some(None)),
        Some((_, name, id)) => (None, Some(Some((name, id)))),
    };
    let mut found = Vec::new();
    if let Some(from) = certified_from {
        found = walk(true, from, wanted).await?;
    }
    let missing = wanted.saturating_sub(found.len() as u64);
    if missing > 0
        && !certified_only
        && let Some(from) = others_from
    {
        found.extend(walk(false, from, missing).await?);
    }
    let page = page::finish(found, request);
    Ok(Listing {
        edges: page
            .rows
            .into_iter()
            .map(|(row, recruiter)| {
                let recruiter = recruiter.ok_or_else(|| missing_recruiter(row.recruiter_id))?;
                Ok((ordering.encode(sort_key(&row, today)), recruiter))
            })
            .collect::<AppResult<Vec<_>>>()?,
        has_previous_page: page.has_previous_page,
        has_next_page: page.has_next_page,
        counter: page::Counter::of(&rows(origin, destination, certified_only, today)),
    })
}

/// A corridor row's recruiter.
fn holder() -> sea_orm::RelationDef {
    recruiter_corridor::Entity::belongs_to(recruiter::Entity)
        .from(recruiter_corridor::Column::RecruiterId)
        .to(recruiter::Column::Id)
        .into()
}

/// How many recruiters serving the corridor are certified on `today`.
pub async fn certified_count(
    db: &impl ConnectionTrait,
    origin: &str,
    destination: &str,
    today: NaiveDate,
) -> AppResult<u64> {
    check(origin, destination)?;
    page::Counter::of(&rows(origin, destination, true, today))
        .count(db)
        .await
}
