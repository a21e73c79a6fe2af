//! The fuzz corpus as a regression test: every file kept under `fuzz/corpus/<target>/`
//! (and any crash kept under `fuzz/artifacts/<target>/` once fixed) goes through
//! the same function as the fuzz target (`fuzz/harness.rs`), so that CI checks
//! the properties on the stable toolchain without cargo-fuzz.
//!
//! `cargo test --test fuzz_corpus -- --ignored seed_xlsx_corpus` writes the
//! .xlsx seeds (the import templates and a few rows of each demo registry).

#[path = "../fuzz/harness.rs"]
mod harness;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use zonedesk::app::Actor;
use zonedesk::app::clock::WorkContext;
use zonedesk::app::exchange::{self, ExportFilter, Kind, Silent};
use zonedesk::domain::WorkCalendar;
use zonedesk::report::xlsx::{self, Cell, Flow, Line, XlsxWriter};
use zonedesk::store::Db;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of one folder, sorted (none when it does not exist).
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|d| d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).collect()).unwrap_or_default();
    files.sort();
    files
}

#[test]
fn every_kept_input_passes_its_targets_checks() {
    let mut failures = Vec::new();
    for (target, check) in harness::TARGETS {
        let corpus = files_in(&fuzz_dir().join("corpus").join(target));
        assert!(!corpus.is_empty(), "fuzz/corpus/{target} has no seeds");
        let artifacts = files_in(&fuzz_dir().join("artifacts").join(target));
        for file in corpus.iter().chain(&artifacts) {
            let data = std::fs::read(file).expect("a corpus file");
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check(&data))) {
                let message = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
                failures.push(format!("{}: {message}", file.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{} inputs fail:\n{}", failures.len(), failures.join("\n"));
}

/// The first `keep` data rows of an .xlsx file, under its header, as a new file.
fn first_rows(bytes: &[u8], keep: usize) -> Vec<u8> {
    let mut header = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    xlsx::read_first_sheet(
        std::io::Cursor::new(bytes.to_vec()),
        |_| {},
        |line| match line {
            Line::Header(_, cells) => {
                header = cells.to_vec();
                Flow::Continue
            }
            Line::Row(_, cells) if rows.len() < keep => {
                rows.push(cells.to_vec());
                Flow::Continue
            }
            Line::Row(..) => Flow::Stop,
        },
    )
    .expect("an .xlsx file");
    let mut w = XlsxWriter::new();
    let columns: Vec<(&str, f64)> = header.iter().map(|h| (h.as_str(), 12.0)).collect();
    let sheet = w.add_sheet("数据", &columns).expect("a sheet");
    for row in &rows {
        let cells: Vec<Cell> = row.iter().map(|c| Cell::from(c.as_str())).collect();
        w.push_row(sheet, &cells).expect("a row");
    }
    w.into_bytes().expect("a file")
}

#[tokio::test]
#[ignore = "writes the seeds of fuzz/corpus/xlsx_import"]
async fn seed_xlsx_corpus() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Db::connect(&format!("sqlite://{}", dir.path().join("seed.db").display())).await.expect("connect");
    db.migrate().await.expect("migrate");
    zonedesk::demo::load(&db, "demo").await.expect("the demo loads");
    let cx = WorkContext { db: db.clone(), calendar: Arc::new(WorkCalendar::shipped()), now: time::OffsetDateTime::now_utc() };
    let out = fuzz_dir().join("corpus").join("xlsx_import");
    std::fs::create_dir_all(&out).expect("the corpus folder");
    let actor = Actor::system();
    for kind in Kind::ALL.into_iter().filter(|k| k.importable()) {
        let template = exchange::template(&db, &actor, kind).await.expect("a template");
        std::fs::write(out.join(format!("template-{}.xlsx", kind.code())), template).expect("write");
        let export = exchange::export(&cx, &actor, ExportFilter::unfiltered(kind), 100_000, &Silent).await.expect("an export");
        if export.rows > 0 {
            std::fs::write(out.join(format!("demo-{}.xlsx", kind.code())), first_rows(&export.bytes, 3)).expect("write");
        }
    }
}
