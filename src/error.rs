//! The one error type of the library.
//!
//! Every fallible function in `reprint` returns [`Result`]. Each variant carries the context a
//! user needs to fix the problem: which file, which line, which id. Underlying I/O and JSON
//! errors are reachable through [`std::error::Error::source`] and are not repeated in the
//! message, so printing the chain (`reprint: data.jsonl: No such file or directory`) says each
//! thing once.

use std::path::PathBuf;

/// A `Result` whose error is [`enum@Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `reprint`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A path could not be opened, listed or read.
    #[error("{}", path.display())]
    Read {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Output could not be written.
    #[error("writing {}", path.display())]
    Write {
        /// Where the output was going (`-` for standard output).
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A JSON Lines record could not be parsed.
    #[error("{}:{line}: {message}", path.display())]
    BadLine {
        /// The file holding the line (`-` for standard input).
        path: PathBuf,
        /// The 1-based line number.
        line: u64,
        /// What is wrong with the line.
        message: String,
    },
    /// Two documents share one id.
    #[error("duplicate document id {id:?}: first in {first}, again in {second}")]
    DuplicateId {
        /// The id used twice.
        id: String,
        /// Where the id was first seen (`file` or `file:line`).
        first: String,
        /// Where it was seen again.
        second: String,
    },
    /// More documents than the passage index can number.
    #[error("more than {0} documents: the passage index numbers at most that many (scan with --no-passages, or in parts)")]
    TooManyDocuments(usize),
    /// A parameter is out of its valid range.
    #[error("invalid setting: {0}")]
    Config(String),
    /// Any other I/O failure, with a sentence of context.
    #[error("{context}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Wraps an I/O error with a sentence saying what was being done.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn the_cause_is_in_the_chain_not_in_the_message() {
        let e = Error::Read {
            path: "archive.jsonl".into(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert_eq!(e.to_string(), "archive.jsonl");
        assert_eq!(e.source().unwrap().to_string(), "entity not found");
        let e = Error::io(
            "reading the spool file",
            std::io::Error::other("disk on fire"),
        );
        assert_eq!(e.to_string(), "reading the spool file");
        assert_eq!(e.source().unwrap().to_string(), "disk on fire");
        let e = Error::BadLine {
            path: "a.jsonl".into(),
            line: 7,
            message: "malformed JSON line: EOF".into(),
        };
        assert_eq!(e.to_string(), "a.jsonl:7: malformed JSON line: EOF");
    }
}
