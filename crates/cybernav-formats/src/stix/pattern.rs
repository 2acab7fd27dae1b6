//! STIX patterns, as far as indicators need them.
//!
//! Real feeds write simple patterns: one comparison (`[ipv4-addr:value = '203.0.113.0/24']`,
//! `[file:hashes.'SHA-256' = '…']`) or several OR-ed, inside one observation or across
//! several. Those become indicators. Anything else that is well-formed (AND, FOLLOWEDBY,
//! qualifiers such as WITHIN, LIKE or MATCHES, other object paths) is *kept intact* as a
//! pattern only: nothing is lost, it just does not become an indicator. A pattern that does
//! not even parse (unbalanced brackets, an unterminated string) is an error.

use std::fmt;

use cybernav_core::sharing::{Indicator, IndicatorError, IndicatorKind};

/// What a pattern became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternOutcome {
    /// OR-ed simple comparisons: these indicators, de-duplicated, in order of first mention.
    Indicators(Vec<Indicator>),
    /// Well-formed, but not a form we turn into indicators; kept as the pattern text.
    PatternOnly {
        /// Why it is not indicators (`uses AND`, `object path 'process:name' is not one we read`).
        reason: String,
    },
}

/// Why a pattern was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternError {
    /// It does not parse.
    Syntax {
        /// Byte offset of the problem.
        offset: usize,
        /// What is wrong.
        message: String,
    },
    /// It is a simple comparison of a kind we read, but the value is not valid.
    BadValue(IndicatorError),
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatternError::Syntax { offset, message } => {
                write!(f, "pattern syntax at character {offset}: {message}")
            }
            PatternError::BadValue(e) => write!(f, "pattern value: {e}"),
        }
    }
}

impl std::error::Error for PatternError {}

/// The longest pattern parsed (a pattern is a line, not a document).
pub const MAX_PATTERN_LEN: usize = 64 * 1024;
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LBracket,
    RBracket,
    LParen,
    RParen,
    /// A quoted string, unescaped.
    Str(String),
    /// `=`, `!=`, `<`, `<=`, `>`, `>=`.
    Op(&'static str),
    /// A keyword, an object path or a typed literal prefix (`t`, `h`, `b`), as written.
    Word(String),
}

fn lex(p: &str) -> Result<Vec<(usize, Tok)>, PatternError> {
    let b = p.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |offset: usize, m: &str| PatternError::Syntax {
        offset,
        message: m.to_string(),
    };
    while i < b.len() {
        let c = b[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'[' => out.push((start, Tok::LBracket)),
            b']' => out.push((start, Tok::RBracket)),
            b'(' => out.push((start, Tok::LParen)),
            b')' => out.push((start, Tok::RParen)),
            b'=' => out.push((start, Tok::Op("="))),
            b'!' if b.get(i + 1) == Some(&b'=') => {
                i += 1;
                out.push((start, Tok::Op("!=")));
            }
            b'<' | b'>' => {
                let eq = b.get(i + 1) == Some(&b'=');
                let op = match (c, eq) {
                    (b'<', true) => "<=",
                    (b'<', false) => "<",
                    (_, true) => ">=",
                    _ => ">",
                };
                if eq {
                    i += 1;
                }
                out.push((start, Tok::Op(op)));
            }
            b'\'' => {
                let (s, next) =
                    read_string(p, i).ok_or_else(|| err(start, "unterminated string"))?;
                out.push((start, Tok::Str(s)));
                i = next;
                continue;
            }
            b',' => out.push((start, Tok::Word(",".to_string()))),
            _ => {
                // A word: keyword, number, or object path. A path may hold quoted segments
                // (`file:hashes.'SHA-256'`) and list indexes (`[*]`) right after a name.
                let mut w = String::new();
                while i < b.len() {
                    let ch = b[i];
                    if ch == b'\'' && w.ends_with('.') {
                        let (s, next) = read_string(p, i)
                            .ok_or_else(|| err(i, "unterminated quoted path segment"))?;
                        w.push('\'');
                        w.push_str(&s);
                        w.push('\'');
                        i = next;
                        continue;
                    }
                    if ch == b'[' && w.contains(':') {
                        // `[*]` or `[0]` index within a path.
                        let close = p[i..]
                            .find(']')
                            .ok_or_else(|| err(i, "unclosed '[' in an object path"))?;
                        w.push_str(&p[i..i + close + 1]);
                        i += close + 1;
                        continue;
                    }
                    if ch.is_ascii_whitespace() || b"[]()=!<>',".contains(&ch) {
                        break;
                    }
                    let chr = p[i..].chars().next().unwrap_or(' ');
                    w.push(chr);
                    i += chr.len_utf8();
                }
                if w.is_empty() {
                    return Err(err(start, "unexpected character"));
                }
                out.push((start, Tok::Word(w)));
                continue;
            }
        }
        i += 1;
    }
    Ok(out)
}

/// Reads a quoted string starting at the quote at `at`; `\'` and `\\` are escapes.
fn read_string(p: &str, at: usize) -> Option<(String, usize)> {
    let mut s = String::new();
    let mut chars = p[at + 1..].char_indices();
    while let Some((j, c)) = chars.next() {
        match c {
            '\\' => {
                let (_, n) = chars.next()?;
                s.push(n);
            }
            '\'' => return Some((s, at + 1 + j + 1)),
            _ => s.push(c),
        }
    }
    None
}

/// The shape of a parsed pattern, reduced to what decides the outcome.
enum Node {
    /// `path = 'value'`.
    Eq { path: String, value: String },
    /// OR of the children (observation or comparison level).
    Or(Vec<Node>),
    /// Anything that stops it from being indicators, with the reason.
    Other(String),
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    len: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(_, t)| t)
    }

    fn offset(&self) -> usize {
        self.toks.get(self.pos).map(|(o, _)| *o).unwrap_or(self.len)
    }

    fn err(&self, m: impl Into<String>) -> PatternError {
        PatternError::Syntax {
            offset: self.offset(),
            message: m.into(),
        }
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).map(|(_, t)| t.clone());
        self.pos += 1;
        t
    }

    fn is_word(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
    }

    /// observation-or := observation-and ("OR" observation-and)*
    fn obs_or(&mut self, depth: usize) -> Result<Node, PatternError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        let mut parts = vec![self.obs_and(depth)?];
        while self.is_word("OR") {
            self.pos += 1;
            parts.push(self.obs_and(depth)?);
        }
        Ok(or_of(parts))
    }

    /// observation-and := observation-unit (("AND" | "FOLLOWEDBY") observation-unit)*
    fn obs_and(&mut self, depth: usize) -> Result<Node, PatternError> {
        let mut node = self.obs_unit(depth)?;
        while self.is_word("AND") || self.is_word("FOLLOWEDBY") {
            let kw = match self.next() {
                Some(Tok::Word(w)) => w.to_ascii_uppercase(),
                _ => String::new(),
            };
            self.obs_unit(depth)?;
            node = Node::Other(format!("joins observations with {kw}"));
        }
        Ok(node)
    }

    /// observation-unit := ("[" comparison-or "]" | "(" observation-or ")") qualifier*
    fn obs_unit(&mut self, depth: usize) -> Result<Node, PatternError> {
        let mut node = match self.next() {
            Some(Tok::LBracket) => {
                let n = self.cmp_or(depth + 1)?;
                match self.next() {
                    Some(Tok::RBracket) => n,
                    _ => return Err(self.err("expected ']'")),
                }
            }
            Some(Tok::LParen) => {
                let n = self.obs_or(depth + 1)?;
                match self.next() {
                    Some(Tok::RParen) => n,
                    _ => return Err(self.err("expected ')'")),
                }
            }
            _ => {
                self.pos = self.pos.saturating_sub(1);
                return Err(self.err("expected '[' to start an observation"));
            }
        };
        // Qualifiers: WITHIN n SECONDS, REPEATS n TIMES, START t'…' STOP t'…'.
        while self.is_word("WITHIN") || self.is_word("REPEATS") || self.is_word("START") {
            let kw = match self.next() {
                Some(Tok::Word(w)) => w.to_ascii_uppercase(),
                _ => String::new(),
            };
            // WITHIN n SECONDS, REPEATS n TIMES, START t'…' STOP t'…'.
            let ok = if kw == "START" {
                self.literal() && self.is_word("STOP") && {
                    self.pos += 1;
                    self.literal()
                }
            } else {
                self.literal() && matches!(self.next(), Some(Tok::Word(_)))
            };
            if !ok {
                return Err(self.err(format!("incomplete {kw} qualifier")));
            }
            node = Node::Other(format!("has a {kw} qualifier"));
        }
        Ok(node)
    }

    /// Consumes one literal (`300`, `'x'`, `t'2016-06-01T00:00:00Z'`); false when there is none.
    fn literal(&mut self) -> bool {
        match self.next() {
            Some(Tok::Str(_)) => true,
            Some(Tok::Word(w)) => {
                if matches!(w.as_str(), "t" | "h" | "b") && matches!(self.peek(), Some(Tok::Str(_)))
                {
                    self.pos += 1;
                }
                true
            }
            _ => false,
        }
    }

    /// comparison-or := comparison-and ("OR" comparison-and)*
    fn cmp_or(&mut self, depth: usize) -> Result<Node, PatternError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        let mut parts = vec![self.cmp_and(depth)?];
        while self.is_word("OR") {
            self.pos += 1;
            parts.push(self.cmp_and(depth)?);
        }
        Ok(or_of(parts))
    }

    /// comparison-and := comparison ("AND" comparison)*
    fn cmp_and(&mut self, depth: usize) -> Result<Node, PatternError> {
        let mut node = self.cmp(depth)?;
        while self.is_word("AND") {
            self.pos += 1;
            self.cmp(depth)?;
            node = Node::Other("joins comparisons with AND".to_string());
        }
        Ok(node)
    }

    /// comparison := "(" comparison-or ")" | path ["NOT"] operator value
    fn cmp(&mut self, depth: usize) -> Result<Node, PatternError> {
        if self.peek() == Some(&Tok::LParen) {
            self.pos += 1;
            let n = self.cmp_or(depth + 1)?;
            return match self.next() {
                Some(Tok::RParen) => Ok(n),
                _ => Err(self.err("expected ')'")),
            };
        }
        let path = match self.next() {
            Some(Tok::Word(w)) if w.contains(':') => w,
            _ => {
                self.pos = self.pos.saturating_sub(1);
                return Err(self.err("expected an object path such as ipv4-addr:value"));
            }
        };
        let mut negated = false;
        if self.is_word("NOT") {
            self.pos += 1;
            negated = true;
        }
        let op = match self.next() {
            Some(Tok::Op(op)) => op.to_string(),
            Some(Tok::Word(w))
                if ["LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET", "IN", "EXISTS"]
                    .iter()
                    .any(|k| w.eq_ignore_ascii_case(k)) =>
            {
                w.to_ascii_uppercase()
            }
            _ => {
                self.pos = self.pos.saturating_sub(1);
                return Err(self.err("expected a comparison operator"));
            }
        };
        let value = self.value()?;
        if negated {
            return Ok(Node::Other("negates a comparison".to_string()));
        }
        match (op.as_str(), value) {
            ("=", Some(v)) => Ok(Node::Eq { path, value: v }),
            // `ipv4-addr:value ISSUBSET '10.0.0.0/8'`: any address in the range, which is what a
            // CIDR indicator means.
            ("ISSUBSET", Some(v))
                if path.eq_ignore_ascii_case("ipv4-addr:value")
                    || path.eq_ignore_ascii_case("ipv6-addr:value") =>
            {
                Ok(Node::Eq { path, value: v })
            }
            (op, _) => Ok(Node::Other(format!("compares with {op}"))),
        }
    }

    /// A literal: a string (`Some`), or anything else (`None`: numbers, booleans, typed
    /// literals such as `t'…'`, `h'…'`, lists for IN).
    fn value(&mut self) -> Result<Option<String>, PatternError> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(Some(s)),
            Some(Tok::Word(w)) => {
                if matches!(w.as_str(), "t" | "h" | "b") && matches!(self.peek(), Some(Tok::Str(_)))
                {
                    self.pos += 1;
                }
                Ok(None)
            }
            Some(Tok::LParen) => {
                // A list for IN: ('a', 'b').
                loop {
                    match self.next() {
                        Some(Tok::RParen) => return Ok(None),
                        Some(Tok::Str(_)) | Some(Tok::Word(_)) => {}
                        _ => return Err(self.err("unclosed list")),
                    }
                }
            }
            _ => {
                self.pos = self.pos.saturating_sub(1);
                Err(self.err("expected a value"))
            }
        }
    }
}

fn or_of(mut parts: Vec<Node>) -> Node {
    if parts.len() == 1 {
        parts.pop().unwrap_or(Node::Or(Vec::new()))
    } else {
        Node::Or(parts)
    }
}

/// The indicator kind of a comparison's object path, if it is one we read (paths compare
/// without regard to case; hash names also without `-` and `_`).
fn kind_of_path(path: &str) -> Option<IndicatorKind> {
    let is = |name: &str| path.eq_ignore_ascii_case(name);
    if is("ipv4-addr:value") {
        return Some(IndicatorKind::Ipv4);
    }
    if is("ipv6-addr:value") {
        return Some(IndicatorKind::Ipv6);
    }
    if is("domain-name:value") {
        return Some(IndicatorKind::Domain);
    }
    if is("url:value") {
        return Some(IndicatorKind::Url);
    }
    if is("email-addr:value")
        || is("email-message:from_ref.value")
        || is("email-message:sender_ref.value")
    {
        return Some(IndicatorKind::Email);
    }
    let after = |prefix: &str| {
        path.get(..prefix.len())
            .filter(|head| head.eq_ignore_ascii_case(prefix))
            .map(|_| &path[prefix.len()..])
    };
    let key = after("file:hashes.")
        .or_else(|| after("artifact:hashes."))?
        .trim_matches('\'');
    // The hash name in lower case without `-` and `_`: `SHA-256` is `sha256`.
    let mut name = [0u8; 8];
    let mut len = 0;
    for c in key.bytes().filter(|c| *c != b'-' && *c != b'_') {
        *name.get_mut(len)? = c.to_ascii_lowercase();
        len += 1;
    }
    Some(match &name[..len] {
        b"md5" => IndicatorKind::Md5,
        b"sha1" => IndicatorKind::Sha1,
        b"sha256" => IndicatorKind::Sha256,
        b"sha512" => IndicatorKind::Sha512,
        _ => return None,
    })
}

/// The outcome of a pattern in the form nearly every feed writes, OR-ed observations of one
/// equality each on a path we read (`[ipv4-addr:value = '198.51.100.7'] OR [domain-name:value
/// = 'example.com']`), read without tokens or a tree; `None` for any other text, which
/// [`parse_pattern`] then reads in full. Where it answers, it answers as the full reading does
/// (a property test holds the two together).
fn simple(pattern: &str) -> Option<Result<PatternOutcome, PatternError>> {
    let b = pattern.as_bytes();
    // The lexer's whitespace, no more (a form feed is an error there).
    let blank = |c: Option<&u8>| matches!(c, Some(b' ' | b'\t' | b'\r' | b'\n'));
    let ws = |mut i: usize| {
        while blank(b.get(i)) {
            i += 1;
        }
        i
    };
    let mut found: [(IndicatorKind, &str); 4] = [(IndicatorKind::Ipv4, ""); 4];
    let mut count = 0;
    let mut i = ws(0);
    loop {
        if b.get(i) != Some(&b'[') {
            return None;
        }
        // The path: a name, with quoted segments (`hashes.'SHA-256'`) only after a dot.
        let start = ws(i + 1);
        i = start;
        while let Some(&c) = b.get(i) {
            if c == b'\'' && i > start && b[i - 1] == b'.' {
                i += 1 + memchr::memchr(b'\'', &b[i + 1..])? + 1;
                if b[start..i].contains(&b'\\') {
                    return None;
                }
            } else if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.') {
                i += 1;
            } else {
                break;
            }
        }
        let path = &pattern[start..i];
        let kind = kind_of_path(path)?;
        i = ws(i);
        if b.get(i) != Some(&b'=') {
            return None;
        }
        i = ws(i + 1);
        if b.get(i) != Some(&b'\'') {
            return None;
        }
        let len = memchr::memchr(b'\'', &b[i + 1..])?;
        let value = &pattern[i + 1..i + 1 + len];
        if value.contains('\\') {
            return None;
        }
        i = ws(i + 1 + len + 1);
        if b.get(i) != Some(&b']') {
            return None;
        }
        *found.get_mut(count)? = (kind, value);
        count += 1;
        i = ws(i + 1);
        if i == b.len() {
            break;
        }
        let or = b.get(i..i + 2)?;
        if !or.eq_ignore_ascii_case(b"OR") || !(b.get(i + 2) == Some(&b'[') || blank(b.get(i + 2)))
        {
            return None;
        }
        i = ws(i + 2);
    }
    let mut out = Vec::with_capacity(count);
    for (kind, value) in &found[..count] {
        match Indicator::parse(*kind, value) {
            Ok(i) if out.contains(&i) => {}
            Ok(i) => out.push(i),
            Err(e) => return Some(Err(PatternError::BadValue(e))),
        }
    }
    Some(Ok(PatternOutcome::Indicators(out)))
}

fn collect(node: Node, out: &mut Vec<Indicator>) -> Result<Option<String>, PatternError> {
    match node {
        Node::Other(reason) => Ok(Some(reason)),
        Node::Eq { path, value } => match kind_of_path(&path) {
            None => Ok(Some(format!("object path '{path}' is not one we read"))),
            Some(kind) => {
                let i = Indicator::parse(kind, &value).map_err(PatternError::BadValue)?;
                if !out.contains(&i) {
                    out.push(i);
                }
                Ok(None)
            }
        },
        Node::Or(parts) => {
            let mut reason = None;
            for p in parts {
                if let Some(r) = collect(p, out)? {
                    reason.get_or_insert(r);
                }
            }
            Ok(reason)
        }
    }
}

/// Parses a STIX pattern (2.0 or 2.1; the grammar is the same for what we read).
pub fn parse_pattern(pattern: &str) -> Result<PatternOutcome, PatternError> {
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(PatternError::Syntax {
            offset: MAX_PATTERN_LEN,
            message: format!("longer than {MAX_PATTERN_LEN} bytes"),
        });
    }
    match simple(pattern) {
        Some(outcome) => outcome,
        None => parse_full(pattern),
    }
}

/// Reads any pattern: tokens, then a tree of its shape.
fn parse_full(pattern: &str) -> Result<PatternOutcome, PatternError> {
    let toks = lex(pattern)?;
    let mut p = Parser {
        toks,
        pos: 0,
        len: pattern.len(),
    };
    let node = p.obs_or(0)?;
    if p.pos < p.toks.len() {
        return Err(p.err("unexpected text after the pattern"));
    }
    let mut out = Vec::new();
    // Values of a pattern that is not all simple comparisons are not checked here: such a
    // pattern is kept as text whatever its values are.
    let reason = match collect_shape(&node) {
        Some(r) => Some(r),
        None => collect(node, &mut out)?,
    };
    Ok(match reason {
        None => PatternOutcome::Indicators(out),
        Some(reason) => PatternOutcome::PatternOnly { reason },
    })
}

/// The first reason the pattern is not OR-ed simple comparisons of paths we read, if any.
fn collect_shape(node: &Node) -> Option<String> {
    match node {
        Node::Other(r) => Some(r.clone()),
        Node::Eq { path, .. } => kind_of_path(path)
            .is_none()
            .then(|| format!("object path '{path}' is not one we read")),
        Node::Or(parts) => parts.iter().find_map(collect_shape),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    fn inds(p: &str) -> Vec<String> {
        match parse_pattern(p) {
            Ok(PatternOutcome::Indicators(v)) => v.iter().map(|i| i.to_string()).collect(),
            other => panic!("{p}: {other:?}"),
        }
    }

    fn only(p: &str) -> String {
        match parse_pattern(p) {
            Ok(PatternOutcome::PatternOnly { reason }) => reason,
            other => panic!("{p}: {other:?}"),
        }
    }

    #[test]
    fn simple_forms_become_indicators() {
        assert_eq!(
            inds("[ipv4-addr:value = '203.0.113.0/24']"),
            ["ipv4:203.0.113.0/24"]
        );
        assert_eq!(
            inds("[ipv6-addr:value = '2001:DB8::1']"),
            ["ipv6:2001:db8::1"]
        );
        assert_eq!(
            inds("[domain-name:value = 'Evil.Example.']"),
            ["domain:evil.example"]
        );
        assert_eq!(
            inds("[url:value = 'http://evil.example/a\\'b']"),
            ["url:http://evil.example/a'b"]
        );
        assert_eq!(
            inds("[email-addr:value = 'x@evil.example']"),
            ["email:x@evil.example"]
        );
        let h = "A".repeat(64);
        assert_eq!(
            inds(&format!("[file:hashes.'SHA-256' = '{h}']")),
            [format!("sha256:{}", "a".repeat(64))]
        );
        assert_eq!(
            inds(&format!("[file:hashes.MD5 = '{}']", "b".repeat(32))),
            [format!("md5:{}", "b".repeat(32))]
        );
    }

    #[test]
    fn or_in_and_across_observations() {
        assert_eq!(
            inds("[ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value = '198.51.100.2']"),
            ["ipv4:198.51.100.1", "ipv4:198.51.100.2"]
        );
        assert_eq!(
            inds(
                "([domain-name:value = 'a.example'] OR [url:value = 'https://b.example/']) OR [domain-name:value = 'A.example']"
            ),
            ["domain:a.example", "url:https://b.example/"]
        );
        assert_eq!(
            inds("[ipv4-addr:value ISSUBSET '10.0.0.0/8']"),
            ["ipv4:10.0.0.0/8"]
        );
    }

    #[test]
    fn other_forms_are_kept_as_patterns() {
        assert!(only("[file:name = 'a.exe' AND file:size > 100]").contains("AND"));
        assert!(
            only("[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [domain-name:value = 'a.example']")
                .contains("FOLLOWEDBY")
        );
        assert!(only("[ipv4-addr:value = '1.2.3.4'] WITHIN 300 SECONDS").contains("WITHIN"));
        assert!(only("[process:name = 'x']").contains("process:name"));
        assert!(only("[url:value LIKE '%evil%']").contains("LIKE"));
        assert!(only("[ipv4-addr:value NOT = '1.2.3.4']").contains("negates"));
        assert!(only("[network-traffic:dst_ref.value IN ('1.2.3.4', '5.6.7.8')]").contains("IN"));
        assert!(only("[ipv4-addr:value = '1.2.3.4'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'").contains("START"));
        // A bad value inside a pattern that is kept as text is not checked.
        assert!(only("[ipv4-addr:value = 'x' AND ipv4-addr:value = 'y']").contains("AND"));
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(matches!(
            parse_pattern("[ipv4-addr:value = '1.2.3.4'"),
            Err(PatternError::Syntax { .. })
        ));
        assert!(matches!(
            parse_pattern("[ipv4-addr:value = '1.2.3.4]"),
            Err(PatternError::Syntax { .. })
        ));
        assert!(matches!(
            parse_pattern(""),
            Err(PatternError::Syntax { .. })
        ));
        assert!(matches!(
            parse_pattern("[ipv4-addr:value = '1.2.3.4'] junk"),
            Err(PatternError::Syntax { .. })
        ));
        let e = parse_pattern("[ipv4-addr:value = '300.1.1.1']").unwrap_err();
        assert!(e.to_string().contains("300.1.1.1"), "{e}");
        let deep = format!("{}[a:b = 'c']{}", "(".repeat(200), ")".repeat(200));
        assert!(parse_pattern(&deep).is_err());
    }

    #[test]
    fn the_forms_feeds_write_take_the_short_way() {
        for p in [
            "[ipv4-addr:value = '198.51.100.7']",
            "[domain-name:value='example.com'] OR [url:value = 'http://a.example/x']",
            "[file:hashes.'SHA-256' = 'aaaa']",
            " [email-addr:value = 'a@example.com'] or\t[file:hashes.MD5 = 'bb'] ",
        ] {
            assert_eq!(simple(p), Some(parse_full(p)), "{p}");
        }
        for p in [
            "[ipv4-addr:value = '198.51.100.7' OR domain-name:value = 'example.com']",
            "[process:name = 'x']",
            "[url:value = 'http://a.example/it\\'s']",
            "[ipv4-addr:value = '198.51.100.7'] WITHIN 5 SECONDS",
        ] {
            assert!(simple(p).is_none(), "{p}");
        }
    }

    proptest::proptest! {
        /// Any text at all: an answer, never a panic.
        #[test]
        fn any_text_is_answered(p in "\\PC{0,40}") {
            let _ = parse_pattern(&p);
        }

        /// Whatever the short way answers, the full reading answers the same.
        #[test]
        fn the_short_way_agrees_with_the_full_reading(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "[", "]", " ", "\t", "\u{c}", "=", "!=", "'", "\\", "OR", "or", "AND", "(", ")",
                "ipv4-addr:value", "domain-name:value", "url:value", "email-addr:value",
                "file:hashes.", "'SHA-256'", "MD5", "sha_1", "process:name", "[*]",
                "198.51.100.7", "300.1.1.1", "Example.COM", "http://a.example/p?q=1",
                "a@example.com", "d41d8cd98f00b204e9800998ecf8427e", "x", "é", ":", ".", "-",
            ]), 0..24),
        ) {
            let p: String = parts.concat();
            if let Some(short) = simple(&p) {
                proptest::prop_assert_eq!(short, parse_full(&p), "{}", p);
            }
        }

        /// Well-formed patterns of the usual form, whatever their values, agree too.
        #[test]
        fn usual_patterns_agree(
            obs in proptest::collection::vec((
                proptest::sample::select(vec![
                    "ipv4-addr:value", "IPV6-ADDR:value", "domain-name:value", "url:value",
                    "email-message:from_ref.value", "file:hashes.'SHA-256'", "file:hashes.md5",
                    "artifact:hashes.'SHA-1'", "file:hashes.'TLSH'",
                ]),
                // Values that repeat (to de-duplicate), valid and not, and anything else.
                proptest::prop_oneof![
                    proptest::sample::select(vec![
                        "198.51.100.7", "Example.COM", "example.com", "2001:db8::1",
                        "http://a.example/x", "a@example.com", "d41d8cd98f00b204e9800998ecf8427e",
                    ])
                    .prop_map(String::from),
                    "[ -&(-~]{0,20}",
                ],
                proptest::sample::select(vec![" ", "", "\n"]),
            ), 1..5),
            repeat_first in proptest::bool::ANY,
        ) {
            let mut obs = obs;
            if repeat_first {
                obs.push(obs[0].clone());
            }
            let p = obs
                .iter()
                .map(|(path, value, gap)| format!("[{gap}{path}{gap}={gap}'{value}'{gap}]"))
                .collect::<Vec<_>>()
                .join(" OR ");
            let full = parse_full(&p);
            match simple(&p) {
                Some(short) => proptest::prop_assert_eq!(short, full, "{}", p),
                // Only more than four observations, an unknown path or an escape take the
                // long way.
                None => proptest::prop_assert!(
                    obs.len() > 4
                        || obs.iter().any(|(path, value, _)| path.contains("TLSH") || value.contains('\\')),
                    "{}", p
                ),
            }
        }
    }
}
