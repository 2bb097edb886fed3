//! The Seoul demo data file (`assets/demo/seoul.json`): the same file seeds the app's
//! local store and the server (`sharehub-server --seed demo`).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::resource::FieldProblem;
use crate::Resource;

pub const DEMO_FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoFile {
    pub version: u32,
    /// Where the data comes from and what it is allowed for.
    pub about: String,
    pub resources: Vec<Resource>,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoFileError {
    #[error("the demo file is not valid JSON of the expected shape: {0}")]
    Json(#[from] serde_json::Error),
    #[error(
        "the demo file has format version {found}; this build reads version {DEMO_FORMAT_VERSION}"
    )]
    Version { found: u32 },
    #[error("resource #{index} ({id}) in the demo file is invalid: {problems}")]
    Invalid {
        index: usize,
        id: String,
        problems: String,
    },
    #[error("resource id {0} appears more than once in the demo file")]
    DuplicateId(String),
}

impl DemoFile {
    /// Parses and validates the whole file: every resource must be valid and ids unique.
    pub fn parse(json: &str) -> Result<DemoFile, DemoFileError> {
        let file: DemoFile = serde_json::from_str(json)?;
        if file.version != DEMO_FORMAT_VERSION {
            return Err(DemoFileError::Version {
                found: file.version,
            });
        }
        let mut seen = HashSet::new();
        for (index, resource) in file.resources.iter().enumerate() {
            let problems = resource.problems();
            if !problems.is_empty() {
                return Err(DemoFileError::Invalid {
                    index,
                    id: resource.id.to_string(),
                    problems: problems
                        .iter()
                        .map(FieldProblem::to_string)
                        .collect::<Vec<_>>()
                        .join("; "),
                });
            }
            if !seen.insert(resource.id) {
                return Err(DemoFileError::DuplicateId(resource.id.to_string()));
            }
        }
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::tests::sample;

    fn file_with(resources: Vec<Resource>) -> String {
        serde_json::to_string(&DemoFile {
            version: 1,
            about: "test".into(),
            resources,
        })
        .unwrap()
    }

    #[test]
    fn accepts_valid_and_rejects_duplicates_and_invalid() {
        assert_eq!(
            DemoFile::parse(&file_with(vec![sample()]))
                .unwrap()
                .resources
                .len(),
            1
        );
        let err = DemoFile::parse(&file_with(vec![sample(), sample()])).unwrap_err();
        assert!(matches!(err, DemoFileError::DuplicateId(_)), "{err}");
        let mut bad = sample();
        bad.description.ko.clear();
        let err = DemoFile::parse(&file_with(vec![bad])).unwrap_err();
        assert!(
            err.to_string()
                .contains("description.ko: must not be empty"),
            "{err}"
        );
        assert!(matches!(
            DemoFile::parse("{").unwrap_err(),
            DemoFileError::Json(_)
        ));
    }
}
