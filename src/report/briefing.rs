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
use crate::app::{Actor, inspection, investment, rates, resumption};
use crate::domain::inspection::TallyKind;
use crate::domain::investment::Quarter;
use crate::domain::policy::format_wan;
use crate::domain::{Role, WorkCalendar};
use crate::error::AppError;
use crate::store::{Db, employment, isolation, policy, project, registry, resumption as res_store, tutoring, workorder};

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
    // the instant the day ends (UTC text): rows recorded before it existed that day
    let until = crate::store::timestamp(cx.now + time::Duration::seconds(1));
    let mut sections = vec![
        resumption_section(&cx, actor, day, &at).await?,
        officers_section(db, day, &at).await?,
        orders_section(&cx, actor, day, &at).await?,
        projects_section(db, actor, day, &until, &at).await?,
        policies_section(db, day, &at).await?,
        campaign_section(db, actor, day, &at).await?,
        employment_section(db, day, &until, &at).await?,
        tutoring_section(db, &until, &at).await?,
        isolation_section(db, day, &until).await?,
    ];
    // the newspaper numbers its sections: 一、二、…
    for (s, n) in sections.iter_mut().zip(NUMERALS) {
        s.heading = format!("{n}、{}", s.heading);
    }
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
    Ok(section("复工复产", p))
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
    Ok(section("首席服务员", p))
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
    Ok(section("问题交办", p))
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
    Ok(section("爱国卫生专项行动", p))
}

/// Money as the newspaper writes it: 万元 below a hundred million (517万元),
/// 亿元 with up to two decimals from there (161300万元 → 16.13亿元).
fn money(yuan: i64) -> String {
    const YI: i64 = 100_000_000;
    if yuan.abs() < YI {
        return format!("{}万元", format_wan(yuan));
    }
    let hundredths = (yuan + YI / 200) / (YI / 100);
    let text = format!("{}.{:02}", hundredths / 100, hundredths % 100);
    format!("{}亿元", text.trim_end_matches('0').trim_end_matches('.'))
}

/// Section numbers, in the newspaper's way.
const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

async fn projects_section(db: &Db, actor: &Actor, day: Date, until: &str, at: &str) -> Result<Section, AppError> {
    let mut p = Vec::new();
    let projects = project::projects_on(db, &date_text(day), until).await?;
    if projects.projects > 0 {
        let mut text = format!(
            "{at}，纳入调度的重点项目{}个，计划总投资{}；已完成节点{}个",
            count(projects.projects),
            money(projects.investment_yuan),
            count(projects.milestones_done)
        );
        if projects.milestones_late > 0 {
            text.push_str(&format!("，{}个节点滞后于计划，正督促推进", count(projects.milestones_late)));
        }
        text.push('。');
        p.push(text);
    }
    let quarter = Quarter::of(day);
    let progress = investment::quarter_progress(db, actor, quarter, Some(day)).await?;
    let t = &progress.total;
    if t.negotiating + t.signed + t.landed > 0 || progress.target.is_some() {
        let mut text = format!(
            "{}以来，开展“不见面”招商，新洽谈项目{}个，签约{}个、签约金额{}，落地{}个",
            progress.label,
            count(t.negotiating),
            count(t.signed),
            money(t.signed_amount_yuan),
            count(t.landed)
        );
        if let Some(target) = &progress.target {
            text.push_str(&format!(
                "；季度目标签约{}个、落地{}个，分别完成{}、{}",
                count(target.signed_count),
                count(target.landed_count),
                percent(progress.signed_share),
                percent(progress.landed_share)
            ));
        }
        text.push('。');
        p.push(text);
    }
    Ok(section("重点项目和招商引资", p))
}

async fn policies_section(db: &Db, day: Date, at: &str) -> Result<Section, AppError> {
    let f = policy::policies_on(db, &date_text(day)).await?;
    let mut p = Vec::new();
    if f.applications > 0 {
        p.push(format!(
            "{at}，受理{}家企业惠企政策申报{}件，审核通过{}件、金额{}，已兑现{}件、资金{}。",
            count(f.applicants),
            count(f.applications),
            count(f.approved),
            money(f.approved_yuan),
            count(f.paid),
            money(f.paid_yuan)
        ));
    } else if f.policies > 0 {
        p.push(format!("{at}，已出台惠企政策{}项，尚未受理企业申报。", count(f.policies)));
    }
    Ok(section("惠企政策", p))
}

async fn employment_section(db: &Db, day: Date, until: &str, at: &str) -> Result<Section, AppError> {
    let e = employment::employment_on(db, &date_text(day), until).await?;
    let mut p = Vec::new();
    if e.placements > 0 || e.gaps > 0 {
        let gap_text = if e.gaps == 0 {
            "有劳动能力的贫困家庭均已实现至少1人就业，做到一户一人一岗".to_string()
        } else {
            format!("尚有{}户有劳动能力的贫困家庭未实现就业，正逐户推荐岗位", count(e.gaps))
        };
        p.push(format!("{at}，贫困劳动力在岗{}人；{gap_text}。", count(e.placements)));
    }
    Ok(section("稳就业", p))
}

async fn tutoring_section(db: &Db, until: &str, at: &str) -> Result<Section, AppError> {
    let pairs = tutoring::pairings_at(db, until).await?;
    let p = if pairs > 0 {
        vec![format!("团区委组织青年志愿者开展“一对一”结对帮扶，{at}结对{}对，为中小学生提供网课辅导、作业答疑、心理疏导等服务。", count(pairs))]
    } else {
        Vec::new()
    };
    Ok(section("结对帮扶", p))
}

async fn isolation_section(db: &Db, day: Date, until: &str) -> Result<Section, AppError> {
    let on = month_day(day);
    let mut p = Vec::new();
    for point in isolation::points_on(db, &date_text(day), until).await? {
        p.push(format!(
            "{}工作人员{}名（其中党员{}名）坚持24小时值守，{on}有留观人员{}人，未处置体温异常{}例。",
            point.name,
            count(point.staff),
            count(point.party_members),
            count(point.in_observation),
            count(point.open_alerts)
        ));
    }
    Ok(section("医学隔离观察", p))
}

#[cfg(test)]
mod tests {
    use super::money;

    #[test]
    fn money_is_written_in_wan_then_in_yi() {
        assert_eq!(money(5_170_000), "517万元");
        assert_eq!(money(1_613_000_000), "16.13亿元");
        assert_eq!(money(1_185_000_000), "11.85亿元");
        assert_eq!(money(200_000_000), "2亿元");
        assert_eq!(money(0), "0万元");
    }
}
