//! The demo's investment leads (招商) of the first quarter of 2020, worked
//! without meeting ("坚持不见面招商、电话招商、网络招商"), against the quarter's
//! target ("确保一季度有一批项目签约、有招商项目签约落地"), with the mask chain
//! (口罩生产全产业链: melt-blown fabric, its polypropylene, mask machines,
//! masks) the newspaper holds up as the model. By 19 March six leads are
//! signed and two of them have landed.
//!
//! Investors and amounts are invented; everything goes through the use cases
//! (招商局's handler), each step on its day.

use std::sync::Arc;

use time::macros::date;
use time::{Date, OffsetDateTime, Time};

use super::lookup;
use super::orders::Ids;
use super::projects::actor;
use crate::AppError;
use crate::app::clock::{LOCAL, WorkContext, date_text};
use crate::app::investment::{self, StageInput};
use crate::domain::WorkCalendar;
use crate::domain::investment::{LeadInput, TargetInput};
use crate::store::Db;

/// What the leads left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Loaded {
    pub leads: usize,
    pub signed: usize,
    pub landed: usize,
}

/// The quarter's target, set by the task force at the start of the year.
const TARGET: (i64, i64, f64) = (6, 3, 150_000.0);

/// (project, investor, channel, 万元, chain, township, talks, signed, landed)
type LeadRow = (&'static str, &'static str, &'static str, f64, &'static str, &'static str, Date, Option<Date>, Option<Date>);

const MASK_CHAIN: &str = "口罩生产全产业链";

const LEADS: &[LeadRow] = &[
    (
        "年产3000吨熔喷布生产线项目",
        "河南康源新材料科技有限公司",
        "remote",
        18_000.0,
        MASK_CHAIN,
        "新习镇",
        date!(2020 - 02 - 10),
        Some(date!(2020 - 02 - 28)),
        Some(date!(2020 - 03 - 16)),
    ),
    (
        "医用口罩及防护服生产项目",
        "濮阳瑞康医疗用品有限公司",
        "online",
        12_000.0,
        MASK_CHAIN,
        "濮上办事处",
        date!(2020 - 02 - 12),
        Some(date!(2020 - 03 - 06)),
        Some(date!(2020 - 03 - 18)),
    ),
    ("全自动口罩机制造项目", "郑州智捷机械设备有限公司", "phone", 9_000.0, MASK_CHAIN, "王助镇", date!(2020 - 02 - 20), Some(date!(2020 - 03 - 13)), None),
    ("聚丙烯熔喷专用料项目", "中原恒润石化新材料有限公司", "remote", 35_000.0, MASK_CHAIN, "王助镇", date!(2020 - 02 - 25), Some(date!(2020 - 03 - 17)), None),
    ("生物基可降解材料项目", "江苏绿洲生物材料有限公司", "phone", 42_000.0, "生物基新材料", "王助镇", date!(2020 - 01 - 15), Some(date!(2020 - 03 - 10)), None),
    ("食品冷链包装材料项目", "河北冀鲜包装材料有限公司", "phone", 2_500.0, "食品加工", "新习镇", date!(2020 - 03 - 03), Some(date!(2020 - 03 - 18)), None),
    ("医药冷链物流中心项目", "上海通达冷链物流有限公司", "online", 15_000.0, "医药医疗器械", "濮上办事处", date!(2020 - 03 - 02), None, None),
    ("电子商务直播基地项目", "杭州云播网络科技有限公司", "online", 3_000.0, "电子商务", "濮上办事处", date!(2020 - 03 - 05), None, None),
    ("光伏组件铝边框项目", "江苏晶辉新能源科技有限公司", "remote", 8_000.0, "光伏新能源", "王助镇", date!(2020 - 03 - 09), None, None),
    ("羽绒制品深加工项目", "浙江羽丰服饰有限公司", "phone", 6_000.0, "纺织服装", "新习镇", date!(2020 - 03 - 11), None, None),
];

fn moment(day: Date, hour: u8) -> OffsetDateTime {
    OffsetDateTime::new_in_offset(day, Time::from_hms(hour, 0, 0).unwrap_or(Time::MIDNIGHT), LOCAL).to_offset(time::UtcOffset::UTC)
}

/// Sets the first quarter's target and plays the leads' steps in order.
///
/// # Errors
/// Whatever a use case refuses (a bug in the data), or a database failure.
pub(super) async fn load(db: &Db, ids: &Ids<'_>) -> Result<Loaded, AppError> {
    let calendar = Arc::new(WorkCalendar::shipped());
    let cx = |at: OffsetDateTime| WorkContext { db: db.clone(), calendar: calendar.clone(), now: at };
    let leader = actor(db, "leader").await?;
    let handler = actor(db, "dept-zhaoshang").await?;
    let target = TargetInput {
        year: 2020,
        quarter: 1,
        signed_count: TARGET.0,
        landed_count: TARGET.1,
        signed_amount_wan: TARGET.2,
        note: "确保一季度有一批项目签约、有招商项目签约落地".to_string(),
    };
    investment::set_target(&cx(moment(date!(2020 - 01 - 06), 10)), &leader, &target).await?;
    let mut loaded = Loaded::default();
    for &(name, investor, channel, amount, chain, township, talks, signed, landed) in LEADS {
        let input = LeadInput {
            name: name.to_string(),
            investor: investor.to_string(),
            channel: channel.to_string(),
            amount_wan: amount,
            industry_chain: chain.to_string(),
            township_id: Some(lookup(ids.townships, township)?),
            negotiating_on: Some(date_text(talks)),
            note: String::new(),
        };
        let mut lead = investment::create_lead(&cx(moment(talks, 10)), &handler, &input).await?;
        loaded.leads += 1;
        for (stage, day) in [("signed", signed), ("landed", landed)] {
            let Some(day) = day else { break };
            let step = StageInput { stage: stage.to_string(), version: lead.version, on: Some(date_text(day)), note: None };
            lead = investment::advance_lead(&cx(moment(day, 15)), &handler, lead.id, &step).await?;
            if stage == "signed" {
                loaded.signed += 1;
            } else {
                loaded.landed += 1;
            }
        }
    }
    Ok(loaded)
}
