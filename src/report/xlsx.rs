//! Excel (.xlsx) files: writing sheets of text and numbers, with every text cell
//! neutralised against formula injection, and reading a sheet back row by row.
//!
//! Writing streams rows to a temporary file (rust_xlsxwriter's constant-memory
//! mode), reading streams cells (calamine's cell reader), so that a file of a
//! hundred thousand rows is handled without holding it as a grid in memory.

use std::io::{Read, Seek};
use std::path::Path;

use calamine::{DataRef, Reader, Xlsx};
use rust_xlsxwriter::{Color, Format, Workbook, Worksheet, XlsxError};

/// The media type of an .xlsx file.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The most rows a worksheet holds (Excel's limit, less the header row).
pub const MAX_ROWS: usize = 1_048_575;

/// One cell to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Empty,
}

impl From<String> for Cell {
    fn from(v: String) -> Self {
        Cell::Text(v)
    }
}

impl From<&str> for Cell {
    fn from(v: &str) -> Self {
        Cell::Text(v.to_string())
    }
}

impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Int(v)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(Cell::Empty)
    }
}

/// The characters that make a spreadsheet read a cell as a formula (OWASP's
/// list for CSV injection, which Excel applies to pasted and imported text too).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a text needs the neutralising apostrophe: it starts like a formula,
/// or it is an apostrophe before such a start (so that stripping on import
/// gives back exactly what was exported).
fn needs_neutraliser(text: &str) -> bool {
    match text.chars().next() {
        Some(c) if FORMULA_STARTS.contains(&c) => true,
        Some('\'') => needs_neutraliser(&text[1..]),
        _ => false,
    }
}

/// The text as it is written to a cell: prefixed with `'` when a spreadsheet
/// could take it for a formula. The cell is written as text in any case.
pub fn neutralise(text: &str) -> String {
    if needs_neutraliser(text) { format!("'{text}") } else { text.to_string() }
}

/// The text a neutralised cell stood for (the inverse of `neutralise`).
pub fn unneutralise(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if needs_neutraliser(rest) => rest,
        _ => text,
    }
}

/// A workbook being written, one sheet after another, each row by row.
pub struct XlsxWriter {
    workbook: Workbook,
    sheets: Vec<SheetState>,
    header: Format,
}

struct SheetState {
    next_row: u32,
    columns: u16,
}

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the Excel file: {0}")]
pub struct WriteError(#[from] XlsxError);

impl XlsxWriter {
    pub fn new() -> XlsxWriter {
        XlsxWriter { workbook: Workbook::new(), sheets: Vec::new(), header: Format::new().set_bold().set_background_color(Color::RGB(0x00DD_EBF7)) }
    }

    /// Adds a sheet with a bold, frozen header row of `columns` (header, width
    /// in characters) and answers its index.
    ///
    /// # Errors
    /// A name Excel refuses, or no temporary file for the sheet's rows.
    pub fn add_sheet(&mut self, name: &str, columns: &[(&str, f64)]) -> Result<usize, WriteError> {
        self.add_sheet_as(name, columns, false)
    }

    /// Adds a sheet whose columns are formatted as text, so that what a user
    /// types stays as typed: a phone's leading zero, an all-digit credit code
    /// (an import template).
    ///
    /// # Errors
    /// As `add_sheet`.
    pub fn add_text_sheet(&mut self, name: &str, columns: &[(&str, f64)]) -> Result<usize, WriteError> {
        self.add_sheet_as(name, columns, true)
    }

    fn add_sheet_as(&mut self, name: &str, columns: &[(&str, f64)], text: bool) -> Result<usize, WriteError> {
        let header = self.header.clone();
        let text_format = Format::new().set_num_format("@");
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        for (i, (title, width)) in columns.iter().enumerate() {
            let col = col_num(i);
            sheet.set_column_width(col, *width)?;
            if text {
                sheet.set_column_format(col, &text_format)?;
            }
            sheet.write_string_with_format(0, col, *title, &header)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        self.sheets.push(SheetState { next_row: 1, columns: col_num(columns.len()) });
        Ok(self.sheets.len() - 1)
    }

    /// Appends a row to a sheet. Text is always written as text, neutralised.
    ///
    /// # Errors
    /// No such sheet, or the sheet is full.
    pub fn push_row(&mut self, sheet: usize, cells: &[Cell]) -> Result<(), WriteError> {
        let state = self.sheets.get_mut(sheet).ok_or(XlsxError::UnknownWorksheetNameOrIndex(sheet.to_string()))?;
        let row = state.next_row;
        state.next_row += 1;
        let ws: &mut Worksheet = self.workbook.worksheet_from_index(sheet)?;
        for (i, cell) in cells.iter().enumerate() {
            let col = col_num(i);
            match cell {
                Cell::Text(t) if !t.is_empty() => {
                    ws.write_string(row, col, neutralise(t))?;
                }
                Cell::Int(n) => {
                    // whole numbers up to 2^53 are exact as Excel's doubles
                    #[allow(clippy::cast_precision_loss)]
                    ws.write_number(row, col, *n as f64)?;
                }
                Cell::Text(_) | Cell::Empty => {}
            }
        }
        Ok(())
    }

    /// How many data rows a sheet has so far.
    pub fn rows(&self, sheet: usize) -> usize {
        self.sheets.get(sheet).map(|s| s.next_row as usize - 1).unwrap_or(0)
    }

    fn finish_sheets(&mut self) -> Result<(), WriteError> {
        for (i, state) in self.sheets.iter().enumerate() {
            if state.columns > 0 {
                let last_row = state.next_row.saturating_sub(1).max(1);
                self.workbook.worksheet_from_index(i)?.autofilter(0, 0, last_row, state.columns - 1)?;
            }
        }
        Ok(())
    }

    /// The finished file.
    ///
    /// # Errors
    /// The file could not be assembled.
    pub fn into_bytes(mut self) -> Result<Vec<u8>, WriteError> {
        self.finish_sheets()?;
        Ok(self.workbook.save_to_buffer()?)
    }

    /// Writes the finished file to `path`.
    ///
    /// # Errors
    /// The file could not be assembled or written.
    pub fn save(mut self, path: &Path) -> Result<(), WriteError> {
        self.finish_sheets()?;
        Ok(self.workbook.save(path)?)
    }
}

impl Default for XlsxWriter {
    fn default() -> Self {
        Self::new()
    }
}

fn col_num(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

/// Why a file could not be read; the message is what the user reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("文件不是有效的 Excel（.xlsx）文件，请使用下载的模板填写后上传")]
    NotXlsx,
    #[error("Excel 文件中没有工作表")]
    NoSheet,
    #[error("Excel 文件无法读取：{0}")]
    Damaged(String),
}

/// A non-empty row of a sheet, with its number as Excel shows it.
#[derive(Debug, Clone, Copy)]
pub enum Line<'a> {
    /// the first non-empty row
    Header(usize, &'a [String]),
    Row(usize, &'a [String]),
}

/// What the reader does after a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Stop,
}

/// The columns an .xlsx worksheet can have (Excel 2007 and later: A to XFD).
const MAX_COLUMNS: u32 = 16_384;

/// Reads the first sheet of an .xlsx file: `on_line` gets the first non-empty
/// row as the header, then every later non-empty row, each with its row number
/// as Excel shows it (the header is usually row 1), and may stop the reading. Text cells come back un-neutralised and
/// trimmed; numbers as digits (`320`, not `320.0`); dates as `YYYY-MM-DD`.
/// Answers the row count the sheet declares (for a progress bar, before any row).
///
/// # Errors
/// Not an .xlsx file, no sheet, or a damaged sheet.
pub fn read_first_sheet<R: Read + Seek>(source: R, on_size: impl FnOnce(usize), mut on_line: impl FnMut(Line<'_>) -> Flow) -> Result<(), ReadError> {
    let mut book: Xlsx<R> = Xlsx::new(source).map_err(|e| match e {
        calamine::XlsxError::Zip(_) | calamine::XlsxError::Io(_) => ReadError::NotXlsx,
        other => ReadError::Damaged(other.to_string()),
    })?;
    let name = book.sheet_names().into_iter().next().ok_or(ReadError::NoSheet)?;
    let mut cells = book.worksheet_cells_reader(&name).map_err(|e| ReadError::Damaged(e.to_string()))?;
    let dims = cells.dimensions();
    on_size(usize::try_from(dims.end.0.saturating_sub(dims.start.0)).unwrap_or(0));
    let mut header_seen = false;
    let mut current: Option<u32> = None;
    let mut row: Vec<String> = Vec::new();
    let mut emit = |number: u32, row: &mut Vec<String>, header_seen: &mut bool| -> Flow {
        while row.last().is_some_and(String::is_empty) {
            row.pop();
        }
        if row.is_empty() {
            return Flow::Continue;
        }
        let number = number as usize + 1;
        let flow = if *header_seen {
            on_line(Line::Row(number, row))
        } else {
            *header_seen = true;
            on_line(Line::Header(number, row))
        };
        row.clear();
        flow
    };
    loop {
        // calamine overflows on some forged cell references (`attempt to
        // multiply with overflow` where overflow is checked, a wrapped position
        // where it is not; found by fuzz/, target xlsx_import): a panic there
        // is a damaged file, not a failed import.
        let next = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cells.next_cell()))
            .map_err(|_| ReadError::Damaged("单元格位置无法识别".into()))?
            .map_err(|e| ReadError::Damaged(e.to_string()))?;
        let Some(cell) = next else { break };
        let (r, c) = cell.get_position();
        // a sheet has at most 1,048,576 rows and 16,384 columns: a position
        // beyond them is forged, and would make the row a huge allocation
        if r as usize > MAX_ROWS || c >= MAX_COLUMNS {
            return Err(ReadError::Damaged(format!("单元格位置超出工作表范围（第{}行第{}列）", u64::from(r) + 1, u64::from(c) + 1)));
        }
        if current != Some(r) {
            if let Some(done) = current
                && emit(done, &mut row, &mut header_seen) == Flow::Stop
            {
                return Ok(());
            }
            current = Some(r);
        }
        let c = c as usize;
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = cell_text(cell.get_value());
    }
    if let Some(done) = current {
        emit(done, &mut row, &mut header_seen);
    }
    Ok(())
}

fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::String(s) => unneutralise(s.trim()).to_string(),
        DataRef::SharedString(s) => unneutralise(s.trim()).to_string(),
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(true) => "是".to_string(),
        DataRef::Bool(false) => "否".to_string(),
        DataRef::DateTime(d) if d.is_datetime() => excel_date(d.as_f64()).unwrap_or_else(|| number_text(d.as_f64())),
        DataRef::DateTime(d) => number_text(d.as_f64()),
        DataRef::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e}"),
        DataRef::Empty => String::new(),
    }
}

/// A number as digits: integers without a fraction, others as Rust prints them.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        #[allow(clippy::cast_possible_truncation)]
        let n = f as i64;
        n.to_string()
    } else {
        f.to_string()
    }
}

/// An Excel date serial (1900 system) as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> Option<String> {
    if !(1.0..3_000_000.0).contains(&serial) {
        return None;
    }
    let epoch = time::macros::date!(1899 - 12 - 30);
    #[allow(clippy::cast_possible_truncation)]
    let day = epoch.checked_add(time::Duration::days(serial.floor() as i64))?;
    Some(format!("{:04}-{:02}-{:02}", day.year(), u8::from(day.month()), day.day()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised_and_restored() {
        for text in ["=1+1", "+86 138", "-5", "@SUM(A1)", "\tx", "\rx", "'=x", "''+x"] {
            let written = neutralise(text);
            assert!(written.starts_with('\''), "{text:?} → {written:?}");
            assert_eq!(unneutralise(&written), text);
        }
        for text in ["恒丰电子", "'quoted", "a=b", "", "'"] {
            assert_eq!(neutralise(text), text);
            assert_eq!(unneutralise(text), text);
        }
    }

    #[test]
    fn a_written_sheet_reads_back() {
        let mut w = XlsxWriter::new();
        let sheet = w.add_sheet("企业", &[("名称", 20.0), ("人数", 8.0), ("备注", 10.0)]).unwrap();
        w.push_row(sheet, &["恒丰电子".into(), Cell::Int(320), "=HYPERLINK(\"x\")".into()]).unwrap();
        w.push_row(sheet, &[Cell::Empty, Cell::Empty, Cell::Empty]).unwrap();
        w.push_row(sheet, &["雪汇食品".into(), Cell::Int(0), Cell::Empty]).unwrap();
        let bytes = w.into_bytes().unwrap();
        let mut header = Vec::new();
        let mut rows = Vec::new();
        read_first_sheet(
            std::io::Cursor::new(bytes),
            |_| {},
            |line| {
                match line {
                    Line::Header(_, h) => header = h.to_vec(),
                    Line::Row(n, r) => rows.push((n, r.to_vec())),
                }
                Flow::Continue
            },
        )
        .unwrap();
        assert_eq!(header, ["名称", "人数", "备注"]);
        assert_eq!(rows[0], (2, vec!["恒丰电子".to_string(), "320".into(), "=HYPERLINK(\"x\")".into()]));
        // the empty row is skipped; the number keeps its row number as Excel shows it
        assert_eq!(rows[1], (4, vec!["雪汇食品".to_string(), "0".into()]));
    }

    #[test]
    fn something_else_is_not_an_xlsx_file() {
        let err = read_first_sheet(std::io::Cursor::new(b"name,code\n".to_vec()), |_| {}, |_| Flow::Continue).unwrap_err();
        assert_eq!(err, ReadError::NotXlsx);
    }

    #[test]
    fn date_serials_become_dates() {
        assert_eq!(excel_date(43909.0).as_deref(), Some("2020-03-19"));
        assert_eq!(number_text(320.0), "320");
        assert_eq!(number_text(37.5), "37.5");
    }
}
