//! The registry's values: enterprise kinds, township kinds, and the checked
//! input for a new or changed enterprise, township, department or cadre.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::credit_code::CreditCode;

/// 企业类型 — decides which resumption track an enterprise follows
/// (green list for foreign trade, commitment for commerce and services, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnterpriseKind {
    /// 工业企业
    Industrial,
    /// 外贸企业
    ForeignTrade,
    /// 商贸服务业
    CommerceService,
    /// 建筑房地产
    ConstructionRealEstate,
    /// 农业
    Agriculture,
}

impl EnterpriseKind {
    pub const ALL: [EnterpriseKind; 5] = [
        EnterpriseKind::Industrial,
        EnterpriseKind::ForeignTrade,
        EnterpriseKind::CommerceService,
        EnterpriseKind::ConstructionRealEstate,
        EnterpriseKind::Agriculture,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EnterpriseKind::Industrial => "industrial",
            EnterpriseKind::ForeignTrade => "foreign_trade",
            EnterpriseKind::CommerceService => "commerce_service",
            EnterpriseKind::ConstructionRealEstate => "construction_real_estate",
            EnterpriseKind::Agriculture => "agriculture",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// 乡 / 镇 / 办(街道办事处).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TownshipKind {
    Xiang,
    Zhen,
    Ban,
}

impl TownshipKind {
    pub const ALL: [TownshipKind; 3] = [TownshipKind::Xiang, TownshipKind::Zhen, TownshipKind::Ban];

    pub fn code(self) -> &'static str {
        match self {
            TownshipKind::Xiang => "xiang",
            TownshipKind::Zhen => "zhen",
            TownshipKind::Ban => "ban",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// A field-level problem with input; `field` is the input's field name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}

/// A required text of at most `max` characters, trimmed.
///
/// # Errors
/// Empty after trimming, or longer than `max` characters.
pub fn required_text(field: &'static str, label: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, format!("请填写{label}")));
    }
    optional_text(field, label, value, max)
}

/// An optional text of at most `max` characters, trimmed (empty stays empty).
///
/// # Errors
/// Longer than `max` characters, or containing control characters.
pub fn optional_text(field: &'static str, label: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(FieldError::new(field, format!("{label}不能超过{max}个字")));
    }
    // line breaks and tabs belong in descriptions; other control characters never do
    if value.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(FieldError::new(field, format!("{label}含有不可见的控制字符")));
    }
    Ok(value.to_string())
}

/// A Chinese mainland phone number: digits with optional area-code dash, 7–20 characters.
///
/// # Errors
/// Any character other than digits, spaces, '-' and a leading '+'.
pub fn optional_phone(field: &'static str, value: &str) -> Result<String, FieldError> {
    let value = value.trim();
    let ok = value.is_empty()
        || (value.len() >= 7 && value.len() <= 20 && value.char_indices().all(|(i, c)| c.is_ascii_digit() || c == '-' || c == ' ' || (i == 0 && c == '+')));
    if ok { Ok(value.to_string()) } else { Err(FieldError::new(field, "电话号码格式不正确")) }
}

/// The checked fields of an enterprise, as a use case receives them.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseFields {
    pub name: String,
    pub credit_code: CreditCode,
    pub industry: String,
    pub kind: EnterpriseKind,
    pub township_id: i64,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub headcount: i64,
}

/// Raw enterprise input (from a form or JSON), before checking.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct EnterpriseInput {
    pub name: String,
    pub credit_code: String,
    #[serde(default)]
    pub industry: String,
    /// industrial, foreign_trade, commerce_service, construction_real_estate, agriculture
    pub kind: String,
    pub township_id: i64,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub headcount: i64,
}

impl EnterpriseInput {
    /// Checks every field and reports every problem at once, so a form can show
    /// each message beside its field.
    ///
    /// # Errors
    /// One `FieldError` per bad field.
    pub fn parse(&self) -> Result<EnterpriseFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut take = |r: Result<String, FieldError>| r.map_err(|e| errors.push(e)).unwrap_or_default();
        let name = take(required_text("name", "企业名称", &self.name, 100));
        let industry = take(optional_text("industry", "所属行业", &self.industry, 50));
        let address = take(optional_text("address", "地址", &self.address, 200));
        let contact_name = take(optional_text("contact_name", "联系人", &self.contact_name, 50));
        let contact_phone = take(optional_phone("contact_phone", &self.contact_phone));
        let credit_code = CreditCode::parse(&self.credit_code).map_err(|e| errors.push(FieldError::new("credit_code", e.to_string()))).ok();
        let kind = EnterpriseKind::parse(&self.kind);
        if kind.is_none() {
            errors.push(FieldError::new("kind", format!("未知的企业类型“{}”", self.kind)));
        }
        if self.township_id <= 0 {
            errors.push(FieldError::new("township_id", "请选择所属乡镇办"));
        }
        if !(0..=1_000_000).contains(&self.headcount) {
            errors.push(FieldError::new("headcount", "职工人数应在0到1000000之间"));
        }
        match (credit_code, kind) {
            (Some(credit_code), Some(kind)) if errors.is_empty() => Ok(EnterpriseFields {
                name,
                credit_code,
                industry,
                kind,
                township_id: self.township_id,
                address,
                contact_name,
                contact_phone,
                headcount: self.headcount,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> EnterpriseInput {
        EnterpriseInput {
            name: "恒丰电子".into(),
            credit_code: "91350100M000100Y43".into(),
            industry: "化工新材料".into(),
            kind: "foreign_trade".into(),
            township_id: 1,
            address: "产业集聚区".into(),
            contact_name: "李经理".into(),
            contact_phone: "0393-8888888".into(),
            headcount: 320,
        }
    }

    #[test]
    fn a_complete_enterprise_parses() {
        let fields = valid().parse().unwrap();
        assert_eq!(fields.kind, EnterpriseKind::ForeignTrade);
        assert_eq!(fields.name, "恒丰电子");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let input = EnterpriseInput {
            name: "  ".into(),
            credit_code: "123".into(),
            kind: "bank".into(),
            township_id: 0,
            headcount: -1,
            contact_phone: "call me".into(),
            ..valid()
        };
        let fields: Vec<_> = input.parse().unwrap_err().into_iter().map(|e| e.field).collect();
        for f in ["name", "credit_code", "kind", "township_id", "headcount", "contact_phone"] {
            assert!(fields.contains(&f), "{f} not reported in {fields:?}");
        }
    }

    #[test]
    fn long_chinese_names_are_counted_in_characters() {
        let ok = EnterpriseInput { name: "恒".repeat(100), ..valid() };
        assert!(ok.parse().is_ok());
        let too_long = EnterpriseInput { name: "恒".repeat(101), ..valid() };
        assert_eq!(too_long.parse().unwrap_err()[0].field, "name");
    }
}
