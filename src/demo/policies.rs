//! The demo's enterprise policies (惠企政策): the measures of "濮阳经济技术开发区
//! 稳外贸增外资促外经若干措施" — 出口总量补贴, 出口增量奖励, 海外市场拓展补助,
//! 出口退税资金池, 中小微外贸企业纾困资金池, 主办银行制度 — and the loan
//! interest subsidy (贷款贴息), with the foreign-trade enterprises' applications
//! of March 2020: 恒丰电子 applying for the market-expansion subsidy for its
//! overseas promotion, some approved and paid, one rejected, some waiting, and
//! one approved payment left unpaid past its limit — escalated (督办) on the
//! newspaper's morning as a work order.
//!
//! Amounts, dates of issue and limits are invented; everything goes through the
//! use cases, each step on its day, by the user whose job it is.

use std::collections::HashMap;
use std::sync::Arc;

use time::macros::date;
use time::{Date, OffsetDateTime, Time};

use super::lookup;
use super::orders::Ids;
use super::projects::actor;
use crate::AppError;
use crate::app::Actor;
use crate::app::clock::{LOCAL, WorkContext, date_text};
use crate::app::policy::{self, ApplicationInput, DisbursementInput, PolicyInput, ReviewInput};
use crate::domain::WorkCalendar;
use crate::domain::policy::document_list;
use crate::store::Db;

/// What the policies left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Loaded {
    pub policies: usize,
    pub applications: usize,
    pub escalated: usize,
}

/// A policy of the catalogue.
struct Demo {
    code: &'static str,
    name: &'static str,
    kind: &'static str,
    summary: &'static str,
    kinds: &'static [&'static str],
    green_list_only: bool,
    max_wan: Option<f64>,
    documents: &'static str,
    payment_days: i64,
    department: &'static str,
    published: Date,
}

/// The measures were issued on this day (invented; the 18 March meeting reported them).
const MEASURES: Date = date!(2020 - 03 - 02);
const FT: &[&str] = &["foreign_trade"];
const FT_IN: &[&str] = &["foreign_trade", "industrial"];

const POLICIES: &[Demo] = &[
    Demo {
        code: "loan_interest",
        name: "贷款贴息",
        kind: "interest_subsidy",
        summary: "对疫情期间新增流动资金贷款的外贸和工业企业，按实际支付利息的50%给予贴息，单户最高100万元。",
        kinds: FT_IN,
        green_list_only: false,
        max_wan: Some(100.0),
        documents: "营业执照\n借款合同\n利息支付凭证",
        payment_days: 5,
        department: "财政金融局",
        published: date!(2020 - 02 - 20),
    },
    Demo {
        code: "export_volume",
        name: "出口总量补贴",
        kind: "subsidy",
        summary: "按企业2019年度出口额给予补贴，单户最高50万元。",
        kinds: FT,
        green_list_only: false,
        max_wan: Some(50.0),
        documents: "营业执照\n2019年度出口报关单汇总表\n出口收汇凭证",
        payment_days: 15,
        department: "经济发展局",
        published: MEASURES,
    },
    Demo {
        code: "export_growth",
        name: "出口增量奖励",
        kind: "reward",
        summary: "对2019年出口额较上年增长的企业，按增量部分给予奖励，单户最高30万元。",
        kinds: FT,
        green_list_only: false,
        max_wan: Some(30.0),
        documents: "营业执照\n2018、2019年度出口额对比表（海关数据）",
        payment_days: 15,
        department: "经济发展局",
        published: MEASURES,
    },
    Demo {
        code: "market_expansion",
        name: "海外市场拓展补助",
        kind: "subsidy",
        summary: "对企业参加境外展会、开展海外推介、制作外宣资料的费用，按50%给予补助，单户最高20万元。",
        kinds: FT_IN,
        green_list_only: false,
        max_wan: Some(20.0),
        documents: "营业执照\n境外展会或推介活动证明\n费用发票",
        payment_days: 10,
        department: "经济发展局",
        published: MEASURES,
    },
    Demo {
        code: "tax_refund_pool",
        name: "出口退税资金池",
        kind: "fund_pool",
        summary: "设立出口退税资金池，对已申报未到账的出口退税款先行垫付，单户最高500万元。",
        kinds: FT,
        green_list_only: false,
        max_wan: Some(500.0),
        documents: "营业执照\n出口退税申报表\n资金使用承诺书",
        payment_days: 10,
        department: "财政金融局",
        published: MEASURES,
    },
    Demo {
        code: "relief_pool",
        name: "中小微外贸企业纾困资金池",
        kind: "fund_pool",
        summary: "设立中小微外贸企业纾困资金池，为受疫情影响、资金周转困难的企业提供应急周转资金，单户最高200万元。",
        kinds: FT,
        green_list_only: false,
        max_wan: Some(200.0),
        documents: "营业执照\n企业经营困难情况说明\n还款承诺书",
        payment_days: 10,
        department: "财政金融局",
        published: MEASURES,
    },
    Demo {
        code: "main_bank",
        name: "主办银行制度",
        kind: "bank_scheme",
        summary: "协调银行为列入复工“绿名单”的外贸企业确定主办银行，提供授信、结算和汇率避险等一揽子金融服务。",
        kinds: FT,
        green_list_only: true,
        max_wan: None,
        documents: "营业执照\n融资需求表",
        payment_days: 20,
        department: "财政金融局",
        published: MEASURES,
    },
];

/// What happens to an application by 19 March.
enum Fate {
    /// waiting for review
    Pending,
    /// rejected on the day, with the reason
    Rejected(Date, &'static str),
    /// approved on the day for 万元, then paid (day, 万元) …
    Approved(Date, f64, &'static [(Date, f64)]),
}

/// (policy code, enterprise, applied on, 万元, statement, fate)
type AppRow = (&'static str, &'static str, Date, f64, &'static str, Fate);

const APPLICATIONS: &[AppRow] = &[
    (
        "loan_interest",
        "濮阳中原羽绒制品有限公司",
        date!(2020 - 03 - 02),
        40.0,
        "为保障复工新增流动资金贷款800万元，申请贴息。",
        Fate::Approved(date!(2020 - 03 - 04), 40.0, &[]),
    ),
    (
        "loan_interest",
        "濮阳龙腾精细化工有限公司",
        date!(2020 - 03 - 03),
        60.0,
        "新增流动资金贷款1200万元用于采购原料。",
        Fate::Approved(date!(2020 - 03 - 05), 60.0, &[(date!(2020 - 03 - 10), 60.0)]),
    ),
    (
        "export_volume",
        "恒丰电子",
        date!(2020 - 03 - 05),
        30.0,
        "2019年出口额占销售额一半，主要出口韩国、美国。",
        Fate::Approved(date!(2020 - 03 - 09), 30.0, &[(date!(2020 - 03 - 16), 30.0)]),
    ),
    (
        "tax_refund_pool",
        "濮阳华瑞新材料科技有限公司",
        date!(2020 - 03 - 06),
        300.0,
        "已申报出口退税款尚未到账，申请资金池先行垫付。",
        Fate::Approved(date!(2020 - 03 - 10), 250.0, &[(date!(2020 - 03 - 13), 150.0)]),
    ),
    (
        "relief_pool",
        "濮阳博远熔喷材料有限公司",
        date!(2020 - 03 - 09),
        80.0,
        "扩大熔喷布产能，急需周转资金采购聚丙烯原料。",
        Fate::Approved(date!(2020 - 03 - 12), 80.0, &[(date!(2020 - 03 - 18), 80.0)]),
    ),
    (
        "relief_pool",
        "濮阳金汇纺织有限公司",
        date!(2020 - 03 - 10),
        120.0,
        "海外订单延迟，资金周转困难。",
        Fate::Rejected(date!(2020 - 03 - 13), "2019年度存在欠缴社会保险费记录，不符合申报条件，请补缴后重新申报。"),
    ),
    ("export_growth", "濮阳泰和医疗器械有限公司", date!(2020 - 03 - 11), 20.0, "2019年医用防护用品出口额较上年增长45%。", Fate::Pending),
    ("export_volume", "宏业控股集团有限公司", date!(2020 - 03 - 12), 50.0, "2019年度进出口总额居全区首位。", Fate::Approved(date!(2020 - 03 - 16), 45.0, &[])),
    ("market_expansion", "恒丰电子", date!(2020 - 03 - 16), 15.0, "近期赴国外推介，重新制作海外推介宣传片。", Fate::Approved(date!(2020 - 03 - 17), 12.0, &[])),
    ("export_volume", "濮阳宏达家居制品有限公司", date!(2020 - 03 - 17), 25.0, "2019年家具出口额2600万元。", Fate::Pending),
    ("market_expansion", "濮阳众鑫石油机械有限公司", date!(2020 - 03 - 18), 10.0, "参加线上石油装备国际展会。", Fate::Pending),
];

fn moment(day: Date, hour: u8) -> OffsetDateTime {
    OffsetDateTime::new_in_offset(day, Time::from_hms(hour, 0, 0).unwrap_or(Time::MIDNIGHT), LOCAL).to_offset(time::UtcOffset::UTC)
}

/// Publishes the catalogue, plays the applications, and escalates the overdue payment.
///
/// # Errors
/// Whatever a use case refuses (a bug in the data), or a database failure.
pub(super) async fn load(db: &Db, ids: &Ids<'_>) -> Result<Loaded, AppError> {
    let calendar = Arc::new(WorkCalendar::shipped());
    let cx = |at: OffsetDateTime| WorkContext { db: db.clone(), calendar: calendar.clone(), now: at };
    let leader = actor(db, "leader").await?;
    let hengfeng = actor(db, "hengfeng").await?;
    // the handlers of the departments responsible for the policies
    let mut reviewers: HashMap<&str, Actor> = HashMap::new();
    reviewers.insert("经济发展局", actor(db, "department").await?);
    reviewers.insert("财政金融局", actor(db, "dept-caizheng").await?);
    let mut loaded = Loaded::default();
    let mut policies = HashMap::new();
    for p in POLICIES {
        let input = PolicyInput {
            code: p.code.to_string(),
            name: p.name.to_string(),
            kind: p.kind.to_string(),
            summary: p.summary.to_string(),
            eligible_kinds: p.kinds.iter().map(|k| k.to_string()).collect(),
            green_list_only: p.green_list_only,
            max_amount_wan: p.max_wan,
            documents: document_list(p.documents),
            payment_days: p.payment_days,
            department_id: Some(lookup(ids.departments, p.department)?),
            published_on: date_text(p.published),
            ends_on: None,
        };
        let created = policy::create_policy(&cx(moment(p.published, 9)), &leader, &input).await?;
        policies.insert(p.code, (created.id, p));
        loaded.policies += 1;
    }
    for (code, enterprise, day, amount, statement, fate) in APPLICATIONS {
        let &(policy_id, p) = policies.get(code).ok_or_else(|| AppError::Internal(format!("demo data: unknown policy {code}")))?;
        // 恒丰电子 applies online itself; the others' paper applications are registered by the task force
        let applicant = if *enterprise == "恒丰电子" { &hengfeng } else { &leader };
        let input = ApplicationInput {
            policy_id,
            enterprise_id: Some(lookup(ids.enterprises, enterprise)?),
            amount_wan: *amount,
            documents: document_list(p.documents),
            statement: statement.to_string(),
        };
        let mut a = policy::apply(&cx(moment(*day, 10)), applicant, &input).await?;
        loaded.applications += 1;
        let reviewer = reviewers.get(p.department).unwrap_or(&leader);
        match fate {
            Fate::Pending => {}
            Fate::Rejected(on, reason) => {
                let review = ReviewInput { decision: "reject".into(), version: a.version, approved_amount_wan: None, note: reason.to_string() };
                policy::review(&cx(moment(*on, 11)), reviewer, a.id, &review).await?;
            }
            Fate::Approved(on, granted, payments) => {
                let review = ReviewInput { decision: "approve".into(), version: a.version, approved_amount_wan: Some(*granted), note: String::new() };
                a = policy::review(&cx(moment(*on, 11)), reviewer, a.id, &review).await?;
                for &(paid_on, paid) in *payments {
                    let payment = DisbursementInput {
                        version: a.version,
                        amount_wan: paid,
                        paid_on: Some(date_text(paid_on)),
                        reference: format!("KFQ-CZ-{}-{:03}", paid_on.ordinal(), a.id),
                    };
                    a = policy::disburse(&cx(moment(paid_on, 15)), reviewer, a.id, &payment).await?.application;
                }
            }
        }
    }
    // 督查 on the newspaper's morning: the one approval left unpaid past its limit
    loaded.escalated = policy::escalate_overdue_payments(&cx(moment(date!(2020 - 03 - 19), 8))).await?;
    Ok(loaded)
}
