//! Employment (稳就业): job postings (线上用工信息发布), poor households and
//! their members, public-welfare posts (公益性岗位), placements, point-to-point
//! transport (点对点运输), and the 一户一人一岗 gap list with suggested postings.
//!
//! Who may do what: leaders and admins everything; a township's task force the
//! households, welfare posts, placements and transport of its own township (and
//! every posting, to suggest them); an enterprise only its own postings and the
//! placements into them, with the workers' names masked — members' names are
//! personal data that only staff read; an officer the postings of the
//! enterprises it serves.
//!
//! Resident ID numbers (of members and passengers) are stored encrypted with a
//! blind index (`store::pii`). They are shown in clear only on a single record
//! (a household, a batch) and only to the township's task force that keeps it
//! and the admin; the leader reads them masked, and no list or export carries
//! them in clear (docs/reliability.md, "Personal information"). Reading a
//! batch's passengers — their boarding health checks — is audited.

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use utoipa::{IntoParams, ToSchema};

use super::clock::{WorkContext, date_text, parse_date};
use super::{Actor, snapshot};
use crate::domain::employment::{
    self as rules, EmploymentStatus, HealthCode, MemberFacts, MemberProfile, OpenPosting, PostingNeeds, PostingStatus, Sex, Temperature,
};
use crate::domain::id_number::{IdNumber, is_masked_id_number, mask_id_number};
use crate::domain::registry::{optional_text, required_text};
use crate::domain::{FieldError, Role};
use crate::error::AppError;
use crate::store::employment::{
    self as repo, Household, HouseholdFilter, JobPosting, Member, MemberFields, NewPassenger, NewPlacement, Passenger, Placement, PlacementFilter,
    PostingFields, PostingFilter, TransportBatch, WelfareFields, WelfarePost,
};
use crate::store::pii::Sealed;
use crate::store::registry as reg;
use crate::store::{Db, Page, PageRequest, audit};

/// How many postings each gap is offered.
pub const SUGGESTIONS_PER_GAP: usize = 3;
const MAX_MEMBERS: usize = 20;
const MAX_PASSENGERS: usize = 100;

fn actor_id(actor: &Actor) -> Option<i64> {
    (actor.user_id > 0).then_some(actor.user_id)
}

fn own_township(actor: &Actor) -> Result<i64, AppError> {
    actor.township_id.ok_or(AppError::Forbidden("账号未绑定乡镇办"))
}

fn date_field(field: &'static str, label: &str, text: &str) -> Result<time::Date, FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::new(field, format!("请填写{label}")));
    }
    parse_date(text).map_err(|_| FieldError::new(field, "日期格式应为 YYYY-MM-DD"))
}

/// The township a household-side list is narrowed to: None for leaders, the
/// own one for a township (which may not ask for another).
fn township_scope(actor: &Actor, asked: Option<i64>, what: &'static str) -> Result<Option<i64>, AppError> {
    match actor.role {
        Role::Admin | Role::Leader => Ok(asked),
        Role::Township => {
            let own = own_township(actor)?;
            if asked.is_some_and(|t| t != own) {
                return Err(AppError::Forbidden("无权查看其他乡镇办的数据"));
            }
            Ok(Some(own))
        }
        _ => Err(AppError::Forbidden(what)),
    }
}

/// Whether the actor may manage the people side (households, placements,
/// welfare posts, transport) of `township_id`.
fn may_manage(actor: &Actor, township_id: i64) -> Result<(), AppError> {
    match actor.role {
        Role::Admin | Role::Leader => Ok(()),
        Role::Township if actor.township_id == Some(township_id) => Ok(()),
        Role::Township => Err(AppError::Forbidden("只能处理本乡镇办的贫困户和就业数据")),
        _ => Err(AppError::Forbidden("您的角色无权处理贫困户和就业数据")),
    }
}

/// Whether the actor sees ID numbers in clear on a single household or batch
/// (whose row scope is checked before): the township's task force that keeps
/// the record, and the admin. The leader oversees with masked numbers.
fn sees_id_numbers(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::Township)
}

/// An ID number as a form or JSON gives it: left out (keep what is stored),
/// emptied, sent back as it was shown masked, or a number.
enum IdEntry {
    Unchanged,
    Cleared,
    Masked(String),
    Number(IdNumber),
}

fn check_id_number(field: &'static str, text: Option<&str>, errors: &mut Vec<FieldError>) -> IdEntry {
    match text.map(str::trim) {
        None => IdEntry::Unchanged,
        Some("") => IdEntry::Cleared,
        Some(t) if is_masked_id_number(t) => IdEntry::Masked(t.to_string()),
        Some(t) => match IdNumber::parse(t) {
            Ok(id) => IdEntry::Number(id),
            Err(e) => {
                errors.push(FieldError::new(field, e.to_string()));
                IdEntry::Cleared
            }
        },
    }
}

const MASKED_ID_NUMBER: &str = "身份证号已脱敏（只显示前4位和后4位），请填写完整的18位号码";

fn seal(db: &Db, id: Option<&IdNumber>) -> Result<Option<Sealed>, AppError> {
    match id {
        Some(id) => Ok(Some(db.pii()?.seal_id_number(id))),
        None => Ok(None),
    }
}

/// Shows the members' ID numbers in clear or masked.
fn present_members(db: &Db, members: &mut [Member], clear: bool) -> Result<(), AppError> {
    for m in members {
        m.id_number = db.present_id_number(m.id_number_enc.as_deref(), clear)?;
    }
    Ok(())
}

// ---- job postings ---------------------------------------------------------------

/// A posting as a form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PostingInput {
    /// the hiring enterprise (an enterprise user's own is used regardless)
    pub enterprise_id: Option<i64>,
    /// 岗位, e.g. 冷饮生产线操作工
    pub post: String,
    /// places offered (1–10000)
    pub headcount: i64,
    /// 薪酬, e.g. 4000元/月
    pub pay: String,
    /// 招聘要求, as text
    #[serde(default)]
    pub requirements: String,
    /// YYYY-MM-DD (default today)
    pub posted_on: Option<String>,
    /// where the work is (default the enterprise's township)
    pub township_id: Option<i64>,
}

/// Whether the actor may publish or change postings of `enterprise`.
async fn may_post_for(conn: &mut AnyConnection, actor: &Actor, enterprise: &reg::Enterprise) -> Result<(), AppError> {
    let ok = match actor.role {
        Role::Admin | Role::Leader => true,
        Role::Township => actor.township_id == Some(enterprise.township_id),
        Role::Enterprise => actor.enterprise_id == Some(enterprise.id),
        Role::Officer => match actor.cadre_id {
            Some(c) => reg::cadre_serves(conn, c, enterprise.id).await?,
            None => false,
        },
        Role::Department | Role::Volunteer | Role::Isolation => false,
    };
    if ok { Ok(()) } else { Err(AppError::Forbidden("只能发布本企业（或本人负责企业）的用工信息")) }
}

/// Publishes a job posting.
///
/// # Errors
/// `Forbidden` for someone else's enterprise, `Validation` naming each bad field.
pub async fn create_posting(cx: &WorkContext, actor: &Actor, input: &PostingInput) -> Result<JobPosting, AppError> {
    let enterprise_id = match actor.role {
        Role::Enterprise => Some(actor.enterprise_id.ok_or(AppError::Forbidden("账号未绑定企业"))?),
        Role::Volunteer | Role::Isolation | Role::Department => return Err(AppError::Forbidden("您的角色不能发布用工信息")),
        _ => input.enterprise_id,
    };
    let mut errors = Vec::new();
    let post = required_text("post", "岗位名称", &input.post, 50).map_err(|e| errors.push(e)).unwrap_or_default();
    let pay = required_text("pay", "薪酬待遇", &input.pay, 50).map_err(|e| errors.push(e)).unwrap_or_default();
    let requirements = optional_text("requirements", "招聘要求", &input.requirements, 1000).map_err(|e| errors.push(e)).unwrap_or_default();
    if !(1..=10_000).contains(&input.headcount) {
        errors.push(FieldError::new("headcount", "招聘人数应为1到10000之间的整数"));
    }
    let posted_on = match input.posted_on.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => date_field("posted_on", "发布日期", d).map_err(|e| errors.push(e)).ok(),
        None => Some(cx.today()),
    };
    if posted_on.is_some_and(|d| d > cx.today()) {
        errors.push(FieldError::new("posted_on", "发布日期不能晚于今天"));
    }
    let mut tx = cx.db.begin_write().await?;
    let enterprise = match enterprise_id {
        Some(id) => reg::find_enterprise(&mut tx, id).await?,
        None => None,
    };
    if enterprise.is_none() {
        errors.push(FieldError::new("enterprise_id", "请选择招聘企业"));
    }
    let township_id = input.township_id.or(enterprise.as_ref().map(|e| e.township_id));
    if let Some(t) = input.township_id
        && reg::find_township(&mut tx, t).await?.is_none()
    {
        errors.push(FieldError::new("township_id", "所选乡镇办不存在"));
    }
    let (Some(enterprise), Some(township_id), Some(posted_on)) = (enterprise, township_id, posted_on) else { return Err(errors.into()) };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    may_post_for(&mut tx, actor, &enterprise).await?;
    let day = date_text(posted_on);
    let fields = PostingFields {
        enterprise_id: enterprise.id,
        township_id,
        post: &post,
        headcount: input.headcount,
        pay: &pay,
        requirements: &requirements,
        posted_on: &day,
    };
    let id = repo::insert_posting(&mut tx, &fields, actor_id(actor), &cx.now_text()).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let saved = repo::find_posting(&mut tx, id).await?.ok_or(AppError::NotFound("用工信息"))?;
    let mut entry = actor.audit("create", "job_posting", Some(id));
    entry.after = snapshot(&saved);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Narrows a posting filter: an enterprise sees its own, an officer those of
/// its enterprises; the zone's staff see all (job information is published).
fn scope_postings(actor: &Actor, mut f: PostingFilter) -> Result<PostingFilter, AppError> {
    match actor.role {
        Role::Admin | Role::Leader | Role::Township | Role::Department | Role::Officer => {}
        Role::Enterprise => {
            let own = actor.enterprise_id.ok_or(AppError::Forbidden("账号未绑定企业"))?;
            if f.enterprise_id.is_some_and(|e| e != own) {
                return Err(AppError::Forbidden("无权查看其他企业的用工信息"));
            }
            f.enterprise_id = Some(own);
        }
        Role::Volunteer | Role::Isolation => return Err(AppError::Forbidden("您的角色无权查看用工信息")),
    }
    Ok(f)
}

/// # Errors
/// `Forbidden` for roles without postings, or another enterprise's.
pub async fn list_postings(db: &Db, actor: &Actor, filter: PostingFilter, page: &PageRequest) -> Result<Page<JobPosting>, AppError> {
    let f = scope_postings(actor, filter)?;
    Ok(repo::list_postings(db, &f, page).await?)
}

/// A posting with the placements into it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PostingDetail {
    pub posting: JobPosting,
    /// current and past placements; names masked for anyone but staff
    pub placements: Vec<Placement>,
    /// whether the actor may close or reopen it
    pub may_change: bool,
}

/// # Errors
/// `NotFound`, `Forbidden` for another enterprise's posting.
pub async fn get_posting(db: &Db, actor: &Actor, id: i64) -> Result<PostingDetail, AppError> {
    scope_postings(actor, PostingFilter::default())?;
    let mut conn = db.pool().acquire().await?;
    let posting = repo::find_posting(&mut conn, id).await?.ok_or(AppError::NotFound("用工信息"))?;
    if actor.role == Role::Enterprise && actor.enterprise_id != Some(posting.enterprise_id) {
        return Err(AppError::Forbidden("无权查看其他企业的用工信息"));
    }
    let enterprise = reg::find_enterprise(&mut conn, posting.enterprise_id).await?.ok_or(AppError::NotFound("企业"))?;
    let may_change = may_post_for(&mut conn, actor, &enterprise).await.is_ok();
    drop(conn);
    let filter = PlacementFilter { posting_id: Some(id), ..PlacementFilter::default() };
    let placements = repo::list_placements(db, &filter, &PageRequest { page: Some(1), per_page: Some(PageRequest::MAX_PER_PAGE) }).await?.items;
    let placements = placements.into_iter().map(|p| mask_placement(actor, p)).collect();
    Ok(PostingDetail { posting, placements, may_change })
}

/// A posting's new status.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PostingStatusInput {
    /// open (reopen) or closed (stop recruiting); filled follows the placements
    pub status: String,
    /// the version that was read
    pub version: i64,
}

/// Stops or resumes recruiting.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation` (unknown status), `Conflict` (stale version).
pub async fn set_posting_status(db: &Db, actor: &Actor, id: i64, input: &PostingStatusInput) -> Result<JobPosting, AppError> {
    let asked = match PostingStatus::parse(input.status.trim()) {
        Some(s @ (PostingStatus::Open | PostingStatus::Closed)) => s,
        _ => return Err(AppError::field("status", "状态只能改为招聘中（open）或已停止招聘（closed）")),
    };
    let mut tx = db.begin_write().await?;
    let before = repo::find_posting(&mut tx, id).await?.ok_or(AppError::NotFound("用工信息"))?;
    let enterprise = reg::find_enterprise(&mut tx, before.enterprise_id).await?.ok_or(AppError::NotFound("企业"))?;
    may_post_for(&mut tx, actor, &enterprise).await?;
    let status = match asked {
        PostingStatus::Closed => PostingStatus::Closed,
        _ => PostingStatus::Open.after_count(before.filled, before.headcount),
    };
    repo::set_posting_status(&mut tx, id, input.version, status.code(), &crate::store::now()).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let after = repo::find_posting(&mut tx, id).await?.ok_or(AppError::NotFound("用工信息"))?;
    let mut entry = actor.audit("status", "job_posting", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

// ---- households -----------------------------------------------------------------

/// A member as a form or JSON gives it.
#[derive(Clone, Default, Deserialize, ToSchema)]
pub struct MemberInput {
    pub name: String,
    /// 户主, 配偶, 子女 …
    #[serde(default)]
    pub relation: String,
    /// has labour capacity (有劳动能力)
    pub labour_capable: bool,
    /// unemployed (default) or employed (work found without a placement, e.g. 外出务工)
    pub employment: Option<String>,
    /// where the member works
    #[serde(default)]
    pub employment_note: String,
    /// 居民身份证号 (18 characters, GB 11643). Left out of an update: kept as
    /// stored; empty: removed; sent back masked as it was shown: kept.
    pub id_number: Option<String>,
}

crate::debug_without_pii!(MemberInput { labour_capable, employment });

struct CheckedMember {
    name: String,
    relation: String,
    labour_capable: bool,
    employment: EmploymentStatus,
    employment_note: String,
    id_number: IdEntry,
}

impl CheckedMember {
    fn fields<'a>(&'a self, id_number: Option<&'a Sealed>) -> MemberFields<'a> {
        MemberFields {
            name: &self.name,
            relation: &self.relation,
            labour_capable: self.labour_capable,
            employment: self.employment.code(),
            employment_note: &self.employment_note,
            id_number,
        }
    }

    /// The number of a new member: a masked one cannot be stored.
    fn new_id_number(&self, field: &'static str, errors: &mut Vec<FieldError>) -> Option<&IdNumber> {
        match &self.id_number {
            IdEntry::Number(id) => Some(id),
            IdEntry::Masked(_) => {
                errors.push(FieldError::new(field, MASKED_ID_NUMBER));
                None
            }
            IdEntry::Unchanged | IdEntry::Cleared => None,
        }
    }
}

/// The unique index on members' ID numbers, as a field error.
fn taken_id_number(field: &'static str) -> [(&'static str, &'static str, &'static str); 1] {
    [("id_number", field, "该身份证号已登记为其他贫困户（或本户）的成员")]
}

fn check_member(m: &MemberInput, errors: &mut Vec<FieldError>, prefix: bool) -> CheckedMember {
    let f = |plain: &'static str, nested: &'static str| if prefix { nested } else { plain };
    let name = required_text(f("name", "members.name"), "成员姓名", &m.name, 20).map_err(|e| errors.push(e)).unwrap_or_default();
    let relation = optional_text(f("relation", "members.relation"), "与户主关系", &m.relation, 10).map_err(|e| errors.push(e)).unwrap_or_default();
    let employment_note =
        optional_text(f("employment_note", "members.employment_note"), "就业情况", &m.employment_note, 100).map_err(|e| errors.push(e)).unwrap_or_default();
    let employment = match m.employment.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => EmploymentStatus::parse(code).unwrap_or_else(|| {
            errors.push(FieldError::new(f("employment", "members.employment"), format!("未知的就业状态“{code}”")));
            EmploymentStatus::Unemployed
        }),
        None => EmploymentStatus::Unemployed,
    };
    let id_number = check_id_number(f("id_number", "members.id_number"), m.id_number.as_deref(), errors);
    CheckedMember { name, relation, labour_capable: m.labour_capable, employment, employment_note, id_number }
}

/// A poor household as a form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct HouseholdInput {
    /// 户主姓名
    pub head_name: String,
    /// a township's task force may leave it out: its own is used
    pub township_id: Option<i64>,
    /// 村
    pub village: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub notes: String,
    /// at least one (the head is a member too)
    #[serde(default)]
    pub members: Vec<MemberInput>,
}

/// Registers a poor household with its members.
///
/// # Errors
/// `Forbidden` outside the actor's township, `Validation` naming each bad field.
pub async fn create_household(db: &Db, actor: &Actor, input: &HouseholdInput) -> Result<HouseholdDetail, AppError> {
    let ids = create_households(db, actor, std::slice::from_ref(input)).await?;
    get_household(db, actor, ids[0]).await
}

/// Registers many households in one transaction (an import, the demo).
///
/// # Errors
/// As `create_household`, for the first bad household.
pub async fn create_households(db: &Db, actor: &Actor, inputs: &[HouseholdInput]) -> Result<Vec<i64>, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    let mut tx = db.begin_write().await?;
    let at = crate::store::now();
    let mut ids = Vec::with_capacity(inputs.len());
    for input in inputs {
        let mut errors = Vec::new();
        let head = required_text("head_name", "户主姓名", &input.head_name, 20).map_err(|e| errors.push(e)).unwrap_or_default();
        let village = required_text("village", "所在村", &input.village, 50).map_err(|e| errors.push(e)).unwrap_or_default();
        let address = optional_text("address", "住址", &input.address, 200).map_err(|e| errors.push(e)).unwrap_or_default();
        let notes = optional_text("notes", "备注", &input.notes, 1000).map_err(|e| errors.push(e)).unwrap_or_default();
        if input.members.is_empty() {
            errors.push(FieldError::new("members", "请至少登记一名家庭成员"));
        }
        if input.members.len() > MAX_MEMBERS {
            errors.push(FieldError::new("members", format!("家庭成员最多{MAX_MEMBERS}人")));
        }
        let members: Vec<CheckedMember> = input.members.iter().take(MAX_MEMBERS).map(|m| check_member(m, &mut errors, true)).collect();
        let mut sealed = Vec::with_capacity(members.len());
        for m in &members {
            let id = m.new_id_number("members.id_number", &mut errors);
            sealed.push(seal(db, id)?);
        }
        let township_id = match (input.township_id, actor.role) {
            (Some(t), _) => Some(t),
            (None, Role::Township) => actor.township_id,
            (None, _) => None,
        };
        match township_id {
            Some(t) if reg::find_township(&mut tx, t).await?.is_some() => {}
            Some(_) => errors.push(FieldError::new("township_id", "所选乡镇办不存在")),
            None => errors.push(FieldError::new("township_id", "请选择所属乡镇办")),
        }
        let Some(township_id) = township_id.filter(|_| errors.is_empty()) else { return Err(errors.into()) };
        may_manage(actor, township_id)?;
        let id = repo::insert_household(&mut tx, &head, township_id, &village, &address, &notes, actor_id(actor), &at)
            .await
            .map_err(|e| AppError::from_store(e, &[], ""))?;
        for (m, sealed) in members.iter().zip(&sealed) {
            repo::insert_member(&mut tx, id, &m.fields(sealed.as_ref()), &at)
                .await
                .map_err(|e| AppError::from_store(e, &taken_id_number("members.id_number"), ""))?;
        }
        let mut entry = actor.audit("create", "poor_household", Some(id));
        entry.after = Some(serde_json::json!({"township_id": township_id, "village": village, "members": members.len()}));
        audit::append(&mut tx, &entry).await?;
        ids.push(id);
    }
    tx.commit().await?;
    Ok(ids)
}

/// A whole ID number in `q` finds the household of the member with it (by its
/// blind index; the number itself is never compared or stored in a query).
///
/// # Errors
/// `Forbidden` for roles without households, or another township's.
pub async fn list_households(db: &Db, actor: &Actor, mut filter: HouseholdFilter, page: &PageRequest) -> Result<Page<Household>, AppError> {
    filter.township_id = township_scope(actor, filter.township_id, "您的角色无权查看贫困户信息")?;
    if let Some(id) = filter.q.as_deref().and_then(|q| IdNumber::parse(q).ok()) {
        filter.id_number_idx = Some(db.pii()?.id_number_index(&id));
        filter.q = None;
    }
    Ok(repo::list_households(db, &filter, page).await?)
}

/// A household with its members and their placements.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HouseholdDetail {
    pub household: Household,
    pub members: Vec<Member>,
    pub placements: Vec<Placement>,
    /// it breaks 一户一人一岗
    pub gap: bool,
}

async fn household_in_scope(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<Household, AppError> {
    let household = repo::find_household(conn, id).await?.ok_or(AppError::NotFound("贫困户"))?;
    match actor.role {
        Role::Admin | Role::Leader => Ok(household),
        Role::Township if actor.township_id == Some(household.township_id) => Ok(household),
        Role::Township => Err(AppError::Forbidden("无权查看其他乡镇办的贫困户")),
        _ => Err(AppError::Forbidden("您的角色无权查看贫困户信息")),
    }
}

/// # Errors
/// `NotFound`, `Forbidden` outside the actor's township.
pub async fn get_household(db: &Db, actor: &Actor, id: i64) -> Result<HouseholdDetail, AppError> {
    let mut conn = db.pool().acquire().await?;
    let household = household_in_scope(&mut conn, actor, id).await?;
    let mut members = repo::members_of(&mut conn, &[id]).await?;
    drop(conn);
    present_members(db, &mut members, sees_id_numbers(actor))?;
    let filter = PlacementFilter { household_id: Some(id), ..PlacementFilter::default() };
    let placements = repo::list_placements(db, &filter, &PageRequest { page: Some(1), per_page: Some(PageRequest::MAX_PER_PAGE) }).await?.items;
    let gap = rules::is_gap(&facts(&members));
    Ok(HouseholdDetail { household, members, placements, gap })
}

fn facts(members: &[Member]) -> Vec<MemberFacts> {
    members.iter().map(|m| MemberFacts { labour_capable: m.labour_capable == 1, employed: m.employment == EmploymentStatus::Employed.code() }).collect()
}

/// Adds a member to a household.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation`.
pub async fn add_member(db: &Db, actor: &Actor, household_id: i64, input: &MemberInput) -> Result<Member, AppError> {
    let mut errors = Vec::new();
    let checked = check_member(input, &mut errors, false);
    let mut tx = db.begin_write().await?;
    let household = household_in_scope(&mut tx, actor, household_id).await?;
    may_manage(actor, household.township_id)?;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    if repo::members_of(&mut tx, &[household_id]).await?.len() >= MAX_MEMBERS {
        return Err(AppError::field("name", format!("家庭成员最多{MAX_MEMBERS}人")));
    }
    let id_number = checked.new_id_number("id_number", &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let sealed = seal(db, id_number)?;
    let id = repo::insert_member(&mut tx, household_id, &checked.fields(sealed.as_ref()), &crate::store::now())
        .await
        .map_err(|e| AppError::from_store(e, &taken_id_number("id_number"), ""))?;
    let mut member = repo::find_member(&mut tx, id).await?.ok_or(AppError::NotFound("家庭成员"))?;
    present_members(db, std::slice::from_mut(&mut member), sees_id_numbers(actor))?;
    let mut entry = actor.audit("create", "household_member", Some(id));
    entry.after = Some(serde_json::json!({"household_id": household_id, "labour_capable": member.labour_capable, "employment": member.employment}));
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(member)
}

/// A member's changed fields, with the version that was read.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct MemberUpdate {
    pub version: i64,
    #[serde(flatten)]
    pub member: MemberInput,
}

/// Changes a member (labour capacity, work found without a placement …).
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation`, `Conflict` (stale version, or marking
/// unemployed a member who holds a placement).
pub async fn update_member(db: &Db, actor: &Actor, member_id: i64, input: &MemberUpdate) -> Result<Member, AppError> {
    let mut errors = Vec::new();
    let checked = check_member(&input.member, &mut errors, false);
    let mut tx = db.begin_write().await?;
    let before = repo::find_member(&mut tx, member_id).await?.ok_or(AppError::NotFound("家庭成员"))?;
    let household = household_in_scope(&mut tx, actor, before.household_id).await?;
    may_manage(actor, household.township_id)?;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    if checked.employment == EmploymentStatus::Unemployed && current_placement(&mut tx, member_id).await?.is_some() {
        return Err(AppError::Conflict { code: "placed", message: "该成员有在岗的就业安置，请先结束安置".into(), field: Some("employment") });
    }
    let stored = db.present_id_number(before.id_number_enc.as_deref(), true)?;
    let id_number = match &checked.id_number {
        IdEntry::Number(id) => Some(id.clone()),
        IdEntry::Cleared => None,
        // a masked number sent back as it was shown keeps the stored one
        IdEntry::Masked(shown) if !stored.is_empty() && *shown == mask_id_number(&stored) => IdNumber::parse(&stored).ok(),
        IdEntry::Masked(_) => return Err(AppError::field("id_number", MASKED_ID_NUMBER)),
        IdEntry::Unchanged => IdNumber::parse(&stored).ok(),
    };
    let sealed = seal(db, id_number.as_ref())?;
    repo::update_member(&mut tx, member_id, input.version, &checked.fields(sealed.as_ref()), &crate::store::now())
        .await
        .map_err(|e| AppError::from_store(e, &taken_id_number("id_number"), ""))?;
    let mut after = repo::find_member(&mut tx, member_id).await?.ok_or(AppError::NotFound("家庭成员"))?;
    present_members(db, std::slice::from_mut(&mut after), sees_id_numbers(actor))?;
    let mut entry = actor.audit("update", "household_member", Some(member_id));
    // whether the ID number changed, never the number
    let id_changed = stored != id_number.as_ref().map_or("", IdNumber::as_str);
    entry.before = Some(serde_json::json!({"labour_capable": before.labour_capable, "employment": before.employment}));
    entry.after = Some(serde_json::json!({"labour_capable": after.labour_capable, "employment": after.employment, "id_number_changed": id_changed}));
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

async fn current_placement(conn: &mut AnyConnection, member_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT id FROM placements WHERE member_id = $1 AND ended_on IS NULL").bind(member_id).fetch_optional(conn).await?)
}

// ---- welfare posts -----------------------------------------------------------------

/// A public-welfare post as a form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct WelfarePostInput {
    /// e.g. 村级保洁员, 防疫值守员
    pub name: String,
    /// a township's task force may leave it out: its own is used
    pub township_id: Option<i64>,
    #[serde(default)]
    pub village: String,
    /// places (1–1000)
    pub slots: i64,
    #[serde(default)]
    pub pay: String,
    #[serde(default)]
    pub duties: String,
}

/// Opens a public-welfare post.
///
/// # Errors
/// `Forbidden` outside the actor's township, `Validation`.
pub async fn create_welfare_post(db: &Db, actor: &Actor, input: &WelfarePostInput) -> Result<WelfarePost, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    let mut errors = Vec::new();
    let name = required_text("name", "岗位名称", &input.name, 50).map_err(|e| errors.push(e)).unwrap_or_default();
    let village = optional_text("village", "所在村", &input.village, 50).map_err(|e| errors.push(e)).unwrap_or_default();
    let pay = optional_text("pay", "补贴标准", &input.pay, 50).map_err(|e| errors.push(e)).unwrap_or_default();
    let duties = optional_text("duties", "岗位职责", &input.duties, 500).map_err(|e| errors.push(e)).unwrap_or_default();
    if !(1..=1000).contains(&input.slots) {
        errors.push(FieldError::new("slots", "岗位数应为1到1000之间的整数"));
    }
    let township_id = input.township_id.or(if actor.role == Role::Township { actor.township_id } else { None });
    let mut tx = db.begin_write().await?;
    match township_id {
        Some(t) if reg::find_township(&mut tx, t).await?.is_some() => {}
        Some(_) => errors.push(FieldError::new("township_id", "所选乡镇办不存在")),
        None => errors.push(FieldError::new("township_id", "请选择所属乡镇办")),
    }
    let Some(township_id) = township_id.filter(|_| errors.is_empty()) else { return Err(errors.into()) };
    may_manage(actor, township_id)?;
    let fields = WelfareFields { name: &name, township_id, village: &village, slots: input.slots, pay: &pay, duties: &duties };
    let id = repo::insert_welfare_post(&mut tx, &fields, actor_id(actor), &crate::store::now()).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let saved = repo::find_welfare_post(&mut tx, id).await?.ok_or(AppError::NotFound("公益性岗位"))?;
    let mut entry = actor.audit("create", "welfare_post", Some(id));
    entry.after = snapshot(&saved);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(saved)
}

/// # Errors
/// `Forbidden` for roles without them, or another township's.
pub async fn list_welfare_posts(db: &Db, actor: &Actor, township_id: Option<i64>, page: &PageRequest) -> Result<Page<WelfarePost>, AppError> {
    let township = township_scope(actor, township_id, "您的角色无权查看公益性岗位")?;
    Ok(repo::list_welfare_posts(db, township, page).await?)
}

// ---- placements ----------------------------------------------------------------------

/// A placement as a form or JSON gives it: the member and exactly one of a
/// posting, an enterprise (hired without a posting) or a welfare post.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PlacementInput {
    pub member_id: i64,
    pub posting_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub welfare_post_id: Option<i64>,
    /// YYYY-MM-DD
    pub started_on: String,
}

/// Places a member into a job: the member is employed from then on, and the
/// posting or welfare post has one place fewer.
///
/// # Errors
/// `Forbidden` outside the actor's township, `Validation` naming each bad field,
/// `Conflict` when the member already holds a job or the posting is full.
pub async fn create_placement(cx: &WorkContext, actor: &Actor, input: &PlacementInput) -> Result<Placement, AppError> {
    let mut tx = cx.db.begin_write().await?;
    let placement = place_in(&mut tx, cx, actor, input).await?;
    tx.commit().await?;
    Ok(placement)
}

/// Places many members at once (a recruitment fair, the demo): all or none.
///
/// # Errors
/// As `create_placement`, for the first refused placement.
pub async fn create_placements(cx: &WorkContext, actor: &Actor, inputs: &[PlacementInput]) -> Result<Vec<Placement>, AppError> {
    let mut tx = cx.db.begin_write().await?;
    let mut out = Vec::with_capacity(inputs.len());
    for input in inputs {
        out.push(place_in(&mut tx, cx, actor, input).await?);
    }
    tx.commit().await?;
    Ok(out)
}

async fn place_in(tx: &mut AnyConnection, cx: &WorkContext, actor: &Actor, input: &PlacementInput) -> Result<Placement, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    let mut errors = Vec::new();
    let day = date_field("started_on", "上岗日期", &input.started_on).map_err(|e| errors.push(e)).ok();
    if day.is_some_and(|d| d > cx.today() + time::Duration::days(30)) {
        errors.push(FieldError::new("started_on", "上岗日期不能晚于今后30天"));
    }
    let targets = [input.posting_id.is_some() || input.enterprise_id.is_some(), input.welfare_post_id.is_some()];
    if targets == [false, false] {
        errors.push(FieldError::new("posting_id", "请选择用工岗位、企业或公益性岗位"));
    }
    if targets == [true, true] {
        errors.push(FieldError::new("welfare_post_id", "企业岗位和公益性岗位只能选一个"));
    }
    let member = repo::find_member(tx, input.member_id).await?;
    let Some(member) = member else {
        errors.push(FieldError::new("member_id", "请选择家庭成员"));
        return Err(errors.into());
    };
    let household = household_in_scope(tx, actor, member.household_id).await?;
    may_manage(actor, household.township_id)?;
    if member.labour_capable != 1 {
        errors.push(FieldError::new("member_id", "该成员无劳动能力，不能安置就业"));
    }
    let posting = match input.posting_id {
        Some(id) => {
            let p = repo::find_posting(tx, id).await?;
            if p.is_none() {
                errors.push(FieldError::new("posting_id", "所选用工岗位不存在"));
            }
            p
        }
        None => None,
    };
    if let (Some(p), Some(e)) = (&posting, input.enterprise_id)
        && p.enterprise_id != e
    {
        errors.push(FieldError::new("enterprise_id", "所选企业与用工岗位的企业不一致"));
    }
    let enterprise_id = posting.as_ref().map(|p| p.enterprise_id).or(input.enterprise_id);
    let enterprise = match enterprise_id {
        Some(id) => {
            let e = reg::find_enterprise(tx, id).await?;
            if e.is_none() {
                errors.push(FieldError::new("enterprise_id", "所选企业不存在"));
            }
            e
        }
        None => None,
    };
    let welfare = match input.welfare_post_id {
        Some(id) => {
            let w = repo::find_welfare_post(tx, id).await?;
            if w.is_none() {
                errors.push(FieldError::new("welfare_post_id", "所选公益性岗位不存在"));
            }
            w
        }
        None => None,
    };
    let Some(day) = day.filter(|_| errors.is_empty()) else { return Err(errors.into()) };
    if current_placement(tx, member.id).await?.is_some() {
        return Err(AppError::Conflict { code: "already_placed", message: format!("{}已有在岗的就业安置", member.name), field: Some("member_id") });
    }
    let at = cx.now_text();
    if let Some(p) = &posting
        && !repo::take_posting_place(tx, p.id, &at).await.map_err(|e| AppError::from_store(e, &[], ""))?
    {
        let why = if p.status == PostingStatus::Closed.code() { "该用工岗位已停止招聘" } else { "该用工岗位已招满" };
        return Err(AppError::Conflict { code: "posting_full", message: why.into(), field: Some("posting_id") });
    }
    if let Some(w) = &welfare
        && !repo::take_welfare_slot(tx, w.id).await.map_err(|e| AppError::from_store(e, &[], ""))?
    {
        return Err(AppError::Conflict { code: "welfare_post_full", message: "该公益性岗位已满员".into(), field: Some("welfare_post_id") });
    }
    let new = NewPlacement {
        member_id: member.id,
        posting_id: posting.as_ref().map(|p| p.id),
        enterprise_id: enterprise.as_ref().map(|e| e.id),
        welfare_post_id: welfare.as_ref().map(|w| w.id),
        started_on: &date_text(day),
        created_by: actor_id(actor),
    };
    let id = repo::insert_placement(tx, &new, &at).await.map_err(|e| {
        AppError::from_store(e, &[("placements", "member_id", "该成员已有在岗的就业安置"), ("member_id", "member_id", "该成员已有在岗的就业安置")], "")
    })?;
    let note = match (&enterprise, &posting, &welfare) {
        (Some(e), Some(p), _) => format!("{}·{}", e.name, p.post),
        (Some(e), None, _) => e.name.clone(),
        (None, _, Some(w)) => format!("公益性岗位：{}", w.name),
        _ => String::new(),
    };
    repo::set_member_employment(tx, member.id, EmploymentStatus::Employed.code(), &note, &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let saved = repo::find_placement(tx, id).await?.ok_or(AppError::NotFound("就业安置"))?;
    let mut entry = actor.audit("create", "placement", Some(id));
    entry.after = Some(serde_json::json!({"member_id": member.id, "posting_id": new.posting_id, "enterprise_id": new.enterprise_id,
        "welfare_post_id": new.welfare_post_id, "started_on": new.started_on}));
    audit::append(tx, &entry).await?;
    Ok(saved)
}

/// The end of a placement.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct EndPlacementInput {
    /// YYYY-MM-DD
    pub ended_on: String,
    /// why (离职, 合同到期 …)
    #[serde(default)]
    pub reason: String,
}

/// Ends a placement: the member is unemployed again and the place is free.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation`, `Conflict` when it already ended.
pub async fn end_placement(cx: &WorkContext, actor: &Actor, id: i64, input: &EndPlacementInput) -> Result<Placement, AppError> {
    let mut errors = Vec::new();
    let day = date_field("ended_on", "离岗日期", &input.ended_on).map_err(|e| errors.push(e)).ok();
    let reason = required_text("reason", "离岗原因", &input.reason, 200).map_err(|e| errors.push(e)).unwrap_or_default();
    let mut tx = cx.db.begin_write().await?;
    let before = repo::find_placement(&mut tx, id).await?.ok_or(AppError::NotFound("就业安置"))?;
    may_manage(actor, before.township_id)?;
    if day.is_some_and(|d| date_text(d) < before.started_on) {
        errors.push(FieldError::new("ended_on", "离岗日期不能早于上岗日期"));
    }
    if day.is_some_and(|d| d > cx.today()) {
        errors.push(FieldError::new("ended_on", "离岗日期不能晚于今天"));
    }
    let Some(day) = day.filter(|_| errors.is_empty()) else { return Err(errors.into()) };
    if !repo::end_placement(&mut tx, id, &date_text(day), &reason).await.map_err(|e| AppError::from_store(e, &[], ""))? {
        return Err(AppError::Conflict { code: "already_ended", message: "该就业安置已结束".into(), field: None });
    }
    let at = cx.now_text();
    if let Some(p) = before.posting_id {
        repo::release_posting_place(&mut tx, p, &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    }
    if let Some(w) = before.welfare_post_id {
        repo::release_welfare_slot(&mut tx, w).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    }
    repo::set_member_employment(&mut tx, before.member_id, EmploymentStatus::Unemployed.code(), "", &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let after = repo::find_placement(&mut tx, id).await?.ok_or(AppError::NotFound("就业安置"))?;
    let mut entry = actor.audit("end", "placement", Some(id));
    entry.after = Some(serde_json::json!({"ended_on": after.ended_on, "reason": after.end_reason}));
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// One placement, for the page that asks before ending it.
///
/// # Errors
/// `NotFound`, `Forbidden`.
pub async fn get_placement(db: &Db, actor: &Actor, id: i64) -> Result<Placement, AppError> {
    let mut conn = db.pool().acquire().await?;
    let p = repo::find_placement(&mut conn, id).await?.ok_or(AppError::NotFound("就业安置"))?;
    match actor.role {
        Role::Enterprise if p.enterprise_id.is_some() && p.enterprise_id == actor.enterprise_id => Ok(mask_placement(actor, p)),
        Role::Enterprise => Err(AppError::Forbidden("无权查看其他企业的就业安置")),
        _ => {
            may_manage(actor, p.township_id)?;
            Ok(p)
        }
    }
}

/// Members' names are personal data: only the zone's staff read them.
fn mask_placement(actor: &Actor, mut p: Placement) -> Placement {
    if !actor.role.is_staff() {
        p.member_name = rules::mask_name(&p.member_name);
        p.village = String::new();
    }
    p
}

/// # Errors
/// `Forbidden` for roles without placements, or outside the actor's rows.
pub async fn list_placements(db: &Db, actor: &Actor, mut f: PlacementFilter, page: &PageRequest) -> Result<Page<Placement>, AppError> {
    match actor.role {
        Role::Enterprise => {
            let own = actor.enterprise_id.ok_or(AppError::Forbidden("账号未绑定企业"))?;
            if f.enterprise_id.is_some_and(|e| e != own) {
                return Err(AppError::Forbidden("无权查看其他企业的就业安置"));
            }
            f.enterprise_id = Some(own);
            f.township_id = None;
        }
        _ => f.township_id = township_scope(actor, f.township_id, "您的角色无权查看就业安置")?,
    }
    let page = repo::list_placements(db, &f, page).await?;
    Ok(Page { items: page.items.into_iter().map(|p| mask_placement(actor, p)).collect(), total: page.total, page: page.page, per_page: page.per_page })
}

// ---- 一户一人一岗 ------------------------------------------------------------------------

/// A posting suggested for a gap.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Suggestion {
    pub posting_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub post: String,
    pub township_id: i64,
    pub township_name: String,
    /// in the household's own township
    pub same_township: bool,
    /// places still free
    pub remaining: i64,
    pub pay: String,
    /// the posting's requirements, as text
    pub requirements: String,
}

/// A member of a gap household.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GapMember {
    pub id: i64,
    pub name: String,
    pub relation: String,
    pub labour_capable: bool,
    /// unemployed, employed
    pub employment: String,
}

/// A household that breaks 一户一人一岗, and what could fix it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Gap {
    pub household_id: i64,
    pub head_name: String,
    pub township_id: i64,
    pub township_name: String,
    pub village: String,
    pub members: Vec<GapMember>,
    /// open postings with a free place that a member can meet, the household's own township first
    pub suggestions: Vec<Suggestion>,
}

/// Filters of the gap list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct GapQuery {
    pub township_id: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// What the suggestions may know of a member looking for work: the birth
/// year and sex its ID number holds (read here, never shown or logged). A
/// number that cannot be opened is simply not known.
fn profile_of(db: &Db, m: &Member) -> MemberProfile {
    let id = db.pii().ok().and_then(|key| key.open_id_number(m.id_number_enc.as_deref()).ok().flatten()).and_then(|n| IdNumber::parse(&n).ok());
    MemberProfile {
        birth_year: id.as_ref().map(|n| n.birth_date().year()),
        sex: id.as_ref().map(|n| if n.is_male() { Sex::Male } else { Sex::Female }),
        skills: Vec::new(),
    }
}

/// The gap list: every poor household in scope with a labour-capable member and
/// no member employed, each with up to `SUGGESTIONS_PER_GAP` open postings
/// that one of its members looking for work can meet (the age and sex the
/// posting's requirements ask, against the member's ID number): its own
/// township first, then by skill words matched, then by free places.
///
/// # Errors
/// `Forbidden` for roles without households, or another township's.
pub async fn gaps(db: &Db, actor: &Actor, q: &GapQuery) -> Result<Page<Gap>, AppError> {
    let township = township_scope(actor, q.township_id, "您的角色无权查看一户一人一岗缺口")?;
    let page = repo::list_gap_households(db, township, &PageRequest { page: q.page, per_page: q.per_page }).await?;
    let mut conn = db.pool().acquire().await?;
    let ids: Vec<i64> = page.items.iter().map(|h| h.id).collect();
    let members = repo::members_of(&mut conn, &ids).await?;
    let postings = repo::open_postings(&mut conn).await?;
    let open: Vec<OpenPosting> = postings
        .iter()
        .map(|p| OpenPosting {
            id: p.id,
            township_id: p.township_id,
            remaining: p.headcount - p.filled,
            posted_on: p.posted_on.clone(),
            needs: PostingNeeds::parse(&p.requirements),
        })
        .collect();
    let mut items = Vec::with_capacity(page.items.len());
    for h in page.items {
        let own: Vec<&Member> = members.iter().filter(|m| m.household_id == h.id).collect();
        let seekers: Vec<MemberProfile> = own.iter().filter(|m| m.labour_capable == 1 && m.employment != "employed").map(|m| profile_of(db, m)).collect();
        let suggestions = rules::rank_suggestions(h.township_id, &seekers, &open, SUGGESTIONS_PER_GAP)
            .into_iter()
            .filter_map(|id| postings.iter().find(|p| p.id == id))
            .map(|p| Suggestion {
                posting_id: p.id,
                enterprise_id: p.enterprise_id,
                enterprise_name: p.enterprise_name.clone(),
                post: p.post.clone(),
                township_id: p.township_id,
                township_name: p.township_name.clone(),
                same_township: p.township_id == h.township_id,
                remaining: p.headcount - p.filled,
                pay: p.pay.clone(),
                requirements: p.requirements.clone(),
            })
            .collect();
        items.push(Gap {
            household_id: h.id,
            head_name: h.head_name,
            township_id: h.township_id,
            township_name: h.township_name,
            village: h.village,
            members: own
                .into_iter()
                .map(|m| GapMember {
                    id: m.id,
                    name: m.name.clone(),
                    relation: m.relation.clone(),
                    labour_capable: m.labour_capable == 1,
                    employment: m.employment.clone(),
                })
                .collect(),
            suggestions,
        });
    }
    Ok(Page { items, total: page.total, page: page.page, per_page: page.per_page })
}

// ---- point-to-point transport --------------------------------------------------------

/// A passenger as a form or JSON gives it.
#[derive(Clone, Default, Deserialize, ToSchema)]
pub struct PassengerInput {
    pub name: String,
    /// the household member, when the passenger is one
    pub member_id: Option<i64>,
    /// where the passenger goes to work
    #[serde(default)]
    pub destination: String,
    /// °C at the boarding check, e.g. 36.5
    pub temperature: f64,
    /// green, yellow, red
    pub health_code: String,
    /// 居民身份证号 (18 characters, GB 11643), optional
    #[serde(default)]
    pub id_number: String,
}

crate::debug_without_pii!(PassengerInput { member_id });

/// A transport batch as a form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct BatchInput {
    /// a township's task force may leave it out: its own is used
    pub township_id: Option<i64>,
    /// e.g. 新习镇—江苏昆山
    pub route: String,
    /// e.g. 豫J·A1234 大客车
    pub vehicle: String,
    /// YYYY-MM-DD
    pub departs_on: String,
    /// 带队人
    #[serde(default)]
    pub escort: String,
    #[serde(default)]
    pub passengers: Vec<PassengerInput>,
}

/// A batch with its passengers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchDetail {
    pub batch: TransportBatch,
    pub passengers: Vec<Passenger>,
}

/// Records a point-to-point trip and the health check of each passenger:
/// only those with a normal temperature and a green code board.
///
/// # Errors
/// `Forbidden` outside the actor's township, `Validation` naming each bad field.
pub async fn create_batch(cx: &WorkContext, actor: &Actor, input: &BatchInput) -> Result<BatchDetail, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    let mut errors = Vec::new();
    let route = required_text("route", "线路", &input.route, 100).map_err(|e| errors.push(e)).unwrap_or_default();
    let vehicle = required_text("vehicle", "车辆", &input.vehicle, 50).map_err(|e| errors.push(e)).unwrap_or_default();
    let escort = optional_text("escort", "带队人", &input.escort, 50).map_err(|e| errors.push(e)).unwrap_or_default();
    let day = date_field("departs_on", "发车日期", &input.departs_on).map_err(|e| errors.push(e)).ok();
    if input.passengers.is_empty() {
        errors.push(FieldError::new("passengers", "请至少登记一名乘客"));
    }
    if input.passengers.len() > MAX_PASSENGERS {
        errors.push(FieldError::new("passengers", format!("每批次最多{MAX_PASSENGERS}名乘客")));
    }
    let mut passengers = Vec::new();
    for p in input.passengers.iter().take(MAX_PASSENGERS) {
        let name = required_text("passengers.name", "乘客姓名", &p.name, 20).map_err(|e| errors.push(e)).unwrap_or_default();
        let destination = optional_text("passengers.destination", "务工地点", &p.destination, 100).map_err(|e| errors.push(e)).unwrap_or_default();
        let temperature = Temperature::from_celsius(p.temperature).map_err(|m| errors.push(FieldError::new("passengers.temperature", m))).ok();
        let code = HealthCode::parse(p.health_code.trim());
        if code.is_none() {
            errors.push(FieldError::new("passengers.health_code", "健康码应为绿码（green）、黄码（yellow）或红码（red）"));
        }
        let id_number = match check_id_number("passengers.id_number", Some(&p.id_number), &mut errors) {
            IdEntry::Number(id) => seal(&cx.db, Some(&id))?,
            IdEntry::Masked(_) => {
                errors.push(FieldError::new("passengers.id_number", MASKED_ID_NUMBER));
                None
            }
            IdEntry::Unchanged | IdEntry::Cleared => None,
        };
        if let (Some(t), Some(c)) = (temperature, code) {
            passengers.push((name, p.member_id, destination, t, c, id_number));
        }
    }
    let township_id = input.township_id.or(if actor.role == Role::Township { actor.township_id } else { None });
    let mut tx = cx.db.begin_write().await?;
    match township_id {
        Some(t) if reg::find_township(&mut tx, t).await?.is_some() => {}
        Some(_) => errors.push(FieldError::new("township_id", "所选乡镇办不存在")),
        None => errors.push(FieldError::new("township_id", "请选择组织乡镇办")),
    }
    for (_, member, ..) in &passengers {
        if let Some(m) = member
            && repo::find_member(&mut tx, *m).await?.is_none()
        {
            errors.push(FieldError::new("passengers.member_id", "所选家庭成员不存在"));
        }
    }
    let (Some(township_id), Some(day)) = (township_id, day) else { return Err(errors.into()) };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    may_manage(actor, township_id)?;
    let at = cx.now_text();
    let id = repo::insert_batch(&mut tx, township_id, &route, &vehicle, &date_text(day), &escort, actor_id(actor), &at)
        .await
        .map_err(|e| AppError::from_store(e, &[], ""))?;
    for (name, member_id, destination, temperature, code, id_number) in &passengers {
        let new = NewPassenger {
            member_id: *member_id,
            name,
            destination,
            temperature_tenths: temperature.tenths(),
            health_code: code.code(),
            passed: rules::passes_health_check(*temperature, *code),
            id_number: id_number.as_ref(),
        };
        repo::insert_passenger(&mut tx, id, &new).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    }
    let batch = repo::find_batch(&mut tx, id).await?.ok_or(AppError::NotFound("运输批次"))?;
    let mut entry = actor.audit("create", "transport_batch", Some(id));
    entry.after = Some(serde_json::json!({"route": batch.route, "vehicle": batch.vehicle, "departs_on": batch.departs_on,
        "passengers": batch.passengers, "boarded": batch.boarded}));
    audit::append(&mut tx, &entry).await?;
    let mut passengers = repo::passengers_of(&mut tx, id).await?;
    tx.commit().await?;
    present_passengers(&cx.db, &mut passengers, sees_id_numbers(actor))?;
    Ok(BatchDetail { batch, passengers })
}

fn present_passengers(db: &Db, passengers: &mut [Passenger], clear: bool) -> Result<(), AppError> {
    for p in passengers {
        p.id_number = db.present_id_number(p.id_number_enc.as_deref(), clear)?;
    }
    Ok(())
}

/// # Errors
/// `Forbidden` for roles without transport, or another township's.
pub async fn list_batches(db: &Db, actor: &Actor, township_id: Option<i64>, page: &PageRequest) -> Result<Page<TransportBatch>, AppError> {
    let township = township_scope(actor, township_id, "您的角色无权查看点对点运输")?;
    Ok(repo::list_batches(db, township, page).await?)
}

/// A batch with its passengers' boarding health checks (temperature, health
/// code): health data, so the read is audited, naming the passengers.
///
/// # Errors
/// `NotFound`, `Forbidden` outside the actor's township.
pub async fn get_batch(db: &Db, actor: &Actor, id: i64) -> Result<BatchDetail, AppError> {
    let mut tx = db.begin_write().await?;
    let batch = repo::find_batch(&mut tx, id).await?.ok_or(AppError::NotFound("运输批次"))?;
    may_manage(actor, batch.township_id).map_err(|_| AppError::Forbidden("无权查看该运输批次"))?;
    let mut passengers = repo::passengers_of(&mut tx, id).await?;
    let mut entry = actor.audit("read", "transport_batch", Some(id));
    entry.after = Some(serde_json::json!({"passengers": passengers.iter().map(|p| p.id).collect::<Vec<_>>()}));
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    present_passengers(db, &mut passengers, sees_id_numbers(actor))?;
    Ok(BatchDetail { batch, passengers })
}
