//! The daily briefing (通报): Chinese text in the newspaper's register, every
//! figure computed from the data as of the end of the chosen day, e.g.
//! "至3月19日，开发区共组织志愿者746人，发出倡议书2.3万份……发现并交办问题264个".
//! Sections follow the capabilities; one without data says so.

use std::sync::Arc;

use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

use super::number::{count, month_day, percent};
use crate::app::clock::{LOCAL, WorkContext, date_text};
use crate::app::{Actor, employment, inspection, isolation, rates, resumption, tutoring};
use crate::domain::inspection::TallyKind;
use crate::domain::{Role, WorkCalendar};
use crate::error::AppError;
use crate::store::{Db, PageRequest, registry, resumption as res_store, workorder};

/// One section: a heading and its paragraphs.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
}

/// The briefing of a day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Briefing {
    /// YYYY-MM-DD
    pub date: String,
    pub title: String,
    pub sections: Vec<Section>,
    /// the whole text, sections separated by blank lines
    pub text: String,
}

/// Writes the briefing of `day` (leaders and administrators; the CLI acts as the system).
///
/// # Errors
/// `Forbidden` for other roles; a database failure.
pub async fn briefing(db: &Db, actor: &Actor, day: Date) -> Result<Briefing, AppError> {
    actor.require(&[Role::Admin, Role::Leader])?;
    // the day as it ended: limits and "overdue" as they stood that evening
    let end = day.next_day().unwrap_or(day).midnight().assume_offset(LOCAL) - time::Duration::seconds(1);
    let cx = WorkContext { db: db.clone(), calendar: Arc::new(WorkCalendar::shipped()), now: end.to_offset(time::UtcOffset::UTC) };
    let at = format!("至{}", month_day(day));
    let sections = vec![
        resumption_section(&cx, actor, day, &at).await?,
        officers_section(db, day, &at).await?,
        orders_section(&cx, actor, day, &at).await?,
        campaign_section(db, actor, day, &at).await?,
        employment_section(db, actor).await?,
        tutoring_section(db, actor).await?,
        isolation_section(db, actor).await?,
    ];
    let title = format!("开发区复工复产工作情况通报（{}年{}）", day.year(), month_day(day));
    let text =
        std::iter::once(title.clone()).chain(sections.iter().map(|s| format!("{}\n{}", s.heading, s.paragraphs.join("\n")))).collect::<Vec<_>>().join("\n\n");
    Ok(Briefing { date: date_text(day), title, sections, text })
}

/// The briefing as a Word document (.docx), as offices pass it on.
///
/// # Errors
/// Only if the document cannot be packed (it always can for text).
pub fn to_docx(b: &Briefing) -> Result<Vec<u8>, AppError> {
    use docx_rs::{AlignmentType, Docx, Paragraph, Run, RunFonts};
    let font = || RunFonts::new().east_asia("宋体").ascii("SimSun");
    let mut doc = Docx::new().add_paragraph(
        Paragraph::new().align(AlignmentType::Center).add_run(Run::new().add_text(&b.title).bold().size(36).fonts(RunFonts::new().east_asia("黑体"))),
    );
    for s in &b.sections {
        doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(&s.heading).bold().size(32).fonts(RunFonts::new().east_asia("黑体"))));
        for p in &s.paragraphs {
            doc = doc.add_paragraph(
                Paragraph::new()
                    .indent(None, Some(docx_rs::SpecialIndentType::FirstLine(640)), None, None)
                    .add_run(Run::new().add_text(p).size(32).fonts(font())),
            );
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| AppError::Internal(format!("docx: {e}")))?;
    Ok(out.into_inner())
}

fn section(heading: &str, paragraphs: Vec<String>) -> Section {
    let paragraphs = if paragraphs.is_empty() { vec!["截至当日暂无相关数据。".to_string()] } else { paragraphs };
    Section { heading: heading.to_string(), paragraphs }
}

async fn resumption_section(cx: &WorkContext, actor: &Actor, day: Date, at: &str) -> Result<Section, AppError> {
    let q = resumption::ReportQuery { from: Some(date_text(day)), to: Some(date_text(day)), ..Default::default() };
    let series = resumption::series(cx, actor, &q).await?;
    let mut p = Vec::new();
    if let Some(f) = series.days.first().filter(|f| f.known > 0) {
        p.push(format!(
            "{at}，全区{}家企业中已复工{}家，复工率{}，其中已达产{}家；已填报企业职工返岗{}人，返岗率{}。",
            count(f.enterprises),
            count(f.resumed),
            percent(f.resumption_rate()),
            count(f.full_production),
            count(f.workers_back),
            percent(f.worker_return_rate()),
        ));
    }
    let c = res_store::counts_on(&cx.db, &date_text(day)).await?;
    if c.green_listed > 0 {
        let teams = if c.with_team == c.green_listed {
            "均已成立服务专班".to_string()
        } else {
            format!("其中{}家已成立服务专班", count(c.with_team))
        };
        p.push(format!("对外贸工业企业落实复工“绿名单”制度，列入“绿名单”企业{}家，{}，提供精准化、个性化服务。", count(c.green_listed), teams));
    }
    if c.commitments > 0 {
        p.push(format!("简化商贸服务业复产程序，{}家企业提交承诺即复工营业，已抽查{}家。", count(c.commitments), count(c.spot_checked)));
    }
    Ok(section("一、复工复产", p))
}

async fn officers_section(db: &Db, day: Date, at: &str) -> Result<Section, AppError> {
    let o = registry::officers_on(db, &date_text(day)).await?;
    let mut p = Vec::new();
    if o.cadres > 0 {
        let rank = if o.section_chiefs == o.cadres { "正科级干部" } else { "干部" };
        let mut text = format!("{at}，选派{}名{rank}派驻到{}家企业担任首席服务员，协调解决企业发展难题", count(o.cadres), count(o.enterprises));
        if o.foreign_trade > 0 {
            text.push_str(&format!("；其中向{}家外经外贸外资企业选派了首席服务员", count(o.foreign_trade)));
        }
        text.push('。');
        p.push(text);
    }
    Ok(section("二、首席服务员", p))
}

async fn orders_section(cx: &WorkContext, actor: &Actor, day: Date, at: &str) -> Result<Section, AppError> {
    let c = workorder::counts_until(&cx.db, &crate::store::timestamp(cx.now + time::Duration::seconds(1))).await?;
    let mut p = Vec::new();
    if c.filed > 0 {
        p.push(format!(
            "{at}，共受理企业诉求和各类问题{}件，已交办{}件，已办结{}件，企业已评价{}件；超期列入督办{}件。",
            count(c.filed),
            count(c.assigned),
            count(c.resolved),
            count(c.rated),
            count(c.escalated)
        ));
        let first = day.replace_day(1).unwrap_or(day);
        let q = rates::RatesQuery { group: Some("zone".into()), from: Some(date_text(first)), to: Some(date_text(day)) };
        if let Some(zone) = rates::rates(cx, actor, &q).await?.items.into_iter().next().filter(|z| z.counts.assigned > 0) {
            p.push(format!(
                "本月交办事项响应率{}、解决率{}、满意率{}。",
                percent(zone.response_rate),
                percent(zone.resolution_rate),
                percent(zone.satisfaction_rate)
            ));
        }
    }
    Ok(section("三、问题交办", p))
}

async fn campaign_section(db: &Db, actor: &Actor, day: Date, at: &str) -> Result<Section, AppError> {
    let t = inspection::tallies_as_of(db, actor, None, day).await?;
    let mut p = Vec::new();
    let (volunteers, letters, materials) = (t.total(TallyKind::Volunteers), t.total(TallyKind::ProposalLetters), t.total(TallyKind::Materials));
    if volunteers + letters + materials > 0 {
        p.push(format!("{at}，开发区共组织志愿者{}人，发出倡议书{}份，编印宣传资料{}份。", count(volunteers), count(letters), count(materials)));
    }
    let (communities, villages, markets, refuse) = (
        t.total(TallyKind::RectifiedResidential),
        t.total(TallyKind::RectifiedVillage),
        t.total(TallyKind::RectifiedSupermarket),
        t.total(TallyKind::RefuseM3),
    );
    if communities + villages + markets + refuse > 0 {
        p.push(format!(
            "{at}，开发区共整治小区{}个、村庄{}个、商超{}个，清除垃圾{}立方米。",
            count(communities),
            count(villages),
            count(markets),
            count(refuse)
        ));
    }
    let i = t.inspections;
    if i.sites > 0 {
        let found = if i.assigned == i.findings {
            format!("发现并交办问题{}个", count(i.findings))
        } else {
            format!("发现问题{}个，已交办{}个", count(i.findings), count(i.assigned))
        };
        p.push(format!("{at}，开发区共督导检查居民小区、村庄、商超等重点区域{}个，{found}。", count(i.sites)));
    }
    Ok(section("四、爱国卫生专项行动", p))
}

async fn employment_section(db: &Db, actor: &Actor) -> Result<Section, AppError> {
    let one = PageRequest { page: Some(1), per_page: Some(1) };
    let placements =
        employment::list_placements(db, actor, crate::store::employment::PlacementFilter { current: true, ..Default::default() }, &one).await?.total;
    let gaps = employment::gaps(db, actor, &employment::GapQuery { township_id: None, page: Some(1), per_page: Some(1) }).await?.total;
    let mut p = Vec::new();
    if placements > 0 || gaps > 0 {
        let gap_text = if gaps == 0 {
            "有劳动能力的贫困家庭均已实现至少1人就业，做到一户一人一岗".to_string()
        } else {
            format!("尚有{}户有劳动能力的贫困家庭未实现就业，正逐户推荐岗位", count(gaps))
        };
        p.push(format!("目前，贫困劳动力在岗{}人；{gap_text}。", count(placements)));
    }
    Ok(section("五、稳就业", p))
}

async fn tutoring_section(db: &Db, actor: &Actor) -> Result<Section, AppError> {
    let q = tutoring::PairingQuery { live: Some(true), ..Default::default() };
    let pairs = tutoring::list_pairings(db, actor, &q).await?.total;
    let p = if pairs > 0 {
        vec![format!("团区委组织青年志愿者开展“一对一”结对帮扶，目前结对{}对，为中小学生提供网课辅导、作业答疑、心理疏导等服务。", count(pairs))]
    } else {
        Vec::new()
    };
    Ok(section("六、结对帮扶", p))
}

async fn isolation_section(db: &Db, actor: &Actor) -> Result<Section, AppError> {
    let points = isolation::list_points(db, actor).await?;
    let mut p = Vec::new();
    for point in points {
        p.push(format!(
            "{}工作人员{}名（其中党员{}名）坚持24小时值守，现有留观人员{}人，未处置体温异常{}例。",
            point.name,
            count(point.staff),
            count(point.party_members),
            count(point.in_observation),
            count(point.open_alerts)
        ));
    }
    Ok(section("七、医学隔离观察", p))
}
