# 运行器上没有 gongshi 时从源码安装（GONGSHI_GIT：gongshi 源码仓库的地址）。
if ! command -v gongshi >/dev/null 2>&1; then
  : "${GONGSHI_GIT:?运行器上没有 gongshi：请预先安装，或设置 GONGSHI_GIT 为其源码仓库地址}"
  cargo install --locked --git "$GONGSHI_GIT" gongshi
  PATH="$HOME/.cargo/bin:$PATH"
fi
