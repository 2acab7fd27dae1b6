//! A JSON cursor for log lines: it walks one object, hands the keys a reader wants to the
//! reader and skips everything else without building values.
//!
//! Logs are one JSON object per line and a reader wants a few fields of each, so a general
//! parser that builds every value wastes most of its time. This cursor checks the structure
//! (braces, brackets, strings, commas, colons, literals) so a broken line is reported, but it
//! does not check the digits of numbers it skips. Strings without a backslash are borrowed
//! from the line; escaped ones are decoded only when a reader asks for them.

use std::borrow::Cow;

/// How deeply values may nest (logs nest three or four levels).
const MAX_DEPTH: usize = 64;

/// Why a line is not the JSON expected, and the byte offset where that was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset in the line, from 0.
    pub at: usize,
    /// What was wrong.
    pub what: &'static str,
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not valid JSON at byte {}: {}", self.at + 1, self.what)
    }
}

/// A result of the cursor.
pub type JsonResult<T> = Result<T, JsonError>;

/// A string as it stands in the line, between its quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Str<'a> {
    raw: &'a [u8],
    escaped: bool,
}

impl<'a> Str<'a> {
    /// The raw bytes, escapes undecoded; compare keys with this when `is_plain`.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// True when the string has no escapes (its raw bytes are its value).
    pub fn is_plain(&self) -> bool {
        !self.escaped
    }

    /// The value, escapes decoded (`None` for an escape JSON does not allow).
    pub fn value(&self) -> Option<Cow<'a, [u8]>> {
        if !self.escaped {
            return Some(Cow::Borrowed(self.raw));
        }
        unescape(self.raw).map(Cow::Owned)
    }

    /// True when the value equals `key` (a key with escapes is decoded first).
    #[inline]
    pub fn is(&self, key: &[u8]) -> bool {
        if !self.escaped {
            return self.raw == key;
        }
        self.value().is_some_and(|v| v.as_ref() == key)
    }
}

fn unescape(raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b != b'\\' {
            out.push(b);
            i += 1;
            continue;
        }
        let e = *raw.get(i + 1)?;
        i += 2;
        match e {
            b'"' | b'\\' | b'/' => out.push(e),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'u' => {
                let hi = hex4(raw.get(i..i + 4)?)?;
                i += 4;
                let c = if (0xd800..0xdc00).contains(&hi) {
                    if raw.get(i..i + 2)? != b"\\u" {
                        return None;
                    }
                    let lo = hex4(raw.get(i + 2..i + 6)?)?;
                    if !(0xdc00..0xe000).contains(&lo) {
                        return None;
                    }
                    i += 6;
                    char::from_u32(0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00))?
                } else {
                    char::from_u32(hi)?
                };
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            _ => return None,
        }
    }
    Some(out)
}

fn hex4(h: &[u8]) -> Option<u32> {
    let s = std::str::from_utf8(h).ok()?;
    u32::from_str_radix(s, 16).ok()
}

/// What comes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// `{`
    Object,
    /// `[`
    Array,
    /// `"`
    String,
    /// A number, `true`, `false` or `null`.
    Scalar,
}

/// A position in one line of JSON.
#[derive(Debug)]
pub struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
    depth: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `line`.
    pub fn new(line: &'a [u8]) -> Cursor<'a> {
        Cursor {
            b: line,
            pos: 0,
            depth: 0,
        }
    }

    fn err<T>(&self, what: &'static str) -> JsonResult<T> {
        Err(JsonError { at: self.pos, what })
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.pos) {
            if c == b' ' || c == b'\t' || c == b'\r' || c == b'\n' {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// What the next value is.
    #[inline]
    pub fn peek(&mut self) -> JsonResult<Next> {
        self.ws();
        match self.b.get(self.pos) {
            Some(b'{') => Ok(Next::Object),
            Some(b'[') => Ok(Next::Array),
            Some(b'"') => Ok(Next::String),
            Some(b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => Ok(Next::Scalar),
            Some(_) => self.err("expected a value"),
            None => self.err("the line ends where a value was expected"),
        }
    }

    /// Checks that only white space follows the value read.
    pub fn end(&mut self) -> JsonResult<()> {
        self.ws();
        if self.pos < self.b.len() {
            return self.err("text after the end of the object");
        }
        Ok(())
    }

    /// Reads an object, calling `on_key` with the cursor at each key's value; `on_key` must
    /// read or skip that value.
    #[inline]
    pub fn object(
        &mut self,
        mut on_key: impl FnMut(&mut Cursor<'a>, Str<'a>) -> JsonResult<()>,
    ) -> JsonResult<()> {
        self.ws();
        if self.b.get(self.pos) != Some(&b'{') {
            return self.err("expected an object");
        }
        self.enter()?;
        self.pos += 1;
        self.ws();
        if self.b.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            self.ws();
            if self.b.get(self.pos) != Some(&b'"') {
                return self.err("expected a key in quotes");
            }
            let key = self.string()?;
            self.ws();
            if self.b.get(self.pos) != Some(&b':') {
                return self.err("expected ':' after a key");
            }
            self.pos += 1;
            on_key(self, key)?;
            self.ws();
            match self.b.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return self.err("expected ',' or '}' in an object"),
            }
        }
    }

    /// Reads an array, calling `on_item` with the cursor at each element; `on_item` must read
    /// or skip it.
    #[inline]
    pub fn array(
        &mut self,
        mut on_item: impl FnMut(&mut Cursor<'a>) -> JsonResult<()>,
    ) -> JsonResult<()> {
        self.ws();
        if self.b.get(self.pos) != Some(&b'[') {
            return self.err("expected an array");
        }
        self.enter()?;
        self.pos += 1;
        self.ws();
        if self.b.get(self.pos) == Some(&b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            on_item(self)?;
            self.ws();
            match self.b.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return self.err("expected ',' or ']' in an array"),
            }
        }
    }

    fn enter(&mut self) -> JsonResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err("nested too deeply");
        }
        Ok(())
    }

    /// Reads a string.
    #[inline]
    pub fn string(&mut self) -> JsonResult<Str<'a>> {
        self.ws();
        if self.b.get(self.pos) != Some(&b'"') {
            return self.err("expected a string");
        }
        let start = self.pos + 1;
        let mut i = start;
        let mut escaped = false;
        loop {
            match find_quote_or_backslash(&self.b[i..]) {
                None => {
                    self.pos = self.b.len();
                    return self.err("a string is not closed");
                }
                Some(off) => {
                    let at = i + off;
                    if self.b[at] == b'"' {
                        self.pos = at + 1;
                        return Ok(Str {
                            raw: &self.b[start..at],
                            escaped,
                        });
                    }
                    escaped = true;
                    i = at + 2;
                    if i > self.b.len() {
                        self.pos = self.b.len();
                        return self.err("a string is not closed");
                    }
                }
            }
        }
    }

    /// Reads a string, or skips a value of another type (`None`).
    #[inline]
    pub fn string_or_skip(&mut self) -> JsonResult<Option<Str<'a>>> {
        if self.peek()? == Next::String {
            self.string().map(Some)
        } else {
            self.skip().map(|()| None)
        }
    }

    /// Reads a non-negative integer, or skips a value of another type (`None`). A quoted
    /// integer counts (some exporters quote ports and flow ids).
    pub fn integer_or_skip(&mut self) -> JsonResult<Option<u64>> {
        match self.peek()? {
            Next::String => {
                let s = self.string()?;
                Ok(std::str::from_utf8(s.raw())
                    .ok()
                    .and_then(|t| t.parse().ok()))
            }
            Next::Scalar => {
                let start = self.pos;
                self.skip()?;
                let text = &self.b[start..self.pos];
                Ok(std::str::from_utf8(text).ok().and_then(|t| t.parse().ok()))
            }
            _ => self.skip().map(|()| None),
        }
    }

    /// Skips any value.
    pub fn skip(&mut self) -> JsonResult<()> {
        match self.peek()? {
            Next::Object => self.object(|c, _| c.skip()),
            Next::Array => self.array(|c| c.skip()),
            Next::String => self.string().map(|_| ()),
            Next::Scalar => {
                let rest = &self.b[self.pos..];
                for word in [&b"true"[..], b"false", b"null"] {
                    if rest.starts_with(word) {
                        self.pos += word.len();
                        return Ok(());
                    }
                }
                let n = rest
                    .iter()
                    .take_while(|&&c| {
                        c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E')
                    })
                    .count();
                if n == 0 {
                    return self.err("expected a value");
                }
                self.pos += n;
                Ok(())
            }
        }
    }
}

/// The first `"` or `\\`: eight bytes at a time (most strings in logs are short, where a
/// vector search costs more to start than it saves), then a vector search for long ones.
#[inline]
fn find_quote_or_backslash(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while i + 8 <= b.len() && i < 64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[i..i + 8]);
        let x = u64::from_le_bytes(w);
        let q = x ^ (ONES * u64::from(b'"'));
        let s = x ^ (ONES * u64::from(b'\\'));
        // A zero byte in q or s marks a match; the lowest marked byte is the first.
        let found = ((q.wrapping_sub(ONES) & !q) | (s.wrapping_sub(ONES) & !s)) & HIGH;
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    if i < 64 {
        return b[i..]
            .iter()
            .position(|&c| c == b'"' || c == b'\\')
            .map(|p| i + p);
    }
    memchr::memchr2(b'"', b'\\', &b[i..]).map(|p| i + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(line: &str) -> JsonResult<Vec<String>> {
        let mut c = Cursor::new(line.as_bytes());
        let mut out = Vec::new();
        c.object(|c, k| {
            out.push(String::from_utf8_lossy(&k.value().unwrap_or_default()).into_owned());
            c.skip()
        })?;
        c.end()?;
        Ok(out)
    }

    #[test]
    fn walks_objects_and_skips_values() {
        let k = keys(
            r#"{"a":1,"b":{"c":[1,2,{"d":"x\"y"}]},"e":true,"f":null,"g":-1.5e3,"h\u0041":"z"}"#,
        );
        assert_eq!(k.unwrap(), ["a", "b", "e", "f", "g", "hA"]);
        assert_eq!(keys("{}").unwrap(), Vec::<String>::new());
        assert_eq!(keys(" { \"a\" : [ ] } \r").unwrap(), ["a"]);
    }

    #[test]
    fn refuses_broken_lines_with_the_offset() {
        for (line, what) in [
            (r#"{"a":1"#, "expected ',' or '}' in an object"),
            (r#"{"a" 1}"#, "expected ':' after a key"),
            (r#"{"a":"x}"#, "a string is not closed"),
            (r#"{"a":1} x"#, "text after the end of the object"),
            (r#"{"a":[1,}"#, "expected a value"),
            (r#"[1]"#, "expected an object"),
            (r#"{"a":tru}"#, "expected a value"),
            (r#"{"a":"x\"#, "a string is not closed"),
        ] {
            let e = keys(line).unwrap_err();
            assert_eq!(e.what, what, "{line}");
        }
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(100), "]".repeat(100));
        assert_eq!(keys(&deep).unwrap_err().what, "nested too deeply");
    }

    #[test]
    fn finds_the_first_quote_or_backslash_at_any_length() {
        for len in 0..200 {
            for at in 0..=len {
                for c in [b'"', b'\\'] {
                    let mut v = vec![b'a'; len];
                    if at < len {
                        v[at] = c;
                        // A second one later must not be the answer.
                        if at + 1 < len {
                            v[len - 1] = b'"';
                        }
                    }
                    let want = v.iter().position(|&b| b == b'"' || b == b'\\');
                    assert_eq!(find_quote_or_backslash(&v), want, "len {len} at {at}");
                }
            }
        }
        // Bytes >= 0x80 (UTF-8) never look like a match.
        assert_eq!(find_quote_or_backslash("ééééé\"".as_bytes()), Some(10));
    }

    #[test]
    fn decodes_escapes_only_when_asked() {
        let mut c = Cursor::new(br#""a\u00e9\ud83d\ude00\/b""#);
        let s = c.string().unwrap();
        assert!(!s.is_plain());
        assert_eq!(s.value().unwrap().as_ref(), "aé😀/b".as_bytes());
        let mut c = Cursor::new(br#""\ud83d""#);
        assert!(c.string().unwrap().value().is_none());
        let mut c = Cursor::new(br#""plain""#);
        assert!(matches!(
            c.string().unwrap().value(),
            Some(Cow::Borrowed(b"plain"))
        ));
    }
}
