//! Property tests: arbitrary text and arbitrary config (lexicon) text never panic; file order
//! and thread count never change report.json.

use std::fs;
use std::path::Path;

use framescope::config::{Config, Overrides};
use framescope::count::{Analyzer, Tally};
use framescope::lexicon::Term;
use framescope::normalize::{normalize, LinePattern};
use framescope::pipeline::{run, RunOptions};
use framescope::stem::Stemmer;
use framescope::tokenize::tokenize;
use proptest::prelude::*;

const CONFIG: &str = r#"
[analysis]
bootstrap_replicates = 50

[anchor]
label = "multi-vector policy"
terms = ["multi-vector*", "multivector*"]

[themes.economy]
terms = ["trade", "invest*", "Belt and Road"]

[themes.russia]
group = "actors"
terms = ["russia*", "EU"]
"#;

/// Text made of pieces that exercise every rule: compounds, possessives,
/// curly quotes, footnotes, abbreviations, line breaks, non-Latin scripts.
fn messy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("multi-vector".to_string()),
        Just("Multivectorism".to_string()),
        Just("Kazakhstan\u{2019}s".to_string()),
        Just("trade".to_string()),
        Just("Belt and Road".to_string()),
        Just("Russia-led".to_string()),
        Just("EU".to_string()),
        Just("Mr.".to_string()),
        Just("approach.1".to_string()),
        Just(".\n\n".to_string()),
        Just("-\n".to_string()),
        Just("\u{201C}".to_string()),
        Just("https://x.org/a-b".to_string()),
        Just("1,800".to_string()),
        "[a-zA-Z]{1,8}",
        "\\PC{1,4}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_unicode_never_panics(text in "\\PC{0,200}", any_text in any::<String>()) {
        for t in [&text, &any_text] {
            let clean = normalize(t, &[]);
            let tokens = tokenize(&clean);
            for w in &tokens.words {
                prop_assert!(w.start < w.end && (w.end as usize) <= clean.len());
            }
            for s in &tokens.sentences {
                prop_assert!(s.start < s.end);
            }
            let stemmer = Stemmer::english(&[]);
            let _ = Term::parse(t, &stemmer);
            let _ = LinePattern::parse(t);
        }
    }

    #[test]
    fn counting_arbitrary_text_never_panics(text in messy_text(), raw in "\\PC{0,120}") {
        let config = Config::from_toml(CONFIG, "t.toml", Path::new(""), &Overrides::default()).unwrap();
        let analyzer = Analyzer::new(&config, &[1]);
        let mut tally = Tally::default();
        tally.add_document(&analyzer, 0, 0, &text);
        tally.add_document(&analyzer, 0, 1, &raw);
        let s = &tally.sources[0];
        prop_assert!(s.tokens <= s.words);
        prop_assert!(s.lists.iter().all(|l| l.hits <= s.words));
    }
}

/// Config-like text: TOML structure pieces mixed with arbitrary Unicode, so
/// the parser gets past the first line and the validator sees odd values.
fn config_like_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("[anchor]\n".to_string()),
        Just("[themes.".to_string()),
        Just("]\n".to_string()),
        Just("label = ".to_string()),
        Just("terms = [".to_string()),
        Just("\"".to_string()),
        Just(", ".to_string()),
        Just("*".to_string()),
        Just("\n".to_string()),
        Just("[cooccurrence]\nwindow = ".to_string()),
        "[0-9-]{1,3}",
        "\\PC{1,6}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..30).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The lexicon parser (config.toml -> compiled terms) on arbitrary input:
    /// an error or a config, never a panic; and whatever terms it accepts
    /// can be matched against arbitrary text, including the terms themselves.
    #[test]
    fn arbitrary_config_and_terms_never_panic(
        text in config_like_text(),
        terms in prop::collection::vec(any::<String>(), 1..4),
        doc in messy_text(),
    ) {
        let _ = Config::from_toml(&text, "c.toml", Path::new(""), &Overrides::default());
        // The same terms, TOML-escaped, as the anchor and a theme.
        let list: Vec<String> = terms.iter().map(|t| toml::Value::String(t.clone()).to_string()).collect();
        let list = list.join(", ");
        let config_text = format!("[anchor]\nlabel = \"a\"\nterms = [{list}]\n[themes.t]\nterms = [{list}]\n");
        match Config::from_toml(&config_text, "c.toml", Path::new(""), &Overrides::default()) {
            Ok(config) => {
                let analyzer = Analyzer::new(&config, &[1]);
                let mut tally = Tally::default();
                tally.add_document(&analyzer, 0, 0, &doc);
                tally.add_document(&analyzer, 0, 1, &terms.join(" "));
                let s = &tally.sources[0];
                prop_assert!(s.lists.iter().all(|l| l.hits <= s.words));
            }
            Err(e) => {
                // Rejections point into the file.
                let msg = format!("{e:#}");
                prop_assert!(msg.contains("c.toml"), "{}", msg);
            }
        }
    }
}

fn run_on(docs: &[(String, String)], order: &[usize], threads: usize) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
    for &i in order {
        let (name, text) = &docs[i];
        let path = dir.path().join("input").join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let config = Config::load(&dir.path().join("config.toml"), &Overrides::default()).unwrap();
    let options = RunOptions {
        threads: Some(threads),
        quiet: true,
        ..RunOptions::default()
    };
    run(&config, &options).unwrap();
    fs::read(dir.path().join("output/report.json")).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    /// Files written in a shuffled order and counted with 1 or several threads
    /// give byte-identical report.json.
    #[test]
    fn file_order_and_threads_do_not_change_the_report(
        texts in prop::collection::vec(messy_text(), 3..9),
        seed in any::<u64>(),
        threads in 2usize..5,
    ) {
        let docs: Vec<(String, String)> = texts
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                // Some documents alone, others grouped in two outlets.
                let name = match i % 3 {
                    0 => format!("solo{i}.txt"),
                    1 => format!("outlet_a/{i}.txt"),
                    _ => format!("outlet_b/sub/{i}.md"),
                };
                (name, format!("Trade with Russia. {t}"))
            })
            .collect();
        let forward: Vec<usize> = (0..docs.len()).collect();
        let mut shuffled = forward.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let one = run_on(&docs, &forward, 1);
        let many = run_on(&docs, &shuffled, threads);
        prop_assert!(one == many, "report.json differs between 1 thread and {} threads", threads);
    }
}

/// (stem, count) and (a, b, count), sorted as the tally sorts them.
type NaiveCounts = (Vec<(String, u64)>, Vec<(String, String, u64)>);

/// The straightforward implementation: one pass, string keys, no interning,
/// no memo, no merging. Term counts and pairs must equal the tally's.
fn naive_counts(config: &Config, texts: &[String]) -> NaiveCounts {
    use framescope::stem::form_of;
    use std::collections::BTreeMap;
    let mut terms: BTreeMap<String, u64> = BTreeMap::new();
    let mut pairs: BTreeMap<(String, String), u64> = BTreeMap::new();
    for text in texts {
        let clean = normalize(text, &config.boilerplate);
        let tokens = tokenize(&clean);
        for s in &tokens.sentences {
            let content: Vec<String> = tokens.words[s.start as usize..s.end as usize]
                .iter()
                .map(|w| form_of(&clean[w.start as usize..w.end as usize]))
                .filter(|f| !config.stemmer.is_stopword(f))
                .map(|f| config.stemmer.stem(&f))
                .collect();
            for (i, a) in content.iter().enumerate() {
                *terms.entry(a.clone()).or_insert(0) += 1;
                for b in content.iter().skip(i + 1).take(config.window) {
                    if a != b {
                        let key = if a < b {
                            (a.clone(), b.clone())
                        } else {
                            (b.clone(), a.clone())
                        };
                        *pairs.entry(key).or_insert(0) += 1;
                    }
                }
            }
        }
    }
    let mut terms: Vec<(String, u64)> = terms.into_iter().collect();
    terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut pairs: Vec<(String, String, u64)> =
        pairs.into_iter().map(|((a, b), n)| (a, b, n)).collect();
    pairs.sort_by(|a, b| {
        b.2.cmp(&a.2)
            .then_with(|| a.0.cmp(&b.0))
            .then_with(|| a.1.cmp(&b.1))
    });
    (terms, pairs)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn optimised_counts_equal_the_straightforward_count(texts in prop::collection::vec(messy_text(), 1..6)) {
        let config = Config::from_toml(CONFIG, "t.toml", Path::new(""), &Overrides::default()).unwrap();
        let analyzer = Analyzer::new(&config, &[texts.len()]);
        // Split the documents over two tallies and merge, as the pipeline does.
        let mut left = Tally::default();
        let mut right = Tally::default();
        for (i, t) in texts.iter().enumerate() {
            if i % 2 == 0 { left.add_document(&analyzer, 0, i, t) } else { right.add_document(&analyzer, 0, i, t) }
        }
        let merged = right.merge(left);
        let (terms, pairs) = naive_counts(&config, &texts);
        let got_terms: Vec<(String, u64)> = merged.term_counts(&[0]).into_iter().map(|(s, _, n)| (s, n)).collect();
        prop_assert_eq!(got_terms, terms);
        prop_assert_eq!(merged.pair_counts(&[0], usize::MAX), pairs);
    }
}
