//! Property tests: arbitrary text never panics; file order and thread count never change report.json.

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
