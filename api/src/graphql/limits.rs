//! What one GraphQL operation may cost, checked before any resolver (or database) runs.
//!
//! async-graphql's own `limit_depth`/`limit_complexity` answer "Query is too complex." without
//! an error code or a figure, and its complexity visitor expands fragment spreads inline, so a
//! small document whose fragments spread each other many times over costs exponential time to
//! validate. This extension refuses such documents at parse time, measures depth and complexity
//! after validation, and answers `QUERY_TOO_COMPLEX` with the figures and what to change.
//!
//! Complexity: every field costs 1 plus what it selects; a connection costs its selection once
//! per item of the page it asks for (`first`/`last`, 20 when absent) and a list without a size
//! argument once per item of its typical length (`typical`), so a page of 100 recruiters with
//! their certifications, history, licences, mark rights and partners costs about 9 400 and fits
//! the limit of 20 000, while the same page with partners of partners of partners does not.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use async_graphql::{
    Request, Response, ServerError, ServerResult, ValidationResult, Value, Variables,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest, NextValidation,
    },
    parser::types::{DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet},
};

use crate::{
    error::{AppError, ErrorCode},
    service::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE},
};

/// Fields nested inside each other.
pub const MAX_DEPTH: usize = 16;
/// Cost units of one operation (see the module documentation).
pub const MAX_COMPLEXITY: usize = 20_000;
/// Selections of a document once every fragment spread is expanded: bounds the work of
/// validating it, whatever its fragments do.
pub const MAX_EXPANDED_SELECTIONS: usize = 10_000;
/// Aliased fields in one document: aliases let one request ask for the same costly field many
/// times over.
pub const MAX_ALIASES: usize = 30;
/// Root fields of one operation.
pub const MAX_ROOT_FIELDS: usize = 20;
/// Brackets (`{`, `[`, `(`) open at once in the query text; checked before parsing, because the
/// parser recurses once per level and a deep enough document would exhaust its stack.
pub const MAX_NESTING: usize = 64;

/// Typical lengths of the lists that take no size argument, at or above what nine in ten
/// records of the sample directory hold (at most 2 certifications, 4 status changes, 2
/// licences and 1 mark right per recruiter; partners: 2 for nine in ten recruiters, 8 at most;
/// commitments: 2; listings: 12 for nine in ten providers, 17 at most).
pub mod typical {
    pub const CERTIFICATIONS: usize = 3;
    pub const STATUS_HISTORY: usize = 5;
    pub const LICENCES: usize = 2;
    pub const MARK_RIGHTS: usize = 2;
    pub const PARTNERS: usize = 5;
    pub const COMMITMENTS: usize = 3;
    pub const LISTINGS: usize = 10;
}

/// Cost of a connection: its selection once per item of the requested page. A size outside
/// 0..=100 costs as 100: the resolver refuses it with a message about `first` itself.
pub fn page_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let size = first.or(last).unwrap_or(DEFAULT_PAGE_SIZE);
    let size = if (0..=MAX_PAGE_SIZE).contains(&size) {
        size
    } else {
        MAX_PAGE_SIZE
    };
    usize::try_from(size)
        .unwrap_or(0)
        .saturating_mul(child_complexity)
        .saturating_add(1)
}

/// Cost of a list without a size argument: its selection once per item of its typical length.
pub fn list_cost(typical_length: usize, child_complexity: usize) -> usize {
    typical_length.saturating_mul(child_complexity).saturating_add(1)
}

/// Parse and validation errors are the client's: give them the code a client can branch on.
fn with_code(mut error: ServerError) -> ServerError {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", ErrorCode::BadUserInput.as_str());
    }
    error
}

/// The deepest bracket nesting of a query text, ignoring strings and comments; stops counting
/// past `MAX_NESTING`.
pub fn nesting_depth(query: &str) -> usize {
    let bytes = query.as_bytes();
    let (mut depth, mut deepest, mut index) = (0_usize, 0_usize, 0_usize);
    while index < bytes.len() {
        match bytes[index] {
            b'#' => {
                while index < bytes.len() && bytes[index] != b'\n' {
                    index += 1;
                }
            }
            b'"' if bytes[index..].starts_with(b"\"\"\"") => {
                index += 3;
                while index < bytes.len() && !bytes[index..].starts_with(b"\"\"\"") {
                    index += if bytes[index..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                }
                index += 2;
            }
            b'"' => {
                index += 1;
                while index < bytes.len() && bytes[index] != b'"' && bytes[index] != b'\n' {
                    index += if bytes[index] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > MAX_NESTING {
                    return deepest;
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        index += 1;
    }
    deepest
}

/// Refuses query text nested deeper than the parser can safely go.
pub fn check_nesting(query: &str) -> Result<(), AppError> {
    if nesting_depth(query) > MAX_NESTING {
        return Err(AppError::QueryTooComplex(format!(
            "the query nests brackets more than {MAX_NESTING} levels deep: flatten it (fields may nest \
                 {MAX_DEPTH} levels)"
        )));
    }
    Ok(())
}

/// The size of a document once spreads are expanded, and a fragment that spreads itself.
#[derive(Debug, Default)]
pub struct Expansion {
    /// Selections (fields, fragment spreads, inline fragments) of every operation and fragment
    /// with spreads expanded; a spread back into a fragment being expanded counts 1.
    pub selections: usize,
    pub cycle: Option<String>,
}

/// Measures a document's expansion, computing each fragment once, so the measure itself is
/// cheap whatever the fragments do.
pub fn expansion(document: &ExecutableDocument) -> Expansion {
    struct Walk<'a> {
        document: &'a ExecutableDocument,
        /// `None` while the fragment is being expanded.
        sizes: HashMap<&'a str, Option<usize>>,
        cycle: Option<String>,
    }
    impl<'a> Walk<'a> {
        fn set(&mut self, set: &'a SelectionSet) -> usize {
            set.items.iter().fold(0_usize, |total, selection| {
                let inner = match &selection.node {
                    Selection::Field(field) => self.set(&field.node.selection_set.node),
                    Selection::InlineFragment(fragment) => self.set(&fragment.node.selection_set.node),
                    Selection::FragmentSpread(spread) => self.fragment(spread.node.fragment_name.node.as_str()),
                };
                total.saturating_add(1).saturating_add(inner)
            })
        }
        fn fragment(&mut self, name: &'a str) -> usize {
            match self.sizes.get(name) {
                Some(Some(size)) => return *size,
                Some(None) => {
                    self.cycle.get_or_insert_with(|| name.to_owned());
                    return 0;
                }
                None => {}
            }
            let Some((fragment_name, fragment)) = self.document.fragments.get_key_value(name) else {
                return 0;
            };
            self.sizes.insert(fragment_name.as_str(), None);
            let size = self.set(&fragment.node.selection_set.node);
            self.sizes.insert(fragment_name.as_str(), Some(size));
            size
        }
    }
    let mut walk = Walk {
        document,
        sizes: HashMap::new(),
        cycle: None,
    };
    let mut selections = 0_usize;
    for (_, operation) in document.operations.iter() {
        selections = selections.saturating_add(walk.set(&operation.node.selection_set.node));
    }
    for name in document.fragments.keys() {
        selections = selections.saturating_add(walk.fragment(name.as_str()));
    }
    Expansion {
        selections,
        cycle: walk.cycle,
    }
}

/// Refuses a document with a fragment cycle, or whose fragments expand to too many selections.
/// Run it before anything walks the document through its spreads.
pub fn check_document(document: &ExecutableDocument) -> Result<(), AppError> {
    let measured = expansion(document);
    if let Some(name) = measured.cycle {
        return Err(AppError::BadInput(format!(
            "fragment `{name}` spreads itself, directly or through other fragments: remove the cycle"
        )));
    }
    if measured.selections > MAX_EXPANDED_SELECTIONS {
        return Err(AppError::QueryTooComplex(format!(
            "the query expands to {} selections once its fragments are spread, more than \
                 {MAX_EXPANDED_SELECTIONS}: spread each fragment fewer times, or split the query",
            measured.selections
        )));
    }
    for (_, operation) in document.operations.iter() {
        let roots = count_fields(&operation.node.selection_set.node, document, 0).0;
        if roots > MAX_ROOT_FIELDS {
            return Err(AppError::QueryTooComplex(format!(
                "an operation may ask for at most {MAX_ROOT_FIELDS} root fields, this one asks for {roots}"
            )));
        }
    }
    let aliases = count_aliases(document);
    if aliases > MAX_ALIASES {
        return Err(AppError::QueryTooComplex(format!(
            "a request may use at most {MAX_ALIASES} aliases, this one uses {aliases}"
        )));
    }
    Ok(())
}

/// Fields of a selection set, looking through inline fragments and fragment spreads (to a
/// bounded depth, so a cycle cannot loop).
fn count_fields(set: &SelectionSet, document: &ExecutableDocument, depth: usize) -> (usize, usize) {
    let mut fields = 0;
    let mut aliases = 0;
    if depth > 8 {
        return (0, 0);
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                fields += 1;
                if field.node.alias.is_some() {
                    aliases += 1;
                }
            }
            Selection::InlineFragment(fragment) => {
                let (more_fields, more_aliases) = count_fields(&fragment.node.selection_set.node, document, depth + 1);
                fields += more_fields;
                aliases += more_aliases;
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    let (more_fields, more_aliases) =
                        count_fields(&fragment.node.selection_set.node, document, depth + 1);
                    fields += more_fields;
                    aliases += more_aliases;
                }
            }
        }
    }
    (fields, aliases)
}

/// Aliases anywhere in the document's operations and fragments.
fn count_aliases(document: &ExecutableDocument) -> usize {
    fn walk(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|selection| match &selection.node {
                Selection::Field(field) => {
                    usize::from(field.node.alias.is_some()) + walk(&field.node.selection_set.node)
                }
                Selection::InlineFragment(fragment) => walk(&fragment.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    let in_operations: usize = document
        .operations
        .iter()
        .map(|(_, operation)| walk(&operation.node.selection_set.node))
        .sum();
    let in_fragments: usize = document
        .fragments
        .values()
        .map(|fragment| walk(&fragment.node.selection_set.node))
        .sum();
    in_operations + in_fragments
}

/// The async-graphql extension that applies these limits to every operation, whatever the
/// transport (HTTP or WebSocket).
pub struct QueryLimits;

impl ExtensionFactory for QueryLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(QueryLimitsExtension::default())
    }
}

/// How long a query may run (`REQUEST_TIMEOUT`), in the schema's data. Mutations are not cut
/// short: dropping one half way could hide whether it committed (a write is one transaction,
/// so it either commits or rolls back on its own). Subscriptions run for as long as they are
/// wanted.
#[derive(Debug, Clone, Copy)]
pub struct QueryTimeLimit(pub Duration);

/// One per operation (async-graphql creates an extension for each request).
#[derive(Default)]
struct QueryLimitsExtension {
    /// The kind of each operation of the parsed document, by name, for the time limit.
    kinds: Mutex<HashMap<Option<String>, OperationType>>,
}

impl QueryLimitsExtension {
    fn remember_kinds(&self, document: &ExecutableDocument) {
        let kinds: HashMap<Option<String>, OperationType> = match &document.operations {
            DocumentOperations::Single(operation) => HashMap::from([(None, operation.node.ty)]),
            DocumentOperations::Multiple(operations) => operations
                .iter()
                .map(|(name, operation)| (Some(name.to_string()), operation.node.ty))
                .collect(),
        };
        if let Ok(mut slot) = self.kinds.lock() {
            *slot = kinds;
        }
    }

    fn kind_of(&self, operation_name: Option<&str>) -> Option<OperationType> {
        let kinds = self.kinds.lock().ok()?;
        match operation_name {
            Some(name) => kinds
                .get(&Some(name.to_owned()))
                .or_else(|| (kinds.len() == 1).then(|| kinds.values().next()).flatten())
                .copied(),
            None => (kinds.len() == 1).then(|| kinds.values().next().copied()).flatten(),
        }
    }
}

/// The answer to a query stopped at the time limit.
fn timed_out(limit: Duration) -> Response {
    tracing::warn!(?limit, "query abandoned at the time limit");
    let message = format!(
        "the query ran longer than {}s and was stopped: ask for smaller pages with `first`, fewer nested lists, \
         or split it (if a small query is stopped, the server is busy: retry later)",
        limit.as_secs_f64()
    );
    Response::from_errors(vec![AppError::Timeout(message).into()])
}

/// Whether a value holds NUL anywhere: no real text does, and PostgreSQL refuses it, so it is
/// refused up front rather than failing deep inside a query.
fn holds_nul(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains('\0'),
        Value::List(values) => values.iter().any(holds_nul),
        Value::Object(fields) => fields
            .iter()
            .any(|(name, value)| name.contains('\0') || holds_nul(value)),
        _ => false,
    }
}

/// In a request's data: its document already passed `check_nesting` and `check_document` (the
/// HTTP handler checks before anything else and hands the parsed document on).
pub struct DocumentChecked;

#[async_graphql::async_trait::async_trait]

impl Extension for QueryLimitsExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // In the text as a character or as a string escape (a block string does not unescape,
        // but no query needs `\u0000` there either).
        let in_text = request.query.contains('\0') || request.query.contains("\\u0000");
        if in_text || request.variables.iter().any(|(_, value)| holds_nul(value)) {
            return Err(AppError::bad_input(
                "the request holds a NUL character (U+0000), which no text may contain: remove it",
            )
            .into());
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        // Checked on a parse of our own, before async-graphql's: its recursion-depth check,
        // which runs as it parses, already follows every spread. The HTTP handler has done
        // exactly this on the document it hands over, so it is not done twice.
        if ctx.data_opt::<DocumentChecked>().is_none() {
            check_nesting(query).map_err(ServerError::from)?;
            if let Ok(document) = async_graphql::parser::parse_query(query) {
                check_document(&document).map_err(ServerError::from)?;
            }
        }
        let document = next.run(ctx, query, variables).await.map_err(with_code)?;
        self.remember_kinds(&document);
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let limit = ctx.data_opt::<QueryTimeLimit>().map(|limit| limit.0);
        match (limit, self.kind_of(operation_name)) {
            (Some(limit), Some(OperationType::Query)) => {
                match tokio::time::timeout(limit, next.run(ctx, operation_name)).await {
                    Ok(response) => response,
                    Err(_) => timed_out(limit),
                }
            }
            _ => next.run(ctx, operation_name).await,
        }
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next
            .run(ctx)
            .await
            .map_err(|errors| errors.into_iter().map(with_code).collect::<Vec<_>>())?;
        if result.depth > MAX_DEPTH {
            return Err(vec![ServerError::from(AppError::QueryTooComplex(format!(
                "the query nests fields {} levels deep, more than {MAX_DEPTH}: select fewer levels \
                 (fetch deeper records with a second query, by `id`)",
                result.depth
            )))]);
        }
        if result.complexity > MAX_COMPLEXITY {
            return Err(vec![ServerError::from(AppError::QueryTooComplex(format!(
                "the query costs {} units, more than {MAX_COMPLEXITY}: ask for smaller pages with `first`, \
                 select fewer nested lists, or split it into several requests (each connection costs its \
                 selection once per item of its page, a nested list once per typical item)",
                result.complexity
            )))]);
        }
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cost_by_their_size() {
        assert_eq!(page_cost(Some(100), None, 27), 2_701);
        assert_eq!(page_cost(None, Some(10), 3), 31);
        assert_eq!(page_cost(None, None, 2), 41);
        // Out of range: priced as the largest page, refused by the resolver.
        assert_eq!(page_cost(Some(-5), None, 2), 201);
        assert_eq!(page_cost(Some(i32::MAX), None, usize::MAX), usize::MAX);
        assert_eq!(list_cost(typical::PARTNERS, 2), 11);
    }

    #[test]
    fn nesting_ignores_strings_and_comments() {
        assert_eq!(nesting_depth("{ a { b(x: [1, {y: 2}]) } }"), 5);
        assert_eq!(nesting_depth("{ a(s: \"{{{{\\\"{{\") # {{{{\n }"), 2);
        assert_eq!(nesting_depth("{ a(s: \"\"\"{{{ \\\"\"\" {{\"\"\") }"), 2);
        let deep = format!("{}{}", "{a".repeat(10_000), "}".repeat(10_000));
        assert!(check_nesting(&deep).is_err());
        assert!(check_nesting("{ recruiters { nodes { legalName } } }").is_ok());
    }

    #[test]
    fn fragment_bombs_and_cycles_are_measured_without_expanding_them() {
        let mut text = String::from("query { ...F0 }\n");
        for level in 0..40 {
            text.push_str(&format!(
                "fragment F{level} on Query {{ ...F{next} ...F{next} }}\n",
                next = level + 1
            ));
        }
        text.push_str("fragment F40 on Query { __typename }\n");
        let bomb = async_graphql::parser::parse_query(&text).unwrap();
        assert!(expansion(&bomb).selections > MAX_EXPANDED_SELECTIONS);
        assert_eq!(check_document(&bomb).unwrap_err().code(), "QUERY_TOO_COMPLEX");

        let cycle = async_graphql::parser::parse_query(
            "{ ...A } fragment A on Query { ...B ...B } fragment B on Query { ...A }",
        )
        .unwrap();
        assert!(expansion(&cycle).cycle.is_some());
        assert_eq!(check_document(&cycle).unwrap_err().code(), "BAD_USER_INPUT");

        let plain = async_graphql::parser::parse_query("{ a { b c } ...F } fragment F on Query { d }").unwrap();
        let measured = expansion(&plain);
        assert_eq!((measured.selections, measured.cycle), (6, None));
        assert!(check_document(&plain).is_ok());
    }
}
