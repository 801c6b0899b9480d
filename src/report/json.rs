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
    text.push('\n');
    Ok(text)
}

fn find_null(value: &serde_json::Value, path: &str) -> Option<String> {
    match value {
        serde_json::Value::Null => Some(if path.is_empty() {
            "/".into()
        } else {
            path.into()
        }),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| find_null(v, &format!("{path}/{i}"))),
        serde_json::Value::Object(map) => map
            .iter()
            .find_map(|(k, v)| find_null(v, &format!("{path}/{k}"))),
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
    }
}
