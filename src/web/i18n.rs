//! The translation table: every string a page shows, in Chinese (the default)
//! and English. Pages call `tr.t("key")`; a missing key shows the key itself,
//! which a test catches.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::domain::{EnterpriseKind, Role, TownshipKind};

/// The language a page is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language a request asks for: the `zd_lang` cookie first, then the
    /// first of Accept-Language that we speak, then Chinese.
    pub fn of_headers(headers: &axum::http::HeaderMap) -> Lang {
        let cookie = headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().strip_prefix("zd_lang="))
            .find_map(Lang::parse);
        if let Some(lang) = cookie {
            return lang;
        }
        let accept = headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        for part in accept.split(',') {
            let tag = part.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            if tag.starts_with("zh") {
                return Lang::Zh;
            }
            if tag.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::Zh
    }

    /// The text of `key` in this language.
    pub fn t(self, key: &str) -> &'static str {
        match TABLE.get(key) {
            Some((zh, en)) => match self {
                Lang::Zh => zh,
                Lang::En => en,
            },
            None => {
                tracing::warn!(key, "missing translation");
                "??"
            }
        }
    }

    pub fn role(self, role: Role) -> &'static str {
        self.t(&format!("role.{}", role.code()))
    }

    pub fn kind(self, kind: EnterpriseKind) -> &'static str {
        self.t(&format!("kind.{}", kind.code()))
    }

    /// The label of a code of a kind that has its keys in the table (`state`,
    /// `source`, `priority`, `rating`, `action`); an unknown code shows as itself.
    pub fn label(self, kind: &str, code: &str) -> &'static str {
        let key = format!("{kind}.{code}");
        if TABLE.contains_key(key.as_str()) { self.t(&key) } else { "—" }
    }

    pub fn township_kind(self, kind: TownshipKind) -> &'static str {
        self.t(&format!("township_kind.{}", kind.code()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::of_headers(&parts.headers))
    }
}

/// Every key, with its Chinese and English text.
pub const ENTRIES: &[(&str, &str, &str)] = &[
    ("app.name", "开发区复工复产服务平台", "Zone Enterprise Service Desk"),
    ("nav.work_orders", "工单", "Work orders"),
    ("nav.my_orders", "我的诉求", "My demands"),
    ("nav.queue", "待办工单", "My queue"),
    ("nav.supervision", "督办", "Supervision"),
    ("nav.rates", "三率", "Three rates"),
    ("nav.officers", "首席服务员", "Service officers"),
    ("nav.my_desk", "我的企业", "My enterprises"),
    ("nav.visits", "走访记录", "Visits"),
    ("nav.categories", "问题类别", "Categories"),
    ("nav.notifications", "消息", "Messages"),
    ("state.submitted", "待受理", "Submitted"),
    ("state.assigned", "已交办", "Assigned"),
    ("state.in_progress", "办理中", "In progress"),
    ("state.resolved", "已办结", "Resolved"),
    ("state.closed", "已评价", "Closed"),
    ("source.enterprise", "企业诉求", "Enterprise demand"),
    ("source.officer_visit", "走访发现", "Officer's visit"),
    ("source.hotline", "热线受理", "Hotline"),
    ("source.inspection", "督导检查", "Inspection"),
    ("source.project", "项目要素保障", "Project factor need"),
    ("source.policy_supervision", "政策督查", "Policy supervision"),
    ("priority.normal", "一般", "Normal"),
    ("priority.high", "优先", "High"),
    ("priority.urgent", "紧急", "Urgent"),
    ("rating.satisfied", "满意", "Satisfied"),
    ("rating.basically_satisfied", "基本满意", "Basically satisfied"),
    ("rating.unsatisfied", "不满意", "Unsatisfied"),
    ("action.file", "提交", "Filed"),
    ("action.assign", "交办", "Assign"),
    ("action.return", "退回", "Return"),
    ("action.transfer", "转派", "Transfer"),
    ("action.sign_for", "签收", "Sign for"),
    ("action.note", "办理进展", "Progress note"),
    ("action.resolve", "办结", "Resolve"),
    ("action.rate", "评价", "Rate"),
    ("action.supervise", "督办", "Supervise"),
    ("action.request_extension", "延期申请", "Request extension"),
    ("action.decide_extension", "延期审批", "Decide extension"),
    ("action.merge", "合并", "Merge"),
    ("action.escalate", "超期督办", "Escalated"),
    ("orders.title", "工单", "Work orders"),
    ("orders.queue_title", "待办工单", "My queue"),
    ("orders.mine_title", "我的诉求", "My demands"),
    ("orders.new", "提交诉求", "File a demand"),
    ("orders.new_staff", "登记工单", "Register an order"),
    ("orders.empty", "没有符合条件的工单。可调整筛选条件，或提交一项新诉求。", "No order matches. Change the filters or file a new demand."),
    ("orders.number", "编号", "No."),
    ("orders.subject", "标题", "Title"),
    ("orders.description", "问题描述", "Description"),
    ("orders.category", "问题类别", "Category"),
    ("orders.source", "来源", "Source"),
    ("orders.priority", "优先级", "Priority"),
    ("orders.department", "承办部门", "Department"),
    ("orders.state", "状态", "State"),
    ("orders.limit", "时限", "Limit"),
    ("orders.sign_deadline", "签收时限", "Sign-for limit"),
    ("orders.resolve_deadline", "办结时限", "Resolve limit"),
    ("orders.enterprise_or_site", "企业/地点", "Enterprise / site"),
    ("orders.address", "地点", "Place"),
    ("orders.location", "经纬度", "Latitude, longitude"),
    ("orders.filed_at", "提交时间", "Filed"),
    ("orders.resolution", "办理结果", "Resolution"),
    ("orders.rating", "评价", "Rating"),
    ("orders.timeline", "办理过程", "Timeline"),
    ("orders.escalated", "督办", "Supervised"),
    ("orders.overdue", "超期", "Overdue"),
    ("orders.days_left", "剩余工作日", "working days left"),
    ("orders.due_today", "今日到期", "Due today"),
    ("orders.overdue_days", "已超期工作日", "working days overdue"),
    ("orders.open_only", "仅未办结", "Open only"),
    ("orders.sort_newest", "最新提交", "Newest"),
    ("orders.sort_overdue", "超期优先", "Overdue first"),
    ("orders.possible_duplicates", "可能与以下工单重复：", "This may duplicate:"),
    ("orders.merged_into", "已合并至工单", "Merged into order"),
    ("orders.merged_here", "已合并到本工单的重复工单", "Duplicates merged into this order"),
    ("orders.extension_pending", "待审批的延期申请", "Pending extension request"),
    ("orders.actions", "办理", "Handle"),
    ("orders.no_actions", "当前没有您可以进行的操作。", "There is nothing for you to do on this order now."),
    ("orders.templates", "答复模板", "Response templates"),
    ("orders.use_template", "使用", "Use"),
    ("orders.note", "说明", "Note"),
    ("orders.reason", "理由", "Reason"),
    ("orders.days", "延期工作日", "Working days"),
    ("orders.approve", "同意", "Grant"),
    ("orders.refuse", "不同意", "Refuse"),
    ("orders.new_deadline", "新的办结时限", "New resolve limit"),
    ("orders.target", "原工单编号", "Original order no."),
    ("orders.choose", "请选择", "Choose"),
    ("orders.township_hint", "无企业时，问题所在乡镇办", "The township of the site, when no enterprise"),
    ("orders.enterprise_optional", "涉及企业（可选）", "Enterprise (optional)"),
    ("supervision.title", "督办事项", "Supervision list"),
    ("supervision.empty", "目前没有超期或督办的工单。", "No order is overdue or under supervision."),
    ("supervision.reason", "督办原因", "Reason"),
    ("supervision.sign", "超过签收时限", "Sign-for limit passed"),
    ("supervision.resolve", "超过办结时限", "Resolve limit passed"),
    ("supervision.leader", "领导督办", "Supervised by a leader"),
    ("rates.title", "三率统计", "Three rates"),
    ("rates.group", "统计口径", "Group by"),
    ("rates.group.zone", "全区", "Zone"),
    ("rates.group.department", "部门", "Department"),
    ("rates.group.township", "乡镇办", "Township"),
    ("rates.group.officer", "首席服务员", "Officer"),
    ("rates.from", "起始日期", "From"),
    ("rates.to", "截止日期", "To"),
    ("rates.assigned", "交办数", "Assigned"),
    ("rates.response", "响应率", "Response rate"),
    ("rates.resolution", "解决率", "Resolution rate"),
    ("rates.satisfaction", "满意率", "Satisfaction rate"),
    (
        "rates.rule",
        "统计口径：以期间内首次交办的工单为准。响应率 = 按时签收数 ÷ 已到签收时限或已签收数；解决率 = 已办结数 ÷ 已到办结时限或已办结数；满意率 =（满意 + 基本满意）÷ 已评价数。无可统计工单时显示“—”。",
        "Counted over the orders first assigned in the period. Response = signed for in time ÷ signed or past the sign-for limit; resolution = resolved ÷ resolved or past the resolve limit; satisfaction = (satisfied + basically satisfied) ÷ rated. “—” when there is nothing to count.",
    ),
    ("rates.empty", "该期间没有交办的工单。", "No order was assigned in this period."),
    ("rates.league", "月度排名", "Monthly league table"),
    ("rates.month", "月份", "Month"),
    ("rates.rank", "名次", "Rank"),
    ("rates.score", "综合得分", "Score"),
    (
        "rates.league_rule",
        "综合得分为三率的平均值（无可统计的率不计入），得分相同按交办数排序。",
        "The score is the mean of the three rates (a rate with nothing to count is left out); ties go to the department assigned more orders.",
    ),
    ("officers.title", "首席服务员", "Chief service officers"),
    ("officers.coverage", "派驻覆盖", "Coverage"),
    ("officers.in_scope", "范围内企业", "Enterprises in scope"),
    ("officers.covered", "已派驻", "With an officer"),
    ("officers.uncovered", "未派驻首席服务员的企业", "Enterprises without an officer"),
    ("officers.all_covered", "范围内企业均已派驻首席服务员。", "Every enterprise in scope has an officer."),
    ("officers.enterprises", "服务企业", "Enterprises served"),
    ("officers.since", "派驻日期", "Since"),
    ("officers.desk", "我的企业", "My enterprises"),
    ("officers.open_orders", "未办结工单", "Open orders"),
    ("officers.no_open_orders", "所服务企业目前没有未办结的工单。", "Your enterprises have no open orders."),
    ("visits.title", "走访记录", "Visits"),
    ("visits.new", "记录走访", "Record a visit"),
    ("visits.date", "走访日期", "Date"),
    ("visits.findings", "走访情况", "Findings"),
    ("visits.demands", "企业诉求", "Demands raised"),
    ("visits.demand_hint", "每项诉求将生成一张工单；不需要的行留空。", "Each demand becomes an order; leave unused rows empty."),
    ("visits.empty", "还没有走访记录。", "No visits yet."),
    ("visits.enterprise", "走访企业", "Enterprise"),
    ("visits.officer", "首席服务员", "Officer"),
    ("notifications.title", "消息", "Messages"),
    ("notifications.empty", "没有消息。", "No messages."),
    ("notifications.read_all", "全部标为已读", "Mark all read"),
    ("notifications.read", "标为已读", "Mark read"),
    ("notifications.unread", "未读", "Unread"),
    ("categories.title", "问题类别与时限", "Categories and limits"),
    ("categories.sign_days", "签收时限（工作日）", "Sign-for limit (working days)"),
    ("categories.resolve_days", "办结时限（工作日）", "Resolve limit (working days)"),
    ("categories.public", "公开（Open311 匿名可读）", "Public (anonymous Open311 reads)"),
    (
        "categories.hint",
        "修改只影响此后交办的工单；绿名单企业和紧急工单的办结时限减半。",
        "Changes apply to orders assigned from now on; green-list and urgent orders get half the resolve limit.",
    ),
    ("enterprise.open_orders", "本企业未办结诉求", "Open demands"),
    ("enterprise.no_open_orders", "目前没有未办结的诉求。有困难和问题，可随时提交。", "No open demands. File one whenever you need help."),
    ("app.zone", "濮阳经济技术开发区", "Puyang Economic & Technological Development Zone"),
    ("nav.home", "首页", "Home"),
    ("nav.enterprises", "企业", "Enterprises"),
    ("nav.townships", "乡镇办", "Townships"),
    ("nav.departments", "职能部门", "Departments"),
    ("nav.cadres", "干部", "Cadres"),
    ("nav.users", "账号", "Users"),
    ("nav.audit", "审计日志", "Audit log"),
    ("nav.my_enterprise", "本企业", "My enterprise"),
    ("nav.logout", "退出", "Log out"),
    ("nav.skip", "跳到正文", "Skip to content"),
    ("login.title", "登录", "Log in"),
    ("login.username", "用户名", "User name"),
    ("login.password", "密码", "Password"),
    ("login.submit", "登录", "Log in"),
    ("login.failed", "用户名或密码错误", "Wrong user name or password"),
    ("login.hint", "演示账号：admin、leader、hengfeng 等，密码 demo", "Demo log-ins: admin, leader, hengfeng …, password demo"),
    ("role.admin", "系统管理员", "Administrator"),
    ("role.leader", "专班/领导", "Task force / leader"),
    ("role.township", "乡镇办专班", "Township task force"),
    ("role.department", "职能部门", "Department"),
    ("role.officer", "首席服务员", "Chief service officer"),
    ("role.enterprise", "企业联系人", "Enterprise contact"),
    ("role.volunteer", "志愿者", "Volunteer"),
    ("role.isolation", "观察点工作人员", "Isolation point staff"),
    ("kind.industrial", "工业企业", "Industrial"),
    ("kind.foreign_trade", "外贸企业", "Foreign trade"),
    ("kind.commerce_service", "商贸服务业", "Commerce & services"),
    ("kind.construction_real_estate", "建筑房地产", "Construction & real estate"),
    ("kind.agriculture", "农业", "Agriculture"),
    ("township_kind.xiang", "乡", "Township (xiang)"),
    ("township_kind.zhen", "镇", "Town (zhen)"),
    ("township_kind.ban", "办事处", "Sub-district office"),
    ("field.name", "名称", "Name"),
    ("field.enterprise_name", "企业名称", "Enterprise name"),
    ("field.credit_code", "统一社会信用代码", "Unified social credit code"),
    ("field.industry", "所属行业", "Industry"),
    ("field.kind", "企业类型", "Kind"),
    ("field.township", "所属乡镇办", "Township"),
    ("field.address", "地址", "Address"),
    ("field.contact_name", "联系人", "Contact"),
    ("field.contact_phone", "联系电话", "Phone"),
    ("field.headcount", "职工人数", "Headcount"),
    ("field.officer", "首席服务员", "Chief service officer"),
    ("field.created_at", "登记时间", "Registered"),
    ("field.updated_at", "更新时间", "Updated"),
    ("field.township_kind", "类型", "Kind"),
    ("field.person_name", "姓名", "Name"),
    ("field.rank", "职级", "Rank"),
    ("field.department", "所在部门", "Department"),
    ("field.phone", "电话", "Phone"),
    ("field.enterprise_count", "服务企业数", "Enterprises served"),
    ("field.username", "用户名", "User name"),
    ("field.display_name", "姓名", "Display name"),
    ("field.password", "初始密码", "Initial password"),
    ("field.role", "角色", "Role"),
    ("field.scope", "所属单位", "Scope"),
    ("field.status", "状态", "Status"),
    ("field.at", "时间", "Time"),
    ("field.actor", "操作人", "Actor"),
    ("field.action", "操作", "Action"),
    ("field.entity", "对象", "Entity"),
    ("field.change", "变更内容", "Change"),
    ("common.all", "全部", "All"),
    ("common.none", "无", "None"),
    ("common.search", "查询", "Search"),
    ("common.reset", "重置", "Reset"),
    ("common.save", "保存", "Save"),
    ("common.cancel", "取消", "Cancel"),
    ("common.create", "新增", "Add"),
    ("common.edit", "编辑", "Edit"),
    ("common.delete", "删除", "Delete"),
    ("common.confirm_delete", "确认删除", "Confirm deletion"),
    ("common.back", "返回", "Back"),
    ("common.actions", "操作", "Actions"),
    ("common.prev", "上一页", "Previous"),
    ("common.next", "下一页", "Next"),
    ("common.total", "共", "Total"),
    ("common.records", "条", "records"),
    ("common.page", "页", "page"),
    ("common.keyword", "名称或信用代码", "Name or credit code"),
    ("common.active", "正常", "Active"),
    ("common.disabled", "已停用", "Disabled"),
    ("common.disable", "停用", "Disable"),
    ("common.enable", "启用", "Enable"),
    ("common.persons", "人", "people"),
    ("common.yes", "有", "Yes"),
    ("common.no", "无", "No"),
    ("common.sort", "排序", "Sort"),
    ("sort.name", "按名称", "By name"),
    ("sort.headcount", "按职工人数", "By headcount"),
    ("sort.newest", "最近登记", "Newest"),
    ("enterprises.title", "企业名录", "Enterprises"),
    ("enterprises.new", "登记企业", "Register an enterprise"),
    ("enterprises.edit", "编辑企业信息", "Edit enterprise"),
    ("enterprises.empty", "没有符合条件的企业。请调整筛选条件，或登记一家新企业。", "No enterprise matches. Change the filters or register one."),
    ("enterprises.has_officer", "首席服务员", "Officer"),
    ("enterprises.with_officer", "已派驻", "Assigned"),
    ("enterprises.without_officer", "未派驻", "Not assigned"),
    ("enterprises.no_officer", "尚未派驻首席服务员", "No chief service officer yet"),
    ("enterprises.delete_question", "确定要删除该企业吗？删除后不可恢复。", "Delete this enterprise? This cannot be undone."),
    (
        "enterprises.limited_edit",
        "企业联系人只能修改地址、联系人、电话和职工人数。",
        "An enterprise contact may change only the address, contact, phone and headcount.",
    ),
    ("townships.title", "乡镇办", "Townships"),
    ("townships.empty", "还没有乡镇办。请先新增。", "No townships yet. Add one first."),
    ("townships.delete_question", "确定要删除该乡镇办吗？", "Delete this township?"),
    ("departments.title", "职能部门", "Departments"),
    ("departments.empty", "还没有职能部门。请先新增。", "No departments yet. Add one first."),
    ("departments.delete_question", "确定要删除该部门吗？", "Delete this department?"),
    ("cadres.title", "干部名录", "Cadres"),
    ("cadres.empty", "还没有干部。管理员可在此新增。", "No cadres yet. An administrator can add them here."),
    ("users.title", "账号管理", "Users"),
    ("users.empty", "还没有账号。", "No users yet."),
    (
        "users.scope_hint",
        "乡镇办专班填乡镇办编号，职能部门填部门编号，首席服务员填干部编号，企业联系人填企业编号",
        "Township id for township users, department id for departments, cadre id for officers, enterprise id for enterprise users",
    ),
    ("audit.title", "审计日志", "Audit log"),
    ("audit.empty", "还没有审计记录。", "No audit entries yet."),
    ("home.title", "首页", "Home"),
    ("home.welcome", "欢迎使用", "Welcome to"),
    ("home.no_capability", "您的角色可用的功能将在此列出。", "The capabilities of your role are listed here."),
    ("error.title", "出错了", "Something went wrong"),
    ("error.403", "无权访问", "Access denied"),
    ("error.404", "页面不存在", "Not found"),
    ("error.back_home", "返回首页", "Back to home"),
    ("error.form", "请修改标红的字段后重新提交", "Please correct the fields marked in red"),
];

/// The tables of every capability: the shared one above, and one `I18N` per
/// capability module that keeps its own words (add a line here for a new one).
const TABLES: &[&[(&str, &str, &str)]] = &[
    ENTRIES,
    crate::web::pages::resumption::I18N,
    crate::web::pages::reports::I18N,
    crate::web::pages::inspections::I18N,
    crate::web::pages::employment::I18N,
    crate::web::pages::tutoring::I18N,
    crate::web::pages::isolation::I18N,
    crate::web::pages::projects::I18N,
    crate::web::pages::investment::I18N,
    crate::web::pages::policies::I18N,
    crate::web::pages::exchange::I18N,
    crate::web::pages::workorders::I18N,
    crate::web::pages::reference::I18N,
    crate::web::pages::officers::I18N,
];

static TABLE: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| TABLES.iter().flat_map(|t| t.iter()).map(|(k, zh, en)| (*k, (*zh, *en))).collect());

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    #[test]
    fn keys_are_unique() {
        assert_eq!(TABLE.len(), TABLES.iter().map(|t| t.len()).sum::<usize>());
    }

    #[test]
    fn every_role_and_kind_has_a_label() {
        for r in Role::ALL {
            assert_ne!(Lang::Zh.role(r), "??");
            assert_ne!(Lang::En.role(r), "??");
        }
        for k in EnterpriseKind::ALL {
            assert_ne!(Lang::Zh.kind(k), "??");
        }
        for k in TownshipKind::ALL {
            assert_ne!(Lang::En.township_kind(k), "??");
        }
        use crate::domain::workorder::{Action, OrderState, Priority, Rating, Source};
        for s in OrderState::ALL {
            assert_eq!(Lang::Zh.label("state", s.code()), s.label());
        }
        for a in Action::ALL {
            assert_eq!(Lang::Zh.label("action", a.code()), a.label());
        }
        for s in Source::ALL {
            assert_eq!(Lang::Zh.label("source", s.code()), s.label());
        }
        for r in Rating::ALL {
            assert_eq!(Lang::Zh.label("rating", r.code()), r.label());
        }
        for p in Priority::ALL {
            assert_eq!(Lang::Zh.label("priority", p.code()), p.label());
        }
    }

    #[test]
    fn the_cookie_wins_over_accept_language() {
        let mut h = HeaderMap::new();
        h.insert("accept-language", "en-US,en;q=0.9".parse().unwrap());
        assert_eq!(Lang::of_headers(&h), Lang::En);
        h.insert("cookie", "a=b; zd_lang=zh".parse().unwrap());
        assert_eq!(Lang::of_headers(&h), Lang::Zh);
        assert_eq!(Lang::of_headers(&HeaderMap::new()), Lang::Zh);
    }
}
