//! Writes an enterprise import file (企业名录) of any size for the import
//! benchmark (bench/load.sh): the columns of `zonedesk export enterprises FILE
//! --template`, one row per enterprise, every 统一社会信用代码 unique and valid
//! (its check character computed as GB 32100-2015 says).
//!
//! ```text
//! cargo run --release --example enterprises_xlsx -- OUT.xlsx [--rows 100000] [--townships 城关镇,产业集聚区,…]
//! ```
//! The townships must exist in the database the file is imported into.

use std::path::PathBuf;

use anyhow::{Context, bail};
use rust_xlsxwriter::Workbook;
use zonedesk::domain::CreditCode;

const HEADERS: [&str; 9] = ["企业名称", "统一社会信用代码", "企业类型", "所属乡镇办", "所属行业", "地址", "联系人", "联系电话", "职工人数"];
const KINDS: [&str; 5] = ["工业企业", "外贸企业", "商贸服务业", "建筑房地产", "农业"];
const INDUSTRIES: [&str; 8] = ["电子信息", "食品加工", "纺织服装", "装备制造", "新材料", "物流", "批发零售", "建筑施工"];
const TRADE_NAMES: [&str; 12] = ["恒丰", "雪汇", "华信", "宏达", "金源", "瑞德", "新天", "鑫盛", "东方", "永安", "嘉禾", "中原"];
const SUFFIXES: [&str; 6] = ["电子有限公司", "食品有限公司", "实业有限公司", "贸易有限公司", "建设工程有限公司", "农业专业合作社"];
const SURNAMES: [&str; 10] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
/// The characters of a credit code (GB 32100-2015: no I, O, Z, S, V).
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const DEFAULT_TOWNSHIPS: &str = "城关镇,产业集聚区,东城办,西城办,南湖乡,北山乡,青龙镇,白马镇,柳河乡,新华办";

struct Args {
    out: PathBuf,
    rows: usize,
    townships: Vec<String>,
}

fn args() -> anyhow::Result<Args> {
    let mut out = None;
    let mut rows = 100_000usize;
    let mut townships = DEFAULT_TOWNSHIPS.to_string();
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rows" => rows = it.next().context("--rows N")?.parse().context("--rows takes a number")?,
            "--townships" => townships = it.next().context("--townships A,B,…")?,
            "-h" | "--help" => bail!("usage: enterprises_xlsx OUT.xlsx [--rows N] [--townships A,B,…]"),
            other if out.is_none() => out = Some(PathBuf::from(other)),
            other => bail!("unexpected argument {other}"),
        }
    }
    let townships: Vec<String> = townships.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect();
    if townships.is_empty() {
        bail!("--townships names none");
    }
    Ok(Args { out: out.context("usage: enterprises_xlsx OUT.xlsx [--rows N] [--townships A,B,…]")?, rows, townships })
}

/// The i-th code: region 410100, then the organisation code as i in base 31
/// (so no two rows share one), then the check character.
fn credit_code(i: usize) -> anyhow::Result<String> {
    let mut org = [b'0'; 9];
    let mut n = i;
    for slot in org.iter_mut().rev() {
        *slot = ALPHABET[n % ALPHABET.len()];
        n /= ALPHABET.len();
    }
    let body = format!("91410100{}", std::str::from_utf8(&org)?);
    Ok(CreditCode::with_check_character(&body).with_context(|| format!("bad body {body}"))?.as_str().to_string())
}

fn main() -> anyhow::Result<()> {
    let a = args()?;
    let started = std::time::Instant::now();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name("企业名录")?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for i in 0..a.rows {
        let r = i as u32 + 1;
        // a cheap fixed mix of the index, so neighbouring rows differ
        let h = i.wrapping_mul(2_654_435_761) >> 7;
        let kind = KINDS[h % KINDS.len()];
        let name = format!("{}{}{}", TRADE_NAMES[h % TRADE_NAMES.len()], i + 1, SUFFIXES[(h / 7) % SUFFIXES.len()]);
        let township = &a.townships[i % a.townships.len()];
        sheet.write_string(r, 0, &name)?;
        sheet.write_string(r, 1, credit_code(i)?)?;
        sheet.write_string(r, 2, kind)?;
        sheet.write_string(r, 3, township)?;
        sheet.write_string(r, 4, INDUSTRIES[(h / 3) % INDUSTRIES.len()])?;
        sheet.write_string(r, 5, format!("{township}工业路{}号", i % 500 + 1))?;
        sheet.write_string(r, 6, format!("{}经理", SURNAMES[(h / 11) % SURNAMES.len()]))?;
        sheet.write_string(r, 7, format!("0393-{:07}", 8_000_000 + i % 2_000_000))?;
        sheet.write_number(r, 8, (10 + h % 1990) as f64)?;
    }
    workbook.save(&a.out).with_context(|| format!("cannot write {}", a.out.display()))?;
    println!("wrote {} enterprises to {} in {:.1}s", a.rows, a.out.display(), started.elapsed().as_secs_f64());
    Ok(())
}
