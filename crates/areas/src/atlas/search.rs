//! Matching typed text against area names, in Korean or English.
//!
//! Both sides are normalised the same way: lower case, without spaces, hyphens, dots and
//! apostrophes, so "mangwon", "Mangwon 1", "mangwon1-dong" and "망원 1동" all find 망원1동.

/// How well a name matches, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Rank {
    Exact,
    Prefix,
    Contains,
}

pub(super) fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !c.is_whitespace() && !matches!(c, '-' | '‐' | '·' | '・' | '.' | '\'' | '’' | ',')
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The rank of the best match of `query` (already normalised, non-empty) in `keys`.
pub(super) fn rank(query: &str, keys: &[String]) -> Option<Rank> {
    keys.iter()
        .filter_map(|key| {
            if key == query {
                Some(Rank::Exact)
            } else if key.starts_with(query) {
                Some(Rank::Prefix)
            } else if key.contains(query) {
                Some(Rank::Contains)
            } else {
                None
            }
        })
        .min()
}

/// People say "망원동" or "Mangwon-dong" for the 법정동 that 망원1동 and 망원2동 split;
/// returns the stem ("망원", "mangwon") to retry with when the whole text found nothing.
pub(super) fn legal_dong_stem(query: &str) -> Option<&str> {
    query
        .strip_suffix('동')
        .or_else(|| query.strip_suffix("dong"))
        .filter(|stem| !stem.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_spaces_and_punctuation() {
        assert_eq!(normalize(" Mangwon 1-dong "), "mangwon1dong");
        assert_eq!(normalize("종로1·2·3·4가동"), "종로1234가동");
        assert_eq!(normalize("망원 1동"), "망원1동");
        assert_eq!(normalize("JONGNO 1·2·3·4-ga-dong"), "jongno1234gadong");
    }

    #[test]
    fn ranks_exact_before_prefix_before_contains() {
        let keys = vec!["망원1동".to_string(), "mangwon1dong".to_string()];
        assert_eq!(rank("망원1동", &keys), Some(Rank::Exact));
        assert_eq!(rank("mangwon", &keys), Some(Rank::Prefix));
        assert_eq!(rank("won1", &keys), Some(Rank::Contains));
        assert_eq!(rank("합정", &keys), None);
        assert!(Rank::Exact < Rank::Prefix && Rank::Prefix < Rank::Contains);
    }

    #[test]
    fn strips_the_dong_unit_for_legal_dong_names() {
        assert_eq!(legal_dong_stem("망원동"), Some("망원"));
        assert_eq!(legal_dong_stem("mangwondong"), Some("mangwon"));
        assert_eq!(legal_dong_stem("동"), None);
        assert_eq!(legal_dong_stem("마포구"), None);
    }
}
