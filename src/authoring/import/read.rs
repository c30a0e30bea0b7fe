//! The cells of a spreadsheet as text: CSV (UTF-8 with or without a byte
//! order mark, or GB18030 as older Excel saves it) and XLSX (calamine),
//! with merged cells filled from their first cell, so that a heading
//! merged across columns names each of them.

use calamine::{Data, Reader, Xlsx};
use std::path::Path;

/// One sheet: its name (the file's for a CSV) and its rows of cells.
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<String>>,
}

/// The sheets of `path`, by its extension.
pub fn sheets(path: &Path) -> Result<Vec<Sheet>, String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "txt" => {
            let bytes = std::fs::read(path).map_err(|e| format!("无法读取文件：{e}"))?;
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            Ok(vec![Sheet {
                name,
                rows: csv_rows(&decode(&bytes)),
            }])
        }
        "xlsx" | "xlsm" => xlsx(path),
        _ => Err(format!(
            "不支持的文件类型「.{ext}」：请另存为 CSV（UTF-8 或 GBK）或 Excel 工作簿（.xlsx）"
        )),
    }
}

/// Text of a CSV file: UTF-8 (a byte order mark dropped), else GB18030
/// (a superset of GBK and GB2312, as Excel saves "CSV" on Chinese Windows).
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// RFC 4180 rows: fields separated by commas, quoted with `"` (doubled
/// inside), line breaks inside quotes kept.
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// The columns a sheet may use: the forms have a few dozen. A cell
/// further right (a stray mark at XFD1048576, say) is an error, not a
/// grid of billions of empty cells.
const MOST_COLUMNS: u32 = 256;
/// The rows a sheet may use: Excel's own limit.
const MOST_ROWS: u32 = 1_048_576;
/// The text of one cell at most.
const MOST_CELL_BYTES: usize = 1 << 20;

fn xlsx(path: &Path) -> Result<Vec<Sheet>, String> {
    let mut book: Xlsx<_> =
        calamine::open_workbook(path).map_err(|e| format!("无法打开 Excel 工作簿：{e}"))?;
    let names = book.sheet_names().to_vec();
    let mut out = Vec::new();
    for name in names {
        // Cell by cell: the sheet's stated range may be any size.
        let mut rows: Vec<Vec<String>> = Vec::new();
        let Ok(mut cells) = book.worksheet_cells_reader(&name) else {
            continue;
        };
        while let Some(cell) = cells
            .next_cell()
            .map_err(|e| format!("无法读取工作表「{name}」：{e}"))?
        {
            let (r, c) = cell.get_position();
            let text = cell_text(&calamine::Data::from(cell.get_value().clone()));
            if text.is_empty() {
                continue;
            }
            let place = format!(
                "工作表「{name}」第 {} 行 {} 列",
                r + 1,
                super::forms::letters(c as usize)
            );
            if c >= MOST_COLUMNS || r >= MOST_ROWS {
                return Err(format!(
                    "{place}有内容，超出可导入的范围（至多 {MOST_COLUMNS} 列）：请删去表格以外的内容"
                ));
            }
            if text.len() > MOST_CELL_BYTES {
                return Err(format!(
                    "{place}的内容有 {} 字节，超过每格 {MOST_CELL_BYTES} 字节的上限",
                    text.len()
                ));
            }
            let (r, c) = (r as usize, c as usize);
            if rows.len() <= r {
                rows.resize(r + 1, Vec::new());
            }
            let row = &mut rows[r];
            if row.len() <= c {
                row.resize(c + 1, String::new());
            }
            row[c] = text;
        }
        drop(cells);
        let merges = book
            .worksheet_merge_cells(&name)
            .and_then(Result::ok)
            .unwrap_or_default();
        for dims in merges {
            let (top, left) = dims.start;
            let (bottom, right) = dims.end;
            let first = rows
                .get(top as usize)
                .and_then(|r| r.get(left as usize))
                .cloned()
                .unwrap_or_default();
            // Only over the rows and columns that hold cells.
            let bottom = bottom.min(rows.len().saturating_sub(1) as u32);
            let right = right.min(MOST_COLUMNS - 1);
            for r in top..=bottom {
                for c in left..=right {
                    if let Some(row) = rows.get_mut(r as usize) {
                        if row.len() <= c as usize {
                            row.resize(c as usize + 1, String::new());
                        }
                        row[c as usize] = first.clone();
                    }
                }
            }
        }
        out.push(Sheet { name, rows });
    }
    Ok(out)
}

/// A cell as text; a date cell as YYYY-MM-DD, a whole number without ".0".
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        // Days since 1899-12-30 (Excel's serial dates).
        Data::DateTime(dt) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
            .and_then(|d| d.checked_add_days(chrono::Days::new(dt.as_f64().max(0.0) as u64)))
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_every_form_excel_writes() {
        let rows = csv_rows("a,\"b,c\",\"d \"\"e\"\"\"\r\n\"多\n行\",,x\n");
        assert_eq!(rows[0], ["a", "b,c", "d \"e\""]);
        assert_eq!(rows[1], ["多\n行", "", "x"]);
        let utf8 = "名称,日期\n".as_bytes();
        assert_eq!(decode(&[b"\xef\xbb\xbf", utf8].concat()), "名称,日期\n");
        let (gbk, _, _) = encoding_rs::GB18030.encode("名称,日期\n");
        assert_eq!(decode(&gbk), "名称,日期\n");
    }
}
