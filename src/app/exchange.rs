//! Excel exchange (数据导入导出): every list exports to .xlsx with its filters,
//! in the actor's row scope; every registry imports from .xlsx, checked row by
//! row, all or nothing by default, and stored through the registry's own rules.
//!
//! A file refers to townships, departments and enterprises by name (an
//! enterprise also by its credit code), never by id, so that a file written in
//! one zone reads in another. The columns of each kind are declared once
//! (`Kind::columns`) and serve the export, the template and the import.
//!
//! Each kind keeps its columns, rows and checks in a module of its own:
//! `enterprises` (and cadres), `households`, `tutoring` (volunteers and
//! children), `sites`, `postings`, and `lists` for the lists that only export.

mod enterprises;
mod households;
mod lists;
mod postings;
mod sites;
mod tutoring;

use std::collections::HashMap;
use std::io::{Read, Seek};
use std::sync::Arc;

use serde::Serialize;
use utoipa::ToSchema;

use super::Actor;
use super::clock::WorkContext;
use crate::domain::registry::{optional_phone, optional_text, required_text};
use crate::domain::{FieldError, Role};
use crate::error::AppError;
use crate::report::xlsx::{self, Cell, Flow, Line, XlsxWriter};
use crate::store::employment::{HouseholdFilter, PostingFilter};
use crate::store::inspection::SiteFilter;
use crate::store::registry::EnterpriseFilter;
use crate::store::tutoring::{ChildFilter, VolunteerFilter};
use crate::store::workorder::OrderFilter;
use crate::store::{Db, PageRequest};

pub use crate::app::resumption::ReportQuery;

/// The most data rows a web upload may have; larger files are a job for
/// `zonedesk import` on the command line.
pub const MAX_WEB_IMPORT_ROWS: usize = 50_000;
/// The most rows a web download may have; larger lists are a job for `zonedesk export`.
pub const MAX_WEB_EXPORT_ROWS: usize = 100_000;
/// The most problems a report lists; the rest are counted.
pub const MAX_LISTED_PROBLEMS: usize = 1_000;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// 企业名录
    Enterprises,
    /// 干部名录
    Cadres,
    /// 贫困户 (one row per member)
    Households,
    /// 志愿者
    Volunteers,
    /// 帮扶对象
    Children,
    /// 检查点位
    Sites,
    /// 用工信息
    JobPostings,
    /// 工单 (export only)
    WorkOrders,
    /// 复工复产情况 (export only)
    StatusReports,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Enterprises,
        Kind::Cadres,
        Kind::Households,
        Kind::Volunteers,
        Kind::Children,
        Kind::Sites,
        Kind::JobPostings,
        Kind::WorkOrders,
        Kind::StatusReports,
    ];

    /// The kind's name in paths and on the command line (kebab-case, as the API's resources).
    pub fn code(self) -> &'static str {
        match self {
            Kind::Enterprises => "enterprises",
            Kind::Cadres => "cadres",
            Kind::Households => "households",
            Kind::Volunteers => "volunteers",
            Kind::Children => "children",
            Kind::Sites => "sites",
            Kind::JobPostings => "job-postings",
            Kind::WorkOrders => "work-orders",
            Kind::StatusReports => "status-reports",
        }
    }

    pub fn parse(code: &str) -> Option<Kind> {
        let code = code.trim().trim_end_matches(".xlsx");
        Kind::ALL.into_iter().find(|k| k.code() == code || k.code().replace('-', "_") == code)
    }

    /// The sheet's (and the file's) Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Enterprises => "企业名录",
            Kind::Cadres => "干部名录",
            Kind::Households => "贫困户",
            Kind::Volunteers => "志愿者",
            Kind::Children => "帮扶对象",
            Kind::Sites => "检查点位",
            Kind::JobPostings => "用工信息",
            Kind::WorkOrders => "工单",
            Kind::StatusReports => "复工复产情况",
        }
    }

    /// Whether files of this kind can be imported (the registries).
    pub fn importable(self) -> bool {
        !matches!(self, Kind::WorkOrders | Kind::StatusReports)
    }

    /// The columns, in order: what the export writes and the import reads.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Kind::Enterprises => enterprises::ENTERPRISE_COLUMNS,
            Kind::Cadres => enterprises::CADRE_COLUMNS,
            Kind::Households => households::COLUMNS,
            Kind::Volunteers => tutoring::VOLUNTEER_COLUMNS,
            Kind::Children => tutoring::CHILD_COLUMNS,
            Kind::Sites => sites::COLUMNS,
            Kind::JobPostings => postings::COLUMNS,
            Kind::WorkOrders => lists::ORDER_COLUMNS,
            Kind::StatusReports => lists::REPORT_COLUMNS,
        }
    }

    /// Who may import this kind: those who may register it, for their own
    /// township where they are a township's task force. (The rows are checked
    /// against the actor's township too.)
    pub fn may_import(self, role: Role) -> bool {
        match self {
            Kind::Cadres => role == Role::Admin,
            Kind::WorkOrders | Kind::StatusReports => false,
            _ => matches!(role, Role::Admin | Role::Leader | Role::Township),
        }
    }

    /// The name of a downloaded file: `企业名录-2020-03-19.xlsx`.
    pub fn file_name(self, day: &str) -> String {
        format!("{}-{day}.xlsx", self.label())
    }
}

/// One column of a kind's sheet.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// the header, in Chinese, as the file shows it
    pub header: &'static str,
    /// width in characters
    pub width: f64,
    /// an import refuses a row that leaves it empty
    pub required: bool,
    /// false for what an export shows but an import ignores (e.g. 首席服务员)
    pub import: bool,
    /// the template's example row
    pub example: &'static str,
    /// how to fill it in (the template's instructions)
    pub note: &'static str,
}

impl Column {
    pub const fn required(header: &'static str, width: f64, example: &'static str, note: &'static str) -> Column {
        Column { header, width, required: true, import: true, example, note }
    }

    pub const fn optional(header: &'static str, width: f64, example: &'static str, note: &'static str) -> Column {
        Column { header, width, required: false, import: true, example, note }
    }

    /// A column the export writes for the reader's information only.
    pub const fn shown(header: &'static str, width: f64) -> Column {
        Column { header, width, required: false, import: false, example: "", note: "" }
    }
}

/// Reports a long job's progress (the command line draws a bar from it).
pub trait Progress: Send + Sync {
    /// A new stage of `total` steps (0 when not known).
    fn stage(&self, name: &'static str, total: u64);
    fn advance(&self, steps: u64);
    fn finish(&self);
}

/// No progress reporting (web requests, tests).
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _: &'static str, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

// ---- export ---------------------------------------------------------------------

/// A list to export, with the filters of its list page (the actor's row scope
/// is applied by each list's use case, as on the page).
#[derive(Debug, Clone)]
pub enum ExportFilter {
    Enterprises(EnterpriseFilter),
    Cadres { department_id: Option<i64> },
    Households(HouseholdFilter),
    Volunteers(VolunteerFilter),
    Children(ChildFilter),
    Sites(SiteFilter),
    JobPostings(PostingFilter),
    WorkOrders(OrderFilter),
    StatusReports(ReportQuery),
}

impl ExportFilter {
    pub fn kind(&self) -> Kind {
        match self {
            ExportFilter::Enterprises(_) => Kind::Enterprises,
            ExportFilter::Cadres { .. } => Kind::Cadres,
            ExportFilter::Households(_) => Kind::Households,
            ExportFilter::Volunteers(_) => Kind::Volunteers,
            ExportFilter::Children(_) => Kind::Children,
            ExportFilter::Sites(_) => Kind::Sites,
            ExportFilter::JobPostings(_) => Kind::JobPostings,
            ExportFilter::WorkOrders(_) => Kind::WorkOrders,
            ExportFilter::StatusReports(_) => Kind::StatusReports,
        }
    }

    /// The whole list of a kind (as far as the actor may see it).
    pub fn unfiltered(kind: Kind) -> ExportFilter {
        match kind {
            Kind::Enterprises => ExportFilter::Enterprises(EnterpriseFilter::default()),
            Kind::Cadres => ExportFilter::Cadres { department_id: None },
            Kind::Households => ExportFilter::Households(HouseholdFilter::default()),
            Kind::Volunteers => ExportFilter::Volunteers(VolunteerFilter::default()),
            Kind::Children => ExportFilter::Children(ChildFilter::default()),
            Kind::Sites => ExportFilter::Sites(SiteFilter::default()),
            Kind::JobPostings => ExportFilter::JobPostings(PostingFilter::default()),
            Kind::WorkOrders => ExportFilter::WorkOrders(OrderFilter::default()),
            Kind::StatusReports => ExportFilter::StatusReports(ReportQuery::default()),
        }
    }
}

/// An exported file.
pub struct ExportFile {
    pub kind: Kind,
    /// data rows written
    pub rows: usize,
    pub bytes: Vec<u8>,
}

/// The rows being written, with the limit and the progress of the export.
pub(crate) struct Sheet<'a> {
    writer: XlsxWriter,
    sheet: usize,
    max_rows: usize,
    progress: &'a dyn Progress,
    started: bool,
}

impl Sheet<'_> {
    /// Called with each page's total before its rows: refuses a list longer
    /// than the limit before anything is written.
    pub(crate) fn expect(&mut self, total: i64) -> Result<(), AppError> {
        let total = usize::try_from(total).unwrap_or(0);
        if total > self.max_rows {
            return Err(AppError::field(
                "export",
                format!("符合条件的记录有{total}条，超过单次导出上限{}条；请缩小筛选范围，或用命令行 zonedesk export 导出", self.max_rows),
            ));
        }
        if !self.started {
            self.started = true;
            self.progress.stage("导出", total as u64);
        }
        Ok(())
    }

    pub(crate) fn push(&mut self, cells: &[Cell]) -> Result<(), AppError> {
        self.writer.push_row(self.sheet, cells).map_err(internal)?;
        self.progress.advance(1);
        Ok(())
    }
}

/// Runs `$fetch` page by page (binding the page request to `$req`) and writes
/// `$cells` for each item (bound to `$item`) into `$sheet`.
macro_rules! export_pages {
    ($sheet:ident, |$req:ident| $fetch:expr, |$item:ident| $cells:expr) => {{
        let mut n = 1;
        loop {
            let $req = crate::store::PageRequest { page: Some(n), per_page: Some(crate::store::PageRequest::MAX_PER_PAGE) };
            let page = $fetch;
            $sheet.expect(page.total)?;
            for $item in &page.items {
                $sheet.push(&$cells)?;
            }
            if n >= page.pages() || page.items.is_empty() {
                break;
            }
            n += 1;
        }
    }};
}
pub(crate) use export_pages;

/// Exports a list with its filters, as far as the actor may see it.
///
/// # Errors
/// `Forbidden` as the list's own use case; `Validation` when more rows match than `max_rows`.
pub async fn export(cx: &WorkContext, actor: &Actor, filter: ExportFilter, max_rows: usize, progress: &dyn Progress) -> Result<ExportFile, AppError> {
    let kind = filter.kind();
    let mut writer = XlsxWriter::new();
    let columns: Vec<(&str, f64)> = kind.columns().iter().map(|c| (c.header, c.width)).collect();
    let sheet = writer.add_sheet(kind.label(), &columns).map_err(internal)?;
    let mut out = Sheet { writer, sheet, max_rows: max_rows.min(xlsx::MAX_ROWS), progress, started: false };
    match filter {
        ExportFilter::Enterprises(f) => enterprises::export_enterprises(cx, actor, f, &mut out).await?,
        ExportFilter::Cadres { department_id } => enterprises::export_cadres(cx, actor, department_id, &mut out).await?,
        ExportFilter::Households(f) => households::export(cx, actor, f, &mut out).await?,
        ExportFilter::Volunteers(f) => tutoring::export_volunteers(cx, actor, f, &mut out).await?,
        ExportFilter::Children(f) => tutoring::export_children(cx, actor, f, &mut out).await?,
        ExportFilter::Sites(f) => sites::export(cx, actor, f, &mut out).await?,
        ExportFilter::JobPostings(f) => postings::export(cx, actor, f, &mut out).await?,
        ExportFilter::WorkOrders(f) => lists::export_orders(cx, actor, f, &mut out).await?,
        ExportFilter::StatusReports(q) => lists::export_reports(cx, actor, q, &mut out).await?,
    }
    let rows = out.writer.rows(out.sheet);
    let writer = out.writer;
    let bytes = tokio::task::spawn_blocking(move || writer.into_bytes()).await.map_err(internal)?.map_err(internal)?;
    progress.finish();
    audit_export(cx, actor, kind, rows).await?;
    Ok(ExportFile { kind, rows, bytes })
}

/// Records an export of personal information (who took which list, how many
/// rows, whether phones went out in clear); other lists are not audited.
async fn audit_export(cx: &WorkContext, actor: &Actor, kind: Kind, rows: usize) -> Result<(), AppError> {
    let entity = match kind {
        Kind::Households => "poor_household",
        Kind::Volunteers => "volunteer",
        Kind::Children => "child",
        _ => return Ok(()),
    };
    let mut tx = cx.db.begin_write().await?;
    let mut entry = actor.audit("export", entity, None);
    let phones_in_clear = actor.role == Role::Admin && kind != Kind::Households;
    entry.after = Some(serde_json::json!({"rows": rows, "phones_in_clear": phones_in_clear}));
    crate::store::audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}

// ---- templates ------------------------------------------------------------------

/// The import template of a kind: the headers and one example row, and a
/// second sheet saying how to fill in each column (with the zone's townships).
///
/// # Errors
/// `Validation` for a kind that does not import; `Forbidden` for one the actor may not import.
pub async fn template(db: &Db, actor: &Actor, kind: Kind) -> Result<Vec<u8>, AppError> {
    check_may_import(actor, kind)?;
    // a township's task force sees its own township in the example row
    let mut townships = crate::store::registry::list_townships(db).await?;
    townships.sort_by_key(|t| Some(t.id) != actor.township_id);
    let townships: Vec<String> = townships.into_iter().map(|t| t.name).collect();
    let departments: Vec<String> = crate::store::registry::list_departments(db).await?.into_iter().map(|d| d.name).collect();
    let enterprise = if kind == Kind::JobPostings {
        let first = PageRequest { page: Some(1), per_page: Some(1) };
        super::registry::list_enterprises(db, actor, EnterpriseFilter::default(), &first).await?.items.into_iter().next().map(|e| e.name)
    } else {
        None
    };
    let example = |c: &Column| -> String {
        match c.example {
            "{township}" => townships.first().cloned().unwrap_or_default(),
            "{department}" => departments.first().cloned().unwrap_or_default(),
            "{enterprise}" => enterprise.clone().unwrap_or_default(),
            text => text.to_string(),
        }
    };
    let note = |c: &Column| -> String {
        match c.example {
            "{township}" => format!("{}本开发区的乡镇办：{}。", c.note, townships.join("、")),
            "{department}" => format!("{}本开发区的职能部门：{}。", c.note, departments.join("、")),
            _ => c.note.to_string(),
        }
    };
    let columns: Vec<&Column> = kind.columns().iter().filter(|c| c.import).collect();
    let mut w = XlsxWriter::new();
    let headers: Vec<(&str, f64)> = columns.iter().map(|c| (c.header, c.width)).collect();
    let sheet = w.add_text_sheet(kind.label(), &headers).map_err(internal)?;
    let row: Vec<Cell> = columns.iter().map(|c| Cell::from(example(c))).collect();
    w.push_row(sheet, &row).map_err(internal)?;
    let notes = w.add_sheet("填写说明", &[("列名", 18.0), ("必填", 6.0), ("填写说明", 90.0)]).map_err(internal)?;
    for c in &columns {
        w.push_row(notes, &[c.header.into(), (if c.required { "是" } else { "" }).into(), note(c).into()]).map_err(internal)?;
    }
    for line in [
        "第一个工作表的第1行是列名，请勿改动；第2行是示例，导入前请删除或改成真实数据。",
        "导入时逐行检查，任何一行有问题，整个文件都不导入，并列出每个问题所在的行和列。",
        "乡镇办、部门、企业按名称填写（企业也可填统一社会信用代码）。",
        "以 = + - @ 开头的内容按文字处理，不会作为公式执行。",
    ] {
        w.push_row(notes, &["说明".into(), Cell::Empty, line.into()]).map_err(internal)?;
    }
    tokio::task::spawn_blocking(move || w.into_bytes()).await.map_err(internal)?.map_err(internal)
}

// ---- import ---------------------------------------------------------------------

/// How an import goes.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    /// import the good rows and report the bad ones (default: refuse the whole file)
    pub skip_invalid: bool,
    /// check only, store nothing
    pub dry_run: bool,
    /// refuse files with more data rows than this
    pub max_rows: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions { skip_invalid: false, dry_run: false, max_rows: xlsx::MAX_ROWS }
    }
}

/// One problem of a file: the row as Excel numbers it (0: the whole file), the
/// column's header, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Problem {
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// What became of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// stored (in skip mode: the good rows)
    Imported,
    /// nothing stored: the file has problems
    Refused,
    /// checked only (dry run): nothing stored
    Checked,
}

/// The report of an import: what was read, what was stored, every problem.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    pub kind: Kind,
    pub outcome: Outcome,
    /// data rows read
    pub rows: usize,
    /// records stored (households: households, not member rows)
    pub imported: usize,
    /// bad rows left out (skip mode)
    pub skipped: usize,
    pub problems: Vec<Problem>,
    /// problems found beyond those listed
    pub more_problems: usize,
}

impl ImportReport {
    pub fn stored(&self) -> bool {
        self.outcome == Outcome::Imported
    }
}

/// The problems found so far, and which rows they are on.
pub(crate) struct Problems {
    list: Vec<Problem>,
    more: usize,
    bad_rows: std::collections::BTreeSet<usize>,
}

impl Problems {
    fn new() -> Problems {
        Problems { list: Vec::new(), more: 0, bad_rows: Default::default() }
    }

    pub(crate) fn push(&mut self, row: usize, column: &str, message: impl Into<String>) {
        self.bad_rows.insert(row);
        if self.list.len() < MAX_LISTED_PROBLEMS {
            self.list.push(Problem { row, column: column.to_string(), message: message.into() });
        } else {
            self.more += 1;
        }
    }

    pub(crate) fn row_is_bad(&self, row: usize) -> bool {
        self.bad_rows.contains(&row)
    }

    fn is_empty(&self) -> bool {
        self.list.is_empty() && self.more == 0
    }
}

/// One data row of a file, its cells found by header.
pub(crate) struct Row<'a> {
    pub number: usize,
    cells: &'a [String],
    positions: &'a HashMap<&'static str, usize>,
}

impl Row<'_> {
    /// The cell under `header` (empty when the column or the cell is missing).
    pub(crate) fn get(&self, header: &str) -> &str {
        self.positions.get(header).and_then(|&i| self.cells.get(i)).map(String::as_str).unwrap_or("")
    }

    /// A checked text: required or optional, at most `max` characters.
    pub(crate) fn text(&self, p: &mut Problems, header: &'static str, required: bool, max: usize) -> String {
        let value = self.get(header);
        let checked = if required { required_text("", header, value, max) } else { optional_text("", header, value, max) };
        checked.unwrap_or_else(|e| {
            p.push(self.number, header, e.message);
            String::new()
        })
    }

    pub(crate) fn phone(&self, p: &mut Problems, header: &'static str) -> String {
        optional_phone("", self.get(header)).unwrap_or_else(|e| {
            p.push(self.number, header, e.message);
            String::new()
        })
    }

    /// A whole number in `range`; `default` when empty and not required.
    pub(crate) fn int(&self, p: &mut Problems, header: &'static str, range: std::ops::RangeInclusive<i64>, default: Option<i64>) -> Option<i64> {
        let text = self.get(header);
        if text.is_empty() {
            if default.is_none() {
                p.push(self.number, header, format!("请填写{header}"));
            }
            return default;
        }
        match text.parse::<i64>() {
            Ok(n) if range.contains(&n) => Some(n),
            _ => {
                p.push(self.number, header, format!("{header}应为{}到{}之间的整数，实际为“{text}”", range.start(), range.end()));
                None
            }
        }
    }

    /// 是/否 (also 1/0, true/false, y/n); `default` when empty.
    pub(crate) fn yes_no(&self, p: &mut Problems, header: &'static str, default: bool) -> bool {
        match self.get(header).to_lowercase().as_str() {
            "" => default,
            "是" | "有" | "1" | "true" | "y" | "yes" => true,
            "否" | "无" | "0" | "false" | "n" | "no" => false,
            other => {
                p.push(self.number, header, format!("{header}应填“是”或“否”，实际为“{other}”"));
                default
            }
        }
    }

    /// A name looked up in `names`; a problem when it is missing or unknown.
    pub(crate) fn named(&self, p: &mut Problems, header: &'static str, what: &str, names: &HashMap<String, i64>, required: bool) -> Option<i64> {
        let name = self.get(header);
        if name.is_empty() {
            if required {
                p.push(self.number, header, format!("请填写{header}"));
            }
            return None;
        }
        let found = names.get(name).copied();
        if found.is_none() {
            p.push(self.number, header, format!("未找到名为“{name}”的{what}"));
        }
        found
    }

    /// Field errors of a use case's own check, each put under its column.
    pub(crate) fn field_errors(&self, p: &mut Problems, errors: &[FieldError], column_of: impl Fn(&str) -> &'static str) {
        for e in errors {
            p.push(self.number, column_of(e.field), e.message.clone());
        }
    }
}

/// Checks the rows of one kind, one at a time, with everything it needs to
/// look up already loaded; yields the records to store when the file is read.
pub(crate) trait Checker: Send + 'static {
    type Record: Send + 'static;
    fn row(&mut self, row: &Row<'_>, problems: &mut Problems);
    fn finish(self, problems: &mut Problems) -> Vec<Self::Record>;
}

/// A read and checked file.
pub(crate) struct Checked<T> {
    pub kind: Kind,
    pub rows: usize,
    pub records: Vec<T>,
    pub problems: Problems,
}

impl<T> Checked<T> {
    /// The report when the file is not to be stored: it has problems (and the
    /// import is all or nothing), it has nothing to store, or it is a dry run.
    pub(crate) fn refusal(&mut self, options: &ImportOptions) -> Option<ImportReport> {
        if self.rows == 0 && self.problems.is_empty() {
            self.problems.push(0, "", "文件中没有数据行");
        }
        if !self.problems.is_empty() && (!options.skip_invalid || self.records.is_empty()) {
            return Some(self.report(Outcome::Refused, 0));
        }
        if options.dry_run {
            let n = self.records.len();
            return Some(self.report(Outcome::Checked, n));
        }
        None
    }

    pub(crate) fn report(&mut self, outcome: Outcome, imported: usize) -> ImportReport {
        let skipped = if outcome == Outcome::Imported { self.problems.bad_rows.iter().filter(|r| **r > 0).count() } else { 0 };
        ImportReport {
            kind: self.kind,
            outcome,
            rows: self.rows,
            imported,
            skipped,
            problems: std::mem::take(&mut self.problems.list),
            more_problems: self.problems.more,
        }
    }

    /// The report of a store that the registry's own rules refused after all
    /// (e.g. a row registered meanwhile by someone else): nothing is stored.
    pub(crate) fn refused_by(&mut self, err: AppError, row_of: impl Fn(usize) -> usize) -> Result<ImportReport, AppError> {
        match err {
            AppError::Validation(errors) => {
                for e in errors {
                    let (row, message) = numbered_row(&e.message, &row_of);
                    self.problems.push(row, e.field, message);
                }
            }
            AppError::Conflict { message, field, .. } => {
                let (row, message) = numbered_row(&message, &row_of);
                self.problems.push(row, field.unwrap_or(""), message);
            }
            AppError::Forbidden(message) => self.problems.push(0, "", message),
            other => return Err(other),
        }
        Ok(self.report(Outcome::Refused, 0))
    }
}

/// "第3条：…" (the n-th record of a batch use case) as the row it came from.
fn numbered_row(message: &str, row_of: &impl Fn(usize) -> usize) -> (usize, String) {
    let parsed = message.strip_prefix('第').and_then(|rest| rest.split_once("条：")).and_then(|(n, text)| Some((n.parse::<usize>().ok()?, text)));
    match parsed {
        Some((n, text)) if n > 0 => (row_of(n - 1), text.to_string()),
        _ => (0, message.to_string()),
    }
}

/// A header as written, without a required mark or a note in brackets:
/// "企业名称*" and "职工人数（人）" are 企业名称 and 职工人数.
fn plain_header(text: &str) -> &str {
    let text = text.trim().trim_end_matches(['*', '＊']).trim();
    let cut = text.find(['（', '(']).unwrap_or(text.len());
    text[..cut].trim()
}

/// Reads a file's first sheet with a kind's checker (off the async runtime):
/// the header is matched to the kind's columns, every row is checked.
pub(crate) async fn read<C: Checker, R: Read + Seek + Send + 'static>(
    kind: Kind,
    source: R,
    mut checker: C,
    options: &ImportOptions,
    progress: Arc<dyn Progress>,
) -> Result<Checked<C::Record>, AppError> {
    let max_rows = options.max_rows;
    let task = tokio::task::spawn_blocking(move || {
        let mut problems = Problems::new();
        let mut positions: HashMap<&'static str, usize> = HashMap::new();
        let mut header_ok = false;
        let mut rows = 0usize;
        let mut too_many = false;
        let read = xlsx::read_first_sheet(
            source,
            |size| progress.stage("检查", size as u64),
            |line| match line {
                Line::Header(number, cells) => {
                    for column in kind.columns().iter().filter(|c| c.import) {
                        match cells.iter().position(|h| plain_header(h) == column.header) {
                            Some(i) => {
                                positions.insert(column.header, i);
                            }
                            None if column.required => problems.push(number, column.header, "缺少此列（请使用下载的导入模板，勿改动第1行的列名）"),
                            None => {}
                        }
                    }
                    header_ok = problems.is_empty();
                    if header_ok { Flow::Continue } else { Flow::Stop }
                }
                Line::Row(number, cells) => {
                    rows += 1;
                    if rows > max_rows {
                        too_many = true;
                        return Flow::Stop;
                    }
                    checker.row(&Row { number, cells, positions: &positions }, &mut problems);
                    progress.advance(1);
                    Flow::Continue
                }
            },
        );
        progress.finish();
        let records = if header_ok { checker.finish(&mut problems) } else { Vec::new() };
        (read, problems, rows.min(max_rows), too_many, records)
    });
    let (read, mut problems, rows, too_many, records) = task.await.map_err(internal)?;
    read.map_err(|e| AppError::field("file", e.to_string()))?;
    if too_many {
        problems.push(0, "", format!("文件超过{max_rows}行，请分批导入，或用命令行 zonedesk import 导入"));
    }
    Ok(Checked { kind, rows, records, problems })
}

/// Imports a registry from an .xlsx file: every row is checked first; unless
/// `skip_invalid`, a file with any problem stores nothing and the report names
/// each problem's row and column. The rows are stored in one transaction,
/// through the registry's own checks.
///
/// # Errors
/// `Forbidden` for a kind the actor may not import; `Validation` for a file
/// that is not an .xlsx file or a kind that does not import.
pub async fn import<R: Read + Seek + Send + 'static>(
    cx: &WorkContext,
    actor: &Actor,
    kind: Kind,
    source: R,
    options: &ImportOptions,
    progress: Arc<dyn Progress>,
) -> Result<ImportReport, AppError> {
    check_may_import(actor, kind)?;
    match kind {
        Kind::Enterprises => enterprises::import_enterprises(cx, actor, source, options, progress).await,
        Kind::Cadres => enterprises::import_cadres(cx, actor, source, options, progress).await,
        Kind::Households => households::import(cx, actor, source, options, progress).await,
        Kind::Volunteers => tutoring::import_volunteers(cx, actor, source, options, progress).await,
        Kind::Children => tutoring::import_children(cx, actor, source, options, progress).await,
        Kind::Sites => sites::import(cx, actor, source, options, progress).await,
        Kind::JobPostings => postings::import(cx, actor, source, options, progress).await,
        Kind::WorkOrders | Kind::StatusReports => Err(not_importable(kind)),
    }
}

/// # Errors
/// `Validation` for a kind that does not import, `Forbidden` for an actor who may not.
pub fn check_may_import(actor: &Actor, kind: Kind) -> Result<(), AppError> {
    if !kind.importable() {
        return Err(not_importable(kind));
    }
    if !kind.may_import(actor.role) {
        return Err(AppError::Forbidden("您的角色无权导入此类数据"));
    }
    if actor.role == Role::Township && actor.township_id.is_none() {
        return Err(AppError::Forbidden("账号未绑定乡镇办"));
    }
    Ok(())
}

/// The kinds the actor may import.
pub fn importable_kinds(actor: &Actor) -> Vec<Kind> {
    Kind::ALL.into_iter().filter(|k| check_may_import(actor, *k).is_ok()).collect()
}

fn not_importable(kind: Kind) -> AppError {
    AppError::field("kind", format!("{}只能导出，不能导入", kind.label()))
}

/// Township names and ids, for looking names up.
pub(crate) async fn township_names(db: &Db) -> Result<HashMap<String, i64>, AppError> {
    Ok(crate::store::registry::list_townships(db).await?.into_iter().map(|t| (t.name, t.id)).collect())
}

/// Whether a township's task force may import a row of `township_id` (the
/// others may import any township's rows).
pub(crate) fn in_scope(actor: &Actor, township_id: i64) -> bool {
    actor.role != Role::Township || actor.township_id == Some(township_id)
}

/// Enterprises by credit code and by name (a name may be shared), for rows
/// that name an enterprise either way.
pub(crate) struct EnterpriseIndex {
    by_code: HashMap<String, (i64, i64)>,
    by_name: HashMap<String, Vec<(i64, i64)>>,
}

impl EnterpriseIndex {
    pub(crate) async fn load(db: &Db) -> Result<EnterpriseIndex, AppError> {
        let mut by_code = HashMap::new();
        let mut by_name: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
        for e in crate::store::exchange::enterprise_keys(db).await? {
            by_code.insert(e.credit_code, (e.id, e.township_id));
            by_name.entry(e.name).or_default().push((e.id, e.township_id));
        }
        Ok(EnterpriseIndex { by_code, by_name })
    }

    /// The enterprise a cell names: (id, township id).
    ///
    /// # Errors
    /// The message to report: none by that name or code, or several by that name.
    pub(crate) fn find(&self, text: &str) -> Result<(i64, i64), String> {
        if let Some(found) = self.by_code.get(&text.to_ascii_uppercase()) {
            return Ok(*found);
        }
        match self.by_name.get(text).map(Vec::as_slice) {
            Some([one]) => Ok(*one),
            Some([_, _, ..]) => Err(format!("有多家名为“{text}”的企业，请改填其统一社会信用代码")),
            _ => Err(format!("未找到名称或统一社会信用代码为“{text}”的企业")),
        }
    }
}

/// A label or a code of an enumeration, as a file may give either.
pub(crate) fn label_or_code<T: Copy>(text: &str, all: &[T], code: impl Fn(T) -> &'static str, label: impl Fn(T) -> &'static str) -> Option<T> {
    let text = text.trim();
    all.iter().copied().find(|v| label(*v) == text || code(*v) == text)
}

/// A code's label, or the code itself when it has none.
pub(crate) fn shown<'a>(label: Option<&'static str>, code: &'a str) -> &'a str {
    label.unwrap_or(code)
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("excel: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_from_their_codes() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.code()), Some(k));
            assert!(k.columns().iter().any(|c| c.import || !k.importable()));
        }
        assert_eq!(Kind::parse("job_postings"), Some(Kind::JobPostings));
        assert_eq!(Kind::parse("enterprises.xlsx"), Some(Kind::Enterprises));
        assert_eq!(Kind::parse("users"), None);
    }

    #[test]
    fn headers_match_without_marks_and_notes() {
        assert_eq!(plain_header(" 企业名称* "), "企业名称");
        assert_eq!(plain_header("职工人数（人）"), "职工人数");
        assert_eq!(plain_header("有劳动能力(是/否)"), "有劳动能力");
    }

    #[test]
    fn numbered_messages_point_at_their_row() {
        let rows = [2usize, 5, 9];
        assert_eq!(numbered_row("第2条：本乡镇办已有同名点位", &|i| rows[i]), (5, "本乡镇办已有同名点位".to_string()));
        assert_eq!(numbered_row("记录重复", &|i| rows[i]), (0, "记录重复".to_string()));
    }

    #[test]
    fn headers_of_a_kind_are_distinct() {
        for k in Kind::ALL {
            let mut seen = std::collections::HashSet::new();
            for c in k.columns() {
                assert!(seen.insert(c.header), "{} repeats {}", k.code(), c.header);
                if c.import {
                    assert_eq!(plain_header(c.header), c.header, "{} is a plain header", c.header);
                }
            }
        }
    }
}
