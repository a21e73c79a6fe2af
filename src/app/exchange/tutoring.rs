//! Volunteers (志愿者) and the children they help (帮扶对象): subjects and
//! grades are written as the pages show them (数学、英语; 初一) and read either
//! so or as codes and numbers.
//!
//! Phones go out in clear in an admin's export only (moving the registries
//! between systems; audited), masked in everyone else's (`app::tutoring`).

use std::collections::HashMap;
use std::io::{Read, Seek};
use std::sync::Arc;

use super::{
    Checker, Column, ImportOptions, ImportReport, Outcome, Problems, Progress, Row, Sheet, export_pages, in_scope, label_or_code, read, township_names,
};
use crate::app::Actor;
use crate::app::clock::WorkContext;
use crate::app::tutoring::{self as uc, ChildInput, VolunteerInput};
use crate::domain::tutoring::{ChildCategory, GRADES, Subject, SubjectSet, grade_label};
use crate::error::AppError;
use crate::report::xlsx::Cell;
use crate::store::tutoring::{Child, ChildFilter, Volunteer, VolunteerFilter};

const SUBJECT_NOTE: &str = "语文、数学、英语、物理、化学、生物、道德与法治、历史、地理、科学、音体美，多门用顿号或逗号分隔。";
const GRADE_NOTE: &str = "一年级至六年级、初一至初三、高一至高三，或1到12。";

pub(super) const VOLUNTEER_COLUMNS: &[Column] = &[
    Column::required("姓名", 10.0, "李晓", "不超过50字。"),
    Column::optional("学校", 16.0, "郑州大学", "不超过100字。"),
    Column::optional("电话", 16.0, "13800000001", "手机号码。"),
    Column::required("可辅导学科", 18.0, "数学、英语", SUBJECT_NOTE),
    Column::required("可辅导最低年级", 10.0, "初一", GRADE_NOTE),
    Column::required("可辅导最高年级", 10.0, "初三", GRADE_NOTE),
    Column::required("所属乡镇办", 14.0, "{township}", "乡镇办的名称。"),
    Column::required("所在村", 12.0, "王庄村", "所在的村或社区，不超过50字。"),
    Column::optional("可服务时间", 18.0, "工作日晚上、周末全天", "不超过200字。"),
    Column::optional("结对人数", 8.0, "1", "可结对的孩子数，1到5，不填为1。"),
    Column::optional("在岗", 6.0, "是", "是或否（暂停服务填否），不填为是。"),
    Column::shown("已结对", 8.0),
];

pub(super) const CHILD_COLUMNS: &[Column] = &[
    Column::required("姓名", 10.0, "王小明", "不超过50字。"),
    Column::required("年级", 8.0, "三年级", GRADE_NOTE),
    Column::required("需辅导学科", 16.0, "数学", SUBJECT_NOTE),
    Column::required("帮扶类别", 14.0, "留守儿童", "贫困家庭子女、一线人员子女、留守儿童、其他之一。"),
    Column::required("所属乡镇办", 14.0, "{township}", "乡镇办的名称。"),
    Column::required("所在村", 12.0, "王庄村", "所在的村或社区，不超过50字。"),
    Column::optional("监护人", 10.0, "王大山", "不超过50字。"),
    Column::optional("监护人电话", 16.0, "13800000002", "手机号码。"),
    Column::shown("结对志愿者", 10.0),
];

fn subject_labels(codes: &str) -> String {
    SubjectSet::parse([codes]).map(SubjectSet::labels).unwrap_or_else(|_| codes.to_string())
}

fn volunteer_cells(v: &Volunteer) -> [Cell; 12] {
    [
        v.name.as_str().into(),
        v.school.as_str().into(),
        v.phone.as_str().into(),
        subject_labels(&v.subjects).into(),
        grade_label(v.grade_min).into(),
        grade_label(v.grade_max).into(),
        v.township_name.as_str().into(),
        v.village.as_str().into(),
        v.availability.as_str().into(),
        v.capacity.into(),
        (if v.active == 1 { "是" } else { "否" }).into(),
        v.paired.into(),
    ]
}

fn child_cells(c: &Child) -> [Cell; 9] {
    let category = super::shown(ChildCategory::parse(&c.category).map(ChildCategory::label), &c.category);
    [
        c.name.as_str().into(),
        grade_label(c.grade).into(),
        subject_labels(&c.subjects).into(),
        category.into(),
        c.township_name.as_str().into(),
        c.village.as_str().into(),
        c.guardian.as_str().into(),
        c.guardian_phone.as_str().into(),
        c.volunteer_name.as_deref().into(),
    ]
}

pub(super) async fn export_volunteers(cx: &WorkContext, actor: &Actor, f: VolunteerFilter, out: &mut Sheet<'_>) -> Result<(), AppError> {
    export_pages!(out, |req| uc::export_volunteers(&cx.db, actor, f.clone(), &req).await?, |v| volunteer_cells(v));
    Ok(())
}

pub(super) async fn export_children(cx: &WorkContext, actor: &Actor, f: ChildFilter, out: &mut Sheet<'_>) -> Result<(), AppError> {
    export_pages!(out, |req| uc::export_children(&cx.db, actor, f.clone(), &req).await?, |c| child_cells(c));
    Ok(())
}

/// Subjects by label or code, as the codes the use cases take.
fn subjects(r: &Row<'_>, p: &mut Problems, header: &'static str) -> Vec<String> {
    let mut codes = Vec::new();
    for word in r.get(header).split(['、', ',', '，', ';', '；', '/', ' ']).map(str::trim).filter(|w| !w.is_empty()) {
        match label_or_code(word, &Subject::ALL, Subject::code, Subject::label) {
            Some(s) => codes.push(s.code().to_string()),
            None => p.push(r.number, header, format!("未知的学科“{word}”")),
        }
    }
    if codes.is_empty() && !p.row_is_bad(r.number) {
        p.push(r.number, header, "请至少填写一门学科");
    }
    codes
}

/// A grade by label (初一) or number (7).
fn grade(r: &Row<'_>, p: &mut Problems, header: &'static str) -> Option<i64> {
    let text = r.get(header);
    if text.is_empty() {
        p.push(r.number, header, format!("请填写{header}"));
        return None;
    }
    let found = text.parse::<i64>().ok().filter(|g| GRADES.contains(g)).or_else(|| GRADES.into_iter().find(|g| grade_label(*g) == text));
    if found.is_none() {
        p.push(r.number, header, format!("{header}“{text}”不正确，应为一年级至六年级、初一至初三、高一至高三，或1到12"));
    }
    found
}

fn township(actor: &Actor, townships: &HashMap<String, i64>, r: &Row<'_>, p: &mut Problems) -> Option<i64> {
    let township_id = r.named(p, "所属乡镇办", "乡镇办", townships, true);
    if township_id.is_some_and(|t| !in_scope(actor, t)) {
        p.push(r.number, "所属乡镇办", "只能导入本乡镇办的志愿者和帮扶对象");
    }
    township_id
}

struct VolunteerChecker {
    actor: Actor,
    townships: HashMap<String, i64>,
    records: Vec<(usize, VolunteerInput)>,
}

impl Checker for VolunteerChecker {
    type Record = (usize, VolunteerInput);

    fn row(&mut self, r: &Row<'_>, p: &mut Problems) {
        let grade_min = grade(r, p, "可辅导最低年级");
        let grade_max = grade(r, p, "可辅导最高年级");
        if let (Some(lo), Some(hi)) = (grade_min, grade_max)
            && lo > hi
        {
            p.push(r.number, "可辅导最高年级", "最高年级不能低于最低年级");
        }
        let input = VolunteerInput {
            name: r.text(p, "姓名", true, 50),
            school: r.text(p, "学校", false, 100),
            phone: r.phone(p, "电话"),
            subjects: subjects(r, p, "可辅导学科"),
            grade_min,
            grade_max,
            township_id: township(&self.actor, &self.townships, r, p),
            village: r.text(p, "所在村", true, 50),
            availability: r.text(p, "可服务时间", false, 200),
            capacity: r.int(p, "结对人数", 1..=5, Some(1)),
            active: Some(r.yes_no(p, "在岗", true)),
            version: None,
        };
        if !p.row_is_bad(r.number) {
            self.records.push((r.number, input));
        }
    }

    fn finish(self, _: &mut Problems) -> Vec<(usize, VolunteerInput)> {
        self.records
    }
}

struct ChildChecker {
    actor: Actor,
    townships: HashMap<String, i64>,
    records: Vec<(usize, ChildInput)>,
}

impl Checker for ChildChecker {
    type Record = (usize, ChildInput);

    fn row(&mut self, r: &Row<'_>, p: &mut Problems) {
        let category_text = r.get("帮扶类别");
        let category = label_or_code(category_text, &ChildCategory::ALL, ChildCategory::code, ChildCategory::label);
        if category.is_none() {
            let message = if category_text.is_empty() {
                "请填写帮扶类别".to_string()
            } else {
                format!("未知的帮扶类别“{category_text}”，应为贫困家庭子女、一线人员子女、留守儿童或其他")
            };
            p.push(r.number, "帮扶类别", message);
        }
        let input = ChildInput {
            name: r.text(p, "姓名", true, 50),
            grade: grade(r, p, "年级"),
            subjects: subjects(r, p, "需辅导学科"),
            category: category.map(|c| c.code().to_string()).unwrap_or_default(),
            township_id: township(&self.actor, &self.townships, r, p),
            village: r.text(p, "所在村", true, 50),
            guardian: r.text(p, "监护人", false, 50),
            guardian_phone: r.phone(p, "监护人电话"),
            version: None,
        };
        if !p.row_is_bad(r.number) {
            self.records.push((r.number, input));
        }
    }

    fn finish(self, _: &mut Problems) -> Vec<(usize, ChildInput)> {
        self.records
    }
}

/// Imports volunteers through the registry's batch use case (one transaction,
/// an audit entry each).
pub(super) async fn import_volunteers<R: Read + Seek + Send + 'static>(
    cx: &WorkContext,
    actor: &Actor,
    source: R,
    options: &ImportOptions,
    progress: Arc<dyn Progress>,
) -> Result<ImportReport, AppError> {
    let checker = VolunteerChecker { actor: actor.clone(), townships: township_names(&cx.db).await?, records: Vec::new() };
    let mut checked = read(super::Kind::Volunteers, source, checker, options, progress.clone()).await?;
    if let Some(report) = checked.refusal(options) {
        return Ok(report);
    }
    let (rows, inputs): (Vec<usize>, Vec<VolunteerInput>) = std::mem::take(&mut checked.records).into_iter().unzip();
    progress.stage("写入", inputs.len() as u64);
    let stored = uc::create_volunteers(cx, actor, &inputs).await;
    progress.finish();
    match stored {
        Ok(created) => Ok(checked.report(Outcome::Imported, created.len())),
        Err(e) => checked.refused_by(e, |i| rows.get(i).copied().unwrap_or(0)),
    }
}

/// Imports children through the registry's batch use case.
pub(super) async fn import_children<R: Read + Seek + Send + 'static>(
    cx: &WorkContext,
    actor: &Actor,
    source: R,
    options: &ImportOptions,
    progress: Arc<dyn Progress>,
) -> Result<ImportReport, AppError> {
    let checker = ChildChecker { actor: actor.clone(), townships: township_names(&cx.db).await?, records: Vec::new() };
    let mut checked = read(super::Kind::Children, source, checker, options, progress.clone()).await?;
    if let Some(report) = checked.refusal(options) {
        return Ok(report);
    }
    let (rows, inputs): (Vec<usize>, Vec<ChildInput>) = std::mem::take(&mut checked.records).into_iter().unzip();
    progress.stage("写入", inputs.len() as u64);
    let stored = uc::create_children(cx, actor, &inputs).await;
    progress.finish();
    match stored {
        Ok(created) => Ok(checked.report(Outcome::Imported, created.len())),
        Err(e) => checked.refused_by(e, |i| rows.get(i).copied().unwrap_or(0)),
    }
}
