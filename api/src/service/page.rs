//! Relay pagination with keyset cursors: a page never shifts under concurrent writes.
//!
//! An [`Ordering`] lists the sort expressions (the last is always the primary key, so keys are
//! unique) and the kind of each key part. A cursor carries the key of the row it points at and
//! the ordering's name; a cursor from another ordering is refused.

use chrono::{DateTime, Utc};
use sea_orm::{
    Condition, Order, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Value},
};
use serde_json::Value as Json;

use crate::{
    error::{AppError, AppResult},
    ids,
};

pub const MAX_PAGE_SIZE: i32 = 100;
pub const DEFAULT_PAGE_SIZE: i32 = 20;

/// The Relay arguments as a client sent them.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

impl PageArgs {
    pub fn forward(first: Option<i32>, after: Option<String>) -> Self {
        Self {
            first,
            after,
            last: None,
            before: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Int,
    Text,
    Time,
    Date,
}

pub struct Ordering {
    /// Distinguishes cursors of different orderings, e.g. `name_asc`.
    pub name: String,
    pub exprs: Vec<Expr>,
    pub kinds: Vec<KeyKind>,
    pub descending: bool,
}

impl Ordering {
    /// By one integer column alone (an id): insertion order, or newest first when `descending`.
    pub fn by_id(name: &str, id: Expr, descending: bool) -> Self {
        Self {
            name: name.to_owned(),
            exprs: vec![id],
            kinds: vec![KeyKind::Int],
            descending,
        }
    }
}

/// A validated page request.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub size: u64,
    pub backward: bool,
    pub cursor: Option<String>,
}

impl PageArgs {
    pub fn validate(&self) -> AppResult<PageRequest> {
        let check = |name: &str, value: Option<i32>| match value {
            Some(value) if !(0..=MAX_PAGE_SIZE).contains(&value) => Err(AppError::bad_input(format!(
                "`{name}` must be between 0 and {MAX_PAGE_SIZE}, got {value}: page through larger results with cursors"
            ))),
            _ => Ok(value),
        };
        let first = check("first", self.first)?;
        let last = check("last", self.last)?;
        match (first, last) {
            (Some(_), Some(_)) => Err(AppError::bad_input("pass either `first` or `last`, not both")),
            (_, Some(last)) => {
                if self.after.is_some() {
                    return Err(AppError::bad_input(
                        "`after` goes with `first`; with `last` use `before`",
                    ));
                }
                Ok(PageRequest {
                    size: last as u64,
                    backward: true,
                    cursor: self.before.clone(),
                })
            }
            (first, None) => {
                if self.before.is_some() {
                    return Err(AppError::bad_input(
                        "`before` goes with `last`; with `first` use `after`",
                    ));
                }
                let size = first.unwrap_or(DEFAULT_PAGE_SIZE) as u64;
                Ok(PageRequest {
                    size,
                    backward: false,
                    cursor: self.after.clone(),
                })
            }
        }
    }
}

impl Ordering {
    /// Decodes a cursor into SQL values of this ordering's key.
    fn decode(&self, cursor: &str) -> AppResult<Vec<Value>> {
        let parts: Vec<Json> = ids::decode_cursor(&self.name, cursor)?;
        let malformed = || AppError::bad_input("malformed cursor: use a cursor returned by this query");
        if parts.len() != self.kinds.len() {
            return Err(malformed());
        }
        parts
            .into_iter()
            .zip(&self.kinds)
            .map(|(part, kind)| match (kind, part) {
                (KeyKind::Int, Json::Number(number)) => number.as_i64().map(Value::from).ok_or_else(malformed),
                // No real key holds NUL, and PostgreSQL refuses it in text.
                (KeyKind::Text, Json::String(text)) if !text.contains('\0') => Ok(Value::from(text)),
                (KeyKind::Time, Json::String(text)) => DateTime::parse_from_rfc3339(&text)
                    .map(|time| Value::from(time.with_timezone(&Utc)))
                    .map_err(|_| malformed()),
                (KeyKind::Date, Json::String(text)) => text
                    .parse::<chrono::NaiveDate>()
                    .map(Value::from)
                    .map_err(|_| malformed()),
                _ => Err(malformed()),
            })
            .collect()
    }

    pub fn encode(&self, key: Vec<Json>) -> String {
        debug_assert_eq!(key.len(), self.kinds.len());
        ids::encode_cursor(&self.name, &key)
    }

    /// Adds the keyset condition, the order and the limit (one extra row tells whether more
    /// follow) to `select`.
    pub fn apply<S: QueryFilter + QueryOrder + QuerySelect>(
        &self,
        mut select: S,
        request: &PageRequest,
    ) -> AppResult<S> {
        // Walking backwards reads the rows in reverse order; `finish` turns them round.
        let reverse = request.backward != self.descending;
        if let Some(cursor) = &request.cursor {
            let key = self.decode(cursor)?;
            select = select.filter(after_key(&self.exprs, &key, !reverse));
        }
        let order = if reverse { Order::Desc } else { Order::Asc };
        for expr in &self.exprs {
            select = select.order_by(expr.clone(), order.clone());
        }
        Ok(select.limit(request.size + 1))
    }
}

/// Rows strictly after `key` in lexicographic order (`greater`) or strictly before it.
/// Rows strictly after (or before) `key` in the ordering: one row-value comparison,
/// `(a, b, id) > (?, ?, ?)`, which both databases answer by seeking an index on those columns
/// (an `OR` chain of the same condition is not recognised as a seek).
fn after_key(exprs: &[Expr], key: &[Value], greater: bool) -> Condition {
    let columns = Expr::tuple(exprs.iter().cloned());
    let values = Expr::tuple(key.iter().cloned().map(Expr::val));
    Condition::all().add(if greater {
        columns.gt(values)
    } else {
        columns.lt(values)
    })
}

/// One page of rows and whether there are more on either side.
pub struct Page<T> {
    pub rows: Vec<T>,
    pub has_previous_page: bool,
    pub has_next_page: bool,
}

/// Trims the look-ahead row and restores the requested order.
pub fn finish<T>(mut rows: Vec<T>, request: &PageRequest) -> Page<T> {
    let size = usize::try_from(request.size).unwrap_or(usize::MAX);
    let more = rows.len() > size;
    rows.truncate(size);
    if request.backward {
        rows.reverse();
        return Page {
            rows,
            has_previous_page: more,
            has_next_page: request.cursor.is_some(),
        };
    }
    Page {
        rows,
        has_previous_page: request.cursor.is_some(),
        has_next_page: more,
    }
}

/// Counts the rows of a filtered query, on demand: `totalCount` costs a statement only when a
/// client asks for it.
#[derive(Clone, Debug)]
pub struct Counter {
    filtered: sea_orm::sea_query::SelectStatement,
}

impl Counter {
    pub fn of<Q: sea_orm::QueryTrait<QueryStatement = sea_orm::sea_query::SelectStatement>>(select: &Q) -> Self {
        Self {
            filtered: select.as_query().clone(),
        }
    }

    pub async fn count(&self, db: &impl sea_orm::ConnectionTrait) -> AppResult<u64> {
        use sea_orm::sea_query::{Alias, Query};
        let statement = Query::select()
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("total"))
            .from_subquery(self.filtered.clone(), Alias::new("filtered"))
            .to_owned();
        let row = db.query_one(&statement).await?;
        let total: i64 = match row {
            Some(row) => row.try_get("", "total")?,
            None => 0,
        };
        Ok(u64::try_from(total).unwrap_or(0))
    }
}

/// A page of rows, each with its cursor, and the means to count the whole result.
pub struct Listing<T> {
    pub edges: Vec<(String, T)>,
    pub has_previous_page: bool,
    pub has_next_page: bool,
    pub counter: Counter,
}

/// Runs `select` as one page of `ordering`; `key` gives each row's sort key for its cursor.
pub async fn fetch<E, F>(
    db: &impl sea_orm::ConnectionTrait,
    select: sea_orm::Select<E>,
    ordering: &Ordering,
    args: &PageArgs,
    key: F,
) -> AppResult<Listing<E::Model>>
where
    E: sea_orm::EntityTrait,
    F: Fn(&E::Model) -> Vec<Json>,
{
    let request = args.validate()?;
    let counter = Counter::of(&select);
    let rows = ordering.apply(select, &request)?.all(db).await?;
    let page = finish(rows, &request);
    let edges = page
        .rows
        .into_iter()
        .map(|row| (ordering.encode(key(&row)), row))
        .collect();
    Ok(Listing {
        edges,
        has_previous_page: page.has_previous_page,
        has_next_page: page.has_next_page,
        counter,
    })
}

/// The common ordering of named records: by name, then id.
pub fn by_text_then_id(name: &str, text: impl Into<Expr>, id: impl Into<Expr>) -> Ordering {
    Ordering {
        name: name.to_owned(),
        exprs: vec![text.into(), id.into()],
        kinds: vec![KeyKind::Text, KeyKind::Int],
        descending: false,
    }
}
