//! Words of the map that are built from numbers.

use super::group_thousands;
use crate::text::Language;

/// How many of the filtered set the map's view shows.
pub fn in_view_count(language: Language, n: u64) -> String {
    let count = group_thousands(n);
    match language {
        Language::Ko => format!("지도 화면에 {count}곳"),
        Language::En if n == 1 => "1 in this view".to_owned(),
        Language::En => format!("{count} in this view"),
    }
}

/// A cluster's name for screen readers and its tooltip.
pub fn cluster_label(language: Language, n: u64) -> String {
    let count = group_thousands(n);
    match language {
        Language::Ko => format!("{count}곳이 모여 있어요. 누르면 확대해요."),
        Language::En => format!("{count} places here. Select to zoom in."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_in_both_languages() {
        assert_eq!(in_view_count(Language::Ko, 12_345), "지도 화면에 12,345곳");
        assert_eq!(in_view_count(Language::En, 1), "1 in this view");
        assert_eq!(in_view_count(Language::En, 2_000), "2,000 in this view");
        assert!(cluster_label(Language::Ko, 1_200).starts_with("1,200곳"));
        assert!(cluster_label(Language::En, 3).starts_with("3 places"));
    }
}
