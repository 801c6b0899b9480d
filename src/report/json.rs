//! report.json: the report serialised, with a guard against non-finite numbers.

use std::fmt::Write as _;

use anyhow::{bail, Result};

use super::{DocumentInfo, Report};

/// Pretty JSON with a trailing newline, keys in alphabetical order at every
/// level. Fails if any number is NaN or infinite: serde_json would silently
/// write those as `null`, and the report has no field that is legitimately
/// null.
///
/// The report goes through a `serde_json::Value` tree, which sorts the keys
/// and lets the guard look for `null`, except `documents` (one object per
/// file, three quarters of the file on BBC x10, and nothing in it can be
/// null): that list is written directly into the place the tree keeps for
/// it. Building, printing and freeing a tree of 10^5 small objects was a
/// sixth of a re-run's CPU.
pub fn to_json(report: &Report) -> Result<String> {
    let mut value = serde_json::to_value(report)?;
    if let Some(path) = find_null(&value, "") {
        bail!("report field {path} is not a finite number (this is a bug in framescope)");
    }
    let serde_json::Value::Object(fields) = &mut value else {
        bail!("the report did not serialise as a JSON object (this is a bug in framescope)");
    };
    fields.insert("documents".into(), serde_json::Value::Array(Vec::new()));
    let tree = serde_json::to_string_pretty(&value)?;
    crate::drop_elsewhere(value);
    // A raw line break followed by exactly two spaces starts a top-level key
    // (deeper keys are indented further; breaks inside strings are escaped).
    const KEY: &str = "\n  \"documents\": ";
    const EMPTY: &str = "[]";
    let key = tree
        .find(&format!("{KEY}{EMPTY}"))
        .expect("the pretty tree holds the documents' place");
    let (before, after) = tree.split_at(key + KEY.len());
    let mut text = String::with_capacity(tree.len() + 200 * report.documents.len() + 1);
    text.push_str(before);
    write_documents(&mut text, &report.documents);
    text.push_str(&after[EMPTY.len()..]);
    text.push('\n');
    Ok(text)
}

/// The documents as `serde_json::to_string_pretty` writes them one level
/// down: fields in alphabetical order, strings escaped by serde_json. The
/// destructuring names every field, so adding one to `DocumentInfo` does
/// not compile until it is written here too.
fn write_documents(out: &mut String, documents: &[DocumentInfo]) {
    if documents.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push('[');
    for (i, d) in documents.iter().enumerate() {
        let DocumentInfo {
            path,
            source,
            words,
            sentences,
            encoding,
            replaced,
        } = d;
        let (encoding, path, source) = (quoted(encoding), quoted(path), quoted(source));
        let comma = if i + 1 < documents.len() { "," } else { "" };
        let _ = write!(
            out,
            "\n    {{\n      \"encoding\": {encoding},\n      \"path\": {path},\n      \"replaced\": {replaced},\n      \"sentences\": {sentences},\n      \"source\": {source},\n      \"words\": {words}\n    }}{comma}"
        );
    }
    out.push_str("\n  ]");
}

/// A string as a JSON string literal, escaped as serde_json escapes it.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serialises")
}

/// The path of the first `null` in `value` (under `path`), e.g. `/a/1/b`.
fn find_null(value: &serde_json::Value, path: &str) -> Option<String> {
    let mut parts = null_path(value)?;
    parts.reverse();
    let tail: String = parts.iter().map(|p| format!("/{p}")).collect();
    Some(match (path.is_empty(), tail.is_empty()) {
        (true, true) => "/".into(),
        _ => format!("{path}{tail}"),
    })
}

/// The steps to the first `null`, innermost first; built only once one is
/// found, so the common case (no null) formats nothing.
fn null_path(value: &serde_json::Value) -> Option<Vec<String>> {
    match value {
        serde_json::Value::Null => Some(Vec::new()),
        serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| {
            let mut parts = null_path(v)?;
            parts.push(i.to_string());
            Some(parts)
        }),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            let mut parts = null_path(v)?;
            parts.push(k.clone());
            Some(parts)
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The straightforward serialisation: the whole report, documents
    /// included, through one `Value` tree.
    fn through_one_tree(report: &Report) -> String {
        let mut value = serde_json::to_value(report).unwrap();
        value.as_object_mut().unwrap().insert(
            "documents".into(),
            serde_json::to_value(&report.documents).unwrap(),
        );
        serde_json::to_string_pretty(&value).unwrap() + "\n"
    }

    fn document(path: &str, source: &str, encoding: &str, n: u64) -> DocumentInfo {
        DocumentInfo {
            path: path.into(),
            source: source.into(),
            words: 400 + n,
            sentences: 19 * n,
            encoding: encoding.into(),
            replaced: n % 2,
        }
    }

    #[test]
    fn documents_written_directly_equal_the_tree() {
        let mut report = crate::report::charts::fixtures::report(3, 4, true);
        assert!(report.documents.is_empty());
        assert_eq!(to_json(&report).unwrap(), through_one_tree(&report));
        report.documents = vec![
            document("a/1.txt", "a", "UTF-8", 0),
            document(
                "a/\"quoted\" \\ back\u{1}slash\ttab.txt",
                "a",
                "UTF-8 (BOM)",
                1,
            ),
            document(
                "Kazakhstan’s/é\u{2028}.md",
                "Kazakhstan’s",
                "windows-1252",
                2,
            ),
            document("z.txt", "z", "UTF-16LE", u64::MAX / 19),
        ];
        let text = to_json(&report).unwrap();
        assert_eq!(text, through_one_tree(&report));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        let back: Vec<DocumentInfo> = serde_json::from_value(back["documents"].clone()).unwrap();
        assert_eq!(back, report.documents);
        report.documents.truncate(1);
        assert_eq!(to_json(&report).unwrap(), through_one_tree(&report));
    }

    #[test]
    fn a_non_finite_number_is_an_error_naming_its_field() {
        let mut report = crate::report::charts::fixtures::report(2, 2, false);
        report.sources[1].anchor.per_1k = f64::NAN;
        let error = to_json(&report).unwrap_err().to_string();
        assert!(error.contains("/sources/1/anchor/per_1k"), "{error}");
    }

    #[test]
    fn null_is_found_with_its_path() {
        let v = serde_json::json!({"a": [1, {"b": null}]});
        assert_eq!(find_null(&v, ""), Some("/a/1/b".to_string()));
        assert_eq!(find_null(&serde_json::json!({"a": 1.5}), ""), None);
        assert_eq!(
            find_null(&serde_json::Value::Null, ""),
            Some("/".to_string())
        );
        assert_eq!(
            find_null(&serde_json::json!([0, [1, null]]), "/x"),
            Some("/x/1/1".to_string())
        );
    }
}
