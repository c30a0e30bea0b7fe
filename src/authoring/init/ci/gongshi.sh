# 运行器上没有 gongshi 时从源码安装（GONGSHI_GIT：gongshi 源码仓库的地址），
# 装在 CARGO_HOME（默认 ~/.cargo）下；流水线缓存它，之后的运行直接使用。
PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if ! command -v gongshi >/dev/null 2>&1; then
  : "${GONGSHI_GIT:?运行器上没有 gongshi：请预先安装，或设置 GONGSHI_GIT 为其源码仓库地址}"
  if ! command -v cargo >/dev/null 2>&1; then
    echo "运行器上既没有 gongshi 也没有 cargo：请换用带 Rust 的镜像（如 rust:1），或预装 gongshi 的镜像" >&2
    exit 1
  fi
  cargo install --locked --git "$GONGSHI_GIT" gongshi
fi
