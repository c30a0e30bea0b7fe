//! The `gongshi` command line: parses arguments into the library's options
//! and calls one function per command.

use clap::{Parser, Subcommand, ValueEnum};
use gongshi::cmd;
use std::path::PathBuf;
use std::process::ExitCode;

/// The build allocates many small strings on two threads at once; mimalloc
/// does that markedly faster than the system allocator (see bench/).
/// Version 2 of mimalloc (feature `v2`) hands freed pages back to the
/// system after 10 ms; version 3 waits a second, long enough for the
/// memory freed by one stage of the build to add to the peak of the next.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "gongshi", version, about = "公示：安全监管信息公开网站生成器")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// 生成公开网站
    Build {
        /// 站点目录（默认当前目录）
        site: Option<PathBuf>,
        /// 输出目录（默认 SITE/public）
        #[arg(long)]
        out: Option<PathBuf>,
        /// 构建日期 YYYY-MM-DD（默认今天，北京时间）
        #[arg(long)]
        date: Option<String>,
        /// 同时发布草稿和定时发布的记录（仅供预览）
        #[arg(long)]
        drafts: bool,
        /// 显示各阶段用时
        #[arg(short, long)]
        verbose: bool,
    },
    /// 本地预览：生成、提供访问并在修改后自动刷新
    Serve {
        site: Option<PathBuf>,
        /// 端口
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// 监听地址（默认仅本机）
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// 只显示 build 在该日期会公开的内容（默认还显示草稿和定时发布的记录，并加标记）
        #[arg(long, conflicts_with = "drafts")]
        public: bool,
        /// 显示草稿和定时发布的记录（默认即如此，保留以兼容旧的用法）
        #[arg(long)]
        drafts: bool,
        #[arg(long)]
        date: Option<String>,
        /// 显示每次生成各阶段的用时
        #[arg(short, long)]
        verbose: bool,
    },
    /// 新建一条记录，按纸质表单的顺序列出全部字段并附填写说明
    New {
        /// 类别：cases、actions、hazards、accountability、clues、blacklist、daily
        kind: String,
        /// 编号（文件名），如 hc-2026-001
        id: String,
        site: Option<PathBuf>,
    },
    /// 新建站点目录（含 site.yaml 和每类一个示例）
    Init { dir: PathBuf },
    /// 输出某类记录的 JSON Schema（供编辑器补全和校验）
    Schema { kind: String },
    /// 在公开信息中搜索（与网站搜索相同的规则）
    Search {
        /// 搜索词，空格分隔的多个词须同时出现
        query: String,
        site: Option<PathBuf>,
        #[arg(long)]
        date: Option<String>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// 把生成好的网站上传到 S3 兼容的对象存储（凭据取自 AWS_* 环境变量），只传改动的文件
    Deploy {
        site: Option<PathBuf>,
        /// 输出目录（默认 SITE/public）
        #[arg(long)]
        out: Option<PathBuf>,
        /// 目标，例如 s3://存储桶/前缀
        #[arg(long)]
        to: String,
        /// 只列出将上传和删除的数量，不改动存储
        #[arg(long)]
        dry_run: bool,
    },
    /// 把表格（CSV 或 Excel）的每一行导入为一条新记录
    Import {
        /// CSV（UTF-8 或 GBK）或 XLSX 文件：gongshi 导出的开放数据，或附件4、附件7 的表格
        file: PathBuf,
        /// 记录类别：actions、hazards、clues……
        #[arg(long)]
        kind: String,
        site: Option<PathBuf>,
        /// 只检查并列出将写入的文件，不写入
        #[arg(long)]
        dry_run: bool,
    },
    /// 待办：哪些事项在 D 到 D+N 天内到期，哪些已经逾期
    Agenda {
        site: Option<PathBuf>,
        /// 起始日期（默认今天，北京时间）
        #[arg(long)]
        date: Option<String>,
        /// 天数
        #[arg(long, default_value_t = 7)]
        days: u32,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// 检查内容，不写任何文件
    Check {
        site: Option<PathBuf>,
        #[arg(long)]
        date: Option<String>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
}

/// Run `f` with the `--date` given, or today; a malformed date is a usage error.
fn with_date(d: Option<String>, f: impl FnOnce(chrono::NaiveDate) -> u8) -> u8 {
    with_date_as(false, d, f)
}

/// [`with_date`], a bad date reported as JSON when `json`.
fn with_date_as(json: bool, d: Option<String>, f: impl FnOnce(chrono::NaiveDate) -> u8) -> u8 {
    let date = match d {
        Some(s) => cmd::parse_date_arg(&s),
        None => Ok(cmd::today()),
    };
    match date {
        Ok(date) => f(date),
        Err(e) => cmd::usage_error(json, &e.to_string()),
    }
}

/// Whether the command line asks for JSON output (`--format json`), read
/// from the words themselves: also when they do not parse.
fn wants_json(args: &[std::ffi::OsString]) -> bool {
    let words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().to_string())
        .collect();
    words.iter().any(|w| w == "--format=json")
        || words
            .windows(2)
            .any(|w| w[0] == "--format" && w[1] == "json")
}

/// The site directory argument, by default the current directory.
fn site_dir(site: Option<PathBuf>) -> PathBuf {
    site.unwrap_or_else(|| PathBuf::from("."))
}

/// No transparent huge pages for this process. mimalloc asks for them on
/// its arenas, and hands freed memory back to the system after 10 ms; a
/// page touched again then faults in a whole 2 MiB page, zeroed, where a
/// few KiB were needed. Perf put those faults at 1.4–10% of a build's
/// time, varying from run to run, and the huge pages add to the peak:
/// over thirteen builds of 20,000 records each way, the median peak fell
/// from 243 to 236 MiB without them, the highest from 260 to 247 MiB.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE takes plain integers and only
    // sets a flag of this process; its result is not needed.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    no_huge_pages();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    match parse(&args) {
        Ok(cli) => {
            if !matches!(cli.command, Command::Serve { .. }) {
                quiet_on_closed_pipe();
            }
            ExitCode::from(run(cli.command))
        }
        Err(code) => code,
    }
}

/// A command whose output is piped into one that stops reading (`gongshi
/// schema cases | head -1`) ends quietly, as other command-line tools do,
/// instead of panicking on the failed write. Not for `serve`, which must
/// outlive a browser that closes its connection.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restores the default action of one signal before any thread
    // is started; nothing else in the program handles SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// The command line; with `--format json`, a mistake in it is reported as
/// JSON too.
fn parse(args: &[std::ffi::OsString]) -> Result<Cli, ExitCode> {
    match Cli::try_parse_from(args) {
        Ok(cli) => Ok(cli),
        Err(e) if wants_json(args) && e.use_stderr() => {
            use clap::error::ErrorKind;
            let what = match e.kind() {
                ErrorKind::UnknownArgument => "未知的参数",
                ErrorKind::InvalidValue | ErrorKind::ValueValidation => "参数值无效",
                ErrorKind::MissingRequiredArgument => "缺少必需的参数",
                ErrorKind::InvalidSubcommand => "未知的命令",
                ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => "参数个数不对",
                ErrorKind::ArgumentConflict => "参数互相冲突",
                _ => "命令行有误",
            };
            let message = e.render().to_string();
            let detail = message
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ");
            Err(ExitCode::from(cmd::usage_error(
                true,
                &format!("{what}（{detail}）"),
            )))
        }
        Err(e) => e.exit(),
    }
}

fn run(command: Command) -> u8 {
    match command {
        Command::Build {
            site,
            out,
            date,
            drafts,
            verbose,
        } => with_date(date, |date| {
            cmd::build::run(cmd::build::BuildOptions {
                site: site_dir(site),
                out,
                date,
                drafts,
                verbose,
                engine: true,
                static_search: true,
                search_apart_above: gongshi::pipeline::SEARCH_APART_ABOVE,
            })
        }),
        Command::Check { site, date, format } => {
            with_date_as(matches!(format, Format::Json), date, |date| {
                cmd::check::run(cmd::check::CheckOptions {
                    site: site_dir(site),
                    date,
                    json: matches!(format, Format::Json),
                })
            })
        }
        Command::Serve {
            site,
            port,
            bind,
            public,
            drafts: _,
            date,
            verbose,
        } => with_date(date, |date| {
            cmd::serve::run(cmd::serve::ServeOptions {
                site: site_dir(site),
                bind,
                port,
                drafts: !public,
                date,
                verbose,
            })
        }),
        other => staff(other),
    }
}

/// The commands of a clerk's day: new records, imports, the agenda, search.
fn staff(command: Command) -> u8 {
    match command {
        Command::New { kind, id, site } => {
            cmd::author::new(&kind, &id, &site_dir(site), cmd::today())
        }
        Command::Init { dir } => cmd::author::init(&dir),
        Command::Schema { kind } => cmd::author::schema(&kind),
        Command::Deploy {
            site,
            out,
            to,
            dry_run,
        } => cmd::deploy::run(&site_dir(site), out, to, dry_run),
        Command::Import {
            file,
            kind,
            site,
            dry_run,
        } => cmd::import::run(&file, &kind, &site_dir(site), dry_run),
        Command::Agenda {
            site,
            date,
            days,
            format,
        } => with_date_as(matches!(format, Format::Json), date, |date| {
            cmd::agenda::run(cmd::agenda::AgendaOptions {
                site: site_dir(site),
                date,
                days,
                json: matches!(format, Format::Json),
            })
        }),
        Command::Search {
            query,
            site,
            date,
            format,
        } => with_date_as(matches!(format, Format::Json), date, |date| {
            cmd::search::run(cmd::search::SearchOptions {
                query,
                site: site_dir(site),
                date,
                json: matches!(format, Format::Json),
            })
        }),
        Command::Build { .. } | Command::Check { .. } | Command::Serve { .. } => run(command),
    }
}
