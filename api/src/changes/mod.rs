//! The spine of the system: the change log, and the feed through which each server follows it.
//!
//! Every write appends to the `change_log` table in its own transaction ([`log`]): a monotonic
//! sequence, visible in order because writers hold one directory-wide lock. Nothing else is
//! ever told about a write. Each server runs one [`Feed`] that reads the log after the position
//! it has reached, has the search index apply each step, and only then publishes the entries to
//! the server's other followers and moves its position:
//!
//! - the **search index** applies every entry before it is published (the one follower that
//!   must be current before anyone hears of a change);
//! - the **response cache** keys answers by [`Feed::position`] (the *generation*): it never
//!   moves backwards, and never ahead of what this server's index holds, so an answer cached
//!   under a generation always includes every change up to it, whichever server made it;
//! - **subscriptions**, **webhook delivery** and **API-key revocations** read the published
//!   entries ([`Feed::subscribe`]); a subscriber that resumes reads older ones from the log.
//!
//! After a request's mutation commits, the request settles on the feed in one place (the
//! [`crate::graphql::settle`] extension) before it answers, so the writer finds its change; a
//! timer settles writes made elsewhere (other servers, the `directory` command) within a
//! second.

mod feed;
mod log;

pub use feed::{Feed, Index};
pub use log::{
    Actor, Change, WriteTransaction, begin_write, entries_after, latest_seq, record, record_part,
    set_write_lock_timeout, write_lock_timeout,
};
