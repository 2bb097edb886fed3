//! Small display helpers shared by pages.

use sharehub_core::i18n::kind_name;
use sharehub_core::text::Language;
use sharehub_core::ResourceKind;

/// The badge for a kind: its translated name, styled by kind.
pub fn kind_badge_class(kind: ResourceKind) -> String {
    format!("kind-badge kind-{}", kind.as_str())
}

pub fn kind_label(language: Language, kind: ResourceKind) -> &'static str {
    kind_name(language, kind)
}
