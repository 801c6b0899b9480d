//! End-to-end tests: run the framescope binary on fixtures in temporary folders.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs framescope with `args`, from `cwd`.
fn framescope(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_framescope"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the framescope binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts success and returns the parsed report.json of `out_dir`.
fn report_of(out: &Output, out_dir: &Path) -> Value {
    assert!(
        out.status.success(),
        "framescope failed ({:?})\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    serde_json::from_str(&fs::read_to_string(out_dir.join("report.json")).unwrap()).unwrap()
}

fn source<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("source {id} in report"))
}

/// Runs the shipped config on the shipped articles, output to a temp folder.
fn run_default(threads: &str) -> (tempfile::TempDir, Value, Output) {
    let out_dir = tempfile::tempdir().unwrap();
    let out = framescope(
        &repo(),
        &[
            "run",
            "--quiet",
            "--threads",
            threads,
            "--output",
            out_dir.path().to_str().unwrap(),
        ],
    );
    let report = report_of(&out, out_dir.path());
    (out_dir, report, out)
}

/// Anchor mentions counted by hand: every spelling of "multi-vector" in each
/// article, read line by line (hyphenated, solid, capitalised, and the
/// derivations -ial, -ism, -ed), title and headings included:
/// - aif: "multi-vectorial" x8, "Multi-Vectorial" x2 (title, heading), "Multi-vectorial" x1 (heading) = 11
/// - avim: "multivector" x5, "Multivector" x1 (heading), "multivectorism" x2 = 8
/// - piedra: "multi-vector" in quotes x1 = 1
/// - rossi: "Multivector" (title), "multi-vector", "multivector" x2 = 4
/// - ukraine: "multi-vectored" x1, "multi-vector" x7, "Multi-Vector" (heading) x1 = 9
#[test]
fn anchor_mentions_match_hand_counts() {
    let (_dir, report, _) = run_default("2");
    let expected = [
        ("aif-vassilenko-interview", 11),
        ("avim-astana-forum-notes", 8),
        ("piedra-astana-interview", 1),
        ("rossi-year-end-assessment", 4),
        ("ukraine-war-viewpoint", 9),
    ];
    let ids: Vec<&str> = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, expected.iter().map(|e| e.0).collect::<Vec<_>>());
    for (id, mentions) in expected {
        assert_eq!(source(&report, id)["anchor"]["mentions"], mentions, "{id}");
    }
    // The spellings, as written, are the variant lists of the doc comment.
    let forms = |id: &str| source(&report, id)["anchor"]["forms"].clone();
    assert_eq!(
        forms("aif-vassilenko-interview"),
        serde_json::json!({"Multi-Vectorial": 2, "Multi-vectorial": 1, "multi-vectorial": 8})
    );
    assert_eq!(
        forms("avim-astana-forum-notes"),
        serde_json::json!({"Multivector": 1, "multivector": 5, "multivectorism": 2})
    );
    assert_eq!(
        forms("ukraine-war-viewpoint"),
        serde_json::json!({"Multi-Vector": 1, "multi-vector": 7, "multi-vectored": 1})
    );
}

/// The anchor's context in the piedra interview, counted by hand: its one
/// mention, "multi-vector", is word 20 of the text (the photo credit
/// "Photo: World Bank" is words 0-2 and its own sentence; the next sentence
/// "Last week in Astana, ... in academic circles." is words 3-30, with
/// "multi-vector" its 18th word). Context = the sentence (3..31) joined with
/// 25 words each side (0..46) = words 0..46: 46 words.
#[test]
fn anchor_context_matches_a_hand_count() {
    let (_dir, report, _) = run_default("2");
    let framing = report["analysis"]["framing"].as_array().unwrap();
    let piedra = framing
        .iter()
        .find(|f| f["source"] == "piedra-astana-interview")
        .unwrap();
    assert_eq!(piedra["mentions"], 1);
    assert_eq!(piedra["context_words"], 46);
}

#[test]
fn one_and_two_threads_write_identical_reports() {
    let (one, _, _) = run_default("1");
    let (two, _, out) = run_default("2");
    let a = fs::read(one.path().join("report.json")).unwrap();
    let b = fs::read(two.path().join("report.json")).unwrap();
    assert!(a == b, "report.json differs between --threads 1 and 2");
    // Every other output too: PNG and SVG bytes, CSV tables, the HTML page.
    let mut compared = 0;
    for folder in ["charts", "tables"] {
        for entry in fs::read_dir(one.path().join(folder)).unwrap() {
            let name = entry.unwrap().file_name();
            let x = fs::read(one.path().join(folder).join(&name)).unwrap();
            let y = fs::read(two.path().join(folder).join(&name)).unwrap();
            assert!(
                x == y,
                "{folder}/{name:?} differs between --threads 1 and 2"
            );
            compared += 1;
        }
    }
    assert!(compared > 30, "only {compared} files compared");
    let x = fs::read(one.path().join("index.html")).unwrap();
    let y = fs::read(two.path().join("index.html")).unwrap();
    assert!(x == y, "index.html differs between --threads 1 and 2");
    // The headline table is on stdout.
    let stdout = text(&out.stdout);
    // Sources are shown by their [sources.<id>] label.
    assert!(stdout.contains("AIF interview: Vassilenko"), "{stdout}");
    assert!(stdout.contains("report.json"), "{stdout}");
}

/// The CSV files and columns the analytics issue lists (more columns are
/// allowed), and the same numbers as report.json.
#[test]
fn tables_have_the_listed_columns_and_the_report_numbers() {
    let (dir, report, _) = run_default("2");
    let listed: [(&str, &[&str]); 8] = [
        (
            "keyness",
            &[
                "source",
                "term",
                "count_source",
                "count_rest",
                "total_source",
                "total_rest",
                "g2",
                "p",
                "log_ratio",
                "log_odds_z",
            ],
        ),
        (
            "collocations",
            &[
                "source", "a", "b", "count", "count_a", "count_b", "total", "pmi", "log_dice", "g2",
            ],
        ),
        (
            "theme_emphasis",
            &[
                "source", "theme", "group", "hits", "words", "per_1k", "ci_low", "ci_high",
            ],
        ),
        (
            "framing",
            &["source", "group", "theme", "hits_near_anchor", "share"],
        ),
        ("balance", &["source", "group", "entropy", "dominant"]),
        (
            "similarity",
            &["source_a", "source_b", "cosine_tfidf", "jsd_frames"],
        ),
        (
            "term_frequencies",
            &["source", "stem", "form", "count", "per_10k"],
        ),
        (
            "sources",
            &["source", "label", "outlet", "author", "date", "url"],
        ),
    ];
    let read = |name: &str| -> (Vec<String>, Vec<Vec<String>>) {
        let text = fs::read_to_string(dir.path().join(format!("tables/{name}.csv"))).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap().split(',').map(String::from).collect();
        // Only unquoted rows are split here; quoted fields are checked elsewhere.
        let rows = lines
            .filter(|l| !l.contains('"'))
            .map(|l| l.split(',').map(String::from).collect())
            .collect();
        (header, rows)
    };
    for (name, columns) in listed {
        let (header, rows) = read(name);
        for c in columns {
            assert!(
                header.iter().any(|h| h == c),
                "{name}.csv lacks {c}: {header:?}"
            );
        }
        assert!(!rows.is_empty(), "{name}.csv has no rows");
    }
    // Spot checks against report.json: the first keyness row of the first source.
    let (header, rows) = read("keyness");
    let col = |c: &str| header.iter().position(|h| h == c).unwrap();
    let first = &report["analysis"]["keyness"][0]["terms"][0];
    let row = &rows[0];
    assert_eq!(row[col("term")], first["item"].as_str().unwrap());
    assert_eq!(row[col("count_source")], first["count_source"].to_string());
    assert_eq!(
        row[col("g2")].parse::<f64>().unwrap(),
        first["g2"].as_f64().unwrap()
    );
    // aif never mentions energy: its interval is the exact Poisson bound for
    // 0 hits in 1,444 words, not the bootstrap's [0, 0].
    let energy = &source(&report, "aif-vassilenko-interview")["themes"]["energy"];
    assert_eq!(energy["hits"], 0);
    let hi = energy["ci_high"].as_f64().unwrap();
    assert!((hi - 3.688_879_454_113_936 / 1.444).abs() < 1e-9, "{hi}");
    // Labels from [sources.<id>] reach the sources table.
    let sources = fs::read_to_string(dir.path().join("tables/sources.csv")).unwrap();
    assert!(
        sources.contains("aif-vassilenko-interview,AIF interview: Vassilenko,"),
        "{sources}"
    );
}

/// A fixture small enough to count by hand.
const FIXTURE_CONFIG: &str = r#"
[text]
extra_stopwords = ["also"]

[anchor]
label = "multi-vector policy"
terms = ["multi-vector*"]

[themes.economy]
label = "Economy"
terms = ["trade", "Belt and Road", "invest*"]

[themes.russia]
label = "Russia"
group = "actors"
terms = ["russia"]

[themes.west]
label = "West"
group = "actors"
terms = ["US", "EU"]
"#;

fn write_fixture(dir: &Path) {
    fs::write(dir.join("config.toml"), FIXTURE_CONFIG).unwrap();
    let input = dir.join("input");
    fs::create_dir_all(input.join("outlet")).unwrap();
    // Source "alpha" (one file). Words (8 + 9 = 17): Kazakhstan’s multivector policy
    // favours trade with the US. | Let us also invest in the Belt and Road.
    // Stopwords: with, the, also (extra), in, the, and = 6 -> 11 tokens ("us" is not
    // in the Snowball list).
    // economy: trade, invest, Belt and Road = 3; west: US = 1 (not "us"); anchor: 1.
    fs::write(
        input.join("alpha.txt"),
        "Kazakhstan\u{2019}s multivector policy favours trade with the US.\nLet us also invest in the Belt and Road.\n",
    )
    .unwrap();
    // Source "outlet" (two files). a.txt: "Russia-led trade. Russia trades." = 4 words, 4 tokens:
    // economy 2 (trade, trades), russia 2 (Russia-led via its part, Russia).
    fs::write(
        input.join("outlet/a.txt"),
        "Russia-led trade. Russia trades.",
    )
    .unwrap();
    // b.md: "The EU and the eu." = 5 words (the, and, the stopwords) -> 2 tokens; west 1 (EU, not eu).
    fs::write(input.join("outlet/b.md"), "The EU and the eu.").unwrap();
    // Not an article: listed as skipped.
    fs::write(input.join("outlet/notes.csv"), "a,b").unwrap();
}

#[test]
fn hand_counted_fixture() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let out = framescope(dir.path(), &["--quiet"]);
    let report = report_of(&out, &dir.path().join("output"));

    let alpha = source(&report, "alpha");
    assert_eq!(alpha["documents"], 1);
    assert_eq!(alpha["words"], 17);
    assert_eq!(alpha["tokens"], 11);
    assert_eq!(alpha["stopwords_removed"], 6);
    assert_eq!(alpha["sentences"], 2);
    assert_eq!(alpha["anchor"]["mentions"], 1);
    assert_eq!(alpha["themes"]["economy"]["hits"], 3);
    assert_eq!(alpha["themes"]["economy"]["terms"]["Belt and Road"], 1);
    assert_eq!(alpha["themes"]["west"]["hits"], 1);
    // per_1k = 3 / 17 * 1000 = 176.47...
    let per_1k = alpha["themes"]["economy"]["per_1k"].as_f64().unwrap();
    assert!((per_1k - 3000.0 / 17.0).abs() < 1e-9, "{per_1k}");
    // actors: russia 0 + west 1 -> west share 1.0, russia 0.0
    assert_eq!(alpha["themes"]["west"]["share"], 1.0);
    assert_eq!(alpha["themes"]["russia"]["share"], 0.0);

    let outlet = source(&report, "outlet");
    assert_eq!(outlet["documents"], 2);
    assert_eq!(outlet["words"], 9);
    assert_eq!(outlet["tokens"], 6);
    assert_eq!(outlet["themes"]["economy"]["hits"], 2);
    assert_eq!(outlet["themes"]["russia"]["hits"], 2);
    assert_eq!(outlet["themes"]["west"]["hits"], 1);
    // actors share: russia 2 / (2 + 1)
    assert_eq!(outlet["themes"]["russia"]["share"], 2.0 / 3.0);
    // "EU"/"eu" and "trade"/"trades" are one stem each; ties sort by stem.
    assert_eq!(outlet["top_terms"][0]["stem"], "eu");
    assert_eq!(outlet["top_terms"][0]["count"], 2);
    assert_eq!(outlet["top_terms"][1]["stem"], "trade");
    assert_eq!(outlet["top_terms"][1]["count"], 2);

    assert_eq!(report["corpus"]["words"], 26);
    assert_eq!(report["skipped"][0]["path"], "outlet/notes.csv");
    assert!(report["stopwords"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w == "also"));
}

/// A source without theme hits has no frame profile: its pairs have no
/// `jsd_frames` (an empty CSV cell) and it is nobody's nearest by framing;
/// the other pair's divergence is the hand-computed one.
#[test]
fn a_source_without_theme_hits_has_no_framing_distance() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    // A second frame theme (economy is the fixture's only one).
    let config = format!("{FIXTURE_CONFIG}\n[themes.governance]\nterms = [\"policy\"]\n");
    fs::write(dir.path().join("config.toml"), config).unwrap();
    fs::write(dir.path().join("input/gamma.txt"), "Quiet gardens bloom.").unwrap();
    let out = framescope(dir.path(), &["--quiet"]);
    let report = report_of(&out, &dir.path().join("output"));
    let pairs = report["analysis"]["similarity"].as_array().unwrap();
    let pair = |a: &str, b: &str| {
        pairs
            .iter()
            .find(|p| p["source_a"] == a && p["source_b"] == b)
            .unwrap_or_else(|| panic!("no pair {a} {b}"))
    };
    // Frame themes (economy, governance): alpha (3, 1) with "policy", outlet
    // (2, 0); see write_fixture. gamma has none.
    let (p, q) = ([0.75, 0.25], [1.0, 0.0]);
    let kl = |x: &[f64; 2]| -> f64 {
        (0..2)
            .filter(|&i| x[i] > 0.0)
            .map(|i| x[i] * (x[i] / ((p[i] + q[i]) / 2.0)).log2())
            .sum()
    };
    let expected = (kl(&p) + kl(&q)) / 2.0;
    let jsd = pair("alpha", "outlet")["jsd_frames"].as_f64().unwrap();
    assert!((jsd - expected).abs() < 1e-12, "{jsd} vs {expected}");
    for (a, b) in [("alpha", "gamma"), ("gamma", "outlet")] {
        assert!(pair(a, b).get("jsd_frames").is_none(), "{a} {b}");
        assert!(pair(a, b)["cosine_tfidf"].is_number());
    }
    let nearest = report["analysis"]["nearest"].as_array().unwrap();
    let by_framing = |id: &str| {
        nearest.iter().find(|n| n["source"] == id).unwrap()["by_framing"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(by_framing("alpha"), "outlet");
    assert_eq!(by_framing("outlet"), "alpha");
    assert_eq!(by_framing("gamma"), "");
    let csv = fs::read_to_string(dir.path().join("output/tables/similarity.csv")).unwrap();
    let row = csv.lines().find(|l| l.starts_with("alpha,gamma,")).unwrap();
    assert!(row.ends_with(','), "{row}");
}

/// Without --quiet, progress bars still stay away when stderr is not a
/// terminal (here a pipe): no bar, no spinner, no cursor control codes.
#[test]
fn no_progress_bars_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let out = framescope(dir.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    for needle in ["\u{1b}[", "\r", "counting", "documents", "analysing"] {
        assert!(!err.contains(needle), "{needle:?} on stderr: {err:?}");
    }
    // The headline table is on stdout: alpha's anchor mentions (1) and economy rate.
    let stdout = text(&out.stdout);
    let alpha = stdout.lines().find(|l| l.starts_with("alpha")).unwrap();
    let cells: Vec<&str> = alpha.split_whitespace().collect();
    // source, words, anchor, economy (3 / 17 words = 176.5 per 1,000).
    assert_eq!(cells[..4], ["alpha", "17", "1", "176.5"], "{stdout}");
}

#[test]
fn bad_config_exits_2_and_names_the_place() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let config = FIXTURE_CONFIG.replace("[\"multi-vector*\"]", "[\"multi*vector\"]");
    fs::write(dir.path().join("config.toml"), config).unwrap();
    let out = framescope(dir.path(), &["--quiet"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("config.toml:7:10"), "{err}");
    assert!(err.contains("anchor.terms[0]"), "{err}");
    assert!(!dir.path().join("output/report.json").exists());
}

#[test]
fn missing_input_folder_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let out = framescope(
        dir.path(),
        &["--quiet", "--input", "nowhere", "--output", "fresh"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("input folder nowhere cannot be read"),
        "{}",
        text(&out.stderr)
    );
    // Checked before anything is created: no stray output folder.
    assert!(!dir.path().join("fresh").exists());
}

#[test]
fn kwic_finds_every_hand_counted_spelling() {
    // 11 + 8 + 1 + 4 + 9 mentions (see anchor_mentions_match_hand_counts).
    let out = framescope(&repo(), &["kwic", "multi-vector*", "--window", "3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.ends_with("33 matches of \"multi-vector*\"\n"),
        "{stdout}"
    );
    assert!(stdout.contains("[multivectorism]"), "{stdout}");
    let bad = framescope(&repo(), &["kwic", "*vector"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn check_validates_without_writing_a_report() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    fs::write(
        dir.path().join("input/outlet/image.txt"),
        b"\x89PNG\r\n\x1a\n\0\0",
    )
    .unwrap();
    let out = framescope(dir.path(), &["check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("2 sources, 3 readable documents"),
        "{stdout}"
    );
    assert!(
        stdout.contains("would skip outlet/image.txt: not text: a PNG image"),
        "{stdout}"
    );
    assert!(!dir.path().join("output/report.json").exists());
}

#[test]
fn index_html_is_self_contained_and_escapes_article_text() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    fs::write(
        dir.path().join("input/alpha.txt"),
        "Trade <script>alert('x')</script> with Russia & the EU.\nWe invest in the Belt and Road.\n",
    )
    .unwrap();
    let out = framescope(dir.path(), &["--quiet"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = fs::read_to_string(dir.path().join("output/index.html")).unwrap();
    assert!(!html.contains("<script"), "a script tag in index.html");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "article text not shown literally"
    );
    // No external assets: every image is a data URI, nothing is fetched.
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("<link")
    );
    let charts: Vec<String> = fs::read_dir(dir.path().join("output/charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".png"))
        .collect();
    assert!(!charts.is_empty());
    assert_eq!(
        html.matches("<img src=\"data:image/png;base64,").count(),
        charts.len()
    );
    for name in &charts {
        let id = format!("id=\"chart-{}\"", name.trim_end_matches(".png"));
        assert!(html.contains(&id), "{id} missing");
    }

    // In a real browser, when one is installed (Debian's chromium): the page
    // loads, keeps every chart image, and shows the article's markup as text.
    let Some(browser) = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        eprintln!("skipped the browser check: no chromium installed (apt-get install chromium)");
        return;
    };
    let profile = tempfile::tempdir().unwrap();
    let dump_dom = |page: &Path| -> String {
        let dom = Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                &format!("--user-data-dir={}", profile.path().display()),
                "--dump-dom",
                &format!("file://{}", page.display()),
            ])
            .output()
            .expect("chromium runs");
        assert!(
            dom.status.success(),
            "chromium failed: {}",
            text(&dom.stderr)
        );
        text(&dom.stdout)
    };
    let page = dir.path().join("output/index.html");
    let dom = dump_dom(&page);
    assert_eq!(
        dom.matches("<img ").count(),
        charts.len(),
        "the browser's DOM lost images"
    );
    assert!(
        dom.contains("&lt;script&gt;alert"),
        "the browser did not show the text literally"
    );
    // The page has no script of its own, so a copy with a probe added reports
    // what the browser did: every image decoded (naturalWidth > 0), and no
    // error event (a failed resource, a script running) on the way.
    const PROBE: &str = r#"<script>var errors=[];addEventListener("error",function(e){errors.push(e.message||(e.target&&e.target.tagName)||"error")},true);
addEventListener("load",function(){var ok=0,bad=[];for(var i=0;i<document.images.length;i++){var m=document.images[i];if(m.complete&&m.naturalWidth>0)ok++;else bad.push(m.alt)}
var p=document.createElement("p");p.id="probe";p.textContent="decoded "+ok+" broken ["+bad.join("|")+"] errors ["+errors.join("|")+"]";document.body.appendChild(p)})</script>"#;
    let html = fs::read_to_string(&page).unwrap();
    let probed = dir.path().join("output/probe.html");
    fs::write(&probed, html.replace("</body>", &format!("{PROBE}</body>"))).unwrap();
    let dom = dump_dom(&probed);
    let expected = format!("decoded {} broken [] errors []", charts.len());
    assert!(
        dom.contains(&expected),
        "expected \"{expected}\" from the browser, got: {}",
        dom.split("id=\"probe\">")
            .nth(1)
            .unwrap_or("no probe output")
    );
}

/// Lexicon diagnostics on a fixture built to have one of each problem.
#[test]
fn lexicon_diagnostics_find_dead_overlapping_dominant_terms_and_suggest_words() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("config.toml"),
        r#"
[anchor]
label = "mv"
terms = ["multi-vector*"]

[themes.economy]
terms = ["trade", "invest*", "GDP"]

[themes.markets]
terms = ["trad*"]
"#,
    )
    .unwrap();
    fs::create_dir(dir.path().join("input")).unwrap();
    // economy: Trade, trading, trade, trade, trade (5 x "trade") + investors (1 x "invest*"):
    // "trade" has 5/6 = 83% > 50%: dominant. GDP: dead. "trad*" (markets) matches the same
    // five words: overlap. "balance" stands next to the anchor 3 times and no theme covers it.
    fs::write(
        dir.path().join("input/a.txt"),
        "Trade grows. The multi-vector balance works. The multi-vector balance holds.\n\
         A multi-vector balance again. Investors like trading. We trade, trade and trade.",
    )
    .unwrap();
    let out = framescope(dir.path(), &["--quiet"]);
    let report = report_of(&out, &dir.path().join("output"));
    let lists = report["lexicon"]["lists"].as_array().unwrap();
    let economy = lists.iter().find(|l| l["id"] == "economy").unwrap();
    assert_eq!(economy["hits"], 6);
    assert_eq!(economy["dominant_term"], "trade");
    let term = |name: &str| {
        economy["terms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["term"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(term("GDP")["dead"], true);
    assert_eq!(term("trade")["hits"], 5);
    assert_eq!(term("trade")["by_source"]["a"], 5);
    let spellings: Vec<(String, u64)> = term("trade")["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["spelling"].as_str().unwrap().to_string(),
                v["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        spellings,
        vec![
            ("trade".to_string(), 3),
            ("Trade".to_string(), 1),
            ("trading".to_string(), 1)
        ]
    );
    let overlaps = report["lexicon"]["overlaps"].as_array().unwrap();
    let trade = overlaps.iter().find(|o| o["spelling"] == "trade").unwrap();
    assert_eq!(trade["matched_by"]["economy:trade"], 4);
    assert_eq!(trade["matched_by"]["markets:trad*"], 4);
    let suggestions = report["lexicon"]["suggestions"].as_array().unwrap();
    let balance = suggestions
        .iter()
        .find(|s| s["list"] == "anchor" && s["form"] == "balance")
        .unwrap();
    assert_eq!(balance["count"], 3);
    // The text command shows the same.
    let out = framescope(dir.path(), &["lexicon", "--quiet"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("FRAGILE: \"trade\" has 83% of the hits"),
        "{stdout}"
    );
    assert!(stdout.contains("DEAD"), "{stdout}");
    assert!(stdout.contains("balance"), "{stdout}");
}

/// `run --watch` re-runs after a lexicon edit and names the figure that moved.
#[test]
fn watch_reruns_after_a_lexicon_edit_and_reports_the_change() {
    use std::io::{BufRead, BufReader};
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_framescope"))
        .args(["run", "--watch", "--quiet"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |needle: &str| -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
                let found = line.contains(needle);
                seen.push(line);
                if found {
                    return seen;
                }
            }
        }
        panic!("no line with {needle:?} within 60 s; saw {seen:?}");
    };
    wait_for("report.json");
    // Drop "trade" from the economy theme: alpha's economy rate falls from
    // 3 to 2 hits in 17 words (176.5 -> 117.6 per 1,000 words).
    let config = FIXTURE_CONFIG.replace(
        "terms = [\"trade\", \"Belt and Road\", \"invest*\"]",
        "terms = [\"Belt and Road\", \"invest*\"]",
    );
    assert_ne!(config, FIXTURE_CONFIG);
    std::thread::sleep(Duration::from_millis(1100));
    fs::write(dir.path().join("config.toml"), config).unwrap();
    let lines = wait_for("alpha / Economy: 176.5 -> 117.6 per 1,000 words");
    child.kill().unwrap();
    let _ = child.wait();
    assert!(
        lines.iter().any(|l| l.contains("re-run: what changed")),
        "{lines:?}"
    );
}
