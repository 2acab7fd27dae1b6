//! Field-level validation errors: what was wrong and which field it was in.

use serde::Serialize;

/// One problem with one input field, in words a clerk can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name as the form or JSON body spells it.
    pub field: String,
    /// What is wrong and, where it helps, what to do instead.
    pub message: String,
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Every problem found in one input, collected so the user can fix them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem with `field`.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Runs a parser and records its error under `field`, returning the value when it parsed.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        parsed: Result<T, E>,
    ) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }

    /// True when nothing was wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was wrong, else all the errors.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl From<FieldError> for FieldErrors {
    fn from(e: FieldError) -> Self {
        Self(vec![e])
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}

/// Trims `raw` and checks it is non-empty and at most `max` characters, with no control
/// characters. Text fields accept any other characters (HTML and SQL included): escaping is
/// the job of the template and the bound query, not of validation.
pub fn clean_text(raw: &str, max: usize) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Err("is required".into());
    }
    if value.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if value.chars().any(|c| c.is_control()) {
        return Err("must not contain control characters".into());
    }
    Ok(value.to_string())
}

/// Like [`clean_text`], but an empty value is `None` rather than an error.
pub fn optional_text(raw: Option<&str>, max: usize) -> Result<Option<String>, String> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => clean_text(v, max).map(Some),
    }
}

/// Like [`optional_text`], for free text typed into a multi-line box (notes): line breaks and
/// tabs are kept (`\r\n` becomes `\n`); other control characters are refused.
pub fn optional_multiline_text(raw: Option<&str>, max: usize) -> Result<Option<String>, String> {
    let Some(value) = raw
        .map(|r| r.replace("\r\n", "\n"))
        .filter(|v| !v.trim().is_empty())
    else {
        return Ok(None);
    };
    let value = value.trim();
    if value.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err("must not contain control characters".into());
    }
    Ok(Some(value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_trims_and_limits() {
        assert_eq!(clean_text("  Adams  ", 10).unwrap(), "Adams");
        assert_eq!(clean_text("   ", 10).unwrap_err(), "is required");
        assert!(clean_text("abcdefghijk", 10).is_err());
        assert!(clean_text("a\u{7}b", 10).is_err());
        assert_eq!(
            clean_text("<script>'; DROP TABLE x;--", 100).unwrap(),
            "<script>'; DROP TABLE x;--"
        );
    }

    #[test]
    fn multiline_text_keeps_line_breaks() {
        assert_eq!(
            optional_multiline_text(Some(" a\r\nb\tc "), 10).unwrap(),
            Some("a\nb\tc".into())
        );
        assert_eq!(optional_multiline_text(Some(" \r\n "), 10).unwrap(), None);
        assert!(optional_multiline_text(Some("a\u{7}b"), 10).is_err());
        assert!(optional_multiline_text(Some("abcdefghijk"), 10).is_err());
    }

    #[test]
    fn optional_text_maps_blank_to_none() {
        assert_eq!(optional_text(Some("  "), 5).unwrap(), None);
        assert_eq!(optional_text(None, 5).unwrap(), None);
        assert_eq!(optional_text(Some(" x "), 5).unwrap(), Some("x".into()));
    }
}
