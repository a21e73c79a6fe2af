//! Enterprises (企业名录) and cadres (干部名录): their columns, export rows,
//! and import — enterprises in batches, for files of a whole province.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek};
use std::sync::Arc;

use super::{
    Checker, Column, ImportOptions, ImportReport, Outcome, Problems, Progress, Row, Sheet, export_pages, in_scope, label_or_code, read, township_names,
};
use crate::app::clock::WorkContext;
use crate::app::registry as uc;
use crate::app::{Actor, snapshot};
use crate::domain::{EnterpriseFields, EnterpriseInput, EnterpriseKind};
use crate::error::AppError;
use crate::report::xlsx::Cell;
use crate::store::registry::{self as repo, Cadre, Enterprise, EnterpriseFilter};
use crate::store::{audit, exchange as xrepo};

pub(super) const ENTERPRISE_COLUMNS: &[Column] = &[
    Column::required("企业名称", 28.0, "示例电子有限公司", "企业的登记名称，不超过100字。"),
    Column::required("统一社会信用代码", 22.0, "91350100M000100Y43", "18位，按GB 32100-2015校验末位；不能与已登记的企业或本文件的其他行重复。"),
    Column::required("企业类型", 12.0, "外贸企业", "工业企业、外贸企业、商贸服务业、建筑房地产、农业之一。"),
    Column::required("所属乡镇办", 14.0, "{township}", "乡镇办的名称。"),
    Column::optional("所属行业", 14.0, "电子信息", "不超过50字。"),
    Column::optional("地址", 30.0, "产业集聚区纬五路8号", "不超过200字。"),
    Column::optional("联系人", 10.0, "李经理", "不超过50字。"),
    Column::optional("联系电话", 16.0, "0393-8888888", "座机或手机号码。"),
    Column::optional("职工人数", 10.0, "320", "0到1000000之间的整数，不填为0。"),
    Column::shown("首席服务员", 12.0),
];

pub(super) const CADRE_COLUMNS: &[Column] = &[
    Column::required("姓名", 10.0, "张明", "不超过30字。"),
    Column::optional("职级", 10.0, "正科级", "如正科级、副科级，不超过20字。"),
    Column::optional("所在部门", 18.0, "{department}", "职能部门的名称，可不填。"),
    Column::optional("电话", 16.0, "13800000000", "座机或手机号码。"),
    Column::shown("服务企业数", 10.0),
];

/// 工业企业, 外贸企业, … (the words of the enterprise list).
pub(super) fn kind_label(kind: EnterpriseKind) -> &'static str {
    match kind {
        EnterpriseKind::Industrial => "工业企业",
        EnterpriseKind::ForeignTrade => "外贸企业",
        EnterpriseKind::CommerceService => "商贸服务业",
        EnterpriseKind::ConstructionRealEstate => "建筑房地产",
        EnterpriseKind::Agriculture => "农业",
    }
}

fn enterprise_cells(e: &Enterprise) -> [Cell; 10] {
    [
        e.name.as_str().into(),
        e.credit_code.as_str().into(),
        kind_label(e.kind.0).into(),
        e.township_name.as_str().into(),
        e.industry.as_str().into(),
        e.address.as_str().into(),
        e.contact_name.as_str().into(),
        e.contact_phone.as_str().into(),
        e.headcount.into(),
        e.officer_name.as_deref().into(),
    ]
}

fn cadre_cells(c: &Cadre) -> [Cell; 5] {
    [c.name.as_str().into(), c.rank.as_str().into(), c.department_name.as_deref().into(), c.phone.as_str().into(), c.enterprise_count.into()]
}

pub(super) async fn export_enterprises(cx: &WorkContext, actor: &Actor, f: EnterpriseFilter, out: &mut Sheet<'_>) -> Result<(), AppError> {
    export_pages!(out, |req| uc::list_enterprises(&cx.db, actor, f.clone(), &req).await?, |e| enterprise_cells(e));
    Ok(())
}

pub(super) async fn export_cadres(cx: &WorkContext, actor: &Actor, department_id: Option<i64>, out: &mut Sheet<'_>) -> Result<(), AppError> {
    export_pages!(out, |req| uc::list_cadres(&cx.db, actor, department_id, &req).await?, |c| cadre_cells(c));
    Ok(())
}

// ---- importing enterprises ---------------------------------------------------------

struct EnterpriseChecker {
    actor: Actor,
    townships: HashMap<String, i64>,
    /// credit codes already registered
    registered: HashSet<String>,
    /// credit codes of this file, with the row that first gave each
    seen: HashMap<String, usize>,
    records: Vec<EnterpriseFields>,
}

fn enterprise_column(field: &str) -> &'static str {
    match field {
        "name" => "企业名称",
        "credit_code" => "统一社会信用代码",
        "kind" => "企业类型",
        "township_id" => "所属乡镇办",
        "industry" => "所属行业",
        "address" => "地址",
        "contact_name" => "联系人",
        "contact_phone" => "联系电话",
        "headcount" => "职工人数",
        _ => "",
    }
}

impl Checker for EnterpriseChecker {
    type Record = EnterpriseFields;

    fn row(&mut self, r: &Row<'_>, p: &mut Problems) {
        let township = r.named(p, "所属乡镇办", "乡镇办", &self.townships, true);
        if township.is_some_and(|t| !in_scope(&self.actor, t)) {
            p.push(r.number, "所属乡镇办", "只能导入本乡镇办的企业");
        }
        let kind_text = r.get("企业类型");
        let kind = label_or_code(kind_text, &EnterpriseKind::ALL, EnterpriseKind::code, kind_label);
        if kind.is_none() {
            let message = if kind_text.is_empty() {
                "请填写企业类型".to_string()
            } else {
                format!("未知的企业类型“{kind_text}”，应为工业企业、外贸企业、商贸服务业、建筑房地产或农业")
            };
            p.push(r.number, "企业类型", message);
        }
        let headcount = r.int(p, "职工人数", 0..=1_000_000, Some(0));
        // what is checked above is given valid stand-ins, so that the
        // registry's own check reports only the rest
        let input = EnterpriseInput {
            name: r.get("企业名称").to_string(),
            credit_code: r.get("统一社会信用代码").to_string(),
            industry: r.get("所属行业").to_string(),
            kind: kind.unwrap_or(EnterpriseKind::Industrial).code().to_string(),
            township_id: township.unwrap_or(1),
            address: r.get("地址").to_string(),
            contact_name: r.get("联系人").to_string(),
            contact_phone: r.get("联系电话").to_string(),
            headcount: headcount.unwrap_or(0),
        };
        match input.parse() {
            Err(errors) => r.field_errors(p, &errors, enterprise_column),
            Ok(fields) => {
                let code = fields.credit_code.as_str().to_string();
                if self.registered.contains(&code) {
                    p.push(r.number, "统一社会信用代码", format!("统一社会信用代码{code}已登记"));
                } else if let Some(first) = self.seen.get(&code) {
                    p.push(r.number, "统一社会信用代码", format!("与第{first}行的统一社会信用代码重复"));
                } else {
                    self.seen.insert(code, r.number);
                }
                if !p.row_is_bad(r.number) {
                    self.records.push(fields);
                }
            }
        }
    }

    fn finish(self, _: &mut Problems) -> Vec<EnterpriseFields> {
        self.records
    }
}

/// Imports enterprises: checked in full first, then inserted in batches in one
/// transaction, with one audit entry for the import (naming the count and the
/// ids) rather than one per enterprise, so that 100,000 rows take seconds.
pub(super) async fn import_enterprises<R: Read + Seek + Send + 'static>(
    cx: &WorkContext,
    actor: &Actor,
    source: R,
    options: &ImportOptions,
    progress: Arc<dyn Progress>,
) -> Result<ImportReport, AppError> {
    let registered = xrepo::enterprise_keys(&cx.db).await?.into_iter().map(|e| e.credit_code).collect();
    let checker = EnterpriseChecker { actor: actor.clone(), townships: township_names(&cx.db).await?, registered, seen: HashMap::new(), records: Vec::new() };
    let mut checked = read(super::Kind::Enterprises, source, checker, options, progress.clone()).await?;
    if let Some(report) = checked.refusal(options) {
        return Ok(report);
    }
    let records = std::mem::take(&mut checked.records);
    match store_enterprises(cx, actor, &records, progress.as_ref()).await {
        Ok(n) => Ok(checked.report(Outcome::Imported, n)),
        Err(e) => checked.refused_by(e, |_| 0),
    }
}

async fn store_enterprises(cx: &WorkContext, actor: &Actor, records: &[EnterpriseFields], progress: &dyn Progress) -> Result<usize, AppError> {
    const UNIQUE: &[(&str, &str, &str)] = &[("credit_code", "统一社会信用代码", "有统一社会信用代码已被他人登记，请重新导入")];
    progress.stage("写入", records.len() as u64);
    let at = crate::store::now();
    let mut tx = cx.db.begin_write().await?;
    let mut ids = (i64::MAX, i64::MIN);
    for batch in records.chunks(xrepo::ENTERPRISE_BATCH) {
        let new = xrepo::insert_enterprises(&mut tx, batch, &at).await.map_err(|e| AppError::from_store(e, UNIQUE, ""))?;
        for id in new {
            ids = (ids.0.min(id), ids.1.max(id));
        }
        progress.advance(batch.len() as u64);
    }
    let mut entry = actor.audit("import", "enterprise", None);
    entry.after = Some(serde_json::json!({"count": records.len(), "first_id": ids.0, "last_id": ids.1}));
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    progress.finish();
    Ok(records.len())
}

// ---- importing cadres ----------------------------------------------------------------

struct CadreRecord {
    name: String,
    rank: String,
    department_id: Option<i64>,
    phone: String,
}

struct CadreChecker {
    departments: HashMap<String, i64>,
    records: Vec<CadreRecord>,
}

impl Checker for CadreChecker {
    type Record = CadreRecord;

    fn row(&mut self, r: &Row<'_>, p: &mut Problems) {
        let name = r.text(p, "姓名", true, 30);
        let rank = r.text(p, "职级", false, 20);
        let phone = r.phone(p, "电话");
        let department_id = r.named(p, "所在部门", "职能部门", &self.departments, false);
        if !p.row_is_bad(r.number) {
            self.records.push(CadreRecord { name, rank, department_id, phone });
        }
    }

    fn finish(self, _: &mut Problems) -> Vec<CadreRecord> {
        self.records
    }
}

/// Imports cadres (admin only, as registering one), each audited as a creation.
pub(super) async fn import_cadres<R: Read + Seek + Send + 'static>(
    cx: &WorkContext,
    actor: &Actor,
    source: R,
    options: &ImportOptions,
    progress: Arc<dyn Progress>,
) -> Result<ImportReport, AppError> {
    let departments = repo::list_departments(&cx.db).await?.into_iter().map(|d| (d.name, d.id)).collect();
    let mut checked = read(super::Kind::Cadres, source, CadreChecker { departments, records: Vec::new() }, options, progress.clone()).await?;
    if let Some(report) = checked.refusal(options) {
        return Ok(report);
    }
    let records = std::mem::take(&mut checked.records);
    match store_cadres(cx, actor, &records, progress.as_ref()).await {
        Ok(n) => Ok(checked.report(Outcome::Imported, n)),
        Err(e) => checked.refused_by(e, |_| 0),
    }
}

async fn store_cadres(cx: &WorkContext, actor: &Actor, records: &[CadreRecord], progress: &dyn Progress) -> Result<usize, AppError> {
    progress.stage("写入", records.len() as u64);
    let mut tx = cx.db.begin_write().await?;
    for c in records {
        let id = repo::insert_cadre(&mut tx, &c.name, &c.rank, c.department_id, &c.phone).await.map_err(|e| AppError::from_store(e, &[], ""))?;
        let created = repo::find_cadre(&mut tx, id).await?.ok_or(AppError::NotFound("干部"))?;
        let mut entry = actor.audit("create", "cadre", Some(id));
        entry.after = snapshot(&created);
        audit::append(&mut tx, &entry).await?;
        progress.advance(1);
    }
    tx.commit().await?;
    progress.finish();
    Ok(records.len())
}
