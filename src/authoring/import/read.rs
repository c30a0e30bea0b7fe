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
    let shown = path.display();
    // A regular file of a bounded size: a named pipe would hang the
    // import, a device would never end.
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("无法读取 {shown}：{}", crate::diag::io_reason(&e)))?;
    if !meta.is_file() {
        return Err(format!("{shown} 不是普通文件，不能导入"));
    }
    if meta.len() > MOST_FILE_BYTES {
        return Err(format!(
            "{shown} 有 {} 字节，超过可导入的 {MOST_FILE_BYTES} 字节：请分成几个文件导入",
            meta.len()
        ));
    }
    match ext.as_str() {
        "csv" | "txt" => {
            let bytes = std::fs::read(path)
                .map_err(|e| format!("无法读取 {shown}：{}", crate::diag::io_reason(&e)))?;
            let text = decode(&bytes).map_err(|e| format!("{shown}：{e}"))?;
            let rows = csv_rows(&text).map_err(|e| format!("{shown} {e}"))?;
            // A CSV's one sheet has no name: problems name the file.
            Ok(vec![Sheet {
                name: String::new(),
                rows,
            }])
        }
        "xlsx" | "xlsm" => xlsx(path),
        _ => Err(format!(
            "不支持的文件类型「.{ext}」：请另存为 CSV（UTF-8 或 GBK）或 Excel 工作簿（.xlsx）"
        )),
    }
}

/// The largest file an import reads (a province's year of records as CSV
/// is a few tens of megabytes).
const MOST_FILE_BYTES: u64 = 256 << 20;

/// Text of a CSV file: UTF-8 (a byte order mark dropped), else GB18030
/// (a superset of GBK and GB2312, as Excel saves "CSV" on Chinese Windows).
/// A file that is mostly UTF-8 with a broken byte is neither: read as
/// GB18030 it would be nonsense, so it is an error at its line.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let multibyte_utf8 =
                std::str::from_utf8(good).is_ok_and(|s| !s.is_ascii()) && good.len() >= 64;
            let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
            if multibyte_utf8 || bad {
                let line = good.iter().filter(|b| **b == b'\n').count() + 1;
                return Err(format!(
                    "第 {line} 行有无法识别的字节：文件既不是完整的 UTF-8，也不是 GBK（应为另存为「CSV UTF-8」的文件）"
                ));
            }
            Ok(text.into_owned())
        }
    }
}

/// RFC 4180 rows: fields separated by commas, quoted with `"` (doubled
/// inside), line breaks inside quotes kept.
/// A quote left open is an error at the line it opens on: it would take
/// every row after it into one cell.
pub fn csv_rows(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut opened = (0, 0);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
        }
        if field.len() > MOST_CELL_BYTES {
            return Err(format!(
                "第 {} 行 {} 列的内容超过每格 {MOST_CELL_BYTES} 字节的上限",
                rows.len() + 1,
                super::forms::letters(row.len())
            ));
        }
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => {
                quoted = true;
                opened = (line, row.len());
            }
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return Err(format!(
            "第 {} 行 {} 列的引号没有配对：其后的各行都会读进这一格（应为成对的半角引号 \"…\"）",
            opened.0,
            super::forms::letters(opened.1)
        ));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
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
    let mut errors = Vec::new();
    for name in names {
        let Some(mut rows) = sheet_rows(&mut book, &name, &mut errors)? else {
            continue;
        };
        let merges = book
            .worksheet_merge_cells(&name)
            .and_then(Result::ok)
            .unwrap_or_default();
        fill_merged(&mut rows, &merges);
        out.push(Sheet { name, rows });
    }
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    Ok(out)
}

/// The cells of sheet `name` as text, read cell by cell (the sheet's
/// stated range may be any size); a formula's error value is pushed to
/// `errors`. `None` if the sheet cannot be read as cells.
fn sheet_rows(
    book: &mut Xlsx<std::io::BufReader<std::fs::File>>,
    name: &str,
    errors: &mut Vec<String>,
) -> Result<Option<Vec<Vec<String>>>, String> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let Ok(mut cells) = book.worksheet_cells_reader(name) else {
        return Ok(None);
    };
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| format!("无法读取工作表「{name}」：{e}"))?
    {
        let (r, c) = cell.get_position();
        let place = format!(
            "工作表「{name}」第 {} 行 {} 列",
            r + 1,
            super::forms::letters(c as usize)
        );
        let value = calamine::Data::from(cell.get_value().clone());
        if let Data::Error(e) = &value {
            // A formula's error (#N/A, #DIV/0!) is no value to publish.
            errors.push(format!(
                "{place}是公式的错误值 {e}：请改正公式或填入数值后再导入"
            ));
            continue;
        }
        let text = cell_text(&value);
        if text.is_empty() {
            continue;
        }
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
    no_value_formulas(book, name, &rows, errors)?;
    Ok(Some(rows))
}

/// A formula the workbook holds no value for (a tool that writes formulas
/// without computing them): its cell reads empty, so it is named rather
/// than left out.
fn no_value_formulas(
    book: &mut Xlsx<std::io::BufReader<std::fs::File>>,
    name: &str,
    rows: &[Vec<String>],
    errors: &mut Vec<String>,
) -> Result<(), String> {
    let Ok(mut cells) = book.worksheet_cells_reader(name) else {
        return Ok(());
    };
    while let Some(cell) = cells
        .next_formula()
        .map_err(|e| format!("无法读取工作表「{name}」：{e}"))?
    {
        let (r, c) = cell.get_position();
        let empty = rows
            .get(r as usize)
            .and_then(|row| row.get(c as usize))
            .is_none_or(String::is_empty);
        if !cell.get_value().is_empty() && empty {
            errors.push(format!(
                "工作表「{name}」第 {} 行 {} 列是没有计算结果的公式「={}」：请在 Excel 中打开、保存后再导入，或填入数值",
                r + 1,
                super::forms::letters(c as usize),
                cell.get_value()
            ));
        }
    }
    Ok(())
}

/// Merged cells filled from their first cell, only over the rows and
/// columns that hold cells.
fn fill_merged(rows: &mut [Vec<String>], merges: &[calamine::Dimensions]) {
    for dims in merges {
        let (top, left) = dims.start;
        let (bottom, right) = dims.end;
        let first = rows
            .get(top as usize)
            .and_then(|r| r.get(left as usize))
            .cloned()
            .unwrap_or_default();
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
        // Excel's serial dates, from 1900 or from 1904 as the workbook
        // says.
        Data::DateTime(dt) => dt
            .as_datetime()
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
        let rows = csv_rows("a,\"b,c\",\"d \"\"e\"\"\"\r\n\"多\n行\",,x\n").unwrap();
        assert_eq!(rows[0], ["a", "b,c", "d \"e\""]);
        assert_eq!(rows[1], ["多\n行", "", "x"]);
        let utf8 = "名称,日期\n".as_bytes();
        assert_eq!(
            decode(&[b"\xef\xbb\xbf", utf8].concat()).unwrap(),
            "名称,日期\n"
        );
        let (gbk, _, _) = encoding_rs::GB18030.encode("名称,日期\n");
        assert_eq!(decode(&gbk).unwrap(), "名称,日期\n");
        // Mostly UTF-8 with one broken byte: an error at its line.
        let mut broken = "名称,日期\n".repeat(10).into_bytes();
        broken.extend_from_slice(b"\xff\n");
        assert!(decode(&broken).unwrap_err().starts_with("第 11 行"));
    }

    #[test]
    fn a_quote_left_open_is_an_error_at_its_line() {
        let e = csv_rows("a,b\nc,\"d\ne,f\ng,h\n").unwrap_err();
        assert!(e.starts_with("第 2 行 B 列"), "{e}");
    }
}
