//! Text that people see in two languages.

use serde::{Deserialize, Serialize};

/// A language the app speaks. Korean is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Ko,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Ko, Language::En];

    /// BCP 47 tag, for `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Language::Ko => "ko",
            Language::En => "en",
        }
    }

    /// Picks the app language for a system locale such as `ko-KR`, `ko_KR.UTF-8` or `en-US`:
    /// Korean for a Korean locale, English for every other one.
    pub fn from_locale(locale: &str) -> Language {
        let primary = locale
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if primary == "ko" {
            Language::Ko
        } else {
            Language::En
        }
    }

    pub fn parse(tag: &str) -> Option<Language> {
        match tag {
            "ko" => Some(Language::Ko),
            "en" => Some(Language::En),
            _ => None,
        }
    }
}

/// A text given in Korean and English. Both are required: data without one of them is
/// rejected where it enters the system (demo file, API), so the UI never shows a blank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocalizedText {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 4000, pattern = "\\S")
    )]
    pub ko: String,
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 4000, pattern = "\\S")
    )]
    pub en: String,
}

impl LocalizedText {
    pub fn new(ko: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            ko: ko.into(),
            en: en.into(),
        }
    }

    /// What a person typed in one language, standing for both (trimmed).
    pub fn typed(text: &str) -> Self {
        Self::new(text.trim(), text.trim())
    }

    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::Ko => &self.ko,
            Language::En => &self.en,
        }
    }

    /// True when either language is missing (empty or only spaces).
    pub fn is_incomplete(&self) -> bool {
        self.ko.trim().is_empty() || self.en.trim().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_picks_korean_only_for_korean() {
        for (locale, expected) in [
            ("ko-KR", Language::Ko),
            ("ko_KR.UTF-8", Language::Ko),
            ("KO", Language::Ko),
            ("en-US", Language::En),
            ("ja-JP", Language::En),
            ("C", Language::En),
            ("", Language::En),
            ("kok-IN", Language::En),
        ] {
            assert_eq!(Language::from_locale(locale), expected, "{locale}");
        }
    }

    #[test]
    fn incomplete_text_is_detected() {
        assert!(LocalizedText::new("망원", " ").is_incomplete());
        assert!(!LocalizedText::new("망원", "Mangwon").is_incomplete());
        assert_eq!(
            LocalizedText::new("망원", "Mangwon").get(Language::En),
            "Mangwon"
        );
    }
}
