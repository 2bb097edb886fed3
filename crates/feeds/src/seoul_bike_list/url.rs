//! Request URLs: `{base}/{api key}/json/bikeList/{first}/{last}/`.

use super::paging::RowRange;

/// The Seoul Open Data API's base URL (it serves plain HTTP on port 8088).
pub const SEOUL_OPEN_API_BASE_URL: &str = "http://openapi.seoul.go.kr:8088";

/// Stands for the key in URLs that are logged or shown.
pub const API_KEY_PLACEHOLDER: &str = "{API_KEY}";

/// The URL for one page. The key is percent-encoded as a path segment; a trailing `/`
/// on `base_url` is fine.
pub fn bike_list_url(base_url: &str, api_key: &str, range: RowRange) -> String {
    build(base_url, &encode_path_segment(api_key), range)
}

/// The same URL with [`API_KEY_PLACEHOLDER`] instead of the key: safe to log.
pub fn redacted_bike_list_url(base_url: &str, range: RowRange) -> String {
    build(base_url, API_KEY_PLACEHOLDER, range)
}

fn build(base_url: &str, key_segment: &str, range: RowRange) -> String {
    format!(
        "{}/{key_segment}/json/bikeList/{}/{}/",
        base_url.trim_end_matches('/'),
        range.first,
        range.last
    )
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn encode_path_segment(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_for_pages() {
        let cases = [
            (
                SEOUL_OPEN_API_BASE_URL,
                "4d6f6b",
                RowRange::first_page(),
                "http://openapi.seoul.go.kr:8088/4d6f6b/json/bikeList/1/1000/",
            ),
            (
                "http://localhost:9000/",
                "key",
                RowRange {
                    first: 1001,
                    last: 2000,
                },
                "http://localhost:9000/key/json/bikeList/1001/2000/",
            ),
            (
                "http://localhost:9000",
                "a/b?c d",
                RowRange::first_page(),
                "http://localhost:9000/a%2Fb%3Fc%20d/json/bikeList/1/1000/",
            ),
        ];
        for (base, key, range, expected) in cases {
            assert_eq!(bike_list_url(base, key, range), expected);
        }
    }

    #[test]
    fn redacted_url_hides_the_key() {
        assert_eq!(
            redacted_bike_list_url(SEOUL_OPEN_API_BASE_URL, RowRange::first_page()),
            "http://openapi.seoul.go.kr:8088/{API_KEY}/json/bikeList/1/1000/"
        );
    }
}
