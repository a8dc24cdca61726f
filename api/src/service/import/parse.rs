//! The first step of an import: reading a source, a line or a chunk at a time, into records.

use std::{
    borrow::Cow,
    fs::File,
    io::{BufRead, BufReader},
    path::Path,
};

use super::{Errors, ImportError};
use crate::{
    error::AppError,
    interchange::*,
    progress::{ProgressBar, Unit},
    vocab::{self, normalise_domain},
};

/// Parses one line of the interchange format; the message says what is wrong with it.
pub fn parse_line(line: &str) -> Result<Record, String> {
    fn holds_nul(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::String(text) => text.contains('\0'),
            serde_json::Value::Array(values) => values.iter().any(holds_nul),
            serde_json::Value::Object(fields) => {
                fields.iter().any(|(key, value)| key.contains('\0') || holds_nul(value))
            }
            _ => false,
        }
    }
    let record = serde_json::from_str::<Record>(line).map_err(|error| format!("not a valid record: {error}"))?;
    // No field may hold NUL (PostgreSQL refuses it in text); JSON spells it `\u0000`.
    if line.contains("\\u0000") && serde_json::from_str::<serde_json::Value>(line).is_ok_and(|value| holds_nul(&value))
    {
        return Err("a field holds a NUL character (`\\u0000`): remove it".to_owned());
    }
    Ok(record)
}

/// Puts what has one canonical form into it, so a file is not refused for how a value is
/// spelled: the host names of a mark right lose their scheme, path, port, `www.`, case and
/// trailing dot, and international names become ASCII (`bücher.example` is stored as
/// `xn--bcher-kva.example`), as `verifyMarkUse` compares them. A host that becomes one already
/// listed is dropped; the same host written twice the same way is left for validation to
/// report. Returns how many values changed.
pub fn normalise(record: &mut Record) -> usize {
    let identifiers = match record {
        Record::Recruiter(recruiter) => Some(&mut recruiter.identifiers),
        Record::Organisation(organisation) => Some(&mut organisation.identifiers),
        _ => None,
    };
    if let Some(identifiers) = identifiers {
        let mut changed = 0;
        for identifier in identifiers.iter_mut() {
            let canonical = vocab::normalise_org_identifier(identifier);
            if canonical != *identifier {
                *identifier = canonical;
                changed += 1;
            }
        }
        return changed;
    }
    let Record::TrademarkRight(right) = record else {
        return 0;
    };
    let mut changed = 0;
    let mut kept: Vec<(String, String)> = Vec::with_capacity(right.domains.len());
    for written in right.domains.drain(..) {
        let canonical = normalise_domain(&written);
        if canonical != written {
            changed += 1;
        }
        let spelled_otherwise = kept
            .iter()
            .any(|(existing, as_written)| *existing == canonical && *as_written != written);
        if !spelled_otherwise {
            kept.push((canonical, written));
        }
    }
    right.domains = kept.into_iter().map(|(canonical, _)| canonical).collect();
    changed
}

/// Parses JSON Lines; blank lines are skipped.
pub fn parse(text: &str) -> Result<Vec<(usize, Record)>, ImportError> {
    let mut records = Vec::new();
    let mut errors = Errors::default();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(record) => records.push((index + 1, record)),
            Err(message) => errors.push(index + 1, message),
        }
    }
    errors.into_result()?;
    Ok(records)
}

/// Records written per batch in the write pass: what an import holds in memory at once, beside
/// its outline.
#[cfg(not(test))]
pub(super) const CHUNK: usize = 5_000;
/// A few records in unit tests, so that every import there crosses chunk boundaries.
#[cfg(test)]
pub(super) const CHUNK: usize = 7;

/// Where an import's records come from. A source is read twice, one record or one chunk at a
/// time: once to check every record and outline the file (identifiers, references, unique
/// keys), once to write. So an import's memory is bounded by its outline and one chunk, not by
/// the size of the file, and it still writes all or nothing in one transaction.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// Records already parsed, with their line numbers (the sample data, a single save).
    Records(&'a [(usize, Record)]),
    /// JSON Lines in memory (the `importRecords` mutation, standard input).
    Text(&'a str),
    /// A JSON Lines file, read from disk on each pass (`directory import FILE`).
    File(&'a Path),
}

/// One line of a source: its number and its record, or why it is not one.
/// Records of one chunk, with their line numbers.
pub(super) type Chunk<'a> = Vec<(usize, Cow<'a, Record>)>;

pub(super) type Line<'a> = (usize, Result<Cow<'a, Record>, String>);

/// The lines of a source, in order; blank lines are skipped. Parsed records come out
/// normalised ([`normalise`]).
pub(super) struct Lines<'a> {
    pub(super) inner: LinesInner<'a>,
    /// Values normalised so far.
    pub(super) normalised: usize,
    /// Moved by the bytes (or records) read.
    pub(super) progress: ProgressBar,
}

pub(super) enum LinesInner<'a> {
    Records(std::slice::Iter<'a, (usize, Record)>),
    Text(std::iter::Enumerate<std::str::Lines<'a>>),
    File {
        reader: BufReader<File>,
        number: usize,
        buffer: Vec<u8>,
    },
}

impl<'a> Source<'a> {
    /// How much there is to read, for the progress display: bytes of a file or text, or
    /// records.
    pub(super) fn size(self) -> (Unit, Option<u64>) {
        match self {
            Source::Records(records) => (Unit::Records, u64::try_from(records.len()).ok()),
            Source::Text(text) => (Unit::Bytes, u64::try_from(text.len()).ok()),
            Source::File(path) => (Unit::Bytes, std::fs::metadata(path).ok().map(|metadata| metadata.len())),
        }
    }

    pub(super) fn lines(self, progress: &ProgressBar) -> Result<Lines<'a>, ImportError> {
        let inner = match self {
            Source::Records(records) => LinesInner::Records(records.iter()),
            Source::Text(text) => LinesInner::Text(text.lines().enumerate()),
            Source::File(path) => {
                let file = File::open(path)
                    .map_err(|error| AppError::BadInput(format!("cannot read {}: {error}", path.display())))?;
                LinesInner::File {
                    reader: BufReader::with_capacity(1 << 20, file),
                    number: 0,
                    buffer: Vec::new(),
                }
            }
        };
        Ok(Lines {
            inner,
            normalised: 0,
            progress: progress.clone(),
        })
    }
}

impl<'a> Lines<'a> {
    /// The next non-blank line; an error only when the file cannot be read.
    pub(super) fn next_line(&mut self) -> Result<Option<Line<'a>>, ImportError> {
        let Lines {
            inner,
            normalised,
            progress,
        } = self;
        let mut parse = |line: &str| {
            parse_line(line).map(|mut record| {
                *normalised += normalise(&mut record);
                Cow::Owned(record)
            })
        };
        loop {
            match inner {
                LinesInner::Records(records) => {
                    progress.inc(1);
                    return Ok(records.next().map(|(line, record)| (*line, Ok(Cow::Borrowed(record)))));
                }
                LinesInner::Text(lines) => {
                    let Some((index, line)) = lines.next() else {
                        return Ok(None);
                    };
                    progress.inc(line.len() as u64 + 1);
                    if !line.trim().is_empty() {
                        return Ok(Some((index + 1, parse(line))));
                    }
                }
                LinesInner::File { reader, number, buffer } => {
                    buffer.clear();
                    let read = reader
                        .read_until(b'\n', buffer)
                        .map_err(|error| AppError::BadInput(format!("cannot read the file: {error}")))?;
                    if read == 0 {
                        return Ok(None);
                    }
                    progress.inc(read as u64);
                    *number += 1;
                    let Ok(line) = std::str::from_utf8(buffer) else {
                        return Ok(Some((*number, Err("the line is not valid UTF-8".to_owned()))));
                    };
                    if !line.trim().is_empty() {
                        return Ok(Some((*number, parse(line.trim_end_matches(['\n', '\r'])))));
                    }
                }
            }
        }
    }

    /// The next chunk of up to `CHUNK` records. Every line parsed in the first pass, so a line
    /// that no longer does means the file changed under the import.
    pub(super) fn next_chunk(&mut self) -> Result<Option<Chunk<'a>>, ImportError> {
        let mut chunk = Vec::with_capacity(CHUNK);
        while chunk.len() < CHUNK {
            match self.next_line()? {
                Some((line, Ok(record))) => chunk.push((line, record)),
                Some((line, Err(_))) => {
                    return Err(AppError::Conflict(format!(
                        "line {line} changed while it was being imported: nothing was imported, import the file again"
                    ))
                    .into());
                }
                None => break,
            }
        }
        Ok((!chunk.is_empty()).then_some(chunk))
    }
}
