//! Messy input folders, bad configs and broken file systems: every case gets a
//! clear message and the right exit code, and earlier outputs stay intact.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const CONFIG: &str = r#"
[anchor]
label = "multi-vector policy"
terms = ["multi-vector*"]

[themes.economy]
label = "Economy"
terms = ["trade", "invest*"]
"#;

fn framescope(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_framescope"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the framescope binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A folder with config.toml and an input/ folder holding `files`.
fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
    for (name, bytes) in files {
        let path = dir.path().join("input").join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    dir
}

fn report(dir: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(dir.join("output/report.json")).unwrap()).unwrap()
}

fn utf16be_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    bytes
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

#[test]
fn encodings_are_decoded_and_recorded() {
    let dir = project(&[
        // "trade grows" = 2 words, 1 economy hit, in three encodings.
        ("bom.txt", b"\xEF\xBB\xBFtrade grows"),
        ("wide.txt", &utf16le_with_bom("trade grows")),
        // Windows-1252: 0x93/0x94 are curly quotes, 0x92 a curly apostrophe.
        ("legacy.txt", b"\x93Kazakhstan\x92s trade\x94 grows"),
        ("wide_be.txt", &utf16be_with_bom("trade grows")),
        ("plain.txt", "caf\u{e9} trade grows".as_bytes()),
        // Valid UTF-8 with one stray byte: replaced and counted.
        ("stray.txt", b"caf\xC3\xA9 trade \xFF grows"),
    ]);
    let out = framescope(dir.path(), &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("stray.txt: 1 invalid byte sequence(s) replaced"),
        "{}",
        stderr(&out)
    );
    let r = report(dir.path());
    let source = |id: &str| {
        r["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(source("bom")["encodings"]["UTF-8 (BOM)"], 1);
    assert_eq!(source("wide")["encodings"]["UTF-16LE"], 1);
    assert_eq!(source("wide")["words"], 2);
    assert_eq!(source("wide_be")["encodings"]["UTF-16BE"], 1);
    assert_eq!(source("wide_be")["themes"]["economy"]["hits"], 1);
    assert_eq!(source("plain")["encodings"]["UTF-8"], 1);
    assert_eq!(source("plain")["words"], 3);
    assert_eq!(source("legacy")["encodings"]["windows-1252"], 1);
    // Kazakhstan's trade grows: 3 words, and the possessive folds to "kazakhstan".
    assert_eq!(source("legacy")["words"], 3);
    // Ties sort by stem: grow, kazakhstan, trade.
    assert_eq!(source("legacy")["top_terms"][1]["stem"], "kazakhstan");
    assert_eq!(source("legacy")["top_terms"][1]["form"], "kazakhstan");
    assert_eq!(source("stray")["words"], 3);
    let docs = r["documents"].as_array().unwrap();
    let stray = docs.iter().find(|d| d["path"] == "stray.txt").unwrap();
    assert_eq!(stray["replaced"], 1);
}

#[test]
fn binary_and_empty_files_are_reported_not_fatal() {
    let dir = project(&[
        ("good.txt", b"We trade."),
        ("picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("nul.md", b"text\x00with nul"),
        ("empty.txt", b""),
        ("blank.txt", b"  \n\t\n"),
        (".hidden.txt", b"\x00\x00"),
        (".git/objects/x.txt", b"\x00\x00"),
        ("outlet/a.txt", b"We invest."),
        ("outlet/.cache/b.txt", b"\x00\x00"),
    ]);
    let out = framescope(dir.path(), &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("picture.txt: skipped, not text: a PNG image"),
        "{err}"
    );
    assert!(
        err.contains("nul.md: skipped, not text: binary data"),
        "{err}"
    );
    assert!(err.contains("empty.txt: no words"), "{err}");
    assert!(
        !err.contains("hidden") && !err.contains(".git") && !err.contains(".cache"),
        "{err}"
    );
    let r = report(dir.path());
    let skipped: Vec<&str> = r["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, vec!["nul.md", "picture.txt"]);
    assert_eq!(
        r["skipped"][0]["reason"],
        "not text: binary data (contains NUL bytes)"
    );
    assert_eq!(r["skipped"][1]["reason"], "not text: a PNG image");
    // The hidden folder inside the outlet is not a document of it.
    let outlet = r["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "outlet")
        .unwrap();
    assert_eq!(outlet["documents"], 1);
    let empty = r["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "empty.txt")
        .unwrap();
    assert_eq!(empty["words"], 0);
    // The empty sources are there with zero rates, and nothing is NaN (the
    // JSON would hold null) anywhere.
    let text = fs::read_to_string(dir.path().join("output/report.json")).unwrap();
    assert!(!text.contains("null"), "a null in report.json");
    let blank = r["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "blank")
        .unwrap();
    assert_eq!(blank["themes"]["economy"]["per_1k"], 0.0);
    // Nor in the charts and tables drawn from it.
    for folder in ["charts", "tables"] {
        for entry in fs::read_dir(dir.path().join("output").join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "png") {
                continue;
            }
            let text = fs::read_to_string(&path).unwrap();
            // Rust writes non-finite floats as NaN, inf and -inf: as an SVG
            // attribute or text, or as a CSV cell.
            for bad in ["NaN", "\"inf", "inf\"", ">inf<", ",inf", "-inf"] {
                assert!(!text.contains(bad), "{bad} in {}", path.display());
            }
        }
    }
}

/// Which extensions are read is configurable; the rest is listed as skipped.
#[test]
fn extensions_come_from_the_config() {
    let dir = project(&[
        ("a.text", b"We trade."),
        ("b.txt", b"We trade."),
        ("c.TEXT", b"We invest."),
    ]);
    let config = format!("extensions = [\"text\"]\n{CONFIG}");
    fs::write(dir.path().join("config.toml"), config).unwrap();
    let out = framescope(dir.path(), &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r = report(dir.path());
    let ids: Vec<&str> = r["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["a", "c"]);
    assert_eq!(r["skipped"][0]["path"], "b.txt");
    assert_eq!(
        r["skipped"][0]["reason"],
        "extension not in `extensions` (text)"
    );
}

#[test]
fn no_readable_article_is_exit_2() {
    let dir = project(&[
        ("a.txt", b""),
        ("b.txt", b"\x00\x01"),
        ("c.txt", b"1,800 - 2023"),
    ]);
    // `check` says so as well (it used to pass where the run then failed).
    for args in [&["--quiet"][..], &["check"]] {
        let out = framescope(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("no readable article"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert!(!dir.path().join("output/report.json").exists());
    // With one real article, `check` passes and names the empty files.
    fs::write(dir.path().join("input/d.txt"), "We trade.").unwrap();
    let out = framescope(dir.path(), &["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("4 sources, 1 readable documents"),
        "{stdout}"
    );
    assert!(stdout.contains("no words in a.txt"), "{stdout}");
    assert!(stdout.contains("no words in c.txt"), "{stdout}");
    assert!(stdout.contains("would skip b.txt: not text"), "{stdout}");
    let dir = project(&[("notes.pdf", b"%PDF-1.4")]);
    let out = framescope(dir.path(), &["--quiet"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no article files"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn config_mistakes_name_the_place_and_the_fix() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "[anchor]",
            "[anchor",
            &["config.toml:2:8", "unclosed table", "[anchor\n"],
        ),
        (
            "[anchor]",
            "[anchr]",
            &[
                "config.toml:2:2",
                "unknown field `anchr`",
                "did you mean `anchor`",
            ],
        ),
        (
            "terms = [\"trade\", \"invest*\"]",
            "",
            &["config.toml:6:1", "missing field `terms`", "add `terms = ["],
        ),
        (
            "label = \"multi-vector policy\"",
            "label = \"\"",
            &["config.toml:3:9", "anchor.label is empty"],
        ),
        (
            "terms = [\"trade\", \"invest*\"]",
            "terms = []",
            &["config.toml:8:9", "themes.economy.terms is empty"],
        ),
        (
            "\"invest*\"",
            "\"in*vest\"",
            &["config.toml:8:19", "may only end"],
        ),
        (
            "\"invest*\"",
            "\"R&D\"",
            &["config.toml:8:19", "never part of a word"],
        ),
        (
            "label = \"Economy\"",
            "label = \"Economy\"\nlabl = 1",
            &["unknown field `labl`", "did you mean `label`"],
        ),
        (
            "[themes.economy]",
            "[cooccurrence]\nwindow = 0\n[themes.economy]",
            &["cooccurrence.window = 0", "at least 1"],
        ),
        (
            "[themes.economy]",
            "[themes.x]\nterms=[\"a\"]\n[themes.x]\nterms=[\"b\"]\n[themes.economy]",
            &["only once"],
        ),
        (
            "terms = [\"multi-vector*\"]",
            "terms = [\"\"]",
            &["config.toml:4:10", "empty"],
        ),
    ];
    let dir = project(&[("a.txt", b"trade")]);
    let out = framescope(dir.path(), &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = fs::read(dir.path().join("output/report.json")).unwrap();
    for (from, to, expected) in cases {
        let config = CONFIG.replacen(from, to, 1);
        assert_ne!(config, CONFIG, "the case {from:?} must change the config");
        fs::write(dir.path().join("config.toml"), config).unwrap();
        for args in [&["check"][..], &["--quiet"]] {
            let out = framescope(dir.path(), args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{to} {args:?}: {err}");
            for e in *expected {
                assert!(err.contains(e), "{to}: expected {e:?} in {err}");
            }
        }
        assert_eq!(
            fs::read(dir.path().join("output/report.json")).unwrap(),
            before,
            "{to}: the earlier report changed"
        );
    }
}

#[test]
fn output_that_cannot_be_created_is_exit_2_before_any_work() {
    let dir = project(&[("a.txt", b"trade")]);
    fs::write(
        dir.path().join("blocker"),
        "a file where a folder should be",
    )
    .unwrap();
    let out = framescope(dir.path(), &["--quiet", "--output", "blocker/out"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot create output folder"),
        "{}",
        stderr(&out)
    );
}

/// An output folder that exists but cannot be written: exit 2 before any
/// counting, earlier outputs intact. (Root ignores permission bits, so the
/// test skips itself there, like the unreadable-file test.)
#[cfg(unix)]
#[test]
fn unwritable_output_is_exit_2_and_keeps_earlier_outputs() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(&[("a.txt", b"We trade.")]);
    let out = framescope(dir.path(), &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let output = dir.path().join("output");
    let before = fs::read(output.join("report.json")).unwrap();
    fs::set_permissions(&output, fs::Permissions::from_mode(0o555)).unwrap();
    let probe = output.join("probe");
    if fs::write(&probe, "x").is_ok() {
        fs::remove_file(&probe).unwrap();
        fs::set_permissions(&output, fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("skipped: running with privileges that ignore file permissions (root)");
        return;
    }
    let out = framescope(dir.path(), &["--quiet"]);
    fs::set_permissions(&output, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot write in output folder"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(output.join("report.json")).unwrap(), before);
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_exit_2() {
    let dir = project(&[("outlet/a.txt", b"trade")]);
    std::os::unix::fs::symlink(
        dir.path().join("input/outlet"),
        dir.path().join("input/outlet/again"),
    )
    .unwrap();
    let out = framescope(dir.path(), &["--quiet"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("symbolic link loop"),
        "{}",
        stderr(&out)
    );
}

/// Takes every permission away from `path`; false (the test then skips
/// itself) when this process can read it anyway, as root can.
#[cfg(unix)]
fn lock_out(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::File::open(path).is_ok() {
        eprintln!("skipped: running with privileges that ignore file permissions (root)");
        return false;
    }
    true
}

/// A run in `dir` is exit 2 and its message names `name`.
#[cfg(unix)]
fn assert_exit_2_naming(dir: &Path, name: &str) {
    let out = framescope(dir, &["--quiet"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(name), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_exit_2_naming_it() {
    let dir = project(&[("a.txt", b"trade"), ("locked.txt", b"trade")]);
    if lock_out(&dir.path().join("input/locked.txt")) {
        assert_exit_2_naming(dir.path(), "locked.txt");
    }
}

/// A re-run does not ask again whether a file it knows unchanged is
/// readable; taking away the permission changes the file's stamp, so the
/// file is asked about and reported.
#[cfg(unix)]
#[test]
fn a_file_made_unreadable_since_the_last_run_is_exit_2_naming_it() {
    let dir = project(&[("a.txt", b"trade"), ("locked.txt", b"trade")]);
    // Whether permissions count here at all, before waiting for nothing.
    let probe = dir.path().join("probe");
    fs::write(&probe, "x").unwrap();
    if !lock_out(&probe) {
        return;
    }
    for _ in 0..2 {
        let out = framescope(dir.path(), &["--quiet"]);
        assert!(out.status.success(), "{}", stderr(&out));
        // Past the 2 s in which the cache does not trust a file's stamp.
        std::thread::sleep(std::time::Duration::from_millis(2100));
    }
    assert!(lock_out(&dir.path().join("input/locked.txt")));
    assert_exit_2_naming(dir.path(), "locked.txt");
}

/// Runs framescope but gives up (and fails) after 60 s, for cases that once hung.
#[cfg(unix)]
fn framescope_within_a_minute(cwd: &Path, args: &[&str]) -> Output {
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_framescope"))
        .args(args)
        .current_dir(cwd)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("framescope {args:?} did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// A named pipe with an article extension used to block the run forever (it
/// was opened for reading); it is skipped with a warning instead.
#[cfg(unix)]
#[test]
fn named_pipe_is_skipped_not_waited_for() {
    let dir = project(&[("a.txt", b"We trade.")]);
    let pipe = dir.path().join("input/pipe.txt");
    let made = Command::new("mkfifo").arg(&pipe).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let out = framescope_within_a_minute(dir.path(), &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("pipe.txt: skipped, not a regular file"),
        "{}",
        stderr(&out)
    );
    let r = report(dir.path());
    assert_eq!(r["skipped"][0]["path"], "pipe.txt");
    let out = framescope_within_a_minute(dir.path(), &["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("would skip pipe.txt: not a regular file"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A file that cannot be opened, testable even as root (where permission
/// bits are ignored): a symbolic link to nowhere. Exit 2, the file named,
/// and the previous run's report untouched.
#[cfg(unix)]
#[test]
fn dangling_link_is_exit_2_and_keeps_earlier_outputs() {
    let dir = project(&[("a.txt", b"We trade.")]);
    let out = framescope(dir.path(), &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = fs::read(dir.path().join("output/report.json")).unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("input/gone.txt"),
        dir.path().join("input/link.txt"),
    )
    .unwrap();
    let out = framescope(dir.path(), &["--quiet"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot read") && stderr(&out).contains("link.txt"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        fs::read(dir.path().join("output/report.json")).unwrap(),
        before
    );
}

#[test]
fn failed_run_leaves_earlier_outputs_and_other_files_alone() {
    let dir = project(&[("a.txt", b"We trade and invest.")]);
    let out = framescope(dir.path(), &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = fs::read(dir.path().join("output/report.json")).unwrap();
    fs::write(dir.path().join("output/my-notes.txt"), "mine").unwrap();
    // A second, successful run keeps the user's file.
    let out = framescope(dir.path(), &["--quiet"]);
    assert!(out.status.success());
    assert_eq!(
        fs::read_to_string(dir.path().join("output/my-notes.txt")).unwrap(),
        "mine"
    );
    // A failing run (bad config) changes nothing.
    fs::write(dir.path().join("config.toml"), "[anchor\n").unwrap();
    let out = framescope(dir.path(), &["--quiet"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        fs::read(dir.path().join("output/report.json")).unwrap(),
        before
    );
    // No temporary files are left behind.
    let leftovers: Vec<String> = fs::read_dir(dir.path().join("output"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".framescope"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Every file under `dir` (relative path -> bytes), `skip` left out.
fn snapshot(dir: &Path, skip: &str) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(
        root: &Path,
        dir: &Path,
        skip: &str,
        out: &mut std::collections::BTreeMap<String, Vec<u8>>,
    ) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if rel == skip {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, skip, out);
            } else {
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, skip, &mut out);
    out
}

/// Runs killed (SIGKILL) at points spread over a run's length: every output
/// is either the previous run's file or the new one, whole, never a mix or a
/// truncated file; nothing outside output/ is created or changed. A hidden
/// temporary file a kill leaves behind is removed by a later run once it is
/// a minute old.
#[test]
fn killed_runs_leave_every_output_whole() {
    use std::time::Instant;
    let articles: Vec<(String, Vec<u8>)> = (0..12)
        .map(|i| {
            let text = format!(
                "Article {i}. We trade and invest with Russia. The multi-vector policy works.\n"
            )
            .repeat(40);
            (format!("outlet{}/{i}.txt", i % 3), text.into_bytes())
        })
        .collect();
    let files: Vec<(&str, &[u8])> = articles
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_slice()))
        .collect();
    // The new config adds a term, so the figures and most outputs change.
    let new_config = CONFIG.replace("\"invest*\"]", "\"invest*\", \"polic*\"]");
    assert_ne!(new_config, CONFIG);
    let reference = project(&files);
    fs::write(reference.path().join("config.toml"), &new_config).unwrap();
    let started = Instant::now();
    let out = framescope(reference.path(), &["--quiet"]);
    let took = started.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    let new = snapshot(&reference.path().join("output"), "");

    let dir = project(&files);
    let out = framescope(dir.path(), &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let old = snapshot(&dir.path().join("output"), "");
    // The same files, but for the chart entries of the cache, which are
    // named by the charts' content.
    let names = |files: &std::collections::BTreeMap<String, Vec<u8>>| -> Vec<String> {
        files
            .keys()
            .filter(|p| !(p.starts_with(".cache/") && p.contains("/charts/")))
            .cloned()
            .collect()
    };
    assert_eq!(names(&old), names(&new));
    fs::write(dir.path().join("config.toml"), &new_config).unwrap();
    let outside = snapshot(dir.path(), "output");

    for step in 1..=6 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_framescope"))
            .arg("--quiet")
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(took.mul_f64(step as f64 / 7.0));
        let _ = child.kill();
        child.wait().unwrap();
        for (path, bytes) in snapshot(&dir.path().join("output"), "") {
            let name = path.rsplit('/').next().unwrap();
            if name.starts_with(".framescope-") && name.ends_with(".tmp") {
                continue;
            }
            if is_file_index(&path) {
                assert!(cache_entry_is_whole(&bytes), "{path} is cut short");
                continue;
            }
            assert!(
                old.get(&path) == Some(&bytes) || new.get(&path) == Some(&bytes),
                "after a kill at {step}/7 of a run, {path} is neither the old nor the new file"
            );
        }
        assert!(
            snapshot(dir.path(), "output") == outside,
            "a file outside output/ changed"
        );
    }
    // A whole run after the kills writes the new outputs, and only them.
    let out = framescope(dir.path(), &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after: std::collections::BTreeMap<String, Vec<u8>> =
        snapshot(&dir.path().join("output"), "")
            .into_iter()
            .filter(|(p, _)| !p.rsplit('/').next().unwrap().starts_with(".framescope-"))
            .collect();
    let without_index = |files: &std::collections::BTreeMap<String, Vec<u8>>| {
        let mut files = files.clone();
        files.retain(|p, _| !is_file_index(p));
        files
    };
    assert!(
        without_index(&after) == without_index(&new),
        "the outputs of a whole run differ from the reference"
    );
}

/// The cache's file index records when the input files were examined, so
/// each run writes different bytes; it is checked for being whole instead.
fn is_file_index(rel: &str) -> bool {
    rel.starts_with(".cache/") && rel.contains("/files/")
}

/// A cache entry's header states its payload length (magic 8, version 4,
/// kind 1, key 16, length 8, checksum 8 bytes): a cut entry disagrees.
fn cache_entry_is_whole(bytes: &[u8]) -> bool {
    const HEADER: usize = 8 + 4 + 1 + 16 + 8 + 8;
    bytes.len() >= HEADER
        && bytes.starts_with(b"FSCACHE\0")
        && u64::from_le_bytes(bytes[29..37].try_into().unwrap()) == (bytes.len() - HEADER) as u64
}

/// A temporary file left by a killed run (renamed never) is removed by the
/// next run once it is older than a minute; a fresh one and the user's files stay.
#[test]
fn stale_temporary_files_of_a_killed_run_are_removed() {
    let dir = project(&[("a.txt", b"We trade.")]);
    let charts = dir.path().join("output/charts");
    fs::create_dir_all(&charts).unwrap();
    let stale = charts.join(".framescope-Xy12ab.tmp");
    let file = fs::File::create(&stale).unwrap();
    file.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
        .unwrap();
    let fresh = dir.path().join("output/.framescope-Zz34cd.tmp");
    fs::write(&fresh, "being written by another run").unwrap();
    let mine = dir.path().join("output/charts/my-chart.png");
    fs::write(&mine, "mine").unwrap();
    let out = framescope(dir.path(), &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stale.exists(), "the stale temporary file is still there");
    assert!(fresh.exists() && mine.exists());
}

/// The scale edges that fit in a test run: a one-word article, thousands of
/// tiny files, and one long line (the 200 MB and 20 MB cases are measured in
/// the README, not run here).
#[test]
fn scale_edges_work() {
    // One word: "Trade" = 1 word, 1 economy hit, 1 sentence.
    let dir = project(&[("one.txt", b"Trade")]);
    let out = framescope(dir.path(), &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r = report(dir.path());
    assert_eq!(r["sources"][0]["words"], 1);
    assert_eq!(r["sources"][0]["themes"]["economy"]["hits"], 1);

    // 3,000 tiny files in one outlet: every one is a document.
    let dir = project(&[]);
    let outlet = dir.path().join("input/outlet");
    fs::create_dir_all(&outlet).unwrap();
    for i in 0..3000 {
        fs::write(
            outlet.join(format!("{i:04}.txt")),
            format!("Article {i} says we trade."),
        )
        .unwrap();
    }
    let out = framescope(dir.path(), &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r = report(dir.path());
    assert_eq!(r["sources"][0]["documents"], 3000);
    // "Article", "says", "we", "trade" = 4 words each (the number is not a word).
    assert_eq!(r["sources"][0]["words"], 12_000);
    assert_eq!(r["sources"][0]["themes"]["economy"]["hits"], 3000);

    // One 2 MB line of 100,000 sentences: linear, not quadratic, in length.
    let line = "We trade a lot. ".repeat(125_000);
    let dir = project(&[("line.txt", line.as_bytes())]);
    let out = framescope(dir.path(), &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r = report(dir.path());
    assert_eq!(r["sources"][0]["words"], 500_000);
    assert_eq!(r["sources"][0]["sentences"], 125_000);
}
