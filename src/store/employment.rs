//! Job postings, poor households and their members, public-welfare posts,
//! placements and point-to-point transport batches (稳就业).

use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use utoipa::ToSchema;

use super::pii::Sealed;
use super::query::{Bind, Conditions, Page, PageRequest, like_pattern};
use super::{Db, StoreError};

/// The SQL form of `domain::employment::is_gap` for household `h`: a member
/// could work and no member is employed (一户一人一岗 is broken).
const GAP_CONDITION: &str = "EXISTS (SELECT 1 FROM household_members m WHERE m.household_id = h.id AND m.labour_capable = 1) \
    AND NOT EXISTS (SELECT 1 FROM household_members m WHERE m.household_id = h.id AND m.employment = 'employed')";

fn in_list(column: &str, ids: &[i64]) -> (String, Vec<Bind>) {
    let placeholders = vec!["{}"; ids.len()].join(", ");
    (format!("{column} IN ({placeholders})"), ids.iter().map(|i| Bind::Int(*i)).collect())
}

// ---- job postings ---------------------------------------------------------------

/// 用工信息
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct JobPosting {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub township_id: i64,
    pub township_name: String,
    /// the post, e.g. 冷饮生产线操作工
    pub post: String,
    /// places offered
    pub headcount: i64,
    /// places taken by current placements
    pub filled: i64,
    /// e.g. 4000元/月
    pub pay: String,
    pub requirements: String,
    /// open, filled, closed
    pub status: String,
    /// YYYY-MM-DD
    pub posted_on: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

const POSTING_SELECT: &str = "SELECT p.id, p.enterprise_id, e.name AS enterprise_name, p.township_id, t.name AS township_name, p.post, p.headcount, \
    p.filled, p.pay, p.requirements, p.status, p.posted_on, p.created_at, p.updated_at, p.version \
    FROM job_postings p JOIN enterprises e ON e.id = p.enterprise_id JOIN townships t ON t.id = p.township_id";

/// The checked fields of a posting.
#[derive(Debug, Clone)]
pub struct PostingFields<'a> {
    pub enterprise_id: i64,
    pub township_id: i64,
    pub post: &'a str,
    pub headcount: i64,
    pub pay: &'a str,
    pub requirements: &'a str,
    pub posted_on: &'a str,
}

pub async fn insert_posting(conn: &mut AnyConnection, p: &PostingFields<'_>, created_by: Option<i64>, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO job_postings (enterprise_id, township_id, post, headcount, filled, pay, requirements, status, posted_on, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 0, $5, $6, 'open', $7, $8, $9, $9) RETURNING id",
    )
    .bind(p.enterprise_id)
    .bind(p.township_id)
    .bind(p.post)
    .bind(p.headcount)
    .bind(p.pay)
    .bind(p.requirements)
    .bind(p.posted_on)
    .bind(created_by)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn find_posting(conn: &mut AnyConnection, id: i64) -> Result<Option<JobPosting>, sqlx::Error> {
    sqlx::query_as(&format!("{POSTING_SELECT} WHERE p.id = $1")).bind(id).fetch_optional(conn).await
}

/// Which postings a list shows.
#[derive(Debug, Clone, Default)]
pub struct PostingFilter {
    pub status: Option<String>,
    pub township_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    /// part of the post or the enterprise's name
    pub q: Option<String>,
}

pub async fn list_postings(db: &Db, f: &PostingFilter, page: &PageRequest) -> Result<Page<JobPosting>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(v) = &f.status {
        c.push("p.status = {}", v.as_str());
    }
    if let Some(v) = f.township_id {
        c.push("p.township_id = {}", v);
    }
    if let Some(v) = f.enterprise_id {
        c.push("p.enterprise_id = {}", v);
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        c.push("(p.post LIKE {} ESCAPE '\\' OR e.name LIKE {} ESCAPE '\\')", like_pattern(q));
    }
    let from = "FROM job_postings p JOIN enterprises e ON e.id = p.enterprise_id";
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) {from}{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let items = sqlx::query_as_with(
        &format!(
            "{POSTING_SELECT}{} ORDER BY CASE p.status WHEN 'open' THEN 0 WHEN 'filled' THEN 1 ELSE 2 END, p.posted_on DESC, p.id DESC{limit}",
            c.where_sql()
        ),
        args,
    )
    .fetch_all(db.pool())
    .await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

/// Every open posting with a free place (the candidates for suggestions).
pub async fn open_postings(conn: &mut AnyConnection) -> Result<Vec<JobPosting>, sqlx::Error> {
    sqlx::query_as(&format!("{POSTING_SELECT} WHERE p.status = 'open' AND p.filled < p.headcount ORDER BY p.id")).fetch_all(conn).await
}

/// Changes a posting's status if it is still at `version`.
///
/// # Errors
/// `Stale` when someone changed it first.
pub async fn set_posting_status(conn: &mut AnyConnection, id: i64, version: i64, status: &str, at: &str) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE job_postings SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4")
        .bind(status)
        .bind(at)
        .bind(id)
        .bind(version)
        .execute(conn)
        .await
        .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

/// Takes one place of an open posting; false when it is not open or full.
/// One statement, so two placements at once cannot both take the last place.
pub async fn take_posting_place(conn: &mut AnyConnection, id: i64, at: &str) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE job_postings SET filled = filled + 1, status = CASE WHEN filled + 1 >= headcount THEN 'filled' ELSE status END, \
         updated_at = $1, version = version + 1 WHERE id = $2 AND status = 'open' AND filled < headcount",
    )
    .bind(at)
    .bind(id)
    .execute(conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(done.rows_affected() == 1)
}

/// Gives a place back (a placement ended); a filled posting opens again.
pub async fn release_posting_place(conn: &mut AnyConnection, id: i64, at: &str) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE job_postings SET filled = filled - 1, status = CASE WHEN status = 'filled' THEN 'open' ELSE status END, \
         updated_at = $1, version = version + 1 WHERE id = $2 AND filled > 0",
    )
    .bind(at)
    .bind(id)
    .execute(conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

// ---- households and members ---------------------------------------------------------

/// 贫困户, with counts of its members.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Household {
    pub id: i64,
    /// 户主
    pub head_name: String,
    pub township_id: i64,
    pub township_name: String,
    pub village: String,
    pub address: String,
    pub notes: String,
    pub members: i64,
    /// members with labour capacity
    pub labour_capable: i64,
    /// members employed
    pub employed: i64,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

const HOUSEHOLD_SELECT: &str = "SELECT h.id, h.head_name, h.township_id, t.name AS township_name, h.village, h.address, h.notes, \
    (SELECT COUNT(*) FROM household_members m WHERE m.household_id = h.id) AS members, \
    (SELECT COUNT(*) FROM household_members m WHERE m.household_id = h.id AND m.labour_capable = 1) AS labour_capable, \
    (SELECT COUNT(*) FROM household_members m WHERE m.household_id = h.id AND m.employment = 'employed') AS employed, \
    h.created_at, h.updated_at, h.version FROM poor_households h JOIN townships t ON t.id = h.township_id";

#[allow(clippy::too_many_arguments)]
pub async fn insert_household(
    conn: &mut AnyConnection,
    head_name: &str,
    township_id: i64,
    village: &str,
    address: &str,
    notes: &str,
    created_by: Option<i64>,
    at: &str,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO poor_households (head_name, township_id, village, address, notes, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(head_name)
    .bind(township_id)
    .bind(village)
    .bind(address)
    .bind(notes)
    .bind(created_by)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn find_household(conn: &mut AnyConnection, id: i64) -> Result<Option<Household>, sqlx::Error> {
    sqlx::query_as(&format!("{HOUSEHOLD_SELECT} WHERE h.id = $1")).bind(id).fetch_optional(conn).await
}

/// Which households a list shows.
#[derive(Debug, Clone, Default)]
pub struct HouseholdFilter {
    pub township_id: Option<i64>,
    /// part of the head's name or the village
    pub q: Option<String>,
    /// only households that break 一户一人一岗
    pub gaps_only: bool,
    /// only the household with a member of this ID number (its blind index, see `store::pii`)
    pub id_number_idx: Option<String>,
}

pub async fn list_households(db: &Db, f: &HouseholdFilter, page: &PageRequest) -> Result<Page<Household>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(v) = f.township_id {
        c.push("h.township_id = {}", v);
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        c.push("(h.head_name LIKE {} ESCAPE '\\' OR h.village LIKE {} ESCAPE '\\')", like_pattern(q));
    }
    if f.gaps_only {
        c.push_raw(GAP_CONDITION);
    }
    if let Some(idx) = &f.id_number_idx {
        c.push("EXISTS (SELECT 1 FROM household_members m WHERE m.household_id = h.id AND m.id_number_idx = {})", idx.as_str());
    }
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM poor_households h{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let items =
        sqlx::query_as_with(&format!("{HOUSEHOLD_SELECT}{} ORDER BY h.township_id, h.village, h.id{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

/// 家庭成员
#[derive(Clone, Serialize, FromRow, ToSchema)]
pub struct Member {
    pub id: i64,
    pub household_id: i64,
    pub name: String,
    /// 户主, 配偶, 子女 …
    pub relation: String,
    /// 1: has labour capacity (有劳动能力)
    pub labour_capable: i64,
    /// unemployed, employed
    pub employment: String,
    /// where the member works
    pub employment_note: String,
    /// 居民身份证号 (empty when not recorded): in clear or masked, as the reader
    /// may see it (set by the use cases from `id_number_enc`)
    #[sqlx(skip)]
    pub id_number: String,
    /// the number encrypted (`store::pii`); never leaves the server
    #[serde(skip)]
    pub id_number_enc: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

crate::debug_without_pii!(Member { id, household_id, version });

const MEMBER_SELECT: &str = "SELECT id, household_id, name, relation, labour_capable, employment, employment_note, id_number_enc, created_at, updated_at, \
    version FROM household_members";

/// The checked fields of a member.
#[derive(Clone)]
pub struct MemberFields<'a> {
    pub name: &'a str,
    pub relation: &'a str,
    pub labour_capable: bool,
    pub employment: &'a str,
    pub employment_note: &'a str,
    /// the ID number encrypted, and its blind index (`store::pii`)
    pub id_number: Option<&'a Sealed>,
}

crate::debug_without_pii!(MemberFields<'a> { labour_capable, employment });

pub async fn insert_member(conn: &mut AnyConnection, household_id: i64, m: &MemberFields<'_>, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO household_members (household_id, name, relation, labour_capable, employment, employment_note, id_number_enc, id_number_idx, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(household_id)
    .bind(m.name)
    .bind(m.relation)
    .bind(i64::from(m.labour_capable))
    .bind(m.employment)
    .bind(m.employment_note)
    .bind(m.id_number.map(|s| s.enc.as_str()))
    .bind(m.id_number.map(|s| s.idx.as_str()))
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn find_member(conn: &mut AnyConnection, id: i64) -> Result<Option<Member>, sqlx::Error> {
    sqlx::query_as(&format!("{MEMBER_SELECT} WHERE id = $1")).bind(id).fetch_optional(conn).await
}

/// The members of these households, by household then id.
pub async fn members_of(conn: &mut AnyConnection, household_ids: &[i64]) -> Result<Vec<Member>, sqlx::Error> {
    if household_ids.is_empty() {
        return Ok(Vec::new());
    }
    let (clause, binds) = in_list("household_id", household_ids);
    let mut c = Conditions::default();
    c.push_each(&clause, &binds);
    sqlx::query_as_with(&format!("{MEMBER_SELECT}{} ORDER BY household_id, id", c.where_sql()), c.args()).fetch_all(conn).await
}

/// Writes a member's fields if it is still at `version`.
///
/// # Errors
/// `Stale` when someone changed it first.
pub async fn update_member(conn: &mut AnyConnection, id: i64, version: i64, m: &MemberFields<'_>, at: &str) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE household_members SET name = $1, relation = $2, labour_capable = $3, employment = $4, employment_note = $5, id_number_enc = $6, \
         id_number_idx = $7, updated_at = $8, version = version + 1 WHERE id = $9 AND version = $10",
    )
    .bind(m.name)
    .bind(m.relation)
    .bind(i64::from(m.labour_capable))
    .bind(m.employment)
    .bind(m.employment_note)
    .bind(m.id_number.map(|s| s.enc.as_str()))
    .bind(m.id_number.map(|s| s.idx.as_str()))
    .bind(at)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await
    .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

/// Sets a member's employment (a placement starts or ends).
pub async fn set_member_employment(conn: &mut AnyConnection, id: i64, employment: &str, note: &str, at: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE household_members SET employment = $1, employment_note = $2, updated_at = $3, version = version + 1 WHERE id = $4")
        .bind(employment)
        .bind(note)
        .bind(at)
        .bind(id)
        .execute(conn)
        .await
        .map_err(StoreError::classify)?;
    Ok(())
}

/// The households that break 一户一人一岗, in scope, one page.
pub async fn list_gap_households(db: &Db, township_id: Option<i64>, page: &PageRequest) -> Result<Page<Household>, sqlx::Error> {
    list_households(db, &HouseholdFilter { township_id, gaps_only: true, ..HouseholdFilter::default() }, page).await
}

// ---- welfare posts ------------------------------------------------------------------

/// 公益性岗位
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct WelfarePost {
    pub id: i64,
    /// e.g. 村级保洁员, 防疫值守员, 护林员
    pub name: String,
    pub township_id: i64,
    pub township_name: String,
    pub village: String,
    pub slots: i64,
    pub filled: i64,
    pub pay: String,
    pub duties: String,
    pub created_at: String,
}

const WELFARE_SELECT: &str = "SELECT w.id, w.name, w.township_id, t.name AS township_name, w.village, w.slots, w.filled, w.pay, w.duties, w.created_at \
    FROM welfare_posts w JOIN townships t ON t.id = w.township_id";

/// The checked fields of a welfare post.
#[derive(Debug, Clone)]
pub struct WelfareFields<'a> {
    pub name: &'a str,
    pub township_id: i64,
    pub village: &'a str,
    pub slots: i64,
    pub pay: &'a str,
    pub duties: &'a str,
}

pub async fn insert_welfare_post(conn: &mut AnyConnection, w: &WelfareFields<'_>, created_by: Option<i64>, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO welfare_posts (name, township_id, village, slots, filled, pay, duties, created_by, created_at) \
         VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8) RETURNING id",
    )
    .bind(w.name)
    .bind(w.township_id)
    .bind(w.village)
    .bind(w.slots)
    .bind(w.pay)
    .bind(w.duties)
    .bind(created_by)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn find_welfare_post(conn: &mut AnyConnection, id: i64) -> Result<Option<WelfarePost>, sqlx::Error> {
    sqlx::query_as(&format!("{WELFARE_SELECT} WHERE w.id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn list_welfare_posts(db: &Db, township_id: Option<i64>, page: &PageRequest) -> Result<Page<WelfarePost>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(t) = township_id {
        c.push("w.township_id = {}", t);
    }
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM welfare_posts w{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let items =
        sqlx::query_as_with(&format!("{WELFARE_SELECT}{} ORDER BY w.township_id, w.village, w.id{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

/// Takes one slot of a welfare post; false when all are taken.
pub async fn take_welfare_slot(conn: &mut AnyConnection, id: i64) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE welfare_posts SET filled = filled + 1 WHERE id = $1 AND filled < slots")
        .bind(id)
        .execute(conn)
        .await
        .map_err(StoreError::classify)?;
    Ok(done.rows_affected() == 1)
}

pub async fn release_welfare_slot(conn: &mut AnyConnection, id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE welfare_posts SET filled = filled - 1 WHERE id = $1 AND filled > 0").bind(id).execute(conn).await.map_err(StoreError::classify)?;
    Ok(())
}

// ---- placements ---------------------------------------------------------------------

/// 就业安置: a member into a job.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Placement {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub household_id: i64,
    /// the household's township
    pub township_id: i64,
    pub village: String,
    pub posting_id: Option<i64>,
    pub post: Option<String>,
    pub enterprise_id: Option<i64>,
    pub enterprise_name: Option<String>,
    pub welfare_post_id: Option<i64>,
    pub welfare_post_name: Option<String>,
    /// YYYY-MM-DD
    pub started_on: String,
    pub ended_on: Option<String>,
    pub end_reason: String,
    pub created_at: String,
}

const PLACEMENT_SELECT: &str = "SELECT pl.id, pl.member_id, m.name AS member_name, m.household_id, h.township_id, h.village, pl.posting_id, \
    p.post AS post, pl.enterprise_id, e.name AS enterprise_name, pl.welfare_post_id, w.name AS welfare_post_name, pl.started_on, pl.ended_on, \
    pl.end_reason, pl.created_at FROM placements pl JOIN household_members m ON m.id = pl.member_id \
    JOIN poor_households h ON h.id = m.household_id LEFT JOIN job_postings p ON p.id = pl.posting_id \
    LEFT JOIN enterprises e ON e.id = pl.enterprise_id LEFT JOIN welfare_posts w ON w.id = pl.welfare_post_id";

/// The checked fields of a placement.
#[derive(Debug, Clone)]
pub struct NewPlacement<'a> {
    pub member_id: i64,
    pub posting_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub welfare_post_id: Option<i64>,
    pub started_on: &'a str,
    pub created_by: Option<i64>,
}

pub async fn insert_placement(conn: &mut AnyConnection, p: &NewPlacement<'_>, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO placements (member_id, posting_id, enterprise_id, welfare_post_id, started_on, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(p.member_id)
    .bind(p.posting_id)
    .bind(p.enterprise_id)
    .bind(p.welfare_post_id)
    .bind(p.started_on)
    .bind(p.created_by)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn find_placement(conn: &mut AnyConnection, id: i64) -> Result<Option<Placement>, sqlx::Error> {
    sqlx::query_as(&format!("{PLACEMENT_SELECT} WHERE pl.id = $1")).bind(id).fetch_optional(conn).await
}

/// Which placements a list shows.
#[derive(Debug, Clone, Default)]
pub struct PlacementFilter {
    /// the household's township
    pub township_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub posting_id: Option<i64>,
    pub household_id: Option<i64>,
    pub member_id: Option<i64>,
    /// only placements that have not ended
    pub current: bool,
}

pub async fn list_placements(db: &Db, f: &PlacementFilter, page: &PageRequest) -> Result<Page<Placement>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(v) = f.township_id {
        c.push("h.township_id = {}", v);
    }
    if let Some(v) = f.enterprise_id {
        c.push("pl.enterprise_id = {}", v);
    }
    if let Some(v) = f.posting_id {
        c.push("pl.posting_id = {}", v);
    }
    if let Some(v) = f.household_id {
        c.push("m.household_id = {}", v);
    }
    if let Some(v) = f.member_id {
        c.push("pl.member_id = {}", v);
    }
    if f.current {
        c.push_raw("pl.ended_on IS NULL");
    }
    let from = "FROM placements pl JOIN household_members m ON m.id = pl.member_id JOIN poor_households h ON h.id = m.household_id";
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) {from}{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let items =
        sqlx::query_as_with(&format!("{PLACEMENT_SELECT}{} ORDER BY pl.started_on DESC, pl.id DESC{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

/// Ends a current placement; false when it had already ended.
pub async fn end_placement(conn: &mut AnyConnection, id: i64, ended_on: &str, reason: &str) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE placements SET ended_on = $1, end_reason = $2 WHERE id = $3 AND ended_on IS NULL")
        .bind(ended_on)
        .bind(reason)
        .bind(id)
        .execute(conn)
        .await
        .map_err(StoreError::classify)?;
    Ok(done.rows_affected() == 1)
}

// ---- transport ----------------------------------------------------------------------

/// 点对点运输: one chartered trip.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct TransportBatch {
    pub id: i64,
    pub township_id: i64,
    pub township_name: String,
    /// e.g. 新习镇—江苏昆山
    pub route: String,
    /// e.g. 豫J·A1234 大客车
    pub vehicle: String,
    /// YYYY-MM-DD
    pub departs_on: String,
    /// the escort (带队人)
    pub escort: String,
    pub passengers: i64,
    /// passengers who passed the health check and boarded
    pub boarded: i64,
    pub created_at: String,
}

const BATCH_SELECT: &str = "SELECT b.id, b.township_id, t.name AS township_name, b.route, b.vehicle, b.departs_on, b.escort, \
    (SELECT COUNT(*) FROM transport_passengers x WHERE x.batch_id = b.id) AS passengers, \
    (SELECT COUNT(*) FROM transport_passengers x WHERE x.batch_id = b.id AND x.passed = 1) AS boarded, b.created_at \
    FROM transport_batches b JOIN townships t ON t.id = b.township_id";

#[allow(clippy::too_many_arguments)]
pub async fn insert_batch(
    conn: &mut AnyConnection,
    township_id: i64,
    route: &str,
    vehicle: &str,
    departs_on: &str,
    escort: &str,
    created_by: Option<i64>,
    at: &str,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO transport_batches (township_id, route, vehicle, departs_on, escort, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(township_id)
    .bind(route)
    .bind(vehicle)
    .bind(departs_on)
    .bind(escort)
    .bind(created_by)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn find_batch(conn: &mut AnyConnection, id: i64) -> Result<Option<TransportBatch>, sqlx::Error> {
    sqlx::query_as(&format!("{BATCH_SELECT} WHERE b.id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn list_batches(db: &Db, township_id: Option<i64>, page: &PageRequest) -> Result<Page<TransportBatch>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(t) = township_id {
        c.push("b.township_id = {}", t);
    }
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM transport_batches b{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let items =
        sqlx::query_as_with(&format!("{BATCH_SELECT}{} ORDER BY b.departs_on DESC, b.id DESC{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

/// A passenger and the result of the check before boarding.
#[derive(Clone, Serialize, FromRow, ToSchema)]
pub struct Passenger {
    pub id: i64,
    pub batch_id: i64,
    /// the household member, when the passenger is one
    pub member_id: Option<i64>,
    pub name: String,
    /// where the passenger goes to work
    pub destination: String,
    /// tenths of a degree Celsius (365 = 36.5 °C)
    pub temperature_tenths: i64,
    /// green, yellow, red
    pub health_code: String,
    /// 1: passed the check and boarded
    pub passed: i64,
    /// 居民身份证号 (empty when not recorded): in clear or masked, as the reader may see it
    #[sqlx(skip)]
    pub id_number: String,
    /// the number encrypted (`store::pii`); never leaves the server
    #[serde(skip)]
    pub id_number_enc: Option<String>,
}

crate::debug_without_pii!(Passenger { id, batch_id, member_id });

/// The checked fields of a passenger.
#[derive(Clone)]
pub struct NewPassenger<'a> {
    pub member_id: Option<i64>,
    pub name: &'a str,
    pub destination: &'a str,
    pub temperature_tenths: i64,
    pub health_code: &'a str,
    pub passed: bool,
    /// the ID number encrypted, and its blind index (`store::pii`)
    pub id_number: Option<&'a Sealed>,
}

crate::debug_without_pii!(NewPassenger<'a> { member_id, passed });

pub async fn insert_passenger(conn: &mut AnyConnection, batch_id: i64, p: &NewPassenger<'_>) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO transport_passengers (batch_id, member_id, name, destination, temperature_tenths, health_code, passed, id_number_enc, id_number_idx) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(batch_id)
    .bind(p.member_id)
    .bind(p.name)
    .bind(p.destination)
    .bind(p.temperature_tenths)
    .bind(p.health_code)
    .bind(i64::from(p.passed))
    .bind(p.id_number.map(|s| s.enc.as_str()))
    .bind(p.id_number.map(|s| s.idx.as_str()))
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn passengers_of(conn: &mut AnyConnection, batch_id: i64) -> Result<Vec<Passenger>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, batch_id, member_id, name, destination, temperature_tenths, health_code, passed, id_number_enc FROM transport_passengers \
         WHERE batch_id = $1 ORDER BY id",
    )
    .bind(batch_id)
    .fetch_all(conn)
    .await
}

// ---- as of a day (the briefing) ---------------------------------------------------

/// Employment as it stood at the end of a day: placements current on it, and
/// the households that broke 一户一人一岗 then.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmploymentOn {
    pub placements: i64,
    pub gaps: i64,
}

/// A member employed on `$1` (a day), as `m`: a placement covering the day, or
/// work found otherwise (employed with no placement ever, counted from when the
/// member was recorded, `$2`: the UTC instant the day ends).
const EMPLOYED_ON: &str = "(EXISTS (SELECT 1 FROM placements p WHERE p.member_id = m.id AND p.started_on <= $1 AND (p.ended_on IS NULL OR p.ended_on > $1)) \
    OR (m.employment = 'employed' AND m.created_at < $2 AND NOT EXISTS (SELECT 1 FROM placements p WHERE p.member_id = m.id)))";

/// Placements current on `day` and gap households as of it: households and
/// members recorded before `until` (the UTC instant the day ends), each
/// household with a labour-capable member and none employed on the day. Today
/// it agrees with `list_gap_households`; for an earlier day it does not count
/// placements made after it.
pub async fn employment_on(db: &Db, day: &str, until: &str) -> Result<EmploymentOn, sqlx::Error> {
    let placements: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM placements WHERE started_on <= $1 AND (ended_on IS NULL OR ended_on > $1)")
        .bind(day)
        .fetch_one(db.pool())
        .await?;
    let gaps: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM poor_households h WHERE h.created_at < $2 \
         AND EXISTS (SELECT 1 FROM household_members m WHERE m.household_id = h.id AND m.labour_capable = 1 AND m.created_at < $2) \
         AND NOT EXISTS (SELECT 1 FROM household_members m WHERE m.household_id = h.id AND {EMPLOYED_ON})"
    ))
    .bind(day)
    .bind(until)
    .fetch_one(db.pool())
    .await?;
    Ok(EmploymentOn { placements, gaps })
}
