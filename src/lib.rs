//! gongshi (公示): compiles regulators' disclosure records, written as YAML
//! in git, into a static public site.
//!
//! The data flows through one stage per module:
//! `content` (load) → `check` (rules) → `publish` (the public view on a date)
//! → `render` / `export` / `reports` → `output` (privacy scan, atomic write).
//! `cmd` holds one thin function per command.

pub mod authoring;
pub mod base;
pub mod check;
pub mod cmd;
pub mod codes;
pub mod content;
pub mod decimal;
pub mod deploy;
pub mod diag;
pub mod export;
pub mod output;
pub mod pipeline;
pub mod privacy;
pub mod publish;
pub mod render;
pub mod reports;
pub mod search;
pub mod serve;
pub mod xlsx;
