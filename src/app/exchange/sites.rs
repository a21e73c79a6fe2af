//! Inspection sites (检查点位): a township's residential communities, villages,
//! supermarkets and the like; an enterprise's premises name the enterprise.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek};
use std::sync::Arc;

use super::{
    Checker, Column, EnterpriseIndex, ImportOptions, ImportReport, Outcome, Problems, Progress, Row, Sheet, export_pages, in_scope, label_or_code, read,
    township_names,
};
use crate::app::Actor;
use crate::app::clock::WorkContext;
use crate::app::inspection::{self as uc, SiteInput};
use crate::domain::inspection::SiteKind;
use crate::error::AppError;
use crate::report::xlsx::Cell;
use crate::store::exchange as xrepo;
use crate::store::inspection::{Site, SiteFilter};

pub(super) const COLUMNS: &[Column] = &[
    Column::required("点位名称", 24.0, "幸福小区", "不超过100字；同一乡镇办内不能重名。"),
    Column::required("点位类型", 10.0, "小区", "小区、村庄、商超、企业、河道坑塘、道路、其他之一。"),
    Column::required("所属乡镇办", 14.0, "{township}", "乡镇办的名称。"),
    Column::optional("地址", 24.0, "幸福路12号", "不超过200字。"),
    Column::optional("所属企业", 24.0, "", "点位是企业厂区时，填该企业的名称或统一社会信用代码。"),
    Column::shown("检查次数", 8.0),
];

fn site_cells(s: &Site) -> [Cell; 6] {
    let kind = super::shown(SiteKind::parse(&s.kind).map(SiteKind::label), &s.kind);
    [s.name.as_str().into(), kind.into(), s.township_name.as_str().into(), s.address.as_str().into(), s.enterprise_name.as_deref().into(), s.inspections.into()]
}

pub(super) async fn export(cx: &WorkContext, actor: &Actor, f: SiteFilter, out: &mut Sheet<'_>) -> Result<(), AppError> {
    export_pages!(out, |req| uc::list_sites(&cx.db, actor, f.clone(), &req).await?, |s| site_cells(s));
    Ok(())
}

struct SiteChecker {
    actor: Actor,
    townships: HashMap<String, i64>,
    enterprises: EnterpriseIndex,
    /// (township, name) of the sites registered
    registered: HashSet<(i64, String)>,
    /// (township, name) of this file's rows, with the first row of each
    seen: HashMap<(i64, String), usize>,
    records: Vec<(usize, SiteInput)>,
}

impl Checker for SiteChecker {
    type Record = (usize, SiteInput);

    fn row(&mut self, r: &Row<'_>, p: &mut Problems) {
        let name = r.text(p, "点位名称", true, 100);
        let kind_text = r.get("点位类型");
        let kind = label_or_code(kind_text, &SiteKind::ALL, SiteKind::code, SiteKind::label);
        if kind.is_none() {
            let message = if kind_text.is_empty() {
                "请填写点位类型".to_string()
            } else {
                format!("未知的点位类型“{kind_text}”，应为小区、村庄、商超、企业、河道坑塘、道路或其他")
            };
            p.push(r.number, "点位类型", message);
        }
        let township_id = r.named(p, "所属乡镇办", "乡镇办", &self.townships, true);
        if township_id.is_some_and(|t| !in_scope(&self.actor, t)) {
            p.push(r.number, "所属乡镇办", "只能导入本乡镇办的点位");
        }
        let enterprise = r.get("所属企业");
        let enterprise_id = if enterprise.is_empty() {
            None
        } else {
            self.enterprises.find(enterprise).map(|(id, _)| id).map_err(|message| p.push(r.number, "所属企业", message)).ok()
        };
        if let Some(t) = township_id
            && !name.is_empty()
        {
            let key = (t, name.clone());
            if self.registered.contains(&key) {
                p.push(r.number, "点位名称", "本乡镇办已有同名点位");
            } else if let Some(first) = self.seen.get(&key) {
                p.push(r.number, "点位名称", format!("与第{first}行是同一乡镇办的同名点位"));
            } else {
                self.seen.insert(key, r.number);
            }
        }
        if !p.row_is_bad(r.number) {
            let kind = kind.map(|k| k.code().to_string()).unwrap_or_default();
            self.records.push((r.number, SiteInput { kind, township_id, name, address: r.text(p, "地址", false, 200), enterprise_id }));
        } else {
            r.text(p, "地址", false, 200);
        }
    }

    fn finish(self, _: &mut Problems) -> Vec<(usize, SiteInput)> {
        self.records
    }
}

/// Imports sites through the registry's batch use case (one transaction).
pub(super) async fn import<R: Read + Seek + Send + 'static>(
    cx: &WorkContext,
    actor: &Actor,
    source: R,
    options: &ImportOptions,
    progress: Arc<dyn Progress>,
) -> Result<ImportReport, AppError> {
    let checker = SiteChecker {
        actor: actor.clone(),
        townships: township_names(&cx.db).await?,
        enterprises: EnterpriseIndex::load(&cx.db).await?,
        registered: xrepo::site_keys(&cx.db).await?.into_iter().collect(),
        seen: HashMap::new(),
        records: Vec::new(),
    };
    let mut checked = read(super::Kind::Sites, source, checker, options, progress.clone()).await?;
    if let Some(report) = checked.refusal(options) {
        return Ok(report);
    }
    let (rows, inputs): (Vec<usize>, Vec<SiteInput>) = std::mem::take(&mut checked.records).into_iter().unzip();
    progress.stage("写入", inputs.len() as u64);
    let stored = uc::create_sites(&cx.db, actor, &inputs).await;
    progress.finish();
    match stored {
        Ok(ids) => Ok(checked.report(Outcome::Imported, ids.len())),
        Err(e) => checked.refused_by(e, |i| rows.get(i).copied().unwrap_or(0)),
    }
}
