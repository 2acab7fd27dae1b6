//! Values bound to queries whose SQL text is built at run time (filters, paging), so the
//! same text and binds run on either backend.

use time::OffsetDateTime;
use uuid::Uuid;

/// One bound value.
#[derive(Debug, Clone)]
pub enum Bind {
    /// A UUID.
    Uuid(Uuid),
    /// Text.
    Text(String),
    /// An integer.
    I64(i64),
    /// An instant.
    Time(OffsetDateTime),
}

/// Collects SQL conditions and their binds, numbering placeholders `$1, $2, …` in order.
#[derive(Debug, Default)]
pub struct Filter {
    conditions: Vec<String>,
    /// The values, in placeholder order.
    pub binds: Vec<Bind>,
}

impl Filter {
    /// An empty filter.
    pub fn new() -> Self {
        Self::default()
    }

    /// The next placeholder, binding `value` to it.
    pub fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }

    /// Adds a condition; `{}` in `sql` is replaced by a placeholder bound to `value`.
    pub fn push(&mut self, sql: &str, value: Bind) {
        let p = self.bind(value);
        self.conditions.push(sql.replace("{}", &p));
    }

    /// Adds a condition with no bound value.
    pub fn push_raw(&mut self, sql: &str) {
        self.conditions.push(sql.to_string());
    }

    /// ` WHERE a AND b …`, or empty.
    pub fn where_clause(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conditions.join(" AND "))
        }
    }
}

/// Binds every value of a [`Filter`] to a `query`/`query_as`/`query_scalar`, in order.
#[macro_export]
macro_rules! bind_all {
    ($q:expr, $binds:expr) => {{
        let mut q = $q;
        for b in $binds {
            q = match b {
                $crate::Bind::Uuid(v) => q.bind(v),
                $crate::Bind::Text(v) => q.bind(v),
                $crate::Bind::I64(v) => q.bind(v),
                $crate::Bind::Time(v) => q.bind($crate::UtcTime(v)),
            };
        }
        q
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_in_order() {
        let mut f = Filter::new();
        f.push("a = {}", Bind::I64(1));
        f.push(
            "(b = {} OR c = {})"
                .replace("{}", "[]")
                .replace("[]", "{}")
                .as_str(),
            Bind::I64(2),
        );
        assert_eq!(f.where_clause(), " WHERE a = $1 AND (b = $2 OR c = $2)");
        assert_eq!(f.binds.len(), 2);
    }
}
