//! Load benchmark: the real server (release build) on a generated directory of N recruiters
//! (default 100 000), loaded over HTTP with `wrk` the way users load it: many different requests
//! of each shape, not one request repeated. A bare actix-web handler that returns a fixed body, in
//! this process, is the floor: what HTTP alone costs on this machine.
//!
//! `cargo bench --bench load` (or `-- 20000` for a smaller directory). Environment:
//! - `LOAD_SECONDS` (default 10): length of each wrk run;
//! - `LOAD_REPEAT` (default 1): runs per row; above 1 the table shows the median and the range;
//! - `LOAD_DATA_DIR=dir`: keep the imported directory there and reuse it on the next run;
//! - `REDIS_URL` (default `redis://127.0.0.1:6379`) for the Redis rows;
//! - `LOAD_DATABASE_URL=postgres://...`: the same on PostgreSQL (an empty database) instead of
//!   the embedded SQLite file.
//!
//! Needs `wrk` (`apt-get install wrk`). wrk is closed-loop: a connection sends its next request
//! only once the previous answer arrived, so a stall delays requests instead of being measured
//! (coordinated omission) and its percentiles understate the tail; the report says so. When an
//! open-loop generator is installed (oha, `cargo install oha`, or wrk2), latency comes instead
//! from a second run at a fixed rate, half the throughput the first run reached, over the same
//! varied requests, counting each latency from when its request was due (wrk2 runs 10 s longer:
//! it calibrates first). A row whose rate was not sustained is marked `(q)`.
//!
//! Three request shapes, each a `GET /graphql?query=...`, each a list of distinct requests drawn
//! from the generated directory with a fixed seed (the same requests on every run):
//! - lookup: `verifyCertificate` over 10 000 certificate numbers of the directory (all of them
//!   when it has fewer), certified or not;
//! - corridor: the corridor page (first 20 recruiters, certified first, with `totalCount`) of
//!   every corridor a recruiter serves;
//! - search: 2 000 two-word searches from the recruiters' legal and trading names, in their own
//!   scripts (Devanagari, Bengali, Arabic, Thai, CJK, ...), and cities; one in three with a typo.
//!
//! The paths go into `load-<shape>.paths` in the data directory, next to a generated wrk Lua
//! script (`load-<shape>.lua`) that walks each wrk thread through the shuffled list, from its own
//! starting point, one path per request.
//!
//! Setups, in this order and in one run so that their ratios compare: the floor; no cache
//! (`CACHE_TTL=0`: every request runs against SQLite and the index, the engine's cost); the
//! in-process cache with the varied requests (the whole system: the cache starts cold, and a
//! request repeats only once its list has been walked through); the in-process cache with one
//! fixed request per shape (pure cache hits); the Redis cache with the varied requests (a fresh
//! key prefix, so cold too). Every server row starts a fresh server, so no row inherits another
//! one's cache, and each is checked first: one request of the shape (and, for the no-cache rows,
//! 20 spread over the list) must answer without `errors`.
//!
//! Columns:
//! - requests/s: answers per second as wrk counts them (failed answers included, see errors);
//!   with `LOAD_REPEAT` > 1 the median, and `range` the slowest and fastest run;
//! - p50 ms, p99 ms: latency percentiles (closed-loop with wrk alone, open-loop with wrk2: see
//!   above);
//! - errors: answers with a status of 400 or more plus socket connect, read and write errors;
//! - timeouts: wrk's timeouts (answers slower than its 2 s timeout);
//! - CPU ms/req: the server's CPU time (user + system, all threads, from `/proc/<pid>/stat`)
//!   during the throughput run, divided by the answers wrk counted;
//! - RSS MB: the server's resident memory (`VmRSS`, MiB) right after the throughput run.
//!
//! A row with errors or timeouts is marked `(!)`: it is not a clean run. Rows that cannot be
//! measured at all are listed after the table and make the benchmark fail.

use std::{
    collections::{BTreeSet, HashSet},
    fmt::Write as _,
    io::{BufRead, BufReader},
    os::unix::ffi::OsStrExt,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::Context as _;
use directory_api::{
    interchange::{Record, RecruiterRecord},
    sample,
    service::export,
};

/// wrk threads and connections, the same for every row so that rows compare.
const THREADS: usize = 2;
const CONNECTIONS: usize = 16;
/// Distinct certificate numbers looked up (all of them when the directory has fewer).
const LOOKUPS: usize = 10_000;
/// Distinct two-word searches.
const SEARCHES: usize = 2_000;
/// Seed of the workload: the same requests in the same order on every run.
const WORKLOAD_SEED: u64 = 0x5EED_10AD_BE4C_0001;
/// Requests checked before each no-cache row, spread over its list: a query the server refuses
/// would otherwise only show up as errors under load.
const CHECKED_PATHS: usize = 20;
/// Search words shorter than this (in characters) are left out; typos go into words of at least
/// `TYPO_MIN_CHARS`.
const MIN_WORD_CHARS: usize = 3;
const TYPO_MIN_CHARS: usize = 5;
/// The open-loop run measures latency at this share of the throughput the closed-loop run
/// reached: a server at half its capacity, with room for bursts, as one would run it.
const OPEN_LOOP_SHARE: f64 = 0.5;
/// An open-loop run that sent less than this share of its rate did not sustain it.
const SUSTAINED: f64 = 0.95;
/// wrk2 spends its first 10 s calibrating and records no latency then.
const WRK2_CALIBRATION_SECONDS: u64 = 10;
/// A rate no server here reaches: a wrk2 used for throughput then sends as fast as answers come.
const UNBOUNDED_RATE: u64 = 1_000_000_000;
const GNU_TIME: &str = "/usr/bin/time";
const DIRECTORY: &str = env!("CARGO_BIN_EXE_directory");

/// Words of the legal forms the generator writes (`Pvt. Ltd.`, `Sdn. Bhd.`, `บริษัท ... จำกัด`, ...),
/// lower case, outer ASCII punctuation trimmed: nobody searches for "Pvt Ltd", and such a pair
/// matches a large part of the directory.
const LEGAL_FORM_WORDS: &[&str] = &[
    "pvt",
    "ltd",
    "private",
    "limited",
    "co",
    "company",
    "corp",
    "corporation",
    "inc",
    "llp",
    "plc",
    "pte",
    "sdn",
    "bhd",
    "gmbh",
    "kg",
    "ug",
    "haftungsbeschränkt",
    "jsc",
    "w.l.l",
    "sarl",
    "société",
    "compagnie",
    "establishment",
    "business",
    "cooperative",
    "one",
    "member",
    "sole",
    "pt",
    "công",
    "ty",
    "tnhh",
    "mtv",
    "cổ",
    "phần",
    "agensi",
    "pekerjaan",
    "प्रा",
    "लि",
    "प्राइभेट",
    "प्राइवेट",
    "लिमिटेड",
    "লিমিটেড",
    "پرائیویٹ",
    "لمیٹڈ",
    "ကုမ္ပဏီ",
    "လီမိတက်",
    "บริษัท",
    "จำกัด",
    "ບໍລິສັດ",
    "ຈຳກັດ",
    "ຈຳກັດຜູ້ດຽວ",
    "ក្រុមហ៊ុន",
    "ឯ.ក",
    "شركة",
    "مؤسسة",
    "ذ.م.م",
    "ኃ/የተ/የግ/ማ",
    "주식회사",
];

fn main() -> anyhow::Result<()> {
    let options = Options::from_env();
    let load = Load::detect()?;
    let data_dir = options
        .kept
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("directory-load-bench-{}", std::process::id())));
    std::fs::create_dir_all(&data_dir)?;
    let result = run(&options, &load, &data_dir);
    if options.kept.is_none() {
        let _ = std::fs::remove_dir_all(&data_dir);
    }
    result
}

/// What the command line and the environment ask for.
struct Options {
    recruiters: usize,
    seconds: u64,
    repeat: usize,
    redis: String,
    /// `LOAD_DATA_DIR`: keep the imported directory there and reuse it on the next run.
    kept: Option<PathBuf>,
}

impl Options {
    fn from_env() -> Self {
        Self {
            // `cargo bench` passes `--bench` too: the first argument that is a number counts.
            recruiters: std::env::args()
                .skip(1)
                .find_map(|argument| argument.parse().ok())
                .unwrap_or(100_000),
            seconds: env_number::<u64>("LOAD_SECONDS").unwrap_or(10).max(1),
            repeat: env_number::<usize>("LOAD_REPEAT").unwrap_or(1).max(1),
            redis: std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned()),
            kept: std::env::var("LOAD_DATA_DIR").ok().map(PathBuf::from),
        }
    }
}

fn env_number<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok().and_then(|value| value.trim().parse().ok())
}

/// Everything a server row needs.
struct Bench<'a> {
    options: &'a Options,
    load: &'a Load,
    data_dir: &'a Path,
    ticks_per_second: f64,
}

fn run(options: &Options, load: &Load, data_dir: &Path) -> anyhow::Result<()> {
    let records = sample::generated_directory(options.recruiters, 7);
    if imported_before(data_dir) {
        println!("reusing the directory imported in {}", data_dir.display());
    } else {
        import(data_dir, &records, options.recruiters)?;
    }
    let shapes = Shape::all(&records, data_dir)?;
    drop(records);
    let bench = Bench {
        options,
        load,
        data_dir,
        ticks_per_second: clock_ticks_per_second(),
    };

    let mut rows = Vec::new();
    let mut failures = Vec::new();
    let floor = Floor::start()?;
    let floor_target = Target {
        url: format!("{}/", floor.url),
        script: None,
        varied: None,
    };
    let floor_label = "floor: bare actix-web, fixed body";
    match measure_row(floor_label, options.repeat, |_| {
        measure(load, &floor_target, options.seconds, None)
    }) {
        Ok(runs) => rows.push(Row {
            shape: floor_label,
            setup: "-",
            runs,
        }),
        Err(error) => failures.push(format!("{floor_label}: {error:#}")),
    }
    for setup in Setup::ALL {
        for shape in &shapes {
            let label = format!("{} | {}", shape.name, setup.label());
            match measure_row(&label, options.repeat, |run| bench.server_run(setup, shape, run)) {
                Ok(runs) => rows.push(Row {
                    shape: shape.name,
                    setup: setup.label(),
                    runs,
                }),
                Err(error) => {
                    eprintln!("{label}: {error:#}");
                    failures.push(format!("{label}: {error:#}"));
                }
            }
        }
    }

    print_report(options, load, &shapes, &rows);
    anyhow::ensure!(
        failures.is_empty(),
        "{} row(s) could not be measured:\n{}",
        failures.len(),
        failures.join("\n")
    );
    Ok(())
}

/// Runs one row `repeat` times, printing each run as it ends so that nothing is lost if a later
/// row fails.
fn measure_row(
    label: &str,
    repeat: usize,
    mut once: impl FnMut(usize) -> anyhow::Result<Measured>,
) -> anyhow::Result<Vec<Measured>> {
    let mut runs = Vec::with_capacity(repeat);
    for run in 0..repeat {
        let measured = once(run)?;
        eprintln!(
            "{label}, run {}/{repeat}: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, {} errors, {} timeouts",
            run + 1,
            measured.rps,
            measured.p50_ms,
            measured.p99_ms,
            measured.errors,
            measured.timeouts
        );
        runs.push(measured);
    }
    Ok(runs)
}

impl Bench<'_> {
    /// One run of a server row, on a fresh server (so it starts with an empty cache).
    fn server_run(&self, setup: Setup, shape: &Shape, run: usize) -> anyhow::Result<Measured> {
        let prefix = format!("load-bench-{}-{}-{run}", std::process::id(), shape.key);
        let server = Server::start(self.data_dir, &setup.env(&self.options.redis, prefix))?;
        let first = shape.paths[0].as_str();
        let target = if setup.varied() {
            let checked = if setup == Setup::NoCache {
                spread(&shape.paths, CHECKED_PATHS)
            } else {
                vec![first]
            };
            check_answers(&server.url, &checked)?;
            Target {
                // The script replaces the path of every request: if it did not load, every
                // request goes here and answers 404, which shows as errors.
                url: format!("{}/the-wrk-script-did-not-load", server.url),
                script: Some(shape.script.clone()),
                varied: Some((server.url.clone(), shape.paths.clone())),
            }
        } else {
            // This first request also puts the answer in the cache.
            check_answers(&server.url, &[first])?;
            Target {
                url: format!("{}{first}", server.url),
                script: None,
                varied: None,
            }
        };
        let probe = Probe {
            pid: server.child.id(),
            ticks_per_second: self.ticks_per_second,
        };
        measure(self.load, &target, self.options.seconds, Some(&probe))
    }
}

/// At most `count` items, evenly spread over `items`.
fn spread(items: &[String], count: usize) -> Vec<&str> {
    let step = (items.len() / count.max(1)).max(1);
    items.iter().step_by(step).take(count).map(String::as_str).collect()
}

// ---------------------------------------------------------------------------------------------
// Setups and shapes
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Setup {
    NoCache,
    InProcess,
    InProcessFixed,
    Redis,
}

impl Setup {
    const ALL: [Setup; 4] = [Setup::NoCache, Setup::InProcess, Setup::InProcessFixed, Setup::Redis];

    fn label(self) -> &'static str {
        match self {
            Setup::NoCache => "no cache (`CACHE_TTL=0`), varied",
            Setup::InProcess => "in-process cache, varied (starts cold)",
            Setup::InProcessFixed => "in-process cache, one fixed request (hits)",
            Setup::Redis => "Redis cache, varied (starts cold)",
        }
    }

    fn varied(self) -> bool {
        self != Setup::InProcessFixed
    }

    /// The server's environment; `prefix` keeps each Redis run's keys apart, so it starts cold.
    fn env(self, redis_url: &str, prefix: String) -> Vec<(&'static str, String)> {
        match self {
            Setup::NoCache => vec![("CACHE_TTL", "0".to_owned())],
            Setup::InProcess | Setup::InProcessFixed => vec![],
            Setup::Redis => vec![("REDIS_URL", redis_url.to_owned()), ("REDIS_PREFIX", prefix)],
        }
    }
}

/// One request shape: its distinct requests and the wrk script that walks through them.
struct Shape {
    /// For file names and Redis prefixes.
    key: &'static str,
    name: &'static str,
    /// How the list was built, for the report.
    description: String,
    /// `/graphql?query=...` paths, in the order wrk sends them.
    paths: Vec<String>,
    script: PathBuf,
}

impl Shape {
    fn all(records: &[Record], data_dir: &Path) -> anyhow::Result<Vec<Shape>> {
        let mut rng = Rng::new(WORKLOAD_SEED);
        let numbers = certificate_numbers(records, &mut rng);
        let corridors = corridors(records, &mut rng);
        let (searches, typos) = search_texts(records, &mut rng);
        let non_ascii = searches.iter().filter(|text| !text.is_ascii()).count();
        Ok(vec![
            Shape::new(
                "lookup",
                "lookup by certificate number",
                format!(
                    "`verifyCertificate` of {} distinct certificate numbers of the directory, every status",
                    numbers.len()
                ),
                numbers.iter().map(|number| lookup_query(number)).collect(),
                data_dir,
            )?,
            Shape::new(
                "corridor",
                "corridor page, first 20 recruiters",
                format!(
                    "`corridor {{ recruiters(first: 20) }}` of all {} corridors served",
                    corridors.len()
                ),
                corridors
                    .iter()
                    .map(|(origin, destination)| corridor_query(origin, destination))
                    .collect(),
                data_dir,
            )?,
            Shape::new(
                "search",
                "two-word search",
                format!(
                    "`search(first: 20)` with {} distinct two-word texts from names and cities, {typos} with a typo, \
                     {non_ascii} not in plain ASCII",
                    searches.len()
                ),
                searches.iter().map(|text| search_query(text)).collect(),
                data_dir,
            )?,
        ])
    }

    fn new(
        key: &'static str,
        name: &'static str,
        description: String,
        queries: Vec<String>,
        data_dir: &Path,
    ) -> anyhow::Result<Self> {
        anyhow::ensure!(
            !queries.is_empty(),
            "the generated directory has nothing for the {name} shape"
        );
        let paths: Vec<String> = queries
            .iter()
            .map(|query| format!("/graphql?query={}", encode(query)))
            .collect();
        let script = write_wrk_script(data_dir, key, &paths)?;
        Ok(Self {
            key,
            name,
            description,
            paths,
            script,
        })
    }
}

fn lookup_query(number: &str) -> String {
    format!(
        "{{ verifyCertificate(number: {}) {{ found certified status recruiter {{ legalName slug }} }} }}",
        graphql_string(number)
    )
}

fn corridor_query(origin: &str, destination: &str) -> String {
    format!(
        "{{ corridor(origin: {}, destination: {}) {{ recruiters(first: 20) \
         {{ totalCount nodes {{ legalName slug country certified }} }} }} }}",
        graphql_string(origin),
        graphql_string(destination)
    )
}

fn search_query(text: &str) -> String {
    format!(
        "{{ search(query: {}, first: 20) {{ totalCount edges {{ score node \
         {{ ... on Recruiter {{ legalName slug }} }} }} }} }}",
        graphql_string(text)
    )
}

fn recruiter_records(records: &[Record]) -> impl Iterator<Item = &RecruiterRecord> {
    records.iter().filter_map(|record| match record {
        Record::Recruiter(recruiter) => Some(recruiter),
        _ => None,
    })
}

/// `LOOKUPS` distinct certificate numbers evenly spread over the directory (old and new
/// certificates, every status), shuffled: consecutive requests do not touch neighbouring rows.
fn certificate_numbers(records: &[Record], rng: &mut Rng) -> Vec<String> {
    let mut seen = HashSet::new();
    let all: Vec<&str> = records
        .iter()
        .filter_map(|record| match record {
            Record::Certification(certification) => Some(certification.certificate_number.as_str()),
            _ => None,
        })
        .filter(|number| seen.insert(*number))
        .collect();
    let mut chosen: Vec<String> = if all.len() <= LOOKUPS {
        all.iter().map(|number| (*number).to_owned()).collect()
    } else {
        (0..LOOKUPS).map(|k| all[k * all.len() / LOOKUPS].to_owned()).collect()
    };
    rng.shuffle(&mut chosen);
    chosen
}

/// Every corridor a recruiter serves, shuffled.
fn corridors(records: &[Record], rng: &mut Rng) -> Vec<(String, String)> {
    let served: BTreeSet<(&str, &str)> = recruiter_records(records)
        .flat_map(|recruiter| recruiter.corridors.iter())
        .map(|corridor| (corridor.origin.as_str(), corridor.destination.as_str()))
        .filter(|(origin, destination)| origin != destination)
        .collect();
    let mut list: Vec<(String, String)> = served
        .into_iter()
        .map(|(origin, destination)| (origin.to_owned(), destination.to_owned()))
        .collect();
    rng.shuffle(&mut list);
    list
}

/// Up to `SEARCHES` distinct two-word searches, shuffled, and how many of them carry a typo
/// (every third one). Each takes two words of one recruiter, as someone who half remembers an
/// agency types them: two words of one of its names (legal or trading, in their own script), or
/// one of them and its city.
fn search_texts(records: &[Record], rng: &mut Rng) -> (Vec<String>, usize) {
    let recruiters: Vec<&RecruiterRecord> = recruiter_records(records).collect();
    let mut seen = HashSet::new();
    let mut texts = Vec::with_capacity(SEARCHES);
    let mut typos = 0;
    if recruiters.is_empty() {
        return (texts, typos);
    }
    // Bounded: a small directory may not have `SEARCHES` distinct pairs.
    for _ in 0..SEARCHES * 100 {
        if texts.len() == SEARCHES {
            break;
        }
        let recruiter = recruiters[rng.below(recruiters.len())];
        let Some(words) = two_words(recruiter, rng) else {
            continue;
        };
        // Decided by the count so far, not by chance: once the plain pairs of a small
        // directory run out, only typos would still be new, and the share would drift.
        let typo = texts.len() % 3 == 2;
        let text = if typo {
            let Some(text) = with_typo(words, rng) else {
                continue;
            };
            text
        } else {
            format!("{} {}", words[0], words[1])
        };
        if seen.insert(text.clone()) {
            typos += usize::from(typo);
            texts.push(text);
        }
    }
    rng.shuffle(&mut texts);
    (texts, typos)
}

/// Two different words of a recruiter, in the order they appear: two thirds of the time from
/// one of its names, otherwise a word of a name and its city.
fn two_words<'a>(recruiter: &'a RecruiterRecord, rng: &mut Rng) -> Option<[&'a str; 2]> {
    let names: Vec<&str> = std::iter::once(recruiter.legal_name.as_str())
        .chain(recruiter.trading_names.iter().map(String::as_str))
        .collect();
    let name_words = words(names[rng.below(names.len())]);
    let city_words = recruiter.city.as_deref().map(words).unwrap_or_default();
    let pair = if name_words.len() >= 2 && (city_words.is_empty() || rng.below(3) != 0) {
        let first = rng.below(name_words.len() - 1);
        let second = first + 1 + rng.below(name_words.len() - first - 1);
        [name_words[first], name_words[second]]
    } else {
        let word = *name_words.get(rng.below(name_words.len().max(1)))?;
        let city = *city_words.get(rng.below(city_words.len().max(1)))?;
        [word, city]
    };
    (pair[0].to_lowercase() != pair[1].to_lowercase()).then_some(pair)
}

/// The searchable words of a name: split on spaces, outer punctuation trimmed, short words and
/// legal forms left out. Scripts written without spaces (Thai, Chinese, Japanese, Korean) give
/// one long word, which is how people paste them.
fn words(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .map(|word| word.trim_matches(|c: char| c.is_ascii_punctuation()))
        .filter(|word| word.chars().count() >= MIN_WORD_CHARS)
        .filter(|word| !LEGAL_FORM_WORDS.contains(&word.to_lowercase().as_str()))
        .collect()
}

/// The two words with a typo in one of them (of `TYPO_MIN_CHARS` or more): a character dropped
/// or two adjacent ones swapped, never the first one (people rarely get that one wrong). `None`
/// when neither word is long enough.
fn with_typo(words: [&str; 2], rng: &mut Rng) -> Option<String> {
    let long: Vec<usize> = (0..2usize)
        .filter(|&index| words[index].chars().count() >= TYPO_MIN_CHARS)
        .collect();
    let target = *long.get(rng.below(long.len().max(1)))?;
    let mut chars: Vec<char> = words[target].chars().collect();
    // 1 ..= len - 2, so that `position + 1` is a character too.
    let position = 1 + rng.below(chars.len() - 2);
    if rng.below(2) == 0 && chars[position] != chars[position + 1] {
        chars.swap(position, position + 1);
    } else {
        chars.remove(position);
    }
    let typo: String = chars.into_iter().collect();
    Some(if target == 0 {
        format!("{typo} {}", words[1])
    } else {
        format!("{} {typo}", words[0])
    })
}

/// xorshift64: deterministic and dependency-free. The workload only needs to be varied and the
/// same on every run, not statistically strong.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(if seed == 0 { 0x9E37_79B9_7F4A_7C15 } else { seed })
    }

    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..bound` (`bound` > 0).
    fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }

    /// Fisher-Yates.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// wrk
// ---------------------------------------------------------------------------------------------

/// What wrk loads: a URL, and the script that picks each request's path (none: the URL's).
struct Target {
    url: String,
    script: Option<PathBuf>,
    /// The varied requests: the server's address and the paths, for a generator that takes a
    /// list of URLs (oha) rather than a script.
    varied: Option<(String, Vec<String>)>,
}

/// Writes the paths, one a line, and the wrk script that sends them; returns the script.
/// The script reads the list at start rather than holding thousands of string constants, which
/// LuaJIT limits per function.
fn write_wrk_script(data_dir: &Path, key: &str, paths: &[String]) -> anyhow::Result<PathBuf> {
    let list = data_dir.join(format!("load-{key}.paths"));
    let mut text = paths.join("\n");
    text.push('\n');
    std::fs::write(&list, text).with_context(|| format!("cannot write {}", list.display()))?;
    let list = std::fs::canonicalize(&list)?;
    let script = data_dir.join(format!("load-{key}.lua"));
    std::fs::write(&script, wrk_script(&list)).with_context(|| format!("cannot write {}", script.display()))?;
    Ok(script)
}

/// In wrk, the script runs in the main Lua state (where `setup` is called once per thread) and
/// in one state per thread (where `request` is called for each request); `thread:set` sets a
/// global in the thread's state. Each thread starts at its own place in the list, so the threads
/// do not send the same requests at the same time.
fn wrk_script(list: &Path) -> String {
    let file = lua_string(list.as_os_str().as_bytes());
    format!(
        r#"-- Generated by benches/load.rs: each request takes the next path of the list.
local paths = {{}}
for line in io.lines({file}) do
  if #line > 0 then paths[#paths + 1] = line end
end
assert(#paths > 0, "no paths in " .. {file})

local threads = 0
function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

local sent = 0
function request()
  local start = (thread_index or 0) * math.floor(#paths / {THREADS})
  local path = paths[(start + sent) % #paths + 1]
  sent = sent + 1
  return wrk.format("GET", path)
end
"#
    )
}

/// A Lua string literal of any bytes: printable ASCII as is, `\` and `"` escaped, anything else
/// as a three-digit decimal escape.
fn lua_string(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &byte in bytes {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b' '..=b'~' => out.push(char::from(byte)),
            _ => {
                let _ = write!(out, "\\{byte:03}");
            }
        }
    }
    out.push('"');
    out
}

/// The load generators found on this machine.
struct Load {
    /// Closed-loop runs, for throughput, CPU and memory: `wrk` (or a wrk2 at an unreachable rate).
    throughput: Tool,
    /// An open-loop generator for latency at a fixed rate, when one is installed.
    open_loop: Option<OpenLoop>,
}

/// A load generator that sends at a fixed rate whatever the answers do, so a stall is measured
/// instead of delaying the requests behind it (no coordinated omission).
enum OpenLoop {
    /// wrk2 (`-R`), which calibrates for its first 10 s.
    Wrk2(Tool),
    /// oha (`-q` with `--latency-correction`: each latency counts from when the request was due,
    /// not from when a connection was free to send it), `cargo install oha`.
    Oha,
}

#[derive(Clone)]
struct Tool {
    binary: &'static str,
    /// wrk2 refuses to run without `-R`.
    needs_rate: bool,
}

impl Load {
    fn detect() -> anyhow::Result<Self> {
        let wrk = Tool::probe("wrk");
        let wrk2 = Tool::probe("wrk2");
        let throughput = wrk
            .clone()
            .or_else(|| wrk2.clone())
            .ok_or_else(|| anyhow::anyhow!("wrk is not installed (apt-get install wrk)"))?;
        let open_loop = [wrk2, wrk]
            .into_iter()
            .flatten()
            .find(|tool| tool.needs_rate)
            .map(OpenLoop::Wrk2)
            .or_else(|| {
                let oha = Command::new("oha").arg("--version").output();
                oha.is_ok_and(|output| output.status.success()).then_some(OpenLoop::Oha)
            });
        Ok(Self { throughput, open_loop })
    }

    fn latency_note(&self, seconds: u64) -> String {
        match &self.open_loop {
            Some(OpenLoop::Wrk2(tool)) => format!(
                "Latency: {} open loop at {:.0} % of each row's throughput, {seconds}s after its \
                 {WRK2_CALIBRATION_SECONDS}s calibration (free of coordinated omission); its errors count too.",
                tool.binary,
                OPEN_LOOP_SHARE * 100.0
            ),
            Some(OpenLoop::Oha) => format!(
                "Latency: oha open loop (`-q`, `--latency-correction`) at {:.0} % of each row's throughput for \
                 {seconds}s, over the same varied requests, {CONNECTIONS} connections (free of coordinated \
                 omission: a latency counts from when its request was due); its errors count too.",
                OPEN_LOOP_SHARE * 100.0
            ),
            None => "Latency: wrk is closed-loop (a connection sends its next request only once the previous answer \
                     arrived), so its percentiles are under coordinated omission and understate the tail; install \
                     oha (`cargo install oha`) or wrk2 for open-loop latency."
                .to_owned(),
        }
    }
}

impl Tool {
    /// Both print their usage on `-h`; wrk2's lists `--rate`, which it requires.
    fn probe(binary: &'static str) -> Option<Tool> {
        let output = Command::new(binary).arg("-h").output().ok()?;
        let usage = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        Some(Tool {
            binary,
            needs_rate: usage.contains("--rate"),
        })
    }

    /// One run; `rate` in requests per second for an open-loop run.
    fn run(&self, target: &Target, seconds: u64, rate: Option<u64>) -> anyhow::Result<WrkRun> {
        let mut command = Command::new(self.binary);
        command
            .arg("-t")
            .arg(THREADS.to_string())
            .arg("-c")
            .arg(CONNECTIONS.to_string())
            .arg("-d")
            .arg(format!("{seconds}s"))
            .arg("--latency");
        if let Some(script) = &target.script {
            command.arg("-s").arg(script);
        }
        if let Some(rate) = rate.or(self.needs_rate.then_some(UNBOUNDED_RATE)) {
            command.arg("-R").arg(rate.to_string());
        }
        let output = command
            .arg(&target.url)
            .output()
            .with_context(|| format!("cannot run {}", self.binary))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        // wrk reports a script that fails to load on stderr and runs anyway.
        anyhow::ensure!(
            output.status.success() && stderr.trim().is_empty(),
            "{} failed ({}):\n{stdout}{stderr}",
            self.binary,
            output.status
        );
        parse_wrk(&stdout)
    }
}

/// What one wrk run reports.
struct WrkRun {
    rps: f64,
    /// Answers wrk counted (failed ones included).
    requests: u64,
    p50_ms: f64,
    p99_ms: f64,
    /// `Non-2xx or 3xx responses` (wrk counts statuses of 400 and above).
    failed_answers: u64,
    socket: SocketErrors,
}

impl WrkRun {
    /// Failed answers and socket errors, timeouts apart.
    fn errors(&self) -> u64 {
        self.failed_answers + self.socket.connect + self.socket.read + self.socket.write
    }
}

#[derive(Default)]
struct SocketErrors {
    connect: u64,
    read: u64,
    write: u64,
    timeout: u64,
}

fn parse_wrk(text: &str) -> anyhow::Result<WrkRun> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let rps = value_after(&lines, "Requests/sec:")
        .and_then(|value| value.parse::<f64>().ok())
        .ok_or_else(|| anyhow::anyhow!("no throughput in wrk's output:\n{text}"))?;
    let requests = lines
        .iter()
        .find_map(|line| completed_requests(line))
        .ok_or_else(|| anyhow::anyhow!("no request count in wrk's output:\n{text}"))?;
    let failed_answers = match value_after(&lines, "Non-2xx or 3xx responses:") {
        Some(value) => value.parse::<u64>()?,
        None => 0,
    };
    let socket = match value_after(&lines, "Socket errors:") {
        Some(value) => socket_errors(value)?,
        None => SocketErrors::default(),
    };
    let latency = |percentile: f64| {
        lines
            .iter()
            .find_map(|line| percentile_ms(line, percentile))
            .ok_or_else(|| anyhow::anyhow!("no {percentile}% latency in wrk's output:\n{text}"))
    };
    Ok(WrkRun {
        rps,
        requests,
        p50_ms: latency(50.0)?,
        p99_ms: latency(99.0)?,
        failed_answers,
        socket,
    })
}

fn value_after<'a>(lines: &[&'a str], prefix: &str) -> Option<&'a str> {
    lines
        .iter()
        .copied()
        .find_map(|line| line.strip_prefix(prefix))
        .map(str::trim)
}

/// `123456 requests in 10.00s, 12.34MB read`.
fn completed_requests(line: &str) -> Option<u64> {
    let mut words = line.split_whitespace();
    let count = words.next()?.parse::<u64>().ok()?;
    (words.next()? == "requests" && words.next()? == "in").then_some(count)
}

/// `connect 0, read 0, write 0, timeout 12`.
fn socket_errors(value: &str) -> anyhow::Result<SocketErrors> {
    let mut errors = SocketErrors::default();
    for part in value.split(',') {
        let mut words = part.split_whitespace();
        let (Some(kind), Some(count)) = (words.next(), words.next()) else {
            continue;
        };
        let count: u64 = count.parse()?;
        match kind {
            "connect" => errors.connect = count,
            "read" => errors.read = count,
            "write" => errors.write = count,
            "timeout" => errors.timeout = count,
            _ => {}
        }
    }
    Ok(errors)
}

/// A latency distribution line: wrk's `50%  1.23ms`, wrk2's `50.000%  1.23ms`.
fn percentile_ms(line: &str, percentile: f64) -> Option<f64> {
    let (number, value) = line.split_once('%')?;
    let number: f64 = number.trim().parse().ok()?;
    if (number - percentile).abs() > 1e-9 {
        return None;
    }
    milliseconds(value.trim())
}

/// wrk's `1.23ms`, `456.00us`, `1.02s`, `1.50m`.
fn milliseconds(value: &str) -> Option<f64> {
    let split = value.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse().ok()?;
    match unit {
        "us" => Some(number / 1_000.0),
        "ms" => Some(number),
        "s" => Some(number * 1_000.0),
        "m" => Some(number * 60_000.0),
        "h" => Some(number * 3_600_000.0),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------------------------

struct Measured {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
    timeouts: u64,
    /// Server rows only.
    cpu_ms_per_request: Option<f64>,
    rss_mb: Option<f64>,
    /// The open-loop rate was not sustained: the latency includes the queue that built up.
    unsustained: bool,
}

/// One measurement: a closed-loop run for throughput, with the server's CPU time around it and
/// its memory after it, then, when wrk2 is installed, an open-loop run for latency.
fn measure(load: &Load, target: &Target, seconds: u64, server: Option<&Probe>) -> anyhow::Result<Measured> {
    let before = server.map(Probe::cpu_ticks).transpose()?;
    let run = load.throughput.run(target, seconds, None)?;
    let (cpu_ms_per_request, rss_mb) = match (server, before) {
        (Some(probe), Some(before)) => {
            let ticks = probe.cpu_ticks()?.saturating_sub(before);
            let cpu_ms = ticks as f64 * 1_000.0 / probe.ticks_per_second;
            let per_request = (run.requests > 0).then(|| cpu_ms / run.requests as f64);
            (per_request, Some(probe.rss_mb()?))
        }
        _ => (None, None),
    };
    let mut measured = Measured {
        rps: run.rps,
        p50_ms: run.p50_ms,
        p99_ms: run.p99_ms,
        errors: run.errors(),
        timeouts: run.socket.timeout,
        cpu_ms_per_request,
        rss_mb,
        unsustained: false,
    };
    let rate = ((run.rps * OPEN_LOOP_SHARE).round() as u64).max(1);
    match &load.open_loop {
        Some(OpenLoop::Wrk2(tool)) => {
            let paced = tool.run(target, seconds + WRK2_CALIBRATION_SECONDS, Some(rate))?;
            measured.p50_ms = paced.p50_ms;
            measured.p99_ms = paced.p99_ms;
            measured.errors += paced.errors();
            measured.timeouts += paced.socket.timeout;
        }
        Some(OpenLoop::Oha) => {
            let paced = run_oha(target, seconds, rate)?;
            measured.p50_ms = paced.p50_ms;
            measured.p99_ms = paced.p99_ms;
            measured.errors += paced.errors;
            measured.unsustained = paced.sent_rps < rate as f64 * SUSTAINED;
        }
        None => {}
    }
    Ok(measured)
}

/// What an open-loop oha run reports.
struct OhaRun {
    p50_ms: f64,
    p99_ms: f64,
    /// Requests per second oha sent: below the rate asked for, the server and the generator
    /// together (sharing the cores, at most `CONNECTIONS` requests in flight) could not sustain
    /// it, and the latency includes the queue that built up.
    sent_rps: f64,
    /// Answers of 400 or more, and requests that failed (connection errors, timeouts).
    errors: u64,
}

/// An open-loop run with oha at `rate` requests per second over the target's varied requests
/// (a URL list it walks through) or its one URL. Requests slower than wrk's 2 s timeout count
/// as errors, as in the closed-loop run.
fn run_oha(target: &Target, seconds: u64, rate: u64) -> anyhow::Result<OhaRun> {
    let mut command = Command::new("oha");
    command
        .args([
            "--no-tui",
            "--output-format",
            "json",
            "--latency-correction",
            "-t",
            "2s",
        ])
        .arg("-z")
        .arg(format!("{seconds}s"))
        .arg("-c")
        .arg(CONNECTIONS.to_string())
        .arg("-q")
        .arg(rate.to_string());
    let urls = match &target.varied {
        Some((base, paths)) => {
            let file = tempfile::NamedTempFile::new()?;
            let list: String = paths.iter().map(|path| format!("{base}{path}\n")).collect();
            std::fs::write(file.path(), list)?;
            command.arg("--urls-from-file").arg(file.path());
            Some(file)
        }
        None => {
            command.arg(&target.url);
            None
        }
    };
    let output = command.output().context("cannot run oha")?;
    drop(urls);
    anyhow::ensure!(
        output.status.success(),
        "oha failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).context("oha's JSON report")?;
    let seconds_to_ms = |key: &str| {
        report["latencyPercentiles"][key]
            .as_f64()
            .map(|seconds| seconds * 1_000.0)
            .ok_or_else(|| anyhow::anyhow!("no {key} in oha's report: {report}"))
    };
    let count = |value: &serde_json::Value, failed: &dyn Fn(&str) -> bool| -> u64 {
        value
            .as_object()
            .map(|map| {
                map.iter()
                    .filter(|(key, _)| failed(key))
                    .filter_map(|(_, count)| count.as_u64())
                    .sum()
            })
            .unwrap_or(0)
    };
    let failed_answers = count(&report["statusCodeDistribution"], &|status| {
        status.parse::<u16>().map_or(true, |status| status >= 400)
    });
    // oha aborts the requests still running when the time is up; those are not failures.
    let failed_requests = count(&report["errorDistribution"], &|error| !error.contains("deadline"));
    Ok(OhaRun {
        p50_ms: seconds_to_ms("p50")?,
        p99_ms: seconds_to_ms("p99")?,
        sent_rps: report["summary"]["requestsPerSec"].as_f64().unwrap_or(0.0),
        errors: failed_answers + failed_requests,
    })
}

/// Reads a process's CPU time and memory from `/proc`.
struct Probe {
    pid: u32,
    ticks_per_second: f64,
}

impl Probe {
    /// User plus system CPU time of the whole process (every thread), in clock ticks: fields 14
    /// and 15 of `/proc/<pid>/stat`, counted after the command name, which may hold spaces.
    fn cpu_ticks(&self) -> anyhow::Result<u64> {
        let path = format!("/proc/{}/stat", self.pid);
        let stat = std::fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
        let (_, after_name) = stat
            .rsplit_once(')')
            .ok_or_else(|| anyhow::anyhow!("unexpected {path}: {stat}"))?;
        // `after_name` starts at field 3 (the state): utime and stime are its 12th and 13th.
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        let field = |index: usize| -> anyhow::Result<u64> {
            let value = fields
                .get(index)
                .ok_or_else(|| anyhow::anyhow!("unexpected {path}: {stat}"))?;
            Ok(value.parse::<u64>()?)
        };
        Ok(field(11)? + field(12)?)
    }

    /// Resident memory (`VmRSS`), in MiB.
    fn rss_mb(&self) -> anyhow::Result<f64> {
        let path = format!("/proc/{}/status", self.pid);
        let status = std::fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
        let kilobytes: f64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .ok_or_else(|| anyhow::anyhow!("no VmRSS in {path}"))?;
        Ok(kilobytes / 1024.0)
    }
}

/// Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`, 100 almost everywhere).
fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|output| String::from_utf8_lossy(&output.stdout).trim().parse::<f64>().ok())
        .filter(|ticks| *ticks > 0.0)
        .unwrap_or(100.0)
}

/// Sends each path once and checks that the answer is a success without `errors`.
fn check_answers(base: &str, paths: &[&str]) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(check_answers_async(base, paths))
}

async fn check_answers_async(base: &str, paths: &[&str]) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    for path in paths {
        let response = client.get(format!("{base}{path}")).send().await?;
        let status = response.status();
        let body = response.text().await?;
        anyhow::ensure!(
            status.is_success() && !body.contains("\"errors\""),
            "{path} answered {status}: {body}"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

struct Row {
    shape: &'static str,
    setup: &'static str,
    runs: Vec<Measured>,
}

/// A row's runs in one line: medians, the range of the throughput, and every failure counted.
struct Summary {
    rps: f64,
    rps_min: f64,
    rps_max: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
    timeouts: u64,
    cpu_ms_per_request: Option<f64>,
    rss_mb: Option<f64>,
    unsustained: bool,
}

impl Summary {
    fn of(runs: &[Measured]) -> Self {
        let rps: Vec<f64> = runs.iter().map(|run| run.rps).collect();
        Self {
            rps: median(&rps),
            rps_min: rps.iter().copied().fold(f64::INFINITY, f64::min),
            rps_max: rps.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            p50_ms: median(&runs.iter().map(|run| run.p50_ms).collect::<Vec<_>>()),
            p99_ms: median(&runs.iter().map(|run| run.p99_ms).collect::<Vec<_>>()),
            errors: runs.iter().map(|run| run.errors).sum(),
            timeouts: runs.iter().map(|run| run.timeouts).sum(),
            cpu_ms_per_request: median_of(runs.iter().filter_map(|run| run.cpu_ms_per_request)),
            rss_mb: median_of(runs.iter().filter_map(|run| run.rss_mb)),
            unsustained: runs.iter().any(|run| run.unsustained),
        }
    }
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn median_of(values: impl Iterator<Item = f64>) -> Option<f64> {
    let values: Vec<f64> = values.collect();
    (!values.is_empty()).then(|| median(&values))
}

fn or_dash(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "-".to_owned(), |value| format!("{value:.decimals$}"))
}

fn print_report(options: &Options, load: &Load, shapes: &[Shape], rows: &[Row]) {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!();
    println!(
        "{} recruiters; {} -t{THREADS} -c{CONNECTIONS} -d{}s, {} run(s) per row; server and load generator share \
         this machine's {cores} cores. Every server row starts a fresh server.",
        options.recruiters, load.throughput.binary, options.seconds, options.repeat
    );
    for shape in shapes {
        println!("- {}: {}", shape.name, shape.description);
    }
    println!("{}", load.latency_note(options.seconds));
    println!();

    let ranged = options.repeat > 1;
    let (range_header, range_align) = if ranged { (" range |", "---:|") } else { ("", "") };
    println!(
        "| shape | setup | requests/s |{range_header} p50 ms | p99 ms | errors | timeouts | CPU ms/req | RSS MB |"
    );
    println!("|---|---|---:|{range_align}---:|---:|---:|---:|---:|---:|");
    let mut unclean = 0;
    let mut bound = 0;
    for row in rows {
        let summary = Summary::of(&row.runs);
        let failed = summary.errors + summary.timeouts > 0;
        unclean += usize::from(failed);
        let mark = if failed { " (!)" } else { "" };
        bound += usize::from(summary.unsustained);
        let latency_mark = if summary.unsustained { " (q)" } else { "" };
        let range = if ranged {
            format!(" {:.0}–{:.0} |", summary.rps_min, summary.rps_max)
        } else {
            String::new()
        };
        println!(
            "| {} | {} | {:.0}{mark} |{range} {:.2}{latency_mark} | {:.2}{latency_mark} | {} | {} | {} | {} |",
            row.shape,
            row.setup,
            summary.rps,
            summary.p50_ms,
            summary.p99_ms,
            summary.errors,
            summary.timeouts,
            or_dash(summary.cpu_ms_per_request, 3),
            or_dash(summary.rss_mb, 0)
        );
    }
    println!();
    if ranged {
        println!("requests/s, latency, CPU and RSS: median of the runs; errors and timeouts: sum of the runs.");
    }
    if bound > 0 {
        println!(
            "(q) {bound} row(s): the open-loop rate ({:.0} % of the closed-loop throughput) was not sustained (under \
             {:.0} % of it was sent): the server and the generator, sharing the cores, fell behind, and the latency \
             includes the queue that built up.",
            OPEN_LOOP_SHARE * 100.0,
            SUSTAINED * 100.0
        );
    }
    if unclean > 0 {
        println!(
            "(!) {unclean} row(s) had failed or timed-out requests: not clean runs. wrk counts a failed answer as a \
             request, so their requests/s is not a clean throughput."
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The directory: import and server
// ---------------------------------------------------------------------------------------------

/// Writes the records as JSON lines and imports them with the `directory` binary, under GNU
/// `time -v` when it is installed: it reports the import's peak resident memory for free.
fn import(data_dir: &Path, records: &[Record], recruiters: usize) -> anyhow::Result<()> {
    let file = data_dir.join("directory.jsonl");
    std::fs::write(&file, export::to_json_lines(records))?;
    let timed = gnu_time_works();
    let mut command = if timed {
        let mut command = Command::new(GNU_TIME);
        command.arg("-v").arg(DIRECTORY);
        command
    } else {
        Command::new(DIRECTORY)
    };
    with_directory_env(&mut command, data_dir, &[]);
    let started = Instant::now();
    let output = command
        .arg("import")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(if timed { Stdio::piped() } else { Stdio::inherit() })
        .output()?;
    let elapsed = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    anyhow::ensure!(
        output.status.success(),
        "the import failed ({}):\n{stderr}",
        output.status
    );
    std::fs::remove_file(&file)?;
    if postgres_url().is_some() {
        std::fs::write(data_dir.join("imported-into-postgres"), "")?;
    }
    let peak = peak_resident_mb(&stderr)
        .map(|mb| format!(", peak resident memory {mb:.0} MB"))
        .unwrap_or_default();
    println!(
        "imported {} records ({recruiters} recruiters) in {elapsed:.1}s{peak}",
        records.len()
    );
    Ok(())
}

/// GNU time (not a shell's `time`, not BusyBox's) reports the peak resident memory with `-v`.
fn gnu_time_works() -> bool {
    Command::new(GNU_TIME)
        .args(["-v", "true"])
        .output()
        .is_ok_and(|output| {
            output.status.success() && String::from_utf8_lossy(&output.stderr).contains("Maximum resident set size")
        })
}

/// GNU time's `Maximum resident set size (kbytes): 123456`, in MiB.
fn peak_resident_mb(report: &str) -> Option<f64> {
    report
        .lines()
        .find_map(|line| line.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|value| value.trim().parse::<f64>().ok())
        .map(|kilobytes| kilobytes / 1024.0)
}

/// `LOAD_DATABASE_URL=postgres://...`: run the servers (and the import) on PostgreSQL instead
/// of the embedded SQLite file. The database must be empty before the first run.
fn postgres_url() -> Option<String> {
    std::env::var("LOAD_DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// Whether the directory was imported by an earlier run (`LOAD_DATA_DIR`).
fn imported_before(data_dir: &Path) -> bool {
    match postgres_url() {
        Some(_) => data_dir.join("imported-into-postgres").exists(),
        None => data_dir.join("directory.sqlite3").exists(),
    }
}

fn with_directory_env(command: &mut Command, data_dir: &Path, env: &[(&str, String)]) {
    command.env("DATA_DIR", data_dir).env_remove("DATABASE_URL");
    if let Some(url) = postgres_url() {
        command.env("DATABASE_URL", url);
    }
    command
        .env_remove("REDIS_URL")
        .env("SAMPLE_DATA", "false")
        .env("RATE_LIMIT", "0")
        .env("RUST_LOG", "warn");
    for (key, value) in env {
        command.env(key, value);
    }
}

struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(data_dir: &Path, env: &[(&str, String)]) -> anyhow::Result<Self> {
        let mut command = Command::new(DIRECTORY);
        with_directory_env(&mut command, data_dir, env);
        let mut child = command
            .arg("serve")
            .env("BIND", "127.0.0.1:0")
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().ok_or_else(|| anyhow::anyhow!("no stdout"))?;
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines
                .next()
                .ok_or_else(|| anyhow::anyhow!("the server stopped before listening"))??;
            if let Some(url) = line.strip_prefix("directory listening on ") {
                break url.to_owned();
            }
        };
        // Keep draining stdout so the server never blocks on it.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Self { child, url })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The floor: a bare actix-web handler with a fixed body, in this process.
struct Floor {
    url: String,
}

impl Floor {
    fn start() -> anyhow::Result<Self> {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            system.block_on(async move {
                let body = r#"{"data":{"verifyCertificate":{"found":true,"certified":true,"status":"CERTIFIED"}}}"#;
                let server = actix_web::HttpServer::new(move || {
                    actix_web::App::new().route(
                        "/",
                        actix_web::web::get().to(move || async move {
                            actix_web::HttpResponse::Ok()
                                .content_type("application/json")
                                .body(body)
                        }),
                    )
                })
                .bind("127.0.0.1:0");
                let Ok(server) = server else { return };
                let _ = sender.send(server.addrs()[0]);
                let _ = server.run().await;
            });
        });
        let address = receiver.recv_timeout(Duration::from_secs(10))?;
        Ok(Self {
            url: format!("http://{address}"),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

/// A GraphQL string literal: `"` and `\` escaped, control characters as `\uXXXX`.
fn graphql_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Percent-encodes everything but the unreserved characters of RFC 3986.
fn encode(query: &str) -> String {
    query
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}
