//! Progress bars (one per resource, on a terminal) and notes on stderr, from the engine's events.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use unidesk_core::Resource;
use unidesk_mirror::Event;

/// The bars of one run.
pub(super) struct Bars {
    multi: MultiProgress,
    style: ProgressStyle,
    bars: Mutex<HashMap<Resource, ProgressBar>>,
}

impl Bars {
    /// Bars on stderr when it is a terminal and `quiet` is off; hidden otherwise.
    pub(super) fn new(quiet: bool) -> Bars {
        let draw = if quiet || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        Bars {
            multi: MultiProgress::with_draw_target(draw),
            style: ProgressStyle::with_template("{spinner} {prefix:>9} {pos:>8} records {per_sec:>12} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            bars: Mutex::new(HashMap::new()),
        }
    }

    /// `note: …` on stderr, above the bars.
    pub(super) fn note(&self, message: &str) {
        self.multi.suspend(|| eprintln!("note: {message}"));
    }

    fn bar(&self, r: Resource) -> Option<ProgressBar> {
        self.bars.lock().ok()?.get(&r).cloned()
    }

    /// Shows one event.
    pub(super) fn event(&self, e: &Event) {
        match e {
            Event::Started { resource, records, .. } => {
                let bar = self
                    .multi
                    .add(ProgressBar::new_spinner().with_style(self.style.clone()).with_prefix(resource.plural()));
                bar.enable_steady_tick(Duration::from_millis(200));
                bar.set_position(*records);
                if let Ok(mut bars) = self.bars.lock() {
                    bars.insert(*resource, bar);
                }
            }
            Event::Page { resource, records } => {
                if let Some(bar) = self.bar(*resource) {
                    bar.set_position(*records);
                }
            }
            Event::Status { resource, message } => {
                if let Some(bar) = self.bar(*resource) {
                    bar.set_message(message.clone());
                }
            }
            Event::Note { message, .. } => self.note(message),
            Event::Done { resource, new_tombstones, from_checkpoint, .. } => {
                if let Some(bar) = self.bar(*resource) {
                    bar.finish_with_message(if *from_checkpoint {
                        "done (from checkpoint)".to_owned()
                    } else if *new_tombstones > 0 {
                        format!("done, {new_tombstones} gone since the last sync")
                    } else {
                        "done".to_owned()
                    });
                }
            }
            Event::Interrupted { resource } => {
                if let Some(bar) = self.bar(*resource) {
                    bar.abandon_with_message("interrupted");
                }
            }
            _ => {}
        }
    }
}
