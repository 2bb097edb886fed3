//! What a lookup answers: an administrative area by code and name.

use serde::{Deserialize, Serialize};
use sharehub_core::LocalizedText;

/// A gu (자치구) or 행정동 of Seoul, identified by its KOSTAT 2013 code: five digits for a
/// gu (마포구 `11140`), seven for a dong (망원1동 `1114069`, whose first five are its gu).
///
/// These are statistical (KOSTAT) codes, not the MOIS codes used by juso/addresses
/// (마포구 is `11440` there): do not mix the two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    pub code: String,
    pub name: LocalizedText,
}

/// The level of an [`Area`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AreaLevel {
    Gu,
    Dong,
}

impl Area {
    pub fn level(&self) -> AreaLevel {
        if self.code.len() == GU_CODE_LEN {
            AreaLevel::Gu
        } else {
            AreaLevel::Dong
        }
    }

    /// The code of the gu this area is or lies in.
    pub fn gu_code(&self) -> &str {
        self.code.get(..GU_CODE_LEN).unwrap_or(&self.code)
    }
}

pub(crate) const GU_CODE_LEN: usize = 5;
pub(crate) const DONG_CODE_LEN: usize = 7;

/// Where a point lies: always a gu, and the 행정동 inside it when the point is in one
/// (with the bundled data it always is, since the gu are the union of their dong).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaMatch {
    pub gu: Area,
    pub dong: Option<Area>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_and_gu_code_follow_the_code_length() {
        let gu = Area {
            code: "11140".into(),
            name: LocalizedText::new("마포구", "Mapo-gu"),
        };
        let dong = Area {
            code: "1114069".into(),
            name: LocalizedText::new("망원1동", "Mangwon 1-dong"),
        };
        assert_eq!(gu.level(), AreaLevel::Gu);
        assert_eq!(dong.level(), AreaLevel::Dong);
        assert_eq!(dong.gu_code(), "11140");
        assert_eq!(gu.gu_code(), "11140");
        assert_eq!(
            serde_json::to_value(AreaLevel::Dong).unwrap(),
            serde_json::json!("dong")
        );
    }
}
