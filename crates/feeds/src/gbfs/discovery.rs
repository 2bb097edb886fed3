//! `gbfs.json`: where a system publishes its files.
//!
//! v2.x lists feeds per language (`data.<lang>.feeds[]`); v3.x has one list
//! (`data.feeds[]`). Both are read whatever version the file declares.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{read_gbfs_file, FileHeader};
use crate::error::{parse_json, FeedError};
use crate::lenient;
use crate::report::{Document, IgnoredField};
use crate::snapshot::{preferred_name, LocalizedName};

const DOCUMENT: Document = Document::GbfsDiscovery;

/// One file a system publishes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveredFeed {
    /// `station_information`, `station_status`, `system_information`, …
    pub name: String,
    pub url: String,
}

/// The feeds listed for one language (v2.x), or the single list (v3.x, `language: None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveryLanguage {
    pub language: Option<String>,
    pub feeds: Vec<DiscoveredFeed>,
}

/// A parsed `gbfs.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GbfsDiscovery {
    pub header: FileHeader,
    /// In the file's order for v3.x; for v2.x, in language-tag order.
    pub languages: Vec<DiscoveryLanguage>,
    /// File-level fields that were missing or unreadable.
    pub ignored_fields: Vec<IgnoredField>,
}

const STATION_INFORMATION: &str = "station_information";
const STATION_STATUS: &str = "station_status";

impl GbfsDiscovery {
    /// The URL of the named feed, from the Korean list, else English, else the first list
    /// that has it.
    pub fn feed_url(&self, name: &str) -> Result<&str, FeedError> {
        let tagged: Vec<LocalizedName> = self
            .languages
            .iter()
            .filter(|language| language.feeds.iter().any(|feed| feed.name == name))
            .map(|language| LocalizedName {
                text: String::new(),
                language: language.language.clone(),
            })
            .collect();
        let chosen_language = preferred_name(&tagged).map(|chosen| chosen.language.clone());
        self.languages
            .iter()
            .filter(|language| Some(&language.language) == chosen_language.as_ref())
            .flat_map(|language| &language.feeds)
            .find(|feed| feed.name == name)
            .map(|feed| feed.url.as_str())
            .ok_or_else(|| FeedError::FeedNotListed {
                feed: name.to_owned(),
            })
    }

    pub fn station_information_url(&self) -> Result<&str, FeedError> {
        self.feed_url(STATION_INFORMATION)
    }

    pub fn station_status_url(&self) -> Result<&str, FeedError> {
        self.feed_url(STATION_STATUS)
    }
}

/// Parses `gbfs.json` of GBFS 2.x or 3.x. Feed entries without a name or URL are left out.
pub fn parse_gbfs_discovery(body: &[u8]) -> Result<GbfsDiscovery, FeedError> {
    let file = parse_json(DOCUMENT, body)?;
    let mut ignored_fields = Vec::new();
    let (header, data) = read_gbfs_file(DOCUMENT, &file, &mut ignored_fields)?;
    let languages = match data.get("feeds") {
        Some(feeds) => vec![DiscoveryLanguage {
            language: None,
            feeds: read_feeds(feeds, "data.feeds")?,
        }],
        None => languages_of_v2(data)?,
    };
    Ok(GbfsDiscovery {
        header,
        languages,
        ignored_fields,
    })
}

fn languages_of_v2(data: &Map<String, Value>) -> Result<Vec<DiscoveryLanguage>, FeedError> {
    if data.is_empty() {
        return Err(FeedError::wrong_shape(
            DOCUMENT,
            "`data` has neither `feeds` (v3) nor language entries (v2)",
        ));
    }
    data.iter()
        .map(|(language, entry)| {
            let feeds = entry.get("feeds").ok_or_else(|| {
                FeedError::wrong_shape(DOCUMENT, format!("`data.{language}` has no `feeds` list"))
            })?;
            Ok(DiscoveryLanguage {
                language: Some(language.clone()),
                feeds: read_feeds(feeds, &format!("data.{language}.feeds"))?,
            })
        })
        .collect()
}

fn read_feeds(feeds: &Value, path: &str) -> Result<Vec<DiscoveredFeed>, FeedError> {
    let entries = feeds
        .as_array()
        .ok_or_else(|| FeedError::wrong_shape(DOCUMENT, format!("`{path}` is not a list")))?;
    Ok(entries
        .iter()
        .filter_map(|entry| {
            Some(DiscoveredFeed {
                name: lenient::read_text(entry.get("name")?).ok()?,
                url: lenient::read_text(entry.get("url")?).ok()?,
            })
        })
        .collect())
}
