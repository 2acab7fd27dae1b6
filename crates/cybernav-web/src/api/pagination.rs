//! Page parameters and the `meta` object of collection answers.
//!
//! `page` counts from 1 (default 1, at most [`MAX_PAGE`]); `per_page` is 1 to [`MAX_PER_PAGE`]
//! (default [`DEFAULT_PER_PAGE`]). A value out of range is refused with 400 naming the
//! parameter rather than silently clamped, so a client never reads a different page than it
//! asked for.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The default number of rows a page.
pub const DEFAULT_PER_PAGE: i64 = 25;
/// The largest `per_page` accepted.
pub const MAX_PER_PAGE: i64 = 200;
/// The largest `page` accepted (far beyond any real listing; keeps offsets from overflowing).
pub const MAX_PAGE: i64 = 1_000_000;

/// Accepts a whole number given as text (a query string) or as a number.
struct WholeNumber {
    min: i64,
    max: i64,
    what: &'static str,
}

impl WholeNumber {
    fn check<E: de::Error>(&self, n: i128) -> Result<i64, E> {
        if (i128::from(self.min)..=i128::from(self.max)).contains(&n) {
            i64::try_from(n).map_err(|_| self.refuse(&n.to_string()))
        } else {
            Err(self.refuse(&n.to_string()))
        }
    }

    fn refuse<E: de::Error>(&self, given: &str) -> E {
        E::custom(format!(
            "'{given}' is not a valid {}: expected a whole number from {} to {}",
            self.what, self.min, self.max
        ))
    }
}

impl Visitor<'_> for WholeNumber {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a whole number from {} to {}", self.min, self.max)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        self.check(i128::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        self.check(i128::from(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        match v.trim().parse::<i128>() {
            Ok(n) => self.check(n),
            Err(_) => Err(self.refuse(v)),
        }
    }
}

/// A page number, from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page(pub i64);

impl<'de> Deserialize<'de> for Page {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(WholeNumber {
            min: 1,
            max: MAX_PAGE,
            what: "page",
        })
        .map(Page)
    }
}

/// Rows a page, from 1 to [`MAX_PER_PAGE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerPage(pub i64);

impl<'de> Deserialize<'de> for PerPage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(WholeNumber {
            min: 1,
            max: MAX_PER_PAGE,
            what: "per_page",
        })
        .map(PerPage)
    }
}

/// The page asked for, with defaults applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Page from 1.
    pub page: i64,
    /// Rows a page.
    pub per_page: i64,
}

impl PageRequest {
    /// The page from optional parameters.
    pub fn new(page: Option<Page>, per_page: Option<PerPage>) -> Self {
        PageRequest {
            page: page.map_or(1, |p| p.0),
            per_page: per_page.map_or(DEFAULT_PER_PAGE, |p| p.0),
        }
    }

    /// The `meta` of an answer holding this page of `total` rows.
    pub fn meta(self, total: i64) -> PageMeta {
        PageMeta {
            total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// Where a page of a collection sits in the whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct PageMeta {
    /// Rows matching the request, on every page together.
    pub total: i64,
    /// This page's number, from 1.
    pub page: i64,
    /// Rows a page.
    pub per_page: i64,
}

impl PageMeta {
    /// The `meta` of a collection that is always answered whole, on one page.
    pub fn whole(len: usize) -> PageMeta {
        let total = i64::try_from(len).unwrap_or(i64::MAX);
        PageMeta {
            total,
            page: 1,
            per_page: total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Q {
        page: Option<Page>,
        per_page: Option<PerPage>,
    }

    fn q(s: &str) -> Result<Q, String> {
        serde_urlencoded::from_str(s).map_err(|e| e.to_string())
    }

    #[test]
    fn bounds_are_enforced() {
        let ok = q("page=3&per_page=200").unwrap();
        assert_eq!(
            PageRequest::new(ok.page, ok.per_page),
            PageRequest {
                page: 3,
                per_page: 200
            }
        );
        let none = q("").unwrap();
        assert_eq!(
            PageRequest::new(none.page, none.per_page),
            PageRequest {
                page: 1,
                per_page: 25
            }
        );
        assert!(q("page=0").unwrap_err().contains("'0' is not a valid page"));
        assert!(q("per_page=1000").unwrap_err().contains("from 1 to 200"));
        assert!(q("per_page=0").is_err());
        assert!(q("page=-1").is_err());
        assert!(q("page=abc").unwrap_err().contains("'abc'"));
        assert!(q("page=99999999999999999999999999").is_err());
        let json: Page = serde_json::from_str("7").unwrap();
        assert_eq!(json, Page(7));
    }
}
