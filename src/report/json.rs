//! report.json: the report serialised, with a guard against non-finite numbers.

use anyhow::{bail, Result};

use super::Report;

/// Pretty JSON with a trailing newline. Fails if any number is NaN or
/// infinite: serde_json would silently write those as `null`, and the report
/// has no field that is legitimately null.
pub fn to_json(report: &Report) -> Result<String> {
    let value = serde_json::to_value(report)?;
    if let Some(path) = find_null(&value, "") {
        bail!("report field {path} is not a finite number (this is a bug in framescope)");
    }
    let mut text = serde_json::to_string_pretty(&value)?;
    crate::drop_elsewhere(value);
    text.push('\n');
    Ok(text)
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
