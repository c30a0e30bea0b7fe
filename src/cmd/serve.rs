//! `gongshi serve`: the preview ([`crate::serve`]) until the process ends.

use super::{OK, USAGE_ERROR};
pub use crate::serve::ServeOptions;

pub fn run(opts: ServeOptions) -> u8 {
    match crate::serve::run(opts) {
        Ok(()) => OK,
        Err(msg) => {
            eprintln!("错误：{}", crate::diag::escape_controls(&msg));
            USAGE_ERROR
        }
    }
}
