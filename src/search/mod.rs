//! Search: the shared tokenizer, the index built from the public view, the
//! static shards that `search.html` downloads, and the query semantics the
//! browser, `gongshi search` and `serve`'s API share.
//!
//! Only what the public view lists is indexed: scheduled, draft, withdrawn,
//! expired and removed records never enter, and clues enter by their public
//! fields only.

pub mod encode;
pub mod engine;
pub mod index;
pub mod patch;
pub mod query;
pub mod static_files;
pub mod tiers;
pub mod tokenize;

pub use index::{Index, SearchDoc};
pub use query::{Hit, Query, search};
