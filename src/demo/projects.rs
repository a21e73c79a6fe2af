//! The demo's key projects (重点项目调度) as of 19 March 2020: the 开州路与濮范
//! 高速互通立交 interchange (A型单喇叭+T型, its ramp over 开州路 and under the
//! 濮范高速; the leadership's field visit of 18 March), the shantytown
//! redevelopment and the real-estate project that had to restart at once
//! ("抓好棚改工程、重点项目、房地产项目紧急复工"), the 濮阳市医药医疗器械产业园
//! opened on 17 March in the 电子商务产业园 with nearly 3万㎡, and two
//! industrial projects of the seed's enterprises. Their milestones, permits
//! and factor needs (raised as work orders and handled by the departments).
//!
//! Everything goes through the use cases, each at its historical moment.
//! Investments and dates other than the newspaper's are invented.

use std::collections::HashMap;
use std::sync::Arc;

use time::macros::date;
use time::{Date, OffsetDateTime, Time};

use super::lookup;
use super::orders::Ids;
use crate::AppError;
use crate::app::Actor;
use crate::app::auth::actor_of;
use crate::app::clock::{LOCAL, WorkContext};
use crate::app::project::{self, FactorNeedInput, NoteInput};
use crate::app::workorder::{self, TransitionInput};
use crate::domain::WorkCalendar;
use crate::domain::project::{MilestoneInput, PermitInput, ProjectInput};
use crate::store::Db;

/// What the projects left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Loaded {
    pub projects: usize,
    pub milestones: usize,
    pub permits: usize,
    pub factor_needs: usize,
}

/// A project of the demo, by names.
struct Demo {
    name: &'static str,
    kind: &'static str,
    owner: &'static str,
    investment_wan: f64,
    start: &'static str,
    end: &'static str,
    progress: i64,
    location: &'static str,
    description: &'static str,
    /// registered with the task force on this day
    registered: Date,
    /// (name, planned, actual)
    milestones: &'static [(&'static str, &'static str, Option<&'static str>)],
    /// (name, authority, status, due)
    permits: &'static [(&'static str, &'static str, &'static str, &'static str)],
    /// (day, text)
    notes: &'static [(Date, &'static str)],
    needs: &'static [Need],
}

/// A factor need and what the department did about it by 19 March.
struct Need {
    day: Date,
    kind: &'static str,
    title: &'static str,
    description: &'static str,
    /// the department it is assigned to, and its handler's log-in
    department: &'static str,
    handler: &'static str,
    /// resolved the next day, with this resolution, and confirmed by a return call
    resolution: Option<&'static str>,
}

const PROJECTS: &[Demo] = &[
    Demo {
        name: "开州路与濮范高速互通立交项目",
        kind: "construction",
        owner: "濮阳开州路桥工程有限公司",
        investment_wan: 46_800.0,
        start: "2019-09-26",
        end: "2020-12-30",
        progress: 38,
        location: "濮范高速与开州路交叉处",
        description: "位于濮范高速与开州路交叉处，采用A型单喇叭+T型设计方案，匝道上跨开州路，下穿濮范高速。项目建设对破解我市交通瓶颈制约、推进区域融合发展、推动经济社会更好发展具有重要意义。",
        registered: date!(2020 - 03 - 02),
        milestones: &[
            ("施工便道及临时设施完成", "2019-11-15", Some("2019-11-12")),
            ("桩基工程完成", "2020-01-15", Some("2020-01-10")),
            ("春节后全面复工", "2020-02-17", Some("2020-03-02")),
            ("匝道桥下部结构完成", "2020-03-15", None),
            ("上跨开州路匝道桥梁板架设", "2020-05-20", None),
            ("下穿濮范高速通道主体完成", "2020-07-31", None),
            ("路面及交通安全设施完成", "2020-11-30", None),
            ("交工验收", "2020-12-30", None),
        ],
        permits: &[
            ("建设工程规划许可证", "规划建设局", "approved", "2019-09-10"),
            ("建筑工程施工许可证", "规划建设局", "approved", "2019-09-20"),
            ("高速公路涉路施工许可", "濮范高速公路管理处", "in_progress", "2020-03-10"),
            ("开州路占道施工交通组织方案审批", "公安交警大队", "pending", "2020-04-15"),
        ],
        notes: &[
            (date!(2020 - 03 - 02), "春节后全面复工，首批返岗工人86人，已落实体温检测、工地封闭管理等防疫措施。"),
            (
                date!(2020 - 03 - 18),
                "党工委主要领导现场调研互通立交项目，要求倒排工期、挂图作战，协调濮范高速管理部门加快涉路施工许可审批，保障钢筋工、架子工等用工需求，确保完成既定目标任务。",
            ),
        ],
        needs: &[
            Need {
                day: date!(2020 - 03 - 16),
                kind: "labour",
                title: "互通立交项目急需钢筋工、架子工40名",
                description: "返岗工人不足，匝道桥下部结构施工缺少钢筋工、架子工。",
                department: "组织人事部",
                handler: "dept-zuzhi",
                resolution: Some("已组织专场招聘会，招录钢筋工、架子工42名，3月18日全部进场。"),
            },
            Need {
                day: date!(2020 - 03 - 18),
                kind: "approval",
                title: "协调加快濮范高速涉路施工许可审批",
                description: "匝道下穿濮范高速，涉路施工许可尚未批复，影响下部结构施工。",
                department: "规划建设局",
                handler: "dept-guihua",
                resolution: None,
            },
        ],
    },
    Demo {
        name: "安居小区棚户区改造项目",
        kind: "shantytown",
        owner: "濮阳安居棚户区改造建设有限公司",
        investment_wan: 56_000.0,
        start: "2019-06-01",
        end: "2021-06-30",
        progress: 45,
        location: "开发区濮上路安居小区",
        description: "安置住房12栋、1380套，配套幼儿园、社区服务中心和地下车库。",
        registered: date!(2020 - 03 - 02),
        milestones: &[
            ("春节后复工", "2020-02-20", Some("2020-03-09")),
            ("1-6号楼主体封顶", "2020-04-30", None),
            ("7-12号楼主体封顶", "2020-08-31", None),
            ("安置房分配", "2021-06-30", None),
        ],
        permits: &[("建筑工程施工许可证", "规划建设局", "approved", "2019-05-20"), ("安置房分配方案审批", "濮上办事处", "pending", "2020-05-31")],
        notes: &[(date!(2020 - 03 - 09), "棚改工程紧急复工，首批返岗工人120人。")],
        needs: &[Need {
            day: date!(2020 - 03 - 17),
            kind: "materials",
            title: "棚改工地商品混凝土供应不足",
            description: "复工后商品混凝土日供应量不足需求的一半，影响主体施工进度。",
            department: "经济发展局",
            handler: "department",
            resolution: None,
        }],
    },
    Demo {
        name: "盛世华庭住宅小区二期项目",
        kind: "real_estate",
        owner: "濮阳盛世华庭置业有限公司",
        investment_wan: 32_000.0,
        start: "2019-08-15",
        end: "2021-08-31",
        progress: 30,
        location: "开发区皇甫路盛世华庭",
        description: "住宅楼9栋及商业配套，总建筑面积18万平方米。",
        registered: date!(2020 - 03 - 02),
        milestones: &[("二期主体施工过半", "2020-03-10", None), ("商品房预售", "2020-05-31", None)],
        permits: &[("商品房预售许可证", "规划建设局", "in_progress", "2020-03-31")],
        notes: &[],
        needs: &[],
    },
    Demo {
        name: "濮阳市医药医疗器械产业园",
        kind: "industrial",
        owner: "濮阳电子商务产业园",
        investment_wan: 8_000.0,
        start: "2020-01-06",
        end: "2020-06-30",
        progress: 60,
        location: "开发区濮上路电子商务产业园",
        description: "依托濮阳电子商务产业园建设，办公、仓储等近3万平方米使用面积，配套会客室、会议室、多功能培训教室、餐厅；为入园企业提供工商注册、税务筹划、证照资质、人员招聘、行业准入、资源对接、金融服务、政策扶持等一站式服务。",
        registered: date!(2020 - 03 - 02),
        milestones: &[
            ("办公仓储区改造完成", "2020-03-10", Some("2020-03-12")),
            ("揭牌开园", "2020-03-17", Some("2020-03-17")),
            ("首批企业入园", "2020-03-31", None),
            ("配套设施全部完成", "2020-06-30", None),
        ],
        permits: &[("消防设计审查", "规划建设局", "approved", "2020-03-05")],
        notes: &[(date!(2020 - 03 - 17), "濮阳市医药医疗器械产业园在濮阳电子商务产业园正式揭牌开园。")],
        needs: &[],
    },
    Demo {
        name: "恒丰电子均苯四甲酸酐扩产技改项目",
        kind: "industrial",
        owner: "恒丰电子",
        investment_wan: 12_000.0,
        start: "2019-12-01",
        end: "2020-10-31",
        progress: 25,
        location: "开发区产业集聚区化工新材料园",
        description: "新增均苯四甲酸酐生产线一条，产品主要出口韩国、美国。",
        registered: date!(2020 - 03 - 02),
        milestones: &[("设备采购到货", "2020-03-31", None), ("设备安装调试", "2020-06-30", None)],
        permits: &[("环境影响评价批复", "生态环境分局", "in_progress", "2020-04-10")],
        notes: &[],
        needs: &[],
    },
    Demo {
        name: "雪汇食品冷链物流中心项目",
        kind: "industrial",
        owner: "雪汇食品",
        investment_wan: 6_500.0,
        start: "2020-03-02",
        end: "2020-09-30",
        progress: 10,
        location: "新习镇小寨村东",
        description: "建设冷库2万吨及配送中心，服务河南、河北、山东等8省70多个地市的销售网络。",
        registered: date!(2020 - 03 - 02),
        milestones: &[("冷库基础施工", "2020-04-15", None), ("冷库主体完成", "2020-07-31", None)],
        permits: &[("建设工程规划许可证", "规划建设局", "in_progress", "2020-03-25")],
        notes: &[],
        needs: &[],
    },
];

fn moment(day: Date, hour: u8, minute: u8) -> OffsetDateTime {
    OffsetDateTime::new_in_offset(day, Time::from_hms(hour, minute, 0).unwrap_or(Time::MIDNIGHT), LOCAL).to_offset(time::UtcOffset::UTC)
}

/// A demo user as an actor (the system if the user does not exist).
pub(super) async fn actor(db: &Db, username: &str) -> Result<Actor, AppError> {
    Ok(crate::store::users::find_user_by_username(db, username).await?.map_or_else(Actor::system, |u| actor_of(&u)))
}

/// Registers the projects and plays their March.
///
/// # Errors
/// Whatever a use case refuses (a bug in the data), or a database failure.
pub(super) async fn load(db: &Db, ids: &Ids<'_>) -> Result<Loaded, AppError> {
    let calendar = Arc::new(WorkCalendar::shipped());
    let cx = |at: OffsetDateTime| WorkContext { db: db.clone(), calendar: calendar.clone(), now: at };
    let leader = actor(db, "leader").await?;
    let mut handlers = HashMap::new();
    let mut loaded = Loaded::default();
    let newspaper_day = date!(2020 - 03 - 19);
    for p in PROJECTS {
        let input = ProjectInput {
            name: p.name.to_string(),
            kind: p.kind.to_string(),
            owner_enterprise_id: Some(lookup(ids.enterprises, p.owner)?),
            township_id: None,
            investment_wan: p.investment_wan,
            start_on: p.start.to_string(),
            planned_end_on: p.end.to_string(),
            progress_pct: p.progress,
            location: p.location.to_string(),
            description: p.description.to_string(),
        };
        let id = project::create_project(&cx(moment(p.registered, 9, 0)), &leader, &input).await?.id;
        loaded.projects += 1;
        // the schedule as the task force knew it on the newspaper's morning
        let morning = cx(moment(newspaper_day, 8, 30));
        for &(name, planned, actual) in p.milestones {
            let m = MilestoneInput { name: name.to_string(), planned_on: planned.to_string(), actual_on: actual.map(str::to_string), note: String::new() };
            project::add_milestone(&morning, &leader, id, &m).await?;
            loaded.milestones += 1;
        }
        for &(name, authority, status, due) in p.permits {
            let permit = PermitInput {
                name: name.to_string(),
                authority: authority.to_string(),
                status: Some(status.to_string()),
                due_on: due.to_string(),
                note: String::new(),
            };
            project::add_permit(&morning, &leader, id, &permit).await?;
            loaded.permits += 1;
        }
        for &(day, text) in p.notes {
            project::add_note(&cx(moment(day, 17, 0)), &leader, id, &NoteInput { noted_on: None, text: text.to_string() }).await?;
        }
        for need in p.needs {
            let filed_at = cx(moment(need.day, 9, 30));
            let input = FactorNeedInput { kind: need.kind.to_string(), title: need.title.to_string(), description: need.description.to_string() };
            let order = project::raise_factor_need(&filed_at, &leader, id, &input).await?.order;
            loaded.factor_needs += 1;
            let department = lookup(ids.departments, need.department)?;
            let assign = TransitionInput { action: "assign".into(), version: order.version, department_id: Some(department), ..TransitionInput::default() };
            let o = workorder::act(&cx(moment(need.day, 10, 0)), &leader, order.id, &assign).await?;
            if !handlers.contains_key(need.handler) {
                handlers.insert(need.handler, actor(db, need.handler).await?);
            }
            let handler = &handlers[need.handler];
            let step = |action: &str, version: i64| TransitionInput { action: action.into(), version, ..TransitionInput::default() };
            let o = workorder::act(&cx(moment(need.day, 11, 0)), handler, o.id, &step("sign_for", o.version)).await?;
            if let Some(resolution) = need.resolution {
                let next = need.day.next_day().unwrap_or(need.day);
                let resolve = TransitionInput { resolution: resolution.to_string(), ..step("resolve", o.version) };
                let o = workorder::act(&cx(moment(next, 16, 0)), handler, o.id, &resolve).await?;
                let rate = TransitionInput {
                    rating: Some("satisfied".into()), note: "电话回访：项目部对用工保障满意".into(), ..step("rate", o.version)
                };
                workorder::act(&cx(moment(next, 17, 0)), &leader, o.id, &rate).await?;
            }
        }
    }
    Ok(loaded)
}
