//! Errors found in a CSV file, each tied to the line (and column) a spreadsheet user can find.

use std::fmt;

/// One problem in a CSV file, with the line and column where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}{}: {message}", ColumnPart(column.as_deref()))]
pub struct CsvError {
    /// The 1-based physical line of the file where the row starts; the header is line 1.
    pub line: u64,
    /// The column's name from the header, when the problem is in one column.
    pub column: Option<String>,
    /// What is wrong and, where it helps, what to do instead.
    pub message: String,
}

impl CsvError {
    /// A problem on `line`, optionally in `column`.
    pub fn new(line: u64, column: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            line,
            column: column.map(str::to_string),
            message: message.into(),
        }
    }
}

/// Renders `, column NAME` when there is a column.
struct ColumnPart<'a>(Option<&'a str>);

impl fmt::Display for ColumnPart<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(column) => write!(f, ", column {column}"),
            None => Ok(()),
        }
    }
}

/// Every problem found in a CSV file; the file is rejected whole when there is at least one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvErrors(pub Vec<CsvError>);

impl fmt::Display for CsvErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CsvErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_line_and_column() {
        let e = CsvError::new(7, Some("fips_code"), "'1700' is not a county FIPS code");
        assert_eq!(
            e.to_string(),
            "line 7, column fips_code: '1700' is not a county FIPS code"
        );
        let e = CsvError::new(3, None, "found 6 fields, expected 7");
        assert_eq!(e.to_string(), "line 3: found 6 fields, expected 7");
    }

    #[test]
    fn errors_display_one_per_line() {
        let errors = CsvErrors(vec![
            CsvError::new(2, Some("name"), "is required"),
            CsvError::new(4, None, "found 1 field, expected 7"),
        ]);
        assert_eq!(
            errors.to_string(),
            "line 2, column name: is required\nline 4: found 1 field, expected 7"
        );
    }
}
