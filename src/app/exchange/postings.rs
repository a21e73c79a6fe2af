//! Job postings (用工信息): an enterprise's posts, named by the enterprise's
//! name or credit code.

use std::collections::HashMap;
use std::io::{Read, Seek};
use std::sync::Arc;

use super::{
    Checker, Column, EnterpriseIndex, ImportOptions, ImportReport, Outcome, Problems, Progress, Row, Sheet, export_pages, in_scope, read, township_names,
};
use crate::app::clock::{WorkContext, date_text, parse_date};
use crate::app::employment as uc;
use crate::app::{Actor, snapshot};
use crate::domain::employment::PostingStatus;
use crate::error::AppError;
use crate::report::xlsx::Cell;
use crate::store::audit;
use crate::store::employment::{self as repo, JobPosting, PostingFields, PostingFilter};

pub(super) const COLUMNS: &[Column] = &[
    Column::required("招聘企业", 24.0, "{enterprise}", "企业的名称或统一社会信用代码。"),
    Column::required("岗位", 18.0, "生产线操作工", "不超过50字。"),
    Column::required("招聘人数", 8.0, "20", "1到10000之间的整数。"),
    Column::required("薪酬待遇", 12.0, "4000元/月", "不超过50字。"),
    Column::optional("招聘要求", 24.0, "18至45周岁，身体健康", "不超过1000字。"),
    Column::optional("发布日期", 12.0, "", "YYYY-MM-DD，不填为当天，不能晚于当天。"),
    Column::optional("工作地点", 14.0, "", "乡镇办的名称，不填为企业所在的乡镇办。"),
    Column::shown("已招人数", 8.0),
    Column::shown("招聘状态", 10.0),
];

fn posting_cells(p: &JobPosting) -> [Cell; 9] {
    let status = super::shown(PostingStatus::parse(&p.status).map(PostingStatus::label), &p.status);
    [
        p.enterprise_name.as_str().into(),
        p.post.as_str().into(),
        p.headcount.into(),
        p.pay.as_str().into(),
        p.requirements.as_str().into(),
        p.posted_on.as_str().into(),
        p.township_name.as_str().into(),
        p.filled.into(),
        status.into(),
    ]
}

pub(super) async fn export(cx: &WorkContext, actor: &Actor, f: PostingFilter, out: &mut Sheet<'_>) -> Result<(), AppError> {
    export_pages!(out, |req| uc::list_postings(&cx.db, actor, f.clone(), &req).await?, |p| posting_cells(p));
    Ok(())
}

struct PostingRecord {
    enterprise_id: i64,
    township_id: i64,
    post: String,
    headcount: i64,
    pay: String,
    requirements: String,
    posted_on: String,
}

struct PostingChecker {
    actor: Actor,
    today: time::Date,
    townships: HashMap<String, i64>,
    enterprises: EnterpriseIndex,
    records: Vec<PostingRecord>,
}

impl Checker for PostingChecker {
    type Record = PostingRecord;

    fn row(&mut self, r: &Row<'_>, p: &mut Problems) {
        let named = r.get("招聘企业");
        let enterprise = if named.is_empty() {
            p.push(r.number, "招聘企业", "请填写招聘企业");
            None
        } else {
            self.enterprises.find(named).map_err(|m| p.push(r.number, "招聘企业", m)).ok()
        };
        if enterprise.is_some_and(|(_, t)| !in_scope(&self.actor, t)) {
            p.push(r.number, "招聘企业", "只能导入本乡镇办企业的用工信息");
        }
        let post = r.text(p, "岗位", true, 50);
        let headcount = r.int(p, "招聘人数", 1..=10_000, None);
        let pay = r.text(p, "薪酬待遇", true, 50);
        let requirements = r.text(p, "招聘要求", false, 1000);
        let posted_on = match r.get("发布日期") {
            "" => Some(self.today),
            text => match parse_date(text) {
                Ok(d) if d > self.today => {
                    p.push(r.number, "发布日期", "发布日期不能晚于今天");
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    p.push(r.number, "发布日期", format!("日期“{text}”格式不正确，应为 YYYY-MM-DD"));
                    None
                }
            },
        };
        let township = r.named(p, "工作地点", "乡镇办", &self.townships, false);
        if let (Some((enterprise_id, home)), Some(headcount), Some(posted_on), false) = (enterprise, headcount, posted_on, p.row_is_bad(r.number)) {
            self.records.push(PostingRecord {
                enterprise_id,
                township_id: township.unwrap_or(home),
                post,
                headcount,
                pay,
                requirements,
                posted_on: date_text(posted_on),
            });
        }
    }

    fn finish(self, _: &mut Problems) -> Vec<PostingRecord> {
        self.records
    }
}

/// Imports job postings in one transaction, each audited as a publication.
pub(super) async fn import<R: Read + Seek + Send + 'static>(
    cx: &WorkContext,
    actor: &Actor,
    source: R,
    options: &ImportOptions,
    progress: Arc<dyn Progress>,
) -> Result<ImportReport, AppError> {
    let checker = PostingChecker {
        actor: actor.clone(),
        today: cx.today(),
        townships: township_names(&cx.db).await?,
        enterprises: EnterpriseIndex::load(&cx.db).await?,
        records: Vec::new(),
    };
    let mut checked = read(super::Kind::JobPostings, source, checker, options, progress.clone()).await?;
    if let Some(report) = checked.refusal(options) {
        return Ok(report);
    }
    let records = std::mem::take(&mut checked.records);
    match store(cx, actor, &records, progress.as_ref()).await {
        Ok(n) => Ok(checked.report(Outcome::Imported, n)),
        Err(e) => checked.refused_by(e, |_| 0),
    }
}

async fn store(cx: &WorkContext, actor: &Actor, records: &[PostingRecord], progress: &dyn Progress) -> Result<usize, AppError> {
    progress.stage("写入", records.len() as u64);
    let at = cx.now_text();
    let by = (actor.user_id > 0).then_some(actor.user_id);
    let mut tx = cx.db.begin_write().await?;
    for r in records {
        let fields = PostingFields {
            enterprise_id: r.enterprise_id,
            township_id: r.township_id,
            post: &r.post,
            headcount: r.headcount,
            pay: &r.pay,
            requirements: &r.requirements,
            posted_on: &r.posted_on,
        };
        let id = repo::insert_posting(&mut tx, &fields, by, &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
        let saved = repo::find_posting(&mut tx, id).await?.ok_or(AppError::NotFound("用工信息"))?;
        let mut entry = actor.audit("create", "job_posting", Some(id));
        entry.after = snapshot(&saved);
        audit::append(&mut tx, &entry).await?;
        progress.advance(1);
    }
    tx.commit().await?;
    progress.finish();
    Ok(records.len())
}
