//! The tokenized-corpus cache (`<output>/.cache/`): a re-run reuses it when
//! only lexicons or analysis settings change, recounts what changed, never
//! trusts a damaged entry, and always gives the report a cold run gives.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn framescope(cwd: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_framescope"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the framescope binary runs");
    assert!(
        out.status.success(),
        "framescope {args:?} failed\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Three sources: `a` (a folder of two articles), `b` and `c` (one file each).
/// Word counts by hand: a/one.txt 8, a/two.txt 8, b.txt 9, c.txt 6.
fn write_fixture(dir: &Path) {
    fs::create_dir_all(dir.join("input/a")).unwrap();
    fs::write(
        dir.join("input/a/one.txt"),
        "Kazakhstan’s multi-vector policy courts China. Trade grows fast.\n",
    )
    .unwrap();
    fs::write(
        dir.join("input/a/two.txt"),
        "Russia remains a partner. Pipelines carry oil westward.\n",
    )
    .unwrap();
    fs::write(
        dir.join("input/b.txt"),
        "The multivector approach balances Russia and China with trade.\n",
    )
    .unwrap();
    fs::write(dir.join("input/c.txt"), "Oil and trade, trade and oil.\n").unwrap();
}

fn write_config(dir: &Path, economy_terms: &str, extra: &str) {
    let config = format!(
        r#"{extra}
[anchor]
label = "multi-vector policy"
terms = ["multi-vector*"]

[themes.economy]
group = "frames"
terms = [{economy_terms}]

[themes.russia]
group = "actors"
terms = ["Russia"]

[themes.china]
group = "actors"
terms = ["China"]
"#
    );
    fs::write(dir.join("config.toml"), config).unwrap();
}

/// Runs with `--timings` into `out` and returns the cache line of stderr.
fn run(dir: &Path, out: &str, extra_args: &[&str]) -> String {
    cache_lines(dir, out, extra_args)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// Runs with `--timings` into `out` and returns every cache line of stderr.
fn cache_lines(dir: &Path, out: &str, extra_args: &[&str]) -> Vec<String> {
    let mut args = vec!["run", "--quiet", "--timings", "--output", out];
    args.extend_from_slice(extra_args);
    let output = framescope(dir, &args);
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|l| l.starts_with("cache:"))
        .map(str::to_string)
        .collect()
}

fn report(dir: &Path, out: &str) -> Vec<u8> {
    fs::read(dir.join(out).join("report.json")).unwrap()
}

fn json(dir: &Path, out: &str) -> serde_json::Value {
    serde_json::from_slice(&report(dir, out)).unwrap()
}

fn source_field(report: &serde_json::Value, id: &str, path: &[&str]) -> u64 {
    let source = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap();
    path.iter()
        .fold(source, |v, k| &v[*k])
        .as_u64()
        .unwrap_or_else(|| panic!("{id}: {path:?} is a number"))
}

/// Every chart file of a run's output (name, bytes), sorted by name.
fn charts(dir: &Path, out: &str) -> Vec<(String, Vec<u8>)> {
    let mut charts: Vec<(String, Vec<u8>)> = fs::read_dir(dir.join(out).join("charts"))
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&path).unwrap())
        })
        .collect();
    charts.sort();
    charts
}

/// The PNG charts of a run's output.
/// The cache folder of the current format, `<out>/.cache/v<N>`: the only one
/// a run leaves.
fn cache_folder(dir: &Path, out: &str) -> std::path::PathBuf {
    let folders: Vec<_> = fs::read_dir(dir.join(out).join(".cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(folders.len(), 1, "{folders:?}");
    folders.into_iter().next().unwrap()
}

fn png_count(dir: &Path, out: &str) -> usize {
    charts(dir, out)
        .iter()
        .filter(|(name, _)| name.ends_with(".png"))
        .count()
}

/// The report of a run that neither reads nor writes the cache.
fn cold_report(dir: &Path) -> Vec<u8> {
    let cold = run(dir, "cold", &["--no-cache"]);
    assert_eq!(cold, "", "--no-cache reports no cache use");
    assert!(
        !dir.join("cold/.cache").exists(),
        "--no-cache writes no cache"
    );
    report(dir, "cold")
}

#[test]
fn rerun_after_a_lexicon_edit_reuses_everything_and_equals_a_cold_run() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    write_config(dir.path(), r#""trade""#, "");
    assert_eq!(
        run(dir.path(), "out", &[]),
        "cache: 0 of 4 documents and 0 of 3 sources' term counts reused"
    );
    // The analyst adds a term: nothing needs reading or tokenizing again.
    write_config(dir.path(), r#""trade", "oil", "pipeline*""#, "");
    let lines = cache_lines(dir.path(), "out", &[]);
    assert_eq!(
        lines[0],
        "cache: 4 of 4 documents and 3 of 3 sources' term counts reused"
    );
    // The economy theme's hits moved in a and c (b has no oil or pipeline,
    // see below): their bootstrap sums come from the draws the first run
    // kept, not from drawing again; b's are all the last run's.
    let bootstrap = |memo, kept, drawn| {
        format!("cache: bootstrap of 3 sources: {memo} took every sum from the last run, {kept} summed the changed themes from kept draws, {drawn} drew")
    };
    assert!(lines.contains(&bootstrap(1, 2, 0)), "{lines:?}");
    assert_eq!(report(dir.path(), "out"), cold_report(dir.path()));
    assert_eq!(charts(dir.path(), "out"), charts(dir.path(), "cold"));
    // The vocabulary came from the cache too. The fixture's distinct
    // spellings, by hand: a/one 8; a/two 8; b 9 of which Russia and China
    // are not new; c adds only "Oil" (case is kept): 8 + 8 + 7 + 1 = 24.
    // Each of the three sources is one segment, numbered from the entry.
    let lines = cache_lines(dir.path(), "out", &[]);
    assert!(lines.contains(&bootstrap(3, 0, 0)), "{lines:?}");
    assert!(
        lines.contains(&"cache: the vocabulary (24 spellings) was rebuilt from the cache and shared by the workers; 3 of 3 segments took their spelling numbers from it".to_string()),
        "{lines:?}"
    );
    // So did the pair figures: the lexicon edit changes none of them.
    assert!(
        lines.contains(
            &"cache: the pair digest was reused (no pair table was read or summed)".to_string()
        ),
        "{lines:?}"
    );
    // Hand counts with the new list (trade, oil, pipeline*):
    // a: Trade (one) + Pipelines, oil (two) = 3; b: trade = 1; c: Oil, trade, trade, oil = 4.
    let r = json(dir.path(), "out");
    for (id, hits) in [("a", 3), ("b", 1), ("c", 4)] {
        assert_eq!(
            source_field(&r, id, &["themes", "economy", "hits"]),
            hits,
            "{id}"
        );
    }
    // Words still come from the cached counts: 8 + 8, 9, 6.
    for (id, words) in [("a", 16), ("b", 9), ("c", 6)] {
        assert_eq!(source_field(&r, id, &["words"]), words, "{id}");
    }
}

/// A chart's PNG is taken from the cache when its SVG is unchanged: after a
/// lexicon edit the charts that do not show themes are reused, the others
/// drawn again; every PNG equals a cold run's; only the last run's chart
/// entries are kept.
#[test]
fn unchanged_charts_are_not_rasterised_again() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    write_config(dir.path(), r#""trade""#, "");
    let lines = cache_lines(dir.path(), "out", &[]);
    let n = png_count(dir.path(), "out");
    assert!(n >= 10, "the fixture draws every chart kind ({n})");
    assert_eq!(
        lines[2],
        format!("cache: 0 of {n} charts' images reused (the others were rasterised)")
    );
    let lines = cache_lines(dir.path(), "out", &[]);
    assert_eq!(
        lines[2],
        format!("cache: {n} of {n} charts' images reused (the others were rasterised)")
    );

    write_config(dir.path(), r#""trade", "oil", "pipeline*""#, "");
    let lines = cache_lines(dir.path(), "out", &[]);
    let reused: usize = lines[2]
        .strip_prefix("cache: ")
        .and_then(|l| l.split(' ').next())
        .and_then(|k| k.parse().ok())
        .unwrap();
    // The term list and the keyness of terms do not depend on the themes;
    // the theme chart does.
    assert!(reused > 0 && reused < n, "{}", lines[2]);
    cold_report(dir.path());
    assert_eq!(charts(dir.path(), "out"), charts(dir.path(), "cold"));
    let entries = fs::read_dir(cache_folder(dir.path(), "out").join("charts"))
        .unwrap()
        .count();
    assert_eq!(entries, n, "one entry per chart of the last run");
}

#[test]
fn an_edited_article_is_recounted_and_only_its_source_counts_again() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    write_config(dir.path(), r#""trade""#, "");
    run(dir.path(), "out", &[]);
    // 8 words -> 4 words, and a second Russia mention. Source a's two
    // articles share one cache segment: both are read again; b and c are not.
    fs::write(
        dir.path().join("input/a/two.txt"),
        "Russia, Russia: oil partners.\n",
    )
    .unwrap();
    assert_eq!(
        run(dir.path(), "out", &[]),
        "cache: 2 of 4 documents and 2 of 3 sources' term counts reused"
    );
    assert_eq!(report(dir.path(), "out"), cold_report(dir.path()));
    let r = json(dir.path(), "out");
    assert_eq!(source_field(&r, "a", &["words"]), 8 + 4);
    assert_eq!(source_field(&r, "a", &["themes", "russia", "hits"]), 2);
    // The entries of a's old version are gone: one segment and one counts
    // entry per source, the corpus's spellings and its pair digest, as
    // after a first run.
    for (kind, expected) in [("segments", 3), ("sources", 3 + 1 + 1)] {
        let entries = fs::read_dir(cache_folder(dir.path(), "out").join(kind))
            .unwrap()
            .count();
        assert_eq!(
            entries, expected,
            "{kind}: only the last run's entries are kept"
        );
    }
}

#[test]
fn files_unchanged_since_the_last_run_are_not_read_again() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    write_config(dir.path(), r#""trade""#, "");
    // A file changed less than 2 s before it is examined is hashed again
    // on the next run (its stamp could hide a second change): let them settle.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let hashed = |extra: &[&str]| cache_lines(dir.path(), "out", extra)[1].clone();
    let line = |n: usize| {
        format!("cache: {n} of 4 files read to hash them (the others' stamps were unchanged)")
    };
    assert_eq!(hashed(&[]), line(4));
    write_config(dir.path(), r#""trade", "oil""#, "");
    assert_eq!(hashed(&[]), line(0));
    assert_eq!(report(dir.path(), "out"), cold_report(dir.path()));
    // An appended sentence changes the size and the status-change time: that file is read.
    let path = dir.path().join("input/b.txt");
    let mut text = fs::read_to_string(&path).unwrap();
    text.push_str("More oil.\n");
    fs::write(&path, text).unwrap();
    assert_eq!(hashed(&[]), line(1));
    assert_eq!(report(dir.path(), "out"), cold_report(dir.path()));
    // Hand count for b: trade, oil = 2.
    assert_eq!(
        source_field(
            &json(dir.path(), "out"),
            "b",
            &["themes", "economy", "hits"]
        ),
        2
    );
}

#[test]
fn a_same_size_edit_with_its_old_modification_time_is_still_seen() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    write_config(dir.path(), r#""trade", "gas""#, "");
    // Settled files (see above), so that only the stamp can reveal the edit.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    run(dir.path(), "out", &[]);
    // Same length, other words, and the modification time set back: only
    // the file's content (or its status-change time, which no program can
    // set back) tells the cache that it changed.
    let path = dir.path().join("input/c.txt");
    let modified = fs::metadata(&path).unwrap().modified().unwrap();
    let before = fs::read(&path).unwrap();
    fs::write(&path, "Gas and trade, trade and gas.\n").unwrap();
    assert_eq!(fs::read(&path).unwrap().len(), before.len());
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    assert_eq!(
        cache_lines(dir.path(), "out", &[])[..2],
        [
            "cache: 3 of 4 documents and 2 of 3 sources' term counts reused",
            "cache: 1 of 4 files read to hash them (the others' stamps were unchanged)"
        ]
    );
    assert_eq!(report(dir.path(), "out"), cold_report(dir.path()));
    // Hand count: Gas, trade, trade, gas.
    let r = json(dir.path(), "out");
    assert_eq!(source_field(&r, "c", &["themes", "economy", "hits"]), 4);
}

#[test]
fn a_tokenizer_setting_change_rebuilds_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    write_config(dir.path(), r#""trade""#, "");
    run(dir.path(), "out", &[]);
    write_config(
        dir.path(),
        r#""trade""#,
        "[text]\nextra_stopwords = [\"trade\"]",
    );
    assert_eq!(
        run(dir.path(), "out", &[]),
        "cache: 0 of 4 documents and 0 of 3 sources' term counts reused"
    );
    assert_eq!(report(dir.path(), "out"), cold_report(dir.path()));
    // "trade" is now a stopword: out of the tokens (c: 6 words, 2 "and", 2 "trade" -> 2 tokens),
    // but still a lexicon hit (lexicons match all words).
    let r = json(dir.path(), "out");
    assert_eq!(source_field(&r, "c", &["tokens"]), 2);
    assert_eq!(source_field(&r, "c", &["themes", "economy", "hits"]), 2);
    // A co-occurrence window change is a tokenizer setting too.
    write_config(
        dir.path(),
        r#""trade""#,
        "[text]\nextra_stopwords = [\"trade\"]\n[cooccurrence]\nwindow = 2",
    );
    assert_eq!(
        run(dir.path(), "out", &[]),
        "cache: 0 of 4 documents and 0 of 3 sources' term counts reused"
    );
    assert_eq!(report(dir.path(), "out"), cold_report(dir.path()));
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn damaged_cache_entries_are_rebuilt_never_trusted() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    write_config(dir.path(), r#""trade""#, "");
    run(dir.path(), "out", &[]);
    let entries = files_under(&dir.path().join("out/.cache"));
    let charts_drawn = png_count(dir.path(), "out");
    assert_eq!(
        entries.len(),
        3 + 3 + 1 + 1 + 1 + 3 + 1 + charts_drawn,
        "a segment entry per source (each has fewer than 256 articles), a counts entry, the spellings, the pair digest, the bootstrap sums, each source's draw counts, the file index, and one per chart"
    );
    // Damage every entry differently: truncate, flip a byte, empty, garbage.
    for (k, path) in entries.iter().enumerate() {
        let mut bytes = fs::read(path).unwrap();
        match k % 4 {
            0 => bytes.truncate(bytes.len() / 2),
            1 => {
                let last = bytes.len() - 1;
                bytes[last] ^= 0xff;
            }
            2 => bytes.clear(),
            _ => bytes = b"not a cache entry at all".to_vec(),
        }
        fs::write(path, bytes).unwrap();
    }
    let lines = cache_lines(dir.path(), "out", &[]);
    assert_eq!(
        lines[0],
        "cache: 0 of 4 documents and 0 of 3 sources' term counts reused"
    );
    assert_eq!(
        lines[2],
        format!("cache: 0 of {charts_drawn} charts' images reused (the others were rasterised)")
    );
    assert_eq!(report(dir.path(), "out"), cold_report(dir.path()));
    assert_eq!(charts(dir.path(), "out"), charts(dir.path(), "cold"));
    // The damaged entries were replaced by good ones.
    assert_eq!(
        run(dir.path(), "out", &[]),
        "cache: 4 of 4 documents and 3 of 3 sources' term counts reused"
    );
}

/// A segment entry whose checksum is right but whose word spans do not fit
/// its text (only checked when a document's text is needed) makes the run
/// count every document again from its file: the report is a cold run's.
#[test]
fn a_segment_entry_whose_text_does_not_hold_together_is_counted_again() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    write_config(dir.path(), r#""trade""#, "");
    run(dir.path(), "out", &[]);
    let segments = cache_folder(dir.path(), "out").join("segments");
    let entry = fs::read_dir(&segments)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let bytes = fs::read(p).unwrap();
            bytes.windows(13).any(|w| w == b"Oil and trade")
        })
        .expect("the segment entry of c.txt");
    // The entry ends with the last word's span: its length ("oil", 3) in
    // one byte. 127 reaches past the text. The checksum (the header's last
    // 8 bytes, xxh3 of the rest) is made right again.
    let mut bytes = fs::read(&entry).unwrap();
    let last = bytes.len() - 1;
    assert_eq!(bytes[last], 3);
    bytes[last] = 127;
    const HEADER_LEN: usize = 8 + 4 + 1 + 16 + 8 + 8;
    let checksum = xxhash_rust::xxh3::xxh3_64(&bytes[HEADER_LEN..]);
    bytes[HEADER_LEN - 8..HEADER_LEN].copy_from_slice(&checksum.to_le_bytes());
    fs::write(&entry, &bytes).unwrap();
    // Oil is now an economy term: c's evidence sentence needs its text.
    write_config(dir.path(), r#""trade", "oil""#, "");
    let out = framescope(dir.path(), &["run", "--quiet", "--output", "out"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("did not hold together"), "{stderr}");
    assert_eq!(report(dir.path(), "out"), cold_report(dir.path()));
    // The entry was written again: the next run reuses everything, quietly.
    let out = framescope(dir.path(), &["run", "--quiet", "--output", "out"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("did not hold together"), "{stderr}");
    assert_eq!(
        run(dir.path(), "out", &[]),
        "cache: 4 of 4 documents and 3 of 3 sources' term counts reused"
    );
    assert_eq!(report(dir.path(), "out"), cold_report(dir.path()));
}

#[test]
fn an_unwritable_cache_is_a_warning_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    write_config(dir.path(), r#""trade""#, "");
    fs::create_dir_all(dir.path().join("out")).unwrap();
    // A file where the cache folder should be: no entry can be written
    // (3 segments, 3 source counts, the spellings, the file index).
    fs::write(dir.path().join("out/.cache"), "in the way").unwrap();
    let out = framescope(dir.path(), &["run", "--quiet", "--output", "out"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: cache: 8 entries could not be written"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("out/.cache")).unwrap(),
        "in the way"
    );
    assert_eq!(report(dir.path(), "out"), cold_report(dir.path()));
}

#[test]
fn a_large_source_is_cached_in_segments_and_an_edit_rereads_only_its_segment() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("input/many")).unwrap();
    // 300 one-sentence articles: documents 0-255 form the first segment, 256-299 the second.
    for i in 0..300 {
        fs::write(
            dir.path().join(format!("input/many/{i:03}.txt")),
            format!("Article {i} says trade matters.\n"),
        )
        .unwrap();
    }
    write_config(dir.path(), r#""trade""#, "");
    run(dir.path(), "out", &[]);
    let segments = files_under(&dir.path().join("out/.cache"))
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("segments"))
        .count();
    assert_eq!(segments, 2);
    fs::write(
        dir.path().join("input/many/299.txt"),
        "Now oil, not trade.\n",
    )
    .unwrap();
    assert_eq!(
        run(dir.path(), "out", &[]),
        "cache: 256 of 300 documents and 0 of 1 sources' term counts reused"
    );
    assert_eq!(report(dir.path(), "out"), cold_report(dir.path()));
    // 299 articles of 4 words ("Article", "says", "trade", "matters"; the number is not a word)
    // and one of 4 ("Now", "oil", "not", "trade").
    let r = json(dir.path(), "out");
    assert_eq!(source_field(&r, "many", &["words"]), 299 * 4 + 4);
    assert_eq!(
        source_field(&r, "many", &["themes", "economy", "hits"]),
        300
    );
}
