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

static TABLE: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> = LazyLock::new(|| ENTRIES.iter().map(|(k, zh, en)| (*k, (*zh, *en))).collect());

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    #[test]
    fn keys_are_unique() {
        assert_eq!(TABLE.len(), ENTRIES.len());
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
