//! A small SpreadsheetML (XLSX) writer for the report forms and the open
//! data: text and number cells, a fixed set of cell styles, merged ranges,
//! column widths and a frozen header row. That is all the site's workbooks
//! need, and it writes a workbook without the thread per worksheet that a
//! general-purpose writer starts on every save — with some 1,600 small
//! report workbooks per build, that was the largest single cost of a build.
//!
//! Output is deterministic: fixed zip timestamps, the creation time taken
//! from the build date, cells written in row and column order.

use crate::decimal::push_u32;
use chrono::NaiveDate;
use std::fmt::Write as _;
use std::io::Write as _;

/// The cell styles of the workbooks (indexes into `cellXfs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain = 0,
    /// A form's title: bold, 14 pt, centred.
    Title = 1,
    /// A form's column heading: bold, centred, bordered, grey.
    Head = 2,
    /// A form's text cell: bordered, wrapped.
    Cell = 3,
    /// A form's number cell: bordered, right-aligned.
    Num = 4,
    /// A table's header row: bold.
    Bold = 5,
}

#[derive(Debug, Clone)]
enum Value {
    Text(String),
    Number(f64),
    Blank,
}

#[derive(Debug, Clone)]
pub struct Sheet {
    name: String,
    cells: Vec<(u32, u16, Value, Style)>,
    merges: Vec<(u32, u16, u32, u16)>,
    widths: Vec<(u16, u16, f64)>,
    freeze_header: bool,
}

impl Sheet {
    /// A text cell; an empty text is a blank cell in that style.
    pub fn text(&mut self, row: u32, col: u16, text: &str, style: Style) {
        let v = if text.is_empty() {
            Value::Blank
        } else {
            Value::Text(text.to_string())
        };
        self.cells.push((row, col, v, style));
    }

    pub fn number(&mut self, row: u32, col: u16, n: f64, style: Style) {
        let v = if n.is_finite() {
            Value::Number(n)
        } else {
            Value::Text(n.to_string())
        };
        self.cells.push((row, col, v, style));
    }

    /// Merge a range, with `text` in its first cell; the other cells are
    /// written blank in the same style, so borders show all around.
    pub fn merge(&mut self, (r1, c1): (u32, u16), (r2, c2): (u32, u16), text: &str, style: Style) {
        for r in r1..=r2 {
            for c in c1..=c2 {
                if (r, c) != (r1, c1) {
                    self.cells.push((r, c, Value::Blank, style));
                }
            }
        }
        self.text(r1, c1, text, style);
        if (r1, c1) != (r2, c2) {
            self.merges.push((r1, c1, r2, c2));
        }
    }

    /// Width of columns `first..=last`, in characters.
    pub fn width(&mut self, first: u16, last: u16, chars: f64) {
        self.widths.push((first, last, chars));
    }

    /// Keep the first row in view when scrolling.
    pub fn freeze_header(&mut self) {
        self.freeze_header = true;
    }

    fn xml(&mut self, selected: bool) -> String {
        self.settle();
        let mut x = String::with_capacity(256 + self.cells.len() * 48);
        x.push_str(concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\n",
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" "#,
            r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
        ));
        self.views_and_columns(&mut x, selected);
        self.data(&mut x);
        if !self.merges.is_empty() {
            let _ = write!(x, r#"<mergeCells count="{}">"#, self.merges.len());
            for (r1, c1, r2, c2) in &self.merges {
                x.push_str(r#"<mergeCell ref=""#);
                cell_ref_into(&mut x, *r1, *c1);
                x.push(':');
                cell_ref_into(&mut x, *r2, *c2);
                x.push_str(r#""/>"#);
            }
            x.push_str("</mergeCells>");
        }
        x.push_str(r#"<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>"#);
        x.push_str("</worksheet>\n");
        x
    }

    /// Row and column order (stable: writes to one cell stay in order);
    /// of two writes to one cell the later wins, unless it is a blank over
    /// a value (a merge over a written cell).
    fn settle(&mut self) {
        self.cells.sort_by_key(|c| (c.0, c.1));
        self.cells.dedup_by(|later, earlier| {
            if (later.0, later.1) != (earlier.0, earlier.1) {
                return false;
            }
            let blank_over_value =
                matches!(later.2, Value::Blank) && !matches!(earlier.2, Value::Blank);
            if !blank_over_value {
                std::mem::swap(later, earlier);
            }
            true
        });
    }

    fn views_and_columns(&mut self, x: &mut String, selected: bool) {
        x.push_str("<sheetViews><sheetView ");
        if selected {
            x.push_str(r#"tabSelected="1" "#);
        }
        x.push_str(r#"workbookViewId="0">"#);
        if self.freeze_header {
            x.push_str(
                r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#,
            );
            x.push_str(r#"<selection pane="bottomLeft"/>"#);
        }
        x.push_str("</sheetView></sheetViews>");
        x.push_str(r#"<sheetFormatPr defaultRowHeight="15"/>"#);
        if !self.widths.is_empty() {
            x.push_str("<cols>");
            self.widths.sort_by_key(|w| w.0);
            for &(a, b, w) in &self.widths {
                let _ = write!(
                    x,
                    r#"<col min="{}" max="{}" width="{}" customWidth="1"/>"#,
                    a + 1,
                    b + 1,
                    w + 0.7109375
                );
            }
            x.push_str("</cols>");
        }
    }

    /// `<sheetData>`: the settled cells, row by row.
    fn data(&self, x: &mut String) {
        x.push_str("<sheetData>");
        // Rows of column headings are two lines high: their labels wrap,
        // and not every program sizes such rows by itself.
        let heads: std::collections::BTreeSet<u32> = self
            .cells
            .iter()
            .filter(|c| c.3 == Style::Head)
            .map(|c| c.0)
            .collect();
        let mut row = None;
        for (r, c, v, s) in &self.cells {
            if row != Some(*r) {
                if row.is_some() {
                    x.push_str("</row>");
                }
                // Pieces pushed, not formatted: a report's workbook has
                // thousands of cells, and `write!` costs more than they do.
                x.push_str(r#"<row r=""#);
                push_u32(x, r + 1);
                if heads.contains(r) {
                    x.push_str(r#"" ht="30" customHeight="1">"#);
                } else {
                    x.push_str(r#"">"#);
                }
                row = Some(*r);
            }
            x.push_str(r#"<c r=""#);
            cell_ref_into(x, *r, *c);
            x.push_str(r#"" s=""#);
            push_u32(x, u32::from(*s as u8));
            match v {
                Value::Blank => x.push_str(r#""/>"#),
                Value::Number(n) => {
                    x.push_str(r#""><v>"#);
                    push_number(x, *n);
                    x.push_str("</v></c>");
                }
                Value::Text(t) => {
                    x.push_str(r#"" t="inlineStr"><is><t"#);
                    if t.starts_with(char::is_whitespace) || t.ends_with(char::is_whitespace) {
                        x.push_str(r#" xml:space="preserve""#);
                    }
                    x.push('>');
                    escape_into(x, t);
                    x.push_str("</t></is></c>");
                }
            }
        }
        if row.is_some() {
            x.push_str("</row>");
        }
        x.push_str("</sheetData>");
    }
}

/// A workbook; `date` is its creation time (the build date).
pub struct Book {
    sheets: Vec<Sheet>,
    date: NaiveDate,
}

impl Book {
    pub fn new(date: NaiveDate) -> Book {
        Book {
            sheets: Vec::new(),
            date,
        }
    }

    /// A new sheet. Its name is made acceptable to spreadsheet programs: at
    /// most 31 characters, none of `[]:*?/\`, unique in the workbook.
    pub fn sheet(&mut self, name: &str) -> &mut Sheet {
        let mut clean: String = name
            .chars()
            .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
            .take(31)
            .collect();
        clean = clean.trim_matches('\'').to_string();
        if clean.is_empty() {
            clean = format!("Sheet{}", self.sheets.len() + 1);
        }
        while self.sheets.iter().any(|s| s.name == clean) {
            let n: String = clean.chars().take(28).collect();
            clean = format!("{n}_{}", self.sheets.len() + 1);
        }
        self.sheets.push(Sheet {
            name: clean,
            cells: Vec::new(),
            merges: Vec::new(),
            widths: Vec::new(),
            freeze_header: false,
        });
        let last = self.sheets.len() - 1;
        &mut self.sheets[last]
    }

    /// The workbook as the bytes of an `.xlsx` file (a workbook needs a
    /// sheet: an empty one is added if there is none).
    pub fn into_bytes(mut self) -> Result<Vec<u8>, String> {
        if self.sheets.is_empty() {
            self.sheet("Sheet1");
        }
        self.zip().map_err(|e| e.to_string())
    }

    /// `xl/workbook.xml` and its relationships: the sheets, then styles.
    fn workbook(&self) -> (String, String) {
        let mut book = String::from(concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\n",
            r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" "#,
            r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
            r#"<bookViews><workbookView/></bookViews><sheets>"#
        ));
        let mut rels = String::from(concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\n",
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        ));
        for (i, s) in self.sheets.iter().enumerate() {
            let id = i + 1;
            book.push_str(r#"<sheet name=""#);
            escape_into(&mut book, &s.name);
            let _ = write!(book, r#"" sheetId="{id}" r:id="rId{id}"/>"#);
            let _ = write!(
                rels,
                r#"<Relationship Id="rId{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{id}.xml"/>"#
            );
        }
        book.push_str("</sheets></workbook>\n");
        let _ = write!(
            rels,
            r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#,
            self.sheets.len() + 1
        );
        rels.push('\n');
        (book, rels)
    }

    fn zip(&mut self) -> zip::result::ZipResult<Vec<u8>> {
        use zip::write::SimpleFileOptions;
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1))
            .unix_permissions(0o600)
            .last_modified_time(zip::DateTime::default());
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        // Every part but the worksheets is the same in most workbooks of a
        // build: it is compressed once and its compressed bytes copied in.
        let mut put = |name: &str, text: &str| -> zip::result::ZipResult<()> {
            if !name.starts_with("xl/worksheets/")
                && let Some(packed) = packed(name, text, options)
            {
                let mut one = zip::ZipArchive::new(std::io::Cursor::new(&packed[..]))?;
                return z.raw_copy_file(one.by_index_raw(0)?);
            }
            z.start_file(name, options)?;
            z.write_all(text.as_bytes())?;
            Ok(())
        };
        put(
            "[Content_Types].xml",
            &content_types(self.sheets.len().max(1)),
        )?;
        put("_rels/.rels", ROOT_RELS)?;
        put("docProps/app.xml", APP)?;
        put("docProps/core.xml", &core(self.date))?;
        let (book, rels) = self.workbook();
        put("xl/workbook.xml", &book)?;
        put("xl/_rels/workbook.xml.rels", &rels)?;
        put("xl/styles.xml", STYLES)?;
        for (i, s) in self.sheets.iter_mut().enumerate() {
            put(&format!("xl/worksheets/sheet{}.xml", i + 1), &s.xml(i == 0))?;
        }
        Ok(z.finish()?.into_inner())
    }
}

/// `[Content_Types].xml` of a workbook of `n` sheets.
fn content_types(n: usize) -> String {
    let mut types = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
        r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
        r#"<Default Extension="xml" ContentType="application/xml"/>"#,
        r#"<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#,
        r#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#,
        r#"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#,
        r#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
    ));
    for i in 1..=n {
        let _ = write!(
            types,
            r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        );
    }
    types.push_str("</Types>\n");
    types
}

/// `docProps/core.xml`: made by gongshi on `date`.
fn core(date: NaiveDate) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\n",
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
            r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<dc:creator>gongshi</dc:creator>",
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">{d}T00:00:00Z</dcterms:created>"#,
            r#"<dcterms:modified xsi:type="dcterms:W3CDTF">{d}T00:00:00Z</dcterms:modified>"#,
            "</cp:coreProperties>\n"
        ),
        d = date.format("%Y-%m-%d")
    )
}

/// An archive of the one part `name` with content `text`, made once per
/// process for each such part (while there are few enough of them).
fn packed(
    name: &str,
    text: &str,
    options: zip::write::SimpleFileOptions,
) -> Option<std::sync::Arc<Vec<u8>>> {
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};
    /// Part name → content → its archive; looked up without a copy of
    /// either.
    type Parts = BTreeMap<String, BTreeMap<String, Arc<Vec<u8>>>>;
    /// More distinct parts than this are compressed where they are used.
    const MOST: usize = 256;
    static PARTS: Mutex<(Parts, usize)> = Mutex::new((Parts::new(), 0));
    {
        let parts = PARTS.lock().ok()?;
        if let Some(p) = parts.0.get(name).and_then(|m| m.get(text)) {
            return Some(p.clone());
        }
        if parts.1 >= MOST {
            return None;
        }
    }
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file(name, options).ok()?;
    z.write_all(text.as_bytes()).ok()?;
    let bytes = Arc::new(z.finish().ok()?.into_inner());
    let mut parts = PARTS.lock().ok()?;
    let (parts, count) = &mut *parts;
    if *count < MOST {
        let of_name = parts.entry(name.to_string()).or_default();
        if of_name.insert(text.to_string(), bytes.clone()).is_none() {
            *count += 1;
        }
    }
    Some(bytes)
}

/// `A1`-style reference of a zero-based row and column.
#[cfg(test)]
fn cell_ref(row: u32, col: u16) -> String {
    let mut s = String::new();
    cell_ref_into(&mut s, row, col);
    s
}

/// [`cell_ref`] appended to `out`.
fn cell_ref_into(out: &mut String, row: u32, col: u16) {
    // Column 65,536 is "CRXP": four letters are enough for any u16.
    let mut letters = [0u8; 4];
    let mut n = 0;
    let mut c = u32::from(col) + 1;
    while c > 0 {
        letters[n] = b'A' + ((c - 1) % 26) as u8;
        n += 1;
        c = (c - 1) / 26;
    }
    for &l in letters[..n].iter().rev() {
        out.push(char::from(l));
    }
    push_u32(out, row + 1);
}

/// A cell's number as `Display` writes it; whole numbers (the counts of
/// a report) without the formatter.
fn push_number(out: &mut String, n: f64) {
    if n.is_sign_positive() && n.fract() == 0.0 && n <= f64::from(u32::MAX) {
        push_u32(out, n as u32);
    } else {
        let _ = write!(out, "{n}");
    }
}

/// XML text, escaped; characters XML 1.0 cannot carry are left out.
fn escape_into(out: &mut String, s: &str) {
    // Runs of plain text are copied whole; only the bytes that may need
    // care (markup, control characters, the lead byte of U+FFFE/U+FFFF)
    // are looked at one character at a time.
    let special = |b: u8| matches!(b, b'&' | b'<' | b'>' | b'"' | 0xEF) || b < 0x20;
    let mut rest = s;
    while let Some(i) = rest.bytes().position(special) {
        out.push_str(&rest[..i]);
        let ch = rest[i..].chars().next().unwrap_or_default();
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
        rest = &rest[i + ch.len_utf8()..];
    }
    out.push_str(rest);
}

const ROOT_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>"#,
    "</Relationships>\n"
);

const APP: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">"#,
    "<Application>gongshi</Application></Properties>\n"
);

/// Fonts: 0 regular, 1 bold, 2 bold 14 pt. Fills: 0 and 1 the two that
/// every workbook has, 2 light grey. Borders: 0 none, 1 thin all round.
/// Cell formats in the order of [`Style`].
const STYLES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    r#"<fonts count="3">"#,
    r#"<font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>"#,
    r#"<font><b/><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>"#,
    r#"<font><b/><sz val="14"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>"#,
    "</fonts>",
    r#"<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>"#,
    r#"<fill><patternFill patternType="solid"><fgColor rgb="FFEEEEEE"/><bgColor indexed="64"/></patternFill></fill></fills>"#,
    r#"<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>"#,
    r#"<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>"#,
    r#"<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>"#,
    r#"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#,
    r#"<cellXfs count="6">"#,
    r#"<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#,
    r#"<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="center"/></xf>"#,
    r#"<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>"#,
    r#"<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>"#,
    r#"<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment horizontal="right" vertical="center" wrapText="1"/></xf>"#,
    r#"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#,
    "</cellXfs>",
    r#"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#,
    r#"<dxfs count="0"/><tableStyles count="0"/>"#,
    "</styleSheet>\n"
);

#[cfg(test)]
mod tests {
    use super::*;

    /// Parts copied from the archives made once read back as the text
    /// they were made from, and a workbook made again is the same bytes.
    #[test]
    fn copied_parts_read_back_as_their_text() {
        use std::io::Read;
        let make = || {
            let mut b = Book::new(NaiveDate::from_ymd_opt(2026, 1, 2).unwrap());
            b.sheet("日报").text(0, 0, "甲", Style::Plain);
            b.into_bytes().unwrap()
        };
        let first = make();
        assert_eq!(first, make());
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&first[..])).unwrap();
        for (name, text) in [
            ("xl/styles.xml", STYLES),
            ("_rels/.rels", ROOT_RELS),
            ("docProps/app.xml", APP),
        ] {
            let mut got = String::new();
            z.by_name(name).unwrap().read_to_string(&mut got).unwrap();
            assert_eq!(got, text, "{name}");
        }
        let mut core = String::new();
        z.by_name("docProps/core.xml")
            .unwrap()
            .read_to_string(&mut core)
            .unwrap();
        assert!(core.contains("2026-01-02T00:00:00Z"), "{core}");
    }

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(9, 25), "Z10");
        assert_eq!(cell_ref(0, 26), "AA1");
        assert_eq!(cell_ref(0, 701), "ZZ1");
        assert_eq!(cell_ref(0, 702), "AAA1");
    }

    /// Escaping as the plain definition states it, a character at a time.
    fn escape_plainly(s: &str) -> String {
        s.chars()
            .filter_map(|c| match c {
                '&' => Some("&amp;".to_string()),
                '<' => Some("&lt;".to_string()),
                '>' => Some("&gt;".to_string()),
                '"' => Some("&quot;".to_string()),
                '\t' | '\n' | '\r' => Some(c.to_string()),
                c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => None,
                c => Some(c.to_string()),
            })
            .collect()
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        #[test]
        fn escaping_agrees_with_the_plain_definition(
            s in "[a-z<>&\"\x00-\x1f安\u{FFFD}-\u{FFFF}\u{EFFF}\u{F000}]{0,40}"
        ) {
            let mut got = String::new();
            escape_into(&mut got, &s);
            proptest::prop_assert_eq!(got, escape_plainly(&s));
        }

        #[test]
        fn numbers_are_written_as_display_writes_them(
            n in proptest::prop_oneof![
                proptest::num::f64::ANY,
                (0u32..=u32::MAX).prop_map(f64::from),
                (0u32..100_000).prop_map(|v| f64::from(v) / 4.0),
            ]
        ) {
            let mut got = String::new();
            push_number(&mut got, n);
            proptest::prop_assert_eq!(got, n.to_string());
        }

        #[test]
        fn references_agree_with_bijective_base_26(row in 0u32..u32::MAX, col in 0u16..=u16::MAX) {
            let (mut c, mut letters) = (u32::from(col) + 1, String::new());
            while c > 0 {
                letters.insert(0, char::from(b'A' + ((c - 1) % 26) as u8));
                c = (c - 1) / 26;
            }
            proptest::prop_assert_eq!(cell_ref(row, col), format!("{letters}{}", row + 1));
        }
    }

    #[test]
    fn sheet_names_are_made_acceptable() {
        let mut b = Book::new(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        assert_eq!(b.sheet("a/b[c]").name, "a_b_c_");
        assert_eq!(b.sheet(&"长".repeat(40)).name.chars().count(), 31);
        assert_ne!(b.sheet("a/b[c]").name, "a_b_c_", "unique");
        assert_eq!(b.sheet("").name, "Sheet4");
    }

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        let mut s = String::new();
        escape_into(&mut s, "a<b>&\"c\u{1}\n");
        assert_eq!(s, "a&lt;b&gt;&amp;&quot;c\n");
    }

    #[test]
    fn merged_ranges_keep_their_text_and_style_every_cell() {
        let mut b = Book::new(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        let s = b.sheet("x");
        s.merge((0, 0), (1, 2), "标题", Style::Head);
        let xml = s.xml(true);
        assert!(xml.contains(r#"<mergeCell ref="A1:C2"/>"#), "{xml}");
        assert!(xml.contains(r#"<c r="A1" s="2" t="inlineStr"><is><t>标题</t></is></c>"#));
        assert!(xml.contains(r#"<c r="C2" s="2"/>"#));
        assert!(
            xml.contains(r#"<row r="1" ht="30" customHeight="1">"#),
            "{xml}"
        );
    }
}
