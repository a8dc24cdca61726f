//! Progress of the long commands (import, export, reindex, backup, restore), for the operator
//! who runs them.
//!
//! On a terminal: an `indicatif` bar with the rate and the time left. Anywhere else (a cron
//! job, a container's log, a pipe): a plain `tracing` line every `PROGRESS_INTERVAL`, so a log
//! shows that the work is alive and how far it got. Either way the command prints its summary
//! at the end.
//!
//! Services take a [`Progress`], start its phases and move its bar; callers nobody watches (the
//! API's import mutation, the sample data, tests) pass [`Progress::hidden`], whose bar costs an
//! atomic add per step.

use std::{
    io::IsTerminal,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
        mpsc,
    },
    thread::JoinHandle,
    time::Duration,
};

pub use indicatif::ProgressBar;
use indicatif::{HumanBytes, HumanCount, ProgressDrawTarget, ProgressStyle};

/// What a phase counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Bytes,
    Records,
}

/// The progress display of one command; stops its log lines when dropped.
pub struct Progress {
    bar: ProgressBar,
    command: &'static str,
    /// Whether the current phase counts bytes (read by the log lines).
    bytes: Arc<AtomicBool>,
    on_terminal: bool,
    logger: Option<(mpsc::Sender<()>, JoinHandle<()>)>,
}

impl Progress {
    /// A bar on standard error when it is a terminal, periodic log lines every `interval`
    /// otherwise.
    pub fn start(command: &'static str, interval: Duration) -> Self {
        let on_terminal = std::io::stderr().is_terminal();
        let bar = ProgressBar::with_draw_target(
            None,
            if on_terminal {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        let bytes = Arc::new(AtomicBool::new(false));
        let logger = (!on_terminal).then(|| {
            let (stop, stopped) = mpsc::channel::<()>();
            let (watched, unit) = (bar.clone(), bytes.clone());
            let thread = std::thread::spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(interval) {
                    let unit = if unit.load(Ordering::Relaxed) {
                        Unit::Bytes
                    } else {
                        Unit::Records
                    };
                    log_line(command, &watched, unit);
                }
            });
            (stop, thread)
        });
        Self {
            bar,
            command,
            bytes,
            on_terminal,
            logger,
        }
    }

    /// Progress nobody watches.
    pub fn hidden() -> Self {
        Self {
            bar: ProgressBar::hidden(),
            command: "",
            bytes: Arc::default(),
            on_terminal: false,
            logger: None,
        }
    }

    /// Starts a phase of the work: `total` units if known (a spinner otherwise).
    pub fn phase(&self, name: &'static str, unit: Unit, total: Option<u64>) -> &ProgressBar {
        // The templates are constants, checked by the tests below.
        if let Ok(style) = style(unit, total.is_some()) {
            self.bar.set_style(style);
        }
        self.bytes.store(unit == Unit::Bytes, Ordering::Relaxed);
        self.bar.set_prefix(self.command);
        self.bar.set_message(name);
        self.bar.reset();
        match total {
            Some(total) => self.bar.set_length(total),
            None => self.bar.unset_length(),
        }
        if self.on_terminal {
            // Keeps the spinner and the rate moving while one step takes long.
            self.bar.enable_steady_tick(Duration::from_millis(200));
        }
        &self.bar
    }

    pub fn bar(&self) -> &ProgressBar {
        &self.bar
    }
}

/// The look of a phase on a terminal.
fn style(unit: Unit, known_total: bool) -> Result<ProgressStyle, indicatif::style::TemplateError> {
    let template = match (unit, known_total) {
        (Unit::Bytes, true) => "{prefix} {msg:10} [{wide_bar}] {bytes}/{total_bytes} {binary_bytes_per_sec} {eta} left",
        (Unit::Records, true) => "{prefix} {msg:10} [{wide_bar}] {human_pos}/{human_len} {per_sec} {eta} left",
        (Unit::Bytes, false) => "{prefix} {msg:10} {spinner} {bytes} {binary_bytes_per_sec} {elapsed}",
        (Unit::Records, false) => "{prefix} {msg:10} {spinner} {human_pos} {per_sec} {elapsed}",
    };
    Ok(ProgressStyle::with_template(template)?.progress_chars("=> "))
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
        if let Some((stop, thread)) = self.logger.take() {
            drop(stop);
            let _ = thread.join();
        }
    }
}

/// One plain line: `import: writing 61.2 MiB of 172.0 MiB (35%), 9.8 MiB/s, about 11s left`.
fn log_line(command: &str, bar: &ProgressBar, unit: Unit) {
    let phase = bar.message();
    let position = bar.position();
    let amount = |value: u64| match unit {
        Unit::Bytes => HumanBytes(value).to_string(),
        Unit::Records => HumanCount(value).to_string(),
    };
    let rate = match unit {
        Unit::Bytes => format!("{}/s", HumanBytes(bar.per_sec() as u64)),
        Unit::Records => format!("{}/s", HumanCount(bar.per_sec() as u64)),
    };
    match bar.length().filter(|total| *total > 0) {
        Some(total) => tracing::info!(
            "{command}: {phase} {} of {} ({}%), {rate}, about {}s left",
            amount(position),
            amount(total),
            position.saturating_mul(100) / total,
            bar.eta().as_secs()
        ),
        None => tracing::info!(
            "{command}: {phase} {} so far, {rate}, {}s in",
            amount(position),
            bar.elapsed().as_secs()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phase_template_is_valid() {
        for unit in [Unit::Bytes, Unit::Records] {
            for known_total in [true, false] {
                assert!(style(unit, known_total).is_ok(), "{unit:?} {known_total}");
            }
        }
    }

    #[test]
    fn a_phase_starts_from_zero_with_its_total() {
        let progress = Progress::start("test", Duration::from_secs(3_600));
        for unit in [Unit::Bytes, Unit::Records] {
            for total in [Some(10), None] {
                let bar = progress.phase("phase", unit, total);
                assert_eq!(bar.position(), 0);
                bar.inc(3);
                assert_eq!(bar.position(), 3);
                assert_eq!(bar.length(), total);
            }
        }
    }
}
