//! The line each value of a JSON text starts on, by path (`catalog.controls[4].title`), so
//! problems found after parsing (serde_json's `Value` keeps no positions) can name a line.
//! Only run on text serde_json has already parsed, and only when there is a problem to place.

use std::collections::HashMap;

enum Frame {
    Object { path: String, key: Option<String> },
    Array { path: String, index: usize },
}

fn child(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// Maps every path in the document to the 1-based line its value starts on.
pub(crate) fn lines_by_path(text: &str) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let bytes = text.as_bytes();
    let mut line = 1;
    let mut i = 0;
    // The path of the value about to start, given the innermost frame.
    let here = |stack: &Vec<Frame>| -> Option<String> {
        match stack.last() {
            None => Some(String::new()),
            Some(Frame::Object { path, key }) => key.as_ref().map(|k| child(path, k)),
            Some(Frame::Array { path, index }) => Some(format!("{path}[{index}]")),
        }
    };
    let mut expecting_key = false;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => line += 1,
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                let s = text.get(start..i.min(bytes.len())).unwrap_or("");
                if expecting_key {
                    let key = serde_json::from_str::<String>(&format!("\"{s}\""))
                        .unwrap_or_else(|_| s.to_string());
                    if let Some(Frame::Object { key: k, .. }) = stack.last_mut() {
                        *k = Some(key);
                    }
                    expecting_key = false;
                } else if let Some(p) = here(&stack) {
                    out.entry(p).or_insert(line);
                }
            }
            b'{' | b'[' => {
                let path = here(&stack).unwrap_or_default();
                out.entry(path.clone()).or_insert(line);
                if b == b'{' {
                    stack.push(Frame::Object { path, key: None });
                    expecting_key = true;
                } else {
                    stack.push(Frame::Array { path, index: 0 });
                }
            }
            b'}' | b']' => {
                stack.pop();
                expecting_key = false;
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key, .. }) => {
                    *key = None;
                    expecting_key = true;
                }
                Some(Frame::Array { index, .. }) => *index += 1,
                None => {}
            },
            b':' | b' ' | b'\t' | b'\r' => {}
            _ => {
                // A number, true, false or null starts here; skip to its end.
                if let Some(p) = here(&stack) {
                    out.entry(p).or_insert(line);
                }
                while i + 1 < bytes.len()
                    && !matches!(
                        bytes[i + 1],
                        b',' | b'}' | b']' | b'\n' | b' ' | b'\t' | b'\r'
                    )
                {
                    i += 1;
                }
            }
        }
        i += 1;
    }
    out
}

/// The line of the deepest known path that `at` starts with (`catalog.controls[4].title` when
/// the title is missing falls back to `catalog.controls[4]`).
pub(crate) fn line_of(lines: &HashMap<String, usize>, at: &str) -> Option<usize> {
    let mut p = at;
    loop {
        if let Some(l) = lines.get(p) {
            return Some(*l);
        }
        let cut = p.rfind(['.', '['])?;
        p = &p[..cut];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_get_the_line_their_value_starts_on() {
        let text = "{\n \"catalog\": {\n  \"controls\": [\n   {\"id\": \"a\",\n    \"title\": 3},\n   {\"id\": \"b\\\"c\"}\n  ]\n }\n}\n";
        let lines = lines_by_path(text);
        assert_eq!(lines.get("catalog"), Some(&2));
        assert_eq!(lines.get("catalog.controls[0].id"), Some(&4));
        assert_eq!(lines.get("catalog.controls[0].title"), Some(&5));
        assert_eq!(lines.get("catalog.controls[1].id"), Some(&6));
        assert_eq!(line_of(&lines, "catalog.controls[1].title"), Some(6));
        assert_eq!(
            line_of(&lines, "catalog.controls[0].props[2].value"),
            Some(4)
        );
    }
}
