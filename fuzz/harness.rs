//! The body of every fuzz target, in one place: `fuzz/fuzz_targets/*.rs` call
//! these functions under libFuzzer, and `tests/fuzz_corpus.rs` calls them on
//! every kept corpus file with the ordinary test harness, so that CI (stable,
//! no cargo-fuzz) checks the corpus on every run.
//!
//! Each function checks properties of the parser it drives, not only that it
//! does not panic: a failed property is a panic, which libFuzzer reports as a
//! crash and the corpus test as a failure.

use std::io::Cursor;
use std::sync::{Arc, OnceLock};

use time::macros::datetime;
use time::{Date, Duration, OffsetDateTime};
use zonedesk::app::Actor;
use zonedesk::app::clock::WorkContext;
use zonedesk::app::exchange::{self, ImportOptions, Kind, Outcome, Silent};
use zonedesk::domain::id_number::{self, IdNumber};
use zonedesk::domain::registry::required_text;
use zonedesk::domain::{CreditCode, CreditCodeError, Role, WorkCalendar};
use zonedesk::error::AppError;
use zonedesk::report::xlsx::{self, Flow, Line};
use zonedesk::store::Db;
use zonedesk::store::workorder::Category;
use zonedesk::web::open311;

/// The body of a target: checks one input, panicking when a property fails.
pub type Check = fn(&[u8]);

/// Every target, by the name of its `fuzz_targets/` file and `corpus/` folder.
pub const TARGETS: [(&str, Check); 5] =
    [("credit_code", credit_code), ("id_number", id_number), ("calendar", calendar), ("open311", open311_input), ("xlsx_import", xlsx_import)];

/// The 31 characters of GB 32100-2015, to make typos with.
const CREDIT_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// 统一社会信用代码: a code that parses is the input trimmed and upper-cased,
/// parses again to itself, is its first 17 characters completed, and stops
/// parsing after any one-character typo; any 17 characters of the alphabet
/// complete to a code that parses.
pub fn credit_code(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match CreditCode::parse(text) {
        Ok(code) => {
            let s = code.as_str();
            assert_eq!(s, text.trim().to_ascii_uppercase());
            assert_eq!(s.len(), 18);
            assert_eq!(CreditCode::parse(s).as_ref(), Ok(&code));
            assert_eq!(CreditCode::with_check_character(&s[..17]).as_ref(), Ok(&code));
            let position = data.len() % 17;
            let replacement = CREDIT_ALPHABET[data.iter().map(|b| usize::from(*b)).sum::<usize>() % CREDIT_ALPHABET.len()];
            if s.as_bytes()[position] != replacement {
                let mut typo = s.as_bytes().to_vec();
                typo[position] = replacement;
                let typo = String::from_utf8(typo).expect("ASCII");
                assert!(CreditCode::parse(&typo).is_err(), "the typo {typo} of {s} parses");
            }
        }
        Err(CreditCodeError::Length(n)) => assert!(n != 18 && n == text.trim().chars().count(), "{n}"),
        Err(CreditCodeError::Character { position, found }) => {
            assert!((1..=18).contains(&position) && !(found.is_ascii() && CREDIT_ALPHABET.contains(&(found as u8))), "{position} {found}");
        }
        Err(CreditCodeError::CheckCharacter { expected, found }) => assert_ne!(expected, found),
    }
    match CreditCode::with_check_character(text) {
        Ok(code) => {
            assert!(code.as_str().starts_with(text) && code.as_str().len() == 18);
            assert_eq!(CreditCode::parse(code.as_str()).as_ref(), Ok(&code));
        }
        Err(_) => assert!(text.chars().count() != 17 || !text.bytes().all(|b| CREDIT_ALPHABET.contains(&b))),
    }
}

/// 居民身份证号: a number that parses is the input trimmed and upper-cased,
/// parses again to itself and is rebuilt from its parts; the masks keep the
/// length and show no more than they should.
pub fn id_number(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(id) = IdNumber::parse(text) {
        let s = id.as_str();
        assert_eq!(s, text.trim().to_ascii_uppercase());
        assert_eq!(IdNumber::parse(s).as_ref(), Ok(&id));
        let birth = id.birth_date();
        assert!(birth.year() >= 1900, "{birth}");
        let sequence: u16 = s[14..17].parse().expect("digits");
        assert_eq!(IdNumber::from_parts(id.region(), birth, sequence).as_ref(), Ok(&id));
        assert_eq!(id.is_male(), sequence % 2 == 1);
        let masked = id.masked();
        assert!(id_number::is_masked_id_number(&masked) && masked.starts_with(&s[..4]) && masked.ends_with(&s[14..]), "{masked}");
    }
    let trimmed = text.trim();
    let masked = id_number::mask_id_number(text);
    if trimmed.chars().count() >= 12 {
        assert!(id_number::is_masked_id_number(&masked), "{masked}");
    } else {
        assert_eq!(masked.chars().count(), trimmed.chars().count());
    }
    let phone = id_number::mask_phone(text);
    assert_eq!(phone.chars().count(), trimmed.chars().count());
    let digits = |t: &str| t.chars().filter(char::is_ascii_digit).count();
    assert!(digits(&phone) <= digits(trimmed).min(7), "{phone}");
    if digits(trimmed) > 4 {
        assert!(id_number::is_masked_phone(&phone), "{phone}");
    }
}

/// 工作日历: a file that parses answers every day of its year, and deadlines
/// computed in it obey the law of `add_working_days` (a working day, with
/// exactly n working days in between); every error has a message.
pub fn calendar(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let year = match WorkCalendar::parse_year(text) {
        Ok(year) => year,
        Err(error) => {
            assert!(!error.to_string().is_empty());
            return;
        }
    };
    let number = year.year();
    let calendar = WorkCalendar::default().with_year(year);
    assert_eq!(calendar.years(), [number]);
    let days = time::util::days_in_year(number);
    let seed = data.iter().map(|b| usize::from(*b)).sum::<usize>();
    for k in 0..4usize {
        let ordinal = u16::try_from((seed + k * 97) % usize::from(days)).expect("a day of the year") + 1;
        let from = Date::from_ordinal_date(number, ordinal).expect("a day of the year");
        let working = calendar.is_working_day(from).expect("the year has a file");
        let n = u32::try_from(k * 3).expect("small");
        match calendar.add_working_days(from, n) {
            Ok(to) => {
                assert!(to >= from && calendar.is_working_day(to) == Ok(true), "{from} + {n} = {to}");
                let expected = if working { i64::from(n) } else { i64::from(n.max(1)) };
                assert_eq!(calendar.working_days_between(from, to), Ok(expected), "{from} + {n} = {to}");
                assert_eq!(calendar.working_days_between(to, from), Ok(-expected));
            }
            // only running off the end of the one year may fail
            Err(error) => assert!(error.to_string().contains(&(number + 1).to_string()), "{error}"),
        }
        let _ = calendar.day_note(from);
    }
}

/// The moment the Open311 checks read "now" at (the seed's day).
const NOW: OffsetDateTime = datetime!(2020-03-19 12:00 +08:00);

/// Open311 GeoReport v2 input: each input is tried both as the query string
/// of `GET requests` and as the form body of `POST requests`. A query that
/// passes gives a window of at most 90 days that ends after it starts, and
/// positive ids; a form that passes gives an order of a known category with a
/// title the use case accepts, a place, and one-line text.
pub fn open311_input(data: &[u8]) {
    if let Ok(query) = std::str::from_utf8(data)
        && let Ok(checked) = open311::check_requests_query(query, NOW)
    {
        assert!(checked.ids.iter().all(|id| *id > 0));
        if let Some(end) = checked.end {
            assert!(end >= checked.start && end - checked.start <= Duration::days(90), "{:?}", checked);
        }
        let (from, to) = &checked.days;
        assert!(to.as_ref().is_none_or(|to| from <= to), "{:?}", checked);
    }
    let categories = open311_categories();
    for actor in open311_actors() {
        let Ok(input) = open311::check_service_request_form(data, categories, actor) else { continue };
        assert!(categories.iter().any(|c| c.code == input.category), "{}", input.category);
        assert!(input.title.chars().count() <= 30, "{}", input.title);
        let control = input.title.chars().any(char::is_control);
        assert!(control || required_text("title", "标题", &input.title, 100).is_ok(), "{:?}", input.title);
        assert!(!input.description.contains(['\n', '\r', '\t']) && !input.description.contains("  ") && input.description.trim() == input.description);
        assert!(!input.address.is_empty() || (input.latitude.is_some() && input.longitude.is_some()));
        let township = if actor.role == Role::Township { actor.township_id } else { None };
        assert_eq!(input.township_id, township);
    }
}

fn open311_categories() -> &'static [Category] {
    static CATEGORIES: OnceLock<Vec<Category>> = OnceLock::new();
    CATEGORIES.get_or_init(|| {
        [("sanitation", "环境卫生", 1), ("epidemic_supplies", "防疫物资", 0), ("other", "其他", 1)]
            .into_iter()
            .enumerate()
            .map(|(i, (code, name, public))| {
                let id = i64::try_from(i).expect("small") + 1;
                Category { id, code: code.into(), name: name.into(), sign_days: 1, resolve_days: 5, public, sort: id }
            })
            .collect()
    })
}

fn open311_actors() -> &'static [Actor] {
    static ACTORS: OnceLock<Vec<Actor>> = OnceLock::new();
    ACTORS.get_or_init(|| vec![Actor::system(), Actor { role: Role::Township, township_id: Some(3), ..Actor::system() }])
}

/// The demo zone in a temporary SQLite file, and a runtime to import into it:
/// made once per process (loading the demo takes seconds).
pub struct ImportBench {
    runtime: tokio::runtime::Runtime,
    cx: WorkContext,
    _dir: tempfile::TempDir,
}

pub fn import_bench() -> &'static ImportBench {
    static BENCH: OnceLock<ImportBench> = OnceLock::new();
    BENCH.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("fuzz.db").display());
        let db = runtime.block_on(async {
            let db = Db::connect(&url).await.expect("connect");
            db.migrate().await.expect("migrate");
            zonedesk::demo::load(&db, "demo").await.expect("the demo loads");
            db
        });
        let cx = WorkContext { db, calendar: Arc::new(WorkCalendar::shipped()), now: NOW };
        ImportBench { runtime, cx, _dir: dir }
    })
}

/// The most data rows an import under the fuzzer reads (a bigger file is refused).
const MAX_FUZZ_ROWS: usize = 200;

/// The .xlsx importer: the input is an .xlsx file (it starts with `PK`), or
/// else the XML of a first sheet (and, after a NUL byte, of the shared
/// strings) that is zipped into one here, so that the fuzzer reaches the XML
/// without having to forge a zip file. The reader yields one header and then
/// rows, none ending in an empty cell. Every importable
/// kind whose first column the header names is imported as a dry run into the
/// demo zone: the import never fails but for a bad file (a panic in its
/// worker thread would come back as an internal error), stores nothing, and
/// reads no more rows than allowed.
pub fn xlsx_import(data: &[u8]) {
    let bytes = if data.starts_with(b"PK") { data.to_vec() } else { zip_as_workbook(data) };
    let mut header: Vec<String> = Vec::new();
    let read = xlsx::read_first_sheet(
        Cursor::new(&bytes),
        |_| {},
        |line| {
            let (number, cells) = match line {
                Line::Header(number, cells) => {
                    assert!(header.is_empty(), "a second header");
                    header = cells.to_vec();
                    (number, cells)
                }
                Line::Row(number, cells) => (number, cells),
            };
            assert!(number >= 1 && cells.last().is_some_and(|c| !c.is_empty()), "row {number} ends in an empty cell");
            Flow::Continue
        },
    );
    if read.is_err() || header.is_empty() {
        return;
    }
    let bench = import_bench();
    for kind in Kind::ALL.into_iter().filter(|k| k.importable()) {
        let first = kind.columns().iter().find(|c| c.import).expect("an imported column").header;
        if !header.iter().any(|h| h.contains(first)) {
            continue;
        }
        let options = ImportOptions { skip_invalid: data.len() % 2 == 1, dry_run: true, max_rows: MAX_FUZZ_ROWS };
        let result = bench.runtime.block_on(exchange::import(&bench.cx, &Actor::system(), kind, Cursor::new(bytes.clone()), &options, Arc::new(Silent)));
        match result {
            Ok(report) => {
                assert_ne!(report.outcome, Outcome::Imported, "a dry run stored rows");
                assert!(report.rows <= MAX_FUZZ_ROWS && report.imported <= report.rows.max(1), "{report:?}");
                assert!(report.outcome == Outcome::Checked || !report.problems.is_empty(), "{report:?}");
            }
            Err(AppError::Validation(_)) => {}
            Err(other) => panic!("importing {} failed: {other:?}", kind.code()),
        }
    }
}

/// A workbook of one sheet whose XML is `data` up to its first NUL byte, and
/// whose shared strings are what follows it: a zip file of stored entries.
fn zip_as_workbook(data: &[u8]) -> Vec<u8> {
    let (sheet, strings) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#,
    );
    if strings.is_some() {
        types.push_str(
            r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#,
        );
        rels.push_str(
            r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#,
        );
    }
    types.push_str("</Types>");
    rels.push_str("</Relationships>");
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", types.as_bytes()),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(strings) = strings {
        entries.push(("xl/sharedStrings.xml", strings));
    }
    stored_zip(&entries)
}

/// A zip file of uncompressed entries (enough for calamine to open).
fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, body) in entries {
        let offset = u32::try_from(out.len()).expect("a small file");
        let size = u32::try_from(body.len()).expect("a small file");
        let name_len = u16::try_from(name.len()).expect("a short name");
        let crc = crc32(body);
        // local file header: version 20, no flags, stored, no time
        out.extend_from_slice(&[0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        for v in [crc, size, size] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(body);
        central.extend_from_slice(&[0x50, 0x4b, 0x01, 0x02, 20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        for v in [crc, size, size] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&name_len.to_le_bytes());
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let start = u32::try_from(out.len()).expect("a small file");
    let count = u16::try_from(entries.len()).expect("few entries");
    let central_len = u32::try_from(central.len()).expect("a small file");
    out.extend_from_slice(&central);
    out.extend_from_slice(&[0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&central_len.to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
