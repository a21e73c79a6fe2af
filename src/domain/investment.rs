//! 招商: the channels of "坚持不见面招商、电话招商、网络招商", a lead's stages
//! 洽谈 → 签约 → 落地 (forward only, one step at a time), quarters, and the
//! checked input of a lead and of a quarter's target. No I/O.

use serde::{Deserialize, Serialize};
use time::{Date, Month};
use utoipa::ToSchema;

use super::policy::wan_to_yuan;
use super::project::optional_date;
use super::registry::{FieldError, optional_text, required_text};

/// How the lead is being worked, without meeting in person during the epidemic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 不见面招商 (video calls, signing at a distance)
    Remote,
    /// 电话招商
    Phone,
    /// 网络招商 (online fairs, platforms)
    Online,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Remote, Channel::Phone, Channel::Online];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Remote => "remote",
            Channel::Phone => "phone",
            Channel::Online => "online",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Remote => "不见面招商",
            Channel::Phone => "电话招商",
            Channel::Online => "网络招商",
        }
    }
}

/// Where a lead stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 洽谈
    Negotiating,
    /// 签约
    Signed,
    /// 落地
    Landed,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Negotiating, Stage::Signed, Stage::Landed];

    pub fn code(self) -> &'static str {
        match self {
            Stage::Negotiating => "negotiating",
            Stage::Signed => "signed",
            Stage::Landed => "landed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Negotiating => "洽谈",
            Stage::Signed => "签约",
            Stage::Landed => "落地",
        }
    }

    /// The stage after this one, if any.
    pub fn next(self) -> Option<Stage> {
        match self {
            Stage::Negotiating => Some(Stage::Signed),
            Stage::Signed => Some(Stage::Landed),
            Stage::Landed => None,
        }
    }
}

/// A stage change the rule refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StageError {
    #[error("招商项目只能向前推进：当前为“{}”，不能退回“{}”", .from.label(), .to.label())]
    Backwards { from: Stage, to: Stage },
    #[error("招商项目已处于“{}”阶段", .0.label())]
    Same(Stage),
    #[error("须先{}，才能{}", .next.label(), .to.label())]
    Skipped { next: Stage, to: Stage },
}

/// Checks a move from `from` to `to`: forward, one step.
///
/// # Errors
/// `StageError` saying what is wrong with it.
pub fn advance(from: Stage, to: Stage) -> Result<(), StageError> {
    match from.next() {
        _ if to < from => Err(StageError::Backwards { from, to }),
        _ if to == from => Err(StageError::Same(from)),
        Some(next) if next == to => Ok(()),
        Some(next) => Err(StageError::Skipped { next, to }),
        None => Err(StageError::Same(from)),
    }
}

/// A calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
pub struct Quarter {
    pub year: i32,
    /// 1–4
    pub quarter: u8,
}

impl Quarter {
    /// # Errors
    /// A quarter outside 1–4 or a year outside 2000–2100.
    pub fn new(year: i32, quarter: u8) -> Result<Quarter, FieldError> {
        if !(2000..=2100).contains(&year) {
            return Err(FieldError::new("year", "年份应在2000到2100之间"));
        }
        if !(1..=4).contains(&quarter) {
            return Err(FieldError::new("quarter", "季度应为1到4"));
        }
        Ok(Quarter { year, quarter })
    }

    /// The quarter a day falls in.
    pub fn of(day: Date) -> Quarter {
        Quarter { year: day.year(), quarter: (u8::from(day.month()) - 1) / 3 + 1 }
    }

    pub fn first_day(self) -> Date {
        let month = Month::try_from((self.quarter - 1) * 3 + 1).unwrap_or(Month::January);
        Date::from_calendar_date(self.year, month, 1).unwrap_or(Date::MIN)
    }

    pub fn last_day(self) -> Date {
        let month = Month::try_from(self.quarter * 3).unwrap_or(Month::December);
        Date::from_calendar_date(self.year, month, month.length(self.year)).unwrap_or(Date::MAX)
    }

    /// 2020年一季度
    pub fn label(self) -> String {
        let q = ["一", "二", "三", "四"].get(usize::from(self.quarter).saturating_sub(1)).copied().unwrap_or("");
        format!("{}年{q}季度", self.year)
    }
}

/// A lead as a form or JSON gives it when it is registered.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct LeadInput {
    /// the project, e.g. 年产3000吨熔喷布生产线项目
    pub name: String,
    /// the investor, e.g. a company's name
    pub investor: String,
    /// remote, phone, online
    pub channel: String,
    /// planned investment, 万元
    pub amount_wan: f64,
    /// the chain it strengthens, e.g. 口罩生产全产业链
    pub industry_chain: String,
    /// where it would land
    pub township_id: Option<i64>,
    /// YYYY-MM-DD when talks began (default today)
    pub negotiating_on: Option<String>,
    pub note: String,
}

/// A checked lead.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadFields {
    pub name: String,
    pub investor: String,
    pub channel: Channel,
    pub amount_yuan: i64,
    pub industry_chain: String,
    pub township_id: Option<i64>,
    pub negotiating_on: Date,
    pub note: String,
}

impl LeadInput {
    /// # Errors
    /// Every bad field, each named; talks cannot begin after `today`.
    pub fn parse(&self, today: Date) -> Result<LeadFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = required_text("name", "项目名称", &self.name, 100).map_err(|e| errors.push(e)).unwrap_or_default();
        let investor = required_text("investor", "投资方", &self.investor, 100).map_err(|e| errors.push(e)).unwrap_or_default();
        let channel = Channel::parse(self.channel.trim());
        if channel.is_none() {
            errors.push(FieldError::new(
                "channel",
                if self.channel.trim().is_empty() { "请选择招商方式".to_string() } else { format!("未知的招商方式“{}”", self.channel) },
            ));
        }
        let amount = wan_to_yuan("amount_wan", "计划投资", self.amount_wan).map_err(|e| errors.push(e)).ok();
        let industry_chain = optional_text("industry_chain", "产业链", &self.industry_chain, 100).map_err(|e| errors.push(e)).unwrap_or_default();
        let since = optional_date("negotiating_on", "洽谈日期", self.negotiating_on.as_deref()).map_err(|e| errors.push(e)).ok().flatten().unwrap_or(today);
        if since > today {
            errors.push(FieldError::new("negotiating_on", "洽谈日期不能晚于今天"));
        }
        let note = optional_text("note", "备注", &self.note, 1000).map_err(|e| errors.push(e)).unwrap_or_default();
        match (channel, amount) {
            (Some(channel), Some(amount_yuan)) if errors.is_empty() => {
                Ok(LeadFields { name, investor, channel, amount_yuan, industry_chain, township_id: self.township_id, negotiating_on: since, note })
            }
            _ => Err(errors),
        }
    }
}

/// The day a lead reaches its next stage: given or today, not before the
/// stage before it, not after today.
///
/// # Errors
/// A bad date, one in the future or before the previous stage's.
pub fn stage_date(text: Option<&str>, previous: Date, today: Date) -> Result<Date, FieldError> {
    let day = optional_date("on", "日期", text)?.unwrap_or(today);
    if day > today {
        return Err(FieldError::new("on", "日期不能晚于今天"));
    }
    if day < previous {
        return Err(FieldError::new("on", "日期不能早于上一阶段的日期"));
    }
    Ok(day)
}

/// A quarter's target as a form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TargetInput {
    pub year: i32,
    /// 1–4
    pub quarter: u8,
    /// projects to sign in the quarter
    pub signed_count: i64,
    /// projects to land in the quarter
    pub landed_count: i64,
    /// investment to sign, 万元
    pub signed_amount_wan: f64,
    pub note: String,
}

/// A checked target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetFields {
    pub quarter: Quarter,
    pub signed_count: i64,
    pub landed_count: i64,
    pub signed_amount_yuan: i64,
    pub note: String,
}

impl TargetInput {
    /// # Errors
    /// Every bad field, each named.
    pub fn parse(&self) -> Result<TargetFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let quarter = Quarter::new(self.year, self.quarter).map_err(|e| errors.push(e)).ok();
        for (field, label, v) in [("signed_count", "签约项目数", self.signed_count), ("landed_count", "落地项目数", self.landed_count)] {
            if !(0..=10_000).contains(&v) {
                errors.push(FieldError::new(field, format!("{label}应为0到10000之间的整数")));
            }
        }
        let amount = wan_to_yuan("signed_amount_wan", "签约金额", self.signed_amount_wan).map_err(|e| errors.push(e)).ok();
        let note = optional_text("note", "备注", &self.note, 500).map_err(|e| errors.push(e)).unwrap_or_default();
        match (quarter, amount) {
            (Some(quarter), Some(signed_amount_yuan)) if errors.is_empty() => {
                Ok(TargetFields { quarter, signed_count: self.signed_count, landed_count: self.landed_count, signed_amount_yuan, note })
            }
            _ => Err(errors),
        }
    }
}

/// The share of a target reached (`None` when there is no target to reach).
pub fn share(reached: i64, target: i64) -> Option<f64> {
    (target > 0).then(|| reached as f64 / target as f64)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn stages_go_forward_one_step_at_a_time() {
        assert_eq!(advance(Stage::Negotiating, Stage::Signed), Ok(()));
        assert_eq!(advance(Stage::Signed, Stage::Landed), Ok(()));
        assert_eq!(advance(Stage::Signed, Stage::Negotiating), Err(StageError::Backwards { from: Stage::Signed, to: Stage::Negotiating }));
        assert_eq!(advance(Stage::Negotiating, Stage::Landed), Err(StageError::Skipped { next: Stage::Signed, to: Stage::Landed }));
        assert_eq!(advance(Stage::Landed, Stage::Landed), Err(StageError::Same(Stage::Landed)));
        assert!(advance(Stage::Landed, Stage::Signed).unwrap_err().to_string().contains("只能向前推进"));
    }

    #[test]
    fn quarters_cover_their_months() {
        let q1 = Quarter::of(date!(2020 - 03 - 19));
        assert_eq!(q1, Quarter { year: 2020, quarter: 1 });
        assert_eq!((q1.first_day(), q1.last_day()), (date!(2020 - 01 - 01), date!(2020 - 03 - 31)));
        let q4 = Quarter::new(2020, 4).unwrap();
        assert_eq!((q4.first_day(), q4.last_day()), (date!(2020 - 10 - 01), date!(2020 - 12 - 31)));
        assert_eq!(q1.label(), "2020年一季度");
        assert!(Quarter::new(2020, 5).is_err());
    }

    #[test]
    fn a_lead_needs_a_channel_and_cannot_start_tomorrow() {
        let today = date!(2020 - 03 - 19);
        let lead = LeadInput {
            name: "熔喷布生产线".into(),
            investor: "某公司".into(),
            channel: "fax".into(),
            negotiating_on: Some("2020-03-20".into()),
            ..Default::default()
        };
        let fields: Vec<_> = lead.parse(today).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["channel", "negotiating_on"]);
        let ok = LeadInput { channel: "online".into(), negotiating_on: None, amount_wan: 5000.0, ..lead };
        let f = ok.parse(today).unwrap();
        assert_eq!((f.channel, f.negotiating_on, f.amount_yuan), (Channel::Online, today, 50_000_000));
    }

    #[test]
    fn a_stage_date_follows_the_previous_one() {
        let today = date!(2020 - 03 - 19);
        assert_eq!(stage_date(None, date!(2020 - 03 - 01), today), Ok(today));
        assert_eq!(stage_date(Some("2020-03-05"), date!(2020 - 03 - 01), today), Ok(date!(2020 - 03 - 05)));
        assert!(stage_date(Some("2020-02-28"), date!(2020 - 03 - 01), today).is_err());
        assert!(stage_date(Some("2020-03-20"), date!(2020 - 03 - 01), today).is_err());
    }

    #[test]
    fn shares_of_nothing_are_none() {
        assert_eq!(share(3, 4), Some(0.75));
        assert_eq!(share(3, 0), None);
    }
}
