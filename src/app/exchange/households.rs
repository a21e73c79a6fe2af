//! Poor households (贫困户): one row per member, the rows of a household joined
//! by its number in the file (户编号); the household's own columns are read
//! from its first row.
//!
//! Members' ID numbers go out masked (4109**********1234), to everyone: no
//! export carries them in clear. A masked number read back is refused, since
//! it cannot be stored; the import takes whole numbers only.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::{Read, Seek};
use std::sync::Arc;

use super::{Checker, Column, ImportOptions, ImportReport, Outcome, Problems, Progress, Row, Sheet, in_scope, label_or_code, read, township_names};
use crate::app::Actor;
use crate::app::clock::WorkContext;
use crate::app::employment::{self as uc, HouseholdInput, MemberInput};
use crate::domain::employment::EmploymentStatus;
use crate::domain::id_number::{IdNumber, is_masked_id_number};
use crate::error::AppError;
use crate::report::xlsx::Cell;
use crate::store::employment::{self as repo, Household, HouseholdFilter, Member};

pub(super) const COLUMNS: &[Column] = &[
    Column::required("户编号", 8.0, "1", "同一户的成员填相同的编号，每名成员一行；户主、乡镇办、村等户的信息填在该户第一行，其余行可不填。"),
    Column::required("户主姓名", 10.0, "王大山", "不超过20字。"),
    Column::required("所属乡镇办", 14.0, "{township}", "乡镇办的名称。"),
    Column::required("所在村", 12.0, "王庄村", "不超过50字。"),
    Column::optional("住址", 24.0, "王庄村三组", "不超过200字。"),
    Column::optional("备注", 20.0, "", "不超过1000字。"),
    Column::required("成员姓名", 10.0, "王大山", "每名家庭成员一行（户主也是成员），每户最多20人。"),
    Column::optional("与户主关系", 10.0, "户主", "如户主、配偶、子女，不超过10字。"),
    Column::optional(
        "身份证号",
        20.0,
        "",
        "成员的18位居民身份证号（最后一位可为X），加密保存。导出文件中的身份证号只显示前4位和后4位，不能原样导回，请填写完整号码。",
    ),
    Column::optional("有劳动能力", 10.0, "是", "是或否，不填为否。"),
    Column::optional("就业状态", 10.0, "未就业", "未就业或已就业，不填为未就业。"),
    Column::optional("就业情况", 20.0, "", "在哪里就业，不超过100字。"),
];

/// The columns of the household, as opposed to the member.
const HOUSEHOLD_HEADERS: [&str; 5] = ["户主姓名", "所属乡镇办", "所在村", "住址", "备注"];

fn member_cells(h: &Household, m: Option<&Member>) -> [Cell; 12] {
    let employment = m.and_then(|m| EmploymentStatus::parse(&m.employment)).map(EmploymentStatus::label);
    [
        h.id.into(),
        h.head_name.as_str().into(),
        h.township_name.as_str().into(),
        h.village.as_str().into(),
        h.address.as_str().into(),
        h.notes.as_str().into(),
        m.map(|m| m.name.as_str()).into(),
        m.map(|m| m.relation.as_str()).into(),
        m.map(|m| m.id_number.as_str()).into(),
        m.map(|m| if m.labour_capable == 1 { "是" } else { "否" }).into(),
        employment.into(),
        m.map(|m| m.employment_note.as_str()).into(),
    ]
}

pub(super) async fn export(cx: &WorkContext, actor: &Actor, f: HouseholdFilter, out: &mut Sheet<'_>) -> Result<(), AppError> {
    let mut n = 1;
    loop {
        let req = crate::store::PageRequest { page: Some(n), per_page: Some(crate::store::PageRequest::MAX_PER_PAGE) };
        let page = uc::list_households(&cx.db, actor, f.clone(), &req).await?;
        out.expect(page.total)?;
        let ids: Vec<i64> = page.items.iter().map(|h| h.id).collect();
        let mut conn = cx.db.pool().acquire().await?;
        let mut members: HashMap<i64, Vec<Member>> = HashMap::new();
        for mut m in repo::members_of(&mut conn, &ids).await? {
            m.id_number = cx.db.present_id_number(m.id_number_enc.as_deref(), false)?;
            members.entry(m.household_id).or_default().push(m);
        }
        drop(conn);
        for h in &page.items {
            match members.get(&h.id).map(Vec::as_slice) {
                Some(list) if !list.is_empty() => {
                    for m in list {
                        out.push(&member_cells(h, Some(m)))?;
                    }
                }
                _ => out.push(&member_cells(h, None))?,
            }
        }
        if n >= page.pages() || page.items.is_empty() {
            return Ok(());
        }
        n += 1;
    }
}

/// A household as the file gives it, with the rows it came from.
struct Group {
    rows: Vec<usize>,
    household: [String; 5],
    input: HouseholdInput,
}

struct HouseholdChecker {
    actor: Actor,
    townships: HashMap<String, i64>,
    groups: Vec<Group>,
    by_number: HashMap<String, usize>,
    /// the row of each ID number, to name a number given twice
    id_numbers: HashMap<String, usize>,
}

impl HouseholdChecker {
    fn id_number(&mut self, r: &Row<'_>, p: &mut Problems) -> Option<String> {
        let text = r.get("身份证号");
        if text.is_empty() {
            return None;
        }
        if is_masked_id_number(text) {
            p.push(r.number, "身份证号", "身份证号已脱敏（只显示前4位和后4位），不能导入；请填写完整的18位号码");
            return None;
        }
        let id = IdNumber::parse(text).map_err(|e| p.push(r.number, "身份证号", e.to_string())).ok()?;
        match self.id_numbers.entry(id.as_str().to_string()) {
            Entry::Occupied(first) => {
                p.push(r.number, "身份证号", format!("与第{}行的身份证号重复", first.get()));
                None
            }
            Entry::Vacant(v) => {
                v.insert(r.number);
                Some(id.as_str().to_string())
            }
        }
    }
}

const MAX_MEMBERS: usize = 20;

impl Checker for HouseholdChecker {
    type Record = (Vec<usize>, HouseholdInput);

    fn row(&mut self, r: &Row<'_>, p: &mut Problems) {
        let number = r.get("户编号").to_string();
        if number.is_empty() {
            p.push(r.number, "户编号", "请填写户编号（同一户的成员填相同的编号）");
            return;
        }
        let member = MemberInput {
            name: r.text(p, "成员姓名", true, 20),
            relation: r.text(p, "与户主关系", false, 10),
            labour_capable: r.yes_no(p, "有劳动能力", false),
            employment: {
                let text = r.get("就业状态");
                match label_or_code(text, &EmploymentStatus::ALL, EmploymentStatus::code, EmploymentStatus::label) {
                    Some(s) => Some(s.code().to_string()),
                    None if text.is_empty() => None,
                    None => {
                        p.push(r.number, "就业状态", format!("未知的就业状态“{text}”，应为未就业或已就业"));
                        None
                    }
                }
            },
            employment_note: r.text(p, "就业情况", false, 100),
            id_number: self.id_number(r, p),
        };
        match self.by_number.get(&number) {
            Some(&g) => {
                let group = &mut self.groups[g];
                for (i, header) in HOUSEHOLD_HEADERS.iter().enumerate() {
                    let value = r.get(header);
                    if !value.is_empty() && value != group.household[i] {
                        p.push(r.number, header, format!("与同一户（户编号{number}）第{}行的{header}不一致", group.rows[0]));
                    }
                }
                group.rows.push(r.number);
                group.input.members.push(member);
            }
            None => {
                let township_id = r.named(p, "所属乡镇办", "乡镇办", &self.townships, true);
                if township_id.is_some_and(|t| !in_scope(&self.actor, t)) {
                    p.push(r.number, "所属乡镇办", "只能导入本乡镇办的贫困户");
                }
                let input = HouseholdInput {
                    head_name: r.text(p, "户主姓名", true, 20),
                    township_id,
                    village: r.text(p, "所在村", true, 50),
                    address: r.text(p, "住址", false, 200),
                    notes: r.text(p, "备注", false, 1000),
                    members: vec![member],
                };
                let household = HOUSEHOLD_HEADERS.map(|h| r.get(h).to_string());
                self.by_number.insert(number, self.groups.len());
                self.groups.push(Group { rows: vec![r.number], household, input });
            }
        }
    }

    fn finish(self, p: &mut Problems) -> Vec<(Vec<usize>, HouseholdInput)> {
        let mut out = Vec::new();
        for g in self.groups {
            if g.input.members.len() > MAX_MEMBERS {
                p.push(g.rows[MAX_MEMBERS], "成员姓名", format!("一户的家庭成员最多{MAX_MEMBERS}人"));
                continue;
            }
            if g.rows.iter().all(|r| !p.row_is_bad(*r)) {
                out.push((g.rows, g.input));
            }
        }
        out
    }
}

/// Imports households with their members through the registry's batch use
/// case: one transaction, an audit entry per household.
pub(super) async fn import<R: Read + Seek + Send + 'static>(
    cx: &WorkContext,
    actor: &Actor,
    source: R,
    options: &ImportOptions,
    progress: Arc<dyn Progress>,
) -> Result<ImportReport, AppError> {
    let checker = HouseholdChecker {
        actor: actor.clone(),
        townships: township_names(&cx.db).await?,
        groups: Vec::new(),
        by_number: HashMap::new(),
        id_numbers: HashMap::new(),
    };
    let mut checked = read(super::Kind::Households, source, checker, options, progress.clone()).await?;
    if let Some(report) = checked.refusal(options) {
        return Ok(report);
    }
    let (rows, inputs): (Vec<Vec<usize>>, Vec<HouseholdInput>) = std::mem::take(&mut checked.records).into_iter().unzip();
    progress.stage("写入", inputs.len() as u64);
    let stored = uc::create_households(&cx.db, actor, &inputs).await;
    progress.finish();
    match stored {
        Ok(ids) => Ok(checked.report(Outcome::Imported, ids.len())),
        Err(e) => checked.refused_by(e, |i| rows.get(i).map(|r| r[0]).unwrap_or(0)),
    }
}
