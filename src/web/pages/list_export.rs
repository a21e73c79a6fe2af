//! Excel export of any list page (导出Excel): `?export=xlsx` on a page answers
//! the page's tables as an .xlsx workbook, every page of the list, with the
//! filters of the request.
//!
//! The export reads the tables that the page's own handler renders for the
//! signed-in user, so that what is exported is what the list shows: the same
//! filters, the same row scope and permissions, the same columns and words.
//! A list grows an export the day it grows a table, and the two cannot drift.
//! The registries and the two largest lists (work orders, status reports) keep
//! their typed exports (`/exports/{kind}`), whose columns the import reads back.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use scraper::{ElementRef, Html, Node, Selector};

use crate::error::AppError;
use crate::report::xlsx::{Cell, XlsxWriter};
use crate::store::PageRequest;
use crate::web::AppState;
use crate::web::api::exchange::xlsx_download;

/// The query parameter that asks a list page for its workbook.
pub const EXPORT_PARAM: &str = "export";

/// The most rows one download of a page's tables holds; a larger list is
/// narrowed by its filters first (or exported with `zonedesk export`).
pub const MAX_ROWS: usize = 20_000;

/// The most bytes one rendered page may have (a page of 200 rows is ~200 kB).
const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// The export link of the page at `here` (its path and query): the same
/// filters, every page.
pub fn href(here: &str) -> String {
    let (path, query) = here.split_once('?').unwrap_or((here, ""));
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    pairs.retain(|(k, v)| is_filter(k) && !v.is_empty());
    pairs.push((EXPORT_PARAM.to_string(), "xlsx".to_string()));
    format!("{path}?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

/// Serves `?export=xlsx` on a page from the page itself; any other request
/// passes through.
pub async fn export_list_pages(State(s): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET {
        return next.run(req).await;
    }
    let Some(filters) = export_filters(req.uri()) else {
        return next.run(req).await;
    };
    let (parts, _) = req.into_parts();
    match export(&parts, &filters, next).await {
        Ok(Exported::Book(book)) => {
            let day = s.work().today_text();
            match book.into_xlsx() {
                Ok((title, bytes)) => xlsx_download(&format!("{title}-{day}.xlsx"), &format!("list-{day}.xlsx"), bytes),
                Err(e) => AppError::Internal(format!("list export: {e}")).into_response(),
            }
        }
        Ok(Exported::Page(response)) => response,
        Err(e) => e.into_response(),
    }
}

/// The request's query without `export` (and without `page`, which the export
/// walks itself), when it asks for `export=xlsx`.
fn export_filters(uri: &Uri) -> Option<Vec<(String, String)>> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(uri.query()?).ok()?;
    pairs.iter().any(|(k, v)| k == EXPORT_PARAM && v == "xlsx").then(|| pairs.into_iter().filter(|(k, _)| is_filter(k)).collect())
}

/// Whether a query parameter filters the list (rather than asking for the
/// export or for one page of it, which the export walks itself).
fn is_filter(name: &str) -> bool {
    !matches!(name, EXPORT_PARAM | "page" | "per_page")
}

enum Exported {
    Book(Book),
    /// what the page answered instead of a list (an error page, a redirect to log in)
    Page(Response),
}

async fn export(parts: &axum::http::request::Parts, filters: &[(String, String)], next: Next) -> Result<Exported, AppError> {
    let mut book = Book::default();
    let mut page = 1;
    loop {
        let request = page_request(parts, filters, page)?;
        let response = next.clone().run(request).await;
        let is_html = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
        if response.status() != StatusCode::OK || !is_html {
            return Ok(Exported::Page(response));
        }
        let bytes = to_bytes(response.into_body(), MAX_PAGE_BYTES).await.map_err(|e| AppError::Internal(format!("list export: reading a page: {e}")))?;
        let tables = read_page(&String::from_utf8_lossy(&bytes));
        if page == 1 && tables.total_rows > MAX_ROWS {
            return Err(AppError::Validation(vec![crate::domain::FieldError::new(
                EXPORT_PARAM,
                format!("该列表共{}行，超过一次导出的上限{MAX_ROWS}行，请先缩小筛选范围", tables.total_rows),
            )]));
        }
        let pages = tables.pages;
        book.add(tables, page == 1);
        if page >= pages || book.rows() >= MAX_ROWS {
            return Ok(Exported::Book(book));
        }
        page += 1;
    }
}

/// The page's request for page `n` of the list, with the most rows a page may have.
fn page_request(parts: &axum::http::request::Parts, filters: &[(String, String)], n: i64) -> Result<Request, AppError> {
    let mut pairs: Vec<(&str, String)> = filters.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    pairs.push(("page", n.to_string()));
    pairs.push(("per_page", PageRequest::MAX_PER_PAGE.to_string()));
    let query = serde_urlencoded::to_string(&pairs).map_err(|e| AppError::BadRequest(format!("查询参数不正确：{e}")))?;
    let uri: Uri = format!("{}?{query}", parts.uri.path()).parse().map_err(|_| AppError::BadRequest("查询参数不正确".into()))?;
    let mut request = Request::new(Body::empty());
    *request.method_mut() = Method::GET;
    *request.uri_mut() = uri;
    *request.headers_mut() = parts.headers.clone();
    // a page may read the client's address or the matched route: keep them
    request.extensions_mut().clone_from(&parts.extensions);
    Ok(request)
}

/// One table of a page.
#[derive(Debug, Default, PartialEq)]
struct Table {
    name: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// per column: every cell of it is marked as a number (`class="num"`)
    numeric: Vec<bool>,
}

/// What one rendered page holds.
#[derive(Debug, Default, PartialEq)]
struct PageTables {
    title: String,
    tables: Vec<Table>,
    /// the index of the table the pager pages, if the page has a pager
    paged: Option<usize>,
    pages: i64,
    total_rows: usize,
}

/// Reads the tables of the page's content and its pager. The pager pages the
/// table just before it; the others are whole on every page.
fn read_page(html: &str) -> PageTables {
    let doc = Html::parse_document(html);
    let main = Selector::parse("main").expect("a valid selector");
    let h1 = Selector::parse("h1").expect("a valid selector");
    let scope = doc.select(&main).next().unwrap_or_else(|| doc.root_element());
    let title = scope.select(&h1).next().map(|e| text_of(e)).filter(|t| !t.is_empty()).unwrap_or_else(|| "列表".into());
    let mut out = PageTables { title, pages: 1, ..PageTables::default() };
    let mut heading = String::new();
    for node in scope.descendants() {
        let Some(el) = ElementRef::wrap(node) else { continue };
        match el.value().name() {
            "h2" | "h3" => heading = text_of(el),
            "table" if !inside(el, "table") => {
                let name = caption_of(el).unwrap_or_else(|| if heading.is_empty() { out.title.clone() } else { heading.clone() });
                out.tables.push(read_table(el, name));
            }
            "ul" if el.value().classes().any(|c| c == "cards" || c == "messages") && !inside(el, "table") => {
                let name = if heading.is_empty() { out.title.clone() } else { heading.clone() };
                out.tables.push(read_cards(el, name));
            }
            // the pager of the page's list; a second list's pager (a parameter
            // of its own) leaves that list at its first page
            "nav" if el.value().classes().any(|c| c == "pager") && el.value().attr("data-param").is_none_or(|p| p == "page") => {
                out.paged = out.tables.len().checked_sub(1);
                out.pages = attr_number(el, "data-pages").unwrap_or(1).max(1);
                out.total_rows = usize::try_from(attr_number(el, "data-total").unwrap_or(0)).unwrap_or(0);
            }
            _ => {}
        }
    }
    if out.paged.is_none() {
        out.total_rows = out.tables.iter().map(|t| t.rows.len()).sum();
    }
    out
}

fn attr_number(el: ElementRef<'_>, name: &str) -> Option<i64> {
    el.value().attr(name)?.parse().ok()
}

fn inside(el: ElementRef<'_>, tag: &str) -> bool {
    el.ancestors().filter_map(ElementRef::wrap).any(|a| a.value().name() == tag)
}

fn caption_of(table: ElementRef<'_>) -> Option<String> {
    let caption = Selector::parse("caption").expect("a valid selector");
    table.select(&caption).next().map(text_of).filter(|t| !t.is_empty())
}

fn read_table(table: ElementRef<'_>, name: String) -> Table {
    let mut t = Table { name, ..Table::default() };
    let mut numeric: Vec<Option<bool>> = Vec::new();
    for row in table.descendants().filter_map(ElementRef::wrap).filter(|e| e.value().name() == "tr") {
        let in_head = inside(row, "thead");
        let cells: Vec<ElementRef<'_>> = row.children().filter_map(ElementRef::wrap).filter(|c| matches!(c.value().name(), "td" | "th")).collect();
        let all_th = cells.iter().all(|c| c.value().name() == "th");
        if in_head || (t.header.is_empty() && t.rows.is_empty() && all_th) {
            if t.header.is_empty() {
                t.header = cells.iter().map(|c| text_of(*c)).collect();
            }
            continue;
        }
        // an empty-state row spanning the table ("没有…") is not data
        if cells.len() == 1 && cells[0].value().attr("colspan").is_some() {
            continue;
        }
        for (i, c) in cells.iter().enumerate() {
            if numeric.len() <= i {
                numeric.resize(i + 1, None);
            }
            let is_num = c.value().classes().any(|k| k == "num");
            numeric[i] = Some(numeric[i].unwrap_or(true) && is_num);
        }
        t.rows.push(cells.iter().map(|c| text_of(*c)).collect());
    }
    t.numeric = numeric.into_iter().map(|n| n.unwrap_or(false)).collect();
    t
}

/// A list of cards (`ul.cards`, `ul.messages`) as a table of two columns: each
/// card's heading, and the rest of what it says.
fn read_cards(list: ElementRef<'_>, name: String) -> Table {
    let mut t = Table { name, header: vec!["标题".into(), "内容".into()], numeric: vec![false, false], ..Table::default() };
    for card in list.children().filter_map(ElementRef::wrap).filter(|c| c.value().name() == "li") {
        // a card without a heading leads with its first element (a message's time)
        let heading = card
            .descendants()
            .filter_map(ElementRef::wrap)
            .find(|e| matches!(e.value().name(), "h2" | "h3" | "h4"))
            .or_else(|| card.children().filter_map(ElementRef::wrap).next())
            .map(text_of)
            .unwrap_or_default();
        let all = text_of(card);
        let rest = all.strip_prefix(heading.as_str()).unwrap_or(&all).trim().to_string();
        t.rows.push(vec![heading, rest]);
    }
    t
}

/// The text a reader sees in an element: its words with white space folded,
/// without what only acts (forms, buttons), never shows (scripts, hidden
/// inputs, elements marked `data-no-export`) or repeats a figure as a picture
/// (meters, charts).
fn text_of(el: ElementRef<'_>) -> String {
    let mut words = String::new();
    collect_text(el, &mut words);
    words.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn collect_text(el: ElementRef<'_>, out: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let skip = matches!(e.name(), "form" | "button" | "script" | "style" | "select" | "input" | "textarea" | "meter" | "progress" | "svg")
                    || e.attr("data-no-export").is_some();
                if !skip && let Some(child) = ElementRef::wrap(child) {
                    if matches!(e.name(), "br" | "p" | "div" | "li") {
                        out.push(' ');
                    }
                    collect_text(child, out);
                    out.push(' ');
                }
            }
            _ => {}
        }
    }
}

/// The workbook as it is assembled from the pages.
#[derive(Debug, Default)]
struct Book {
    title: String,
    tables: Vec<Table>,
    paged: Option<usize>,
}

impl Book {
    /// Adds a page: its first page gives every table; later pages add the
    /// rows of the paged table only.
    fn add(&mut self, page: PageTables, first: bool) {
        if first {
            self.title = page.title;
            self.paged = page.paged;
            self.tables = page.tables;
        } else if let Some(i) = self.paged
            && let Some(rows) = page.tables.into_iter().nth(i).map(|t| t.rows)
        {
            self.tables[i].rows.extend(rows);
        }
    }

    fn rows(&self) -> usize {
        self.tables.iter().map(|t| t.rows.len()).sum()
    }

    /// The file's title and bytes: one sheet per table, named by its caption
    /// or the heading above it.
    fn into_xlsx(self) -> Result<(String, Vec<u8>), crate::report::xlsx::WriteError> {
        let mut xlsx = XlsxWriter::new();
        let mut used: Vec<String> = Vec::new();
        let tables = if self.tables.is_empty() { vec![Table { name: self.title.clone(), ..Table::default() }] } else { self.tables };
        for table in tables {
            let name = sheet_name(&table.name, &used);
            used.push(name.clone());
            let widths: Vec<(String, f64)> = table.header.iter().enumerate().map(|(i, h)| (h.clone(), column_width(h, &table.rows, i))).collect();
            let columns: Vec<(&str, f64)> = widths.iter().map(|(h, w)| (h.as_str(), *w)).collect();
            let sheet = xlsx.add_sheet(&name, &columns)?;
            for row in &table.rows {
                let cells: Vec<Cell> = row.iter().enumerate().map(|(i, v)| cell(v, table.numeric.get(i).copied().unwrap_or(false))).collect();
                xlsx.push_row(sheet, &cells)?;
            }
        }
        Ok((self.title, xlsx.into_bytes()?))
    }
}

/// A cell: a whole number where the column is numeric and the text is one
/// (thousands separators dropped), the text as shown otherwise.
fn cell(text: &str, numeric: bool) -> Cell {
    if numeric && let Ok(n) = text.replace([',', '，'], "").parse::<i64>() {
        return Cell::Int(n);
    }
    if text.is_empty() { Cell::Empty } else { Cell::Text(text.to_string()) }
}

/// Excel's sheet names: at most 31 characters, none of `[]:*?/\`, unique.
fn sheet_name(name: &str, used: &[String]) -> String {
    let clean: String = name.chars().map(|c| if "[]:*?/\\".contains(c) { '-' } else { c }).take(28).collect();
    let clean = if clean.trim().is_empty() { "列表".to_string() } else { clean.trim().to_string() };
    let mut candidate = clean.clone();
    let mut n = 2;
    while used.iter().any(|u| u == &candidate) {
        candidate = format!("{clean}({n})");
        n += 1;
    }
    candidate
}

fn column_width(header: &str, rows: &[Vec<String>], i: usize) -> f64 {
    // CJK characters take two columns' width
    let width = |s: &str| s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum::<usize>();
    let widest = rows.iter().take(200).filter_map(|r| r.get(i)).map(|s| width(s)).chain([width(header)]).max().unwrap_or(8);
    #[allow(clippy::cast_precision_loss)]
    let w = widest.clamp(6, 60) as f64;
    w + 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><body><main>
        <h1>招商项目</h1>
        <h2>本季度</h2>
        <table><tr><th>指标</th><th>数</th></tr><tr><td>签约</td><td class="num">3</td></tr></table>
        <div class="table-wrap"><table id="leads">
          <thead><tr><th>项目名称</th><th class="num">金额</th><th>操作</th></tr></thead>
          <tbody>
            <tr><td><a href="/x/1">口罩 <span class="chip">全产业链</span></a></td><td class="num">1,200</td>
                <td><form method="post"><input type="hidden" name="csrf" value="t"><button>删除</button></form></td></tr>
            <tr><td>=HYPERLINK("x")</td><td class="num">7</td><td></td></tr>
          </tbody></table></div>
        <nav class="pager" data-pages="3" data-total="45" data-param="page"><span>共 45 条</span></nav>
        <table><thead><tr><th>首席服务员</th></tr></thead><tbody><tr><td>王</td></tr></tbody></table>
        <nav class="pager" data-pages="9" data-total="450" data-param="officer_page"></nav>
    </main></body></html>"#;

    #[test]
    fn a_page_gives_its_tables_headers_and_the_words_a_reader_sees() {
        let page = read_page(PAGE);
        assert_eq!(page.title, "招商项目");
        assert_eq!(page.tables.len(), 3);
        assert_eq!(page.tables[0].name, "本季度");
        assert_eq!(page.tables[0].header, ["指标", "数"]);
        assert_eq!(page.tables[0].rows, [["签约", "3"]]);
        let leads = &page.tables[1];
        assert_eq!(leads.header, ["项目名称", "金额", "操作"]);
        assert_eq!(leads.rows[0], ["口罩 全产业链", "1,200", ""], "forms and buttons are not data");
        assert_eq!(leads.numeric, [false, true, false]);
        assert_eq!((page.paged, page.pages, page.total_rows), (Some(1), 3, 45));
    }

    #[test]
    fn later_pages_add_rows_to_the_paged_table_only() {
        let mut book = Book::default();
        book.add(read_page(PAGE), true);
        book.add(read_page(PAGE), false);
        assert_eq!(book.tables[0].rows.len(), 1);
        assert_eq!(book.tables[1].rows.len(), 4);
        assert_eq!(book.tables[2].rows.len(), 1, "a second list's own pager is not followed");
    }

    #[test]
    fn a_list_of_cards_is_a_table_of_headings_and_what_they_say() {
        let page = read_page(
            r#"<main><h1>惠企政策</h1><ul class="cards"><li class="card"><h2><a href="/p/1">出口贴息</a></h2><p>按出口额</p><p class="hint">上限：50万元</p></li></ul></main>"#,
        );
        assert_eq!(page.tables[0].header, ["标题", "内容"]);
        assert_eq!(page.tables[0].rows, [["出口贴息", "按出口额 上限：50万元"]]);
    }

    #[test]
    fn an_empty_state_row_is_not_exported() {
        let page = read_page(
            r#"<main><h1>名单</h1><table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td colspan="2">暂无</td></tr></tbody></table></main>"#,
        );
        assert!(page.tables[0].rows.is_empty());
    }

    #[test]
    fn numbers_are_numbers_where_the_column_is_numeric_and_text_otherwise() {
        assert_eq!(cell("1,200", true), Cell::Int(1200));
        assert_eq!(cell("12.5%", true), Cell::Text("12.5%".into()));
        assert_eq!(cell("007", false), Cell::Text("007".into()));
        assert_eq!(cell("", false), Cell::Empty);
    }

    #[test]
    fn sheet_names_are_what_excel_accepts_and_unique() {
        assert_eq!(sheet_name("a/b", &[]), "a-b");
        assert_eq!(sheet_name("名单", &["名单".into()]), "名单(2)");
        assert!(sheet_name(&"长".repeat(40), &[]).chars().count() <= 31);
    }

    #[test]
    fn the_export_link_keeps_the_filters_and_drops_the_paging() {
        assert_eq!(href("/sites?kind=village&page=2&q="), "/sites?kind=village&export=xlsx");
        assert_eq!(href("/rates"), "/rates?export=xlsx");
    }

    #[test]
    fn only_a_request_for_xlsx_is_an_export_and_its_paging_is_dropped() {
        let uri: Uri = "/sites?kind=village&export=xlsx&page=3".parse().unwrap();
        assert_eq!(export_filters(&uri), Some(vec![("kind".into(), "village".into())]));
        assert_eq!(export_filters(&"/sites?kind=village".parse().unwrap()), None);
        assert_eq!(export_filters(&"/sites".parse().unwrap()), None);
    }
}
