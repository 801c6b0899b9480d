//! Pure statistics: integer counts (or f64 vectors) in, finite f64 figures out.
//!
//! Keyness (G², p-value, Log Ratio, weighted log-odds z), collocation scores
//! (PMI, log-Dice, G²), dispersion and similarity (normalised entropy, cosine,
//! TF-IDF, Jensen–Shannon) and a seeded bootstrap for rate intervals.
//!
//! Every public function returns a finite number for every input, zero counts
//! and zero totals included; each documents the value it gives in the
//! degenerate case instead of NaN or infinity. Results never carry a negative
//! zero, so report.json stays byte-identical whatever path produced a 0.
//! Nothing here keeps state between calls, reads a clock or spawns a thread,
//! so the same input gives the same bits on a given build. Across platforms,
//! `+ − × ÷ √` are exactly rounded (IEEE 754) and so identical; `ln`, `log2`
//! and `exp` come from the platform's libm and may differ in the last bit.

use std::cmp::Ordering;

/// Smallest Dirichlet pseudo-count used by [`log_odds_z`] and
/// [`informative_prior`]: a word absent from the background corpus still gets
/// this much prior mass, so no logarithm ever sees 0.
pub const MIN_PRIOR: f64 = 0.01;

/// The last line of defence for "every result is finite": NaN and ±inf become
/// 0.0, and -0.0 becomes +0.0 so that JSON output does not print "-0.0".
fn finite(x: f64) -> f64 {
    if x.is_finite() && x != 0.0 {
        x
    } else {
        0.0
    }
}

/// `O · ln(O / E)` with the convention `0 · ln 0 = 0`. When `o > 0`, its row
/// and column totals are positive, so `e > 0`.
fn o_ln_o_over_e(o: f64, e: f64) -> f64 {
    if o > 0.0 && e > 0.0 {
        o * (o / e).ln()
    } else {
        0.0
    }
}

/// Log-likelihood G² of the full 2×2 contingency table.
///
/// ```text
///              target   reference
///   term         a          b
///   other        c          d
/// ```
///
/// `G² = 2 Σ O · ln(O / E)` over all four cells, with `E = row total ·
/// column total / N`, `N = a + b + c + d`, and `0 · ln 0 = 0`. This is the
/// likelihood-ratio statistic of Dunning (1993), "Accurate methods for the
/// statistics of surprise and coincidence", *Computational Linguistics*
/// 19(1), and is asymptotically χ² with 1 degree of freedom.
///
/// Not the same number as the UCREL log-likelihood wizard or AntConc: those
/// use the two-cell form of Rayson & Garside (2000), `2 (a ln(a/E₁) + b
/// ln(b/E₂))`, which leaves out the "other" row. The two agree closely only
/// when the term is rare in both corpora.
///
/// The statistic is symmetric: swapping target and reference (`a↔b`, `c↔d`)
/// gives the same value. It is 0.0 for an empty table and for a table whose
/// columns are proportional (rounding never makes it negative).
pub fn g2_2x2(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let [a, b, c, d] = [a, b, c, d].map(|x| x as f64);
    let n = a + b + c + d;
    if n == 0.0 {
        return 0.0;
    }
    let (row_term, row_other) = (a + b, c + d);
    let (col_target, col_ref) = (a + c, b + d);
    let sum = o_ln_o_over_e(a, row_term * col_target / n)
        + o_ln_o_over_e(b, row_term * col_ref / n)
        + o_ln_o_over_e(c, row_other * col_target / n)
        + o_ln_o_over_e(d, row_other * col_ref / n);
    // Rounding can leave a proportional table at -1e-15; the true value is 0.
    finite((2.0 * sum).max(0.0))
}

/// Keyness of one term in a target corpus against a reference corpus.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Keyness {
    /// Full-table log-likelihood G² ([`g2_2x2`]); ≥ 0.
    pub g2: f64,
    /// Upper-tail p-value of `g2` under χ² with 1 df ([`chi2_1df_p`]).
    pub p: f64,
    /// `g2` with the sign of the difference: positive when the term is
    /// relatively more frequent in the target, negative when less, 0.0 when
    /// the relative frequencies are equal.
    pub signed_g2: f64,
    /// Hardie's Log Ratio, `log2` of the ratio of relative frequencies
    /// ([`log_ratio`]).
    pub log_ratio: f64,
    /// `count_target / total_target` (0.0 when the total is 0).
    pub target_freq: f64,
    /// `count_ref / total_ref` (0.0 when the total is 0).
    pub reference_freq: f64,
}

/// Relative frequency as an exact fraction; an empty corpus has frequency 0/1.
fn fraction(count: u64, total: u64) -> (u128, u128) {
    if total == 0 {
        (0, 1)
    } else {
        (u128::from(count), u128::from(total))
    }
}

/// Keyness of a term: G², its p-value, the signed G² and the Log Ratio.
///
/// Counts must not exceed their totals (`count_target ≤ total_target`,
/// `count_ref ≤ total_ref`); if they do, the "other tokens" cell is taken as
/// 0. The table is `a = count_target`, `b = count_ref`, `c = total_target −
/// count_target`, `d = total_ref − count_ref` (see [`g2_2x2`]). The sign is
/// decided on exact integer cross-products, so a tie is a tie.
pub fn keyness(count_target: u64, total_target: u64, count_ref: u64, total_ref: u64) -> Keyness {
    let (g2, signed_g2) = signed_g2(count_target, total_target, count_ref, total_ref);
    let freq = |count: u64, total: u64| {
        if total == 0 {
            0.0
        } else {
            count as f64 / total as f64
        }
    };
    Keyness {
        g2,
        p: chi2_1df_p(g2),
        signed_g2,
        log_ratio: log_ratio(count_target, total_target, count_ref, total_ref),
        target_freq: freq(count_target, total_target),
        reference_freq: freq(count_ref, total_ref),
    }
}

/// The first part of [`keyness`], for a caller that ranks many items
/// before it needs the rest: (G², G² signed by the direction).
pub fn signed_g2(
    count_target: u64,
    total_target: u64,
    count_ref: u64,
    total_ref: u64,
) -> (f64, f64) {
    let g2 = g2_2x2(
        count_target,
        count_ref,
        total_target.saturating_sub(count_target),
        total_ref.saturating_sub(count_ref),
    );
    let (tn, td) = fraction(count_target, total_target);
    let (rn, rd) = fraction(count_ref, total_ref);
    // Both sides are below 2^128: each factor is below 2^64.
    let signed_g2 = match (tn * rd).cmp(&(rn * td)) {
        Ordering::Greater => g2,
        Ordering::Less => finite(-g2),
        Ordering::Equal => 0.0,
    };
    (g2, signed_g2)
}

/// Upper-tail p-value of the χ² distribution with 1 degree of freedom:
/// `P(X ≥ x) = erfc(√(x/2))`, because X = Z² for a standard normal Z, so
/// `P(Z² ≥ x) = P(|Z| ≥ √x) = erfc(√x / √2)`.
///
/// Accuracy is that of [`erfc`] (Cody 1969, relative error ~1e-15 in f64).
/// Reference points: 3.841459 → 0.05, 6.634897 → 0.01, 10.827566 → 0.001.
/// `x ≤ 0` or NaN gives 1.0 (no evidence); `+∞`, and any `x` above about
/// 1409 (where the tail underflows), gives 0.0.
pub fn chi2_1df_p(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return 1.0;
    }
    if x.is_infinite() {
        return 0.0;
    }
    finite(erfc((x / 2.0).sqrt()).clamp(0.0, 1.0))
}

/// Complementary error function, `erfc(x) = 1 − erf(x)`.
///
/// W. J. Cody's rational Chebyshev approximations, "Rational Chebyshev
/// approximations for the error function", *Math. Comp.* 23 (1969) 631–638,
/// as implemented in his SPECFUN routine CALERF (ACM TOMS 715), in its three
/// intervals: |x| ≤ 0.46875, ≤ 4, > 4. The approximations are good to about
/// 18 significant digits; in f64 the result is accurate to a few ulps
/// (tests hold it to 1e-14 relative against an independent implementation).
/// Returns exactly 0.0 for x ≥ 26.543, where erfc underflows, and 2.0 for
/// x ≤ −6 (to f64 precision). NaN in gives NaN out; callers guard.
#[allow(clippy::excessive_precision)]
fn erfc(x: f64) -> f64 {
    // Coefficients transcribed digit for digit from Cody's CALERF; they
    // carry more digits than f64 holds, which is how the source gives them.
    const A: [f64; 5] = [
        3.16112374387056560e00,
        1.13864154151050156e02,
        3.77485237685302021e02,
        3.20937758913846947e03,
        1.85777706184603153e-1,
    ];
    const B: [f64; 4] = [
        2.36012909523441209e01,
        2.44024637934444173e02,
        1.28261652607737228e03,
        2.84423683343917062e03,
    ];
    const C: [f64; 9] = [
        5.64188496988670089e-1,
        8.88314979438837594e00,
        6.61191906371416295e01,
        2.98635138197400131e02,
        8.81952221241769090e02,
        1.71204761263407058e03,
        2.05107837782607147e03,
        1.23033935479799725e03,
        2.15311535474403846e-8,
    ];
    const D: [f64; 8] = [
        1.57449261107098347e01,
        1.17693950891312499e02,
        5.37181101862009858e02,
        1.62138957456669019e03,
        3.29079923573345963e03,
        4.36261909014324716e03,
        3.43936767414372164e03,
        1.23033935480374942e03,
    ];
    const P: [f64; 6] = [
        3.05326634961232344e-1,
        3.60344899949804439e-1,
        1.25781726111229246e-1,
        1.60837851487422766e-2,
        6.58749161529837803e-4,
        1.63153871373020978e-2,
    ];
    const Q: [f64; 5] = [
        2.56852019228982242e00,
        1.87295284992346047e00,
        5.27905102951428412e-1,
        6.05183413124413191e-2,
        2.33520497626869185e-3,
    ];
    /// 1 / √π.
    const SQRPI: f64 = 5.6418958354775628695e-1;
    const THRESH: f64 = 0.46875;
    const XBIG: f64 = 26.543;

    let y = x.abs();
    if y <= THRESH {
        // erf by a rational function of x², then erfc = 1 − erf: no
        // cancellation here because erf(0.46875) < 0.5.
        let ysq = if y > 1.11e-16 { y * y } else { 0.0 };
        let mut xnum = A[4] * ysq;
        let mut xden = ysq;
        for i in 0..3 {
            xnum = (xnum + A[i]) * ysq;
            xden = (xden + B[i]) * ysq;
        }
        return 1.0 - x * (xnum + A[3]) / (xden + B[3]);
    }
    let tail = if y <= 4.0 {
        let mut xnum = C[8] * y;
        let mut xden = y;
        for i in 0..7 {
            xnum = (xnum + C[i]) * y;
            xden = (xden + D[i]) * y;
        }
        scaled_exp(y, (xnum + C[7]) / (xden + D[7]))
    } else if y >= XBIG {
        0.0
    } else {
        let ysq = 1.0 / (y * y);
        let mut xnum = P[5] * ysq;
        let mut xden = ysq;
        for i in 0..4 {
            xnum = (xnum + P[i]) * ysq;
            xden = (xden + Q[i]) * ysq;
        }
        let r = ysq * (xnum + P[4]) / (xden + Q[4]);
        scaled_exp(y, (SQRPI - r) / y)
    };
    if x < 0.0 {
        2.0 - tail
    } else {
        tail
    }
}

/// `exp(−y²) · r`, with y² split as in CALERF (y rounded down to 1/16, plus
/// a remainder) so that the large exponent loses no precision.
fn scaled_exp(y: f64, r: f64) -> f64 {
    let ysq = (y * 16.0).trunc() / 16.0;
    let del = (y - ysq) * (y + ysq);
    (-ysq * ysq).exp() * (-del).exp() * r
}

/// Hardie's Log Ratio: `log2( (a / total_target) / (b / total_ref) )`.
///
/// A. Hardie (2014), "Log Ratio – an informal introduction", CASS blog. A
/// zero count is replaced by 0.5 so that a term absent from one corpus gets a
/// finite, conservative value (Hardie's own adjustment). Each unit is a
/// doubling: +1 means twice as frequent in the target. Degenerate cases give
/// 0.0: either total is 0, or both counts are 0 (no evidence either way;
/// smoothing both would report only the ratio of corpus sizes).
pub fn log_ratio(count_target: u64, total_target: u64, count_ref: u64, total_ref: u64) -> f64 {
    log_ratio_f64(
        count_target as f64,
        total_target as f64,
        count_ref as f64,
        total_ref as f64,
    )
}

/// [`log_ratio`] on f64 counts, so that bootstrap sums wider than u64 fit.
fn log_ratio_f64(a: f64, total_a: f64, b: f64, total_b: f64) -> f64 {
    if total_a <= 0.0 || total_b <= 0.0 || (a <= 0.0 && b <= 0.0) {
        return 0.0;
    }
    let smooth = |x: f64| if x > 0.0 { x } else { 0.5 };
    finite(((smooth(a) / total_a) / (smooth(b) / total_b)).log2())
}

/// Dirichlet pseudo-count `α_w` for one word, for [`log_odds_z`]:
/// `α_w = α_0 · word_count_corpus / total_corpus`, floored at [`MIN_PRIOR`].
///
/// The prior spreads a total mass `α_0` over the vocabulary in proportion to
/// each word's frequency in a background corpus (usually all sources pooled).
/// `α_0` is the prior's strength in pseudo-words: `α_0 = total_corpus` makes
/// `α_w` the word's pooled count (a common choice: the prior then weighs as
/// much as the data); scaling it down (e.g. `α_0 = 0.1 · total_corpus`)
/// shrinks the estimates less towards the pooled frequencies.
/// Pass the same `α_0` to [`log_odds_z`]. A zero or non-finite `α_0`, or an
/// empty corpus, gives the floor.
pub fn informative_prior(word_count_corpus: u64, total_corpus: u64, alpha_0: f64) -> f64 {
    if total_corpus == 0 || !alpha_0.is_finite() || alpha_0 <= 0.0 {
        return MIN_PRIOR;
    }
    let alpha_w = alpha_0 * (word_count_corpus as f64 / total_corpus as f64);
    finite(alpha_w).max(MIN_PRIOR)
}

/// Weighted log-odds ratio with an informative Dirichlet prior, as a z-score.
///
/// Monroe, Colaresi & Quinn (2008), "Fightin' words: lexical feature
/// selection and evaluation for identifying the content of political
/// conflict", *Political Analysis* 16(4), the model with an informative
/// Dirichlet prior (eqs. 16–22):
///
/// ```text
/// δ  = ln((y_i + α_w) / (n_i + α_0 − y_i − α_w)) − ln((y_j + α_w) / (n_j + α_0 − y_j − α_w))
/// σ² ≈ 1/(y_i + α_w) + 1/(y_j + α_w)
/// z  = δ / σ
/// ```
///
/// `y_i`, `y_j` are the word's counts in groups i and j, `n_i`, `n_j` the
/// groups' token totals; `α_w` comes from [`informative_prior`] and `α_0` is
/// the total prior mass. Positive z: the word leans to group i; |z| > 1.96 is
/// the usual threshold. The variance drops the `1/(n + α_0 − y − α_w)`
/// terms, as in the paper, because they are tiny next to `1/(y + α_w)`.
///
/// Guards: `α_w` below [`MIN_PRIOR`] (or non-finite) is raised to it; the
/// prior mass on the other words, `α_0 − α_w`, is floored at [`MIN_PRIOR`]
/// too (a non-finite `α_0` counts as 0); `y > n` counts as `y = n`. So every
/// logarithm sees a positive argument and the result is finite.
pub fn log_odds_z(y_i: u64, n_i: u64, y_j: u64, n_j: u64, alpha_w: f64, alpha_0: f64) -> f64 {
    let alpha_w = if alpha_w.is_finite() {
        alpha_w.max(MIN_PRIOR)
    } else {
        MIN_PRIOR
    };
    let alpha_0 = if alpha_0.is_finite() { alpha_0 } else { 0.0 };
    let rest = (alpha_0 - alpha_w).max(MIN_PRIOR);
    let log_odds = |y: u64, n: u64| {
        let other = n.saturating_sub(y) as f64 + rest;
        ((y as f64 + alpha_w) / other).ln()
    };
    let delta = log_odds(y_i, n_i) - log_odds(y_j, n_j);
    let variance = 1.0 / (y_i as f64 + alpha_w) + 1.0 / (y_j as f64 + alpha_w);
    finite(delta / variance.sqrt())
}

/// Pointwise mutual information of a pair, in bits:
/// `PMI = log2( o11 · n / (f1 · f2) )` (Church & Hanks 1990, "Word association
/// norms, mutual information, and lexicography").
///
/// `o11` is the pair's joint count, `f1`, `f2` the marginal counts of the two
/// items and `n` the sample size, all counted on the same footing (the
/// caller decides: co-occurrence pairs, or tokens). 0.0 when `o11` (or any
/// of `f1`, `f2`, `n`) is 0: no evidence of association, and PMI's −∞ is not
/// a number the report can carry.
pub fn pmi(o11: u64, f1: u64, f2: u64, n: u64) -> f64 {
    if o11 == 0 || f1 == 0 || f2 == 0 || n == 0 {
        return 0.0;
    }
    // A sum of logarithms: the product o11 · n could overflow u64.
    let lg = |x: u64| (x as f64).log2();
    finite(lg(o11) + lg(n) - lg(f1) - lg(f2))
}

/// log-Dice of a pair: `14 + log2( 2 · o11 / (f1 + f2) )`.
///
/// P. Rychlý (2008), "A lexicographer-friendly association score", RASLAN
/// 2008. The maximum, 14, is reached when the two items only ever occur
/// together (`o11 = f1 = f2`); each unit less halves the Dice coefficient.
/// Unlike PMI it does not depend on `n`, so it compares across corpora of
/// different size. 0.0 when `o11 = 0` or `f1 + f2 = 0` (no evidence; note
/// that observed pairs can score below 0 when `o11` is tiny next to `f1 + f2`).
pub fn log_dice(o11: u64, f1: u64, f2: u64) -> f64 {
    if o11 == 0 {
        return 0.0;
    }
    let sum = f1 as f64 + f2 as f64;
    if sum == 0.0 {
        return 0.0;
    }
    finite(14.0 + (2.0 * o11 as f64 / sum).log2())
}

/// Log-likelihood G² of a pair, from the 2×2 table of its counts (Dunning
/// 1993):
///
/// ```text
///              item2           not item2
///   item1       o11            f1 − o11
///   not item1   f2 − o11       n − f1 − f2 + o11
/// ```
///
/// passed to [`g2_2x2`]. Inconsistent counts (e.g. `o11 > f1`, or `f1 + f2
/// > n + o11`) would make a cell negative; such cells are clamped to 0.
/// G² is high for strong attraction and for strong repulsion alike: check
/// [`pmi`] > 0 to keep only attraction.
pub fn collocation_g2(o11: u64, f1: u64, f2: u64, n: u64) -> f64 {
    let (o11, f1, f2, n) = (
        i128::from(o11),
        i128::from(f1),
        i128::from(f2),
        i128::from(n),
    );
    // Cells are within [−2^65, 2^65]; clamp into u64's range.
    let cell = |x: i128| u64::try_from(x.max(0)).unwrap_or(u64::MAX);
    g2_2x2(
        cell(o11),
        cell(f1 - o11),
        cell(f2 - o11),
        cell(n - f1 - f2 + o11),
    )
}

/// Normalised Shannon entropy (evenness) of counts over k categories:
/// `H / ln k` with `H = −Σ p_i ln p_i`, `p_i = counts_i / Σ counts`,
/// `0 · ln 0 = 0` (Shannon 1948; Pielou 1966 evenness J').
///
/// k is `counts.len()`, zero categories included: attention spread evenly
/// over all k themes gives 1.0, attention on one theme gives 0.0. 0.0 when
/// k ≤ 1 or all counts are 0. The result is within [0, 1].
pub fn normalized_entropy(counts: &[u64]) -> f64 {
    let k = counts.len();
    let total: u128 = counts.iter().map(|&c| u128::from(c)).sum();
    if k <= 1 || total == 0 {
        return 0.0;
    }
    let total = total as f64;
    let h: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / total;
            -p * p.ln()
        })
        .sum();
    finite((h / (k as f64).ln()).clamp(0.0, 1.0))
}

/// `v` divided by its largest finite |entry|, with non-finite entries as 0:
/// sums of squares of the result cannot overflow, and direction-only measures
/// (cosine, normalised distributions) are unchanged by the scaling.
fn rescaled(v: &[f64]) -> Vec<f64> {
    let max = v
        .iter()
        .filter(|x| x.is_finite())
        .fold(0.0_f64, |m, x| m.max(x.abs()));
    v.iter()
        .map(|&x| {
            if x.is_finite() && max > 0.0 {
                x / max
            } else {
                0.0
            }
        })
        .collect()
}

/// Cosine similarity `a·b / (|a| |b|)` (Salton & McGill 1983).
///
/// Within [−1, 1]; for non-negative vectors (counts, TF-IDF) within [0, 1].
/// 0.0 when either vector has norm 0. Non-finite entries count as 0; if the
/// lengths differ, the missing entries of the shorter vector count as 0.
pub fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let (a, b) = (rescaled(a), rescaled(b));
    let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    let (na, nb) = (norm(&a), norm(&b));
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    let dot: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
    finite((dot / (na * nb)).clamp(-1.0, 1.0))
}

/// TF-IDF rows for a sources × terms count matrix (rows share the column
/// order): `tfidf = tf · idf` with `tf = count / row total` and the smoothed
/// idf `idf = ln((1 + N) / (1 + df)) + 1`, N = number of rows, df = number of
/// rows where the term's count is > 0 (scikit-learn's `smooth_idf` variant;
/// Manning, Raghavan & Schütze 2008 ch. 6 for TF-IDF itself).
///
/// Why the smoothed variant: framescope compares a handful of sources. With
/// the plain `ln(N / df)`, every term shared by all sources weighs 0, so with
/// two sources only terms unique to one side survive and the two rows are
/// always orthogonal (cosine 0). The smoothed idf keeps shared vocabulary at
/// weight 1 and lifts distinctive terms up to `1 + ln((1 + N) / 2)`.
///
/// Rows are not L2-normalised ([`cosine`] does not need it). A row whose total
/// is 0 gives all zeros. Ragged rows are padded with zero counts to the
/// longest row, so every output row has the same length.
pub fn tfidf(rows: &[Vec<u64>]) -> Vec<Vec<f64>> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let n = rows.len() as f64;
    let idf: Vec<f64> = (0..width)
        .map(|j| {
            let df = rows
                .iter()
                .filter(|row| row.get(j).is_some_and(|&c| c > 0))
                .count() as f64;
            ((1.0 + n) / (1.0 + df)).ln() + 1.0
        })
        .collect();
    rows.iter()
        .map(|row| {
            let total: u128 = row.iter().map(|&c| u128::from(c)).sum();
            let total = total as f64;
            idf.iter()
                .enumerate()
                .map(|(j, w)| {
                    let count = row.get(j).copied().unwrap_or(0);
                    if total == 0.0 {
                        0.0
                    } else {
                        finite(count as f64 / total * w)
                    }
                })
                .collect()
        })
        .collect()
}

/// `v` as a probability distribution (non-negative, summing to 1), or None
/// when it has no positive mass. Negative and non-finite entries count as 0.
fn distribution(v: &[f64]) -> Option<Vec<f64>> {
    let clean: Vec<f64> = v
        .iter()
        .map(|&x| if x.is_finite() && x > 0.0 { x } else { 0.0 })
        .collect();
    let scaled = rescaled(&clean);
    let sum: f64 = scaled.iter().sum();
    if sum > 0.0 {
        Some(scaled.iter().map(|x| x / sum).collect())
    } else {
        None
    }
}

/// Jensen–Shannon divergence with base-2 logarithms (Lin 1991, "Divergence
/// measures based on the Shannon entropy", IEEE Trans. Inf. Theory 37(1)):
/// `JSD = ½ KL(P‖M) + ½ KL(Q‖M)`, `M = ½ (P + Q)`, `0 · log 0 = 0`.
///
/// Inputs are normalised here, so raw counts or rates can be passed. Within
/// [0, 1]: 0 for identical distributions, 1 for disjoint supports. `None`
/// when an input has no mass: it is no distribution, and calling it as far
/// as can be from the other (1) or the same as another empty one (0) would
/// be a figure about nothing. Negative and non-finite entries count as 0; if
/// the lengths differ, the missing entries of the shorter input count as 0.
pub fn jensen_shannon(p: &[f64], q: &[f64]) -> Option<f64> {
    let (p, q) = (distribution(p)?, distribution(q)?);
    let len = p.len().max(q.len());
    let mut sum = 0.0;
    for i in 0..len {
        let pi = p.get(i).copied().unwrap_or(0.0);
        let qi = q.get(i).copied().unwrap_or(0.0);
        let m = 0.5 * (pi + qi);
        if pi > 0.0 {
            sum += 0.5 * pi * (pi / m).log2();
        }
        if qi > 0.0 {
            sum += 0.5 * qi * (qi / m).log2();
        }
    }
    Some(finite(sum.clamp(0.0, 1.0)))
}

/// SplitMix64, the 64-bit generator of Steele, Lea & Flood (2014), "Fast
/// splittable pseudorandom number generators", OOPSLA; constants as in
/// Vigna's reference `splitmix64.c`. The state advances by the golden-ratio
/// increment and each output is a mix of the state, so every seed (0
/// included) gives a full-period stream. Pure integer arithmetic: the same
/// seed gives the same numbers on every platform. Not for cryptography.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator whose stream is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The generator `new(seed)` becomes after `calls` calls of
    /// [`next_u64`](Self::next_u64): its state only ever adds the same
    /// constant, so any point of the stream is one multiplication away,
    /// and parts of it can be drawn side by side.
    pub fn after(seed: u64, calls: u64) -> Self {
        Self {
            state: seed.wrapping_add(calls.wrapping_mul(Self::GAMMA)),
        }
    }

    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(Self::GAMMA);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform index in `0..n` by Lemire's multiply-shift, `(x · n) >> 64`;
    /// the bias is below n / 2^64, far under anything a bootstrap can see.
    /// Returns 0 when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        let wide = u128::from(self.next_u64()) * n as u128;
        // The shifted product is < n, so it fits in usize.
        usize::try_from(wide >> 64).unwrap_or(0)
    }
}

/// One bootstrap resample: `units.len()` draws with replacement, summed.
/// Sums are u128 so that no count total can overflow. `units` is non-empty.
fn resample(units: &[(u64, u64)], rng: &mut SplitMix64) -> (u128, u128) {
    let mut hits = 0u128;
    let mut words = 0u128;
    for _ in 0..units.len() {
        let (h, w) = units[rng.below(units.len())];
        hits += u128::from(h);
        words += u128::from(w);
    }
    (hits, words)
}

/// Percentile of data sorted ascending (sort with `f64::total_cmp` first),
/// R's type 7, the default of R and NumPy (Hyndman & Fan 1996, "Sample
/// quantiles in statistical packages", *The American Statistician* 50(4)):
/// `h = (n − 1) · p`, result `x[⌊h⌋] + (h − ⌊h⌋) · (x[⌊h⌋ + 1] − x[⌊h⌋])`.
/// `p` is clamped to [0, 1]. 0.0 for empty data.
pub fn quantile_type7(sorted: &[f64], p: f64) -> f64 {
    let Some(&last) = sorted.last() else {
        return 0.0;
    };
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let x_lo = sorted.get(lo).copied().unwrap_or(last);
    let x_hi = sorted.get(lo + 1).copied().unwrap_or(x_lo);
    x_lo + (h - lo as f64) * (x_hi - x_lo)
}

/// The 2.5% and 97.5% type-7 percentiles of the replicate values.
fn percentile_interval(mut values: Vec<f64>) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    (
        finite(quantile_type7(&values, 0.025)),
        finite(quantile_type7(&values, 0.975)),
    )
}

/// True when a bootstrap over `units` has nothing to resample.
fn no_words(units: &[(u64, u64)]) -> bool {
    units.iter().all(|&(_, words)| words == 0)
}

/// 95% percentile-bootstrap interval of a rate `Σ hits / Σ words × per`
/// (Efron & Tibshirani 1993, *An Introduction to the Bootstrap*, ch. 13).
///
/// `units` are `(hits, words)` per resampling unit (a sentence or a
/// document: resample the unit within which hits are correlated). Each of
/// the `replicates` draws `units.len()` units with replacement from a
/// [`SplitMix64`] seeded with `seed`, and computes the pooled rate (a
/// replicate that drew only zero-word units has rate 0, as `per_1k` does).
/// Returns the 2.5% and 97.5% percentiles of the replicate rates, by linear
/// interpolation (R's type 7). Integer sums, a fixed loop and only exactly
/// rounded float operations make the result bit-identical for the same
/// arguments on any machine.
///
/// Degenerate cases give (0.0, 0.0): no units, all units without words, no
/// replicates, or a non-finite `per`. When every unit has the same
/// hits/words ratio the interval has zero width at that rate.
pub fn bootstrap_rate_ci(
    units: &[(u64, u64)],
    replicates: usize,
    seed: u64,
    per: f64,
) -> (f64, f64) {
    if no_words(units) || replicates == 0 || !per.is_finite() {
        return (0.0, 0.0);
    }
    let mut rng = SplitMix64::new(seed);
    let rates = (0..replicates)
        .map(|_| {
            let (hits, words) = resample(units, &mut rng);
            if words == 0 {
                0.0
            } else {
                hits as f64 / words as f64 * per
            }
        })
        .collect();
    percentile_interval(rates)
}

/// Seed of source B's stream in [`bootstrap_diff_ci`]: one SplitMix64 output
/// (a thorough bit mix) of the complemented seed, so B's stream is not a
/// shifted copy of A's.
fn second_seed(seed: u64) -> u64 {
    SplitMix64::new(!seed).next_u64()
}

/// 95% percentile-bootstrap interval of the Log Ratio between two sources'
/// rates, `log2( (Σ hits_a / Σ words_a) / (Σ hits_b / Σ words_b) )`.
///
/// Each source is resampled independently from its own units, as in
/// [`bootstrap_rate_ci`]: A from a [`SplitMix64`] seeded with `seed` (so A's
/// replicates are exactly those of `bootstrap_rate_ci(units_a, replicates,
/// seed, _)`), B from a second stream whose seed is derived from `seed`.
/// Replicate r pairs A's r-th resample with B's r-th. Each replicate's value
/// is [`log_ratio`] of the pooled sums: a zero hit total on one side counts
/// as 0.5 hits (Hardie's smoothing), zero hits on both sides gives 0.0, and
/// a replicate that drew no words on one side gives 0.0. Percentiles are
/// type 7, as above.
///
/// Degenerate cases give (0.0, 0.0): either side without units or without
/// words, or no replicates. Same arguments, same resamples on any machine
/// (the final `log2` is libm's, see the module note).
pub fn bootstrap_diff_ci(
    units_a: &[(u64, u64)],
    units_b: &[(u64, u64)],
    replicates: usize,
    seed: u64,
) -> (f64, f64) {
    if no_words(units_a) || no_words(units_b) || replicates == 0 {
        return (0.0, 0.0);
    }
    let mut rng_a = SplitMix64::new(seed);
    let mut rng_b = SplitMix64::new(second_seed(seed));
    let ratios = (0..replicates)
        .map(|_| {
            let (hits_a, words_a) = resample(units_a, &mut rng_a);
            let (hits_b, words_b) = resample(units_b, &mut rng_b);
            log_ratio_f64(hits_a as f64, words_a as f64, hits_b as f64, words_b as f64)
        })
        .collect();
    percentile_interval(ratios)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, tol: f64) {
        assert!(
            (actual - expected).abs() <= tol,
            "expected {expected}, got {actual} (tolerance {tol})"
        );
    }

    fn close_rel(actual: f64, expected: f64, rel: f64) {
        let tol = rel * expected.abs().max(f64::MIN_POSITIVE);
        close(actual, expected, tol);
    }

    #[test]
    fn g2_small_table_by_hand() {
        // a=10, b=5, c=90, d=195; N=300, rows 15 | 285, columns 100 | 200.
        // E = 15·100/300 = 5, 15·200/300 = 10, 285·100/300 = 95, 285·200/300 = 190.
        // G² = 2 [10 ln(10/5) + 5 ln(5/10) + 90 ln(90/95) + 195 ln(195/190)]
        //    = 2 [5 ln 2 + 90 ln(18/19) + 195 ln(39/38)] = 7.329811674221491
        let expected =
            2.0 * (5.0 * 2f64.ln() + 90.0 * (18.0f64 / 19.0).ln() + 195.0 * (39.0f64 / 38.0).ln());
        close(g2_2x2(10, 5, 90, 195), expected, 1e-12);
        close(g2_2x2(10, 5, 90, 195), 7.329811674221491, 1e-12);
        // The two-cell UCREL form would give 2 (10 ln 2 + 5 ln 0.5) = 10 ln 2
        // = 6.93: the full table differs.
        assert!((g2_2x2(10, 5, 90, 195) - 10.0 * 2f64.ln()).abs() > 0.3);
    }

    #[test]
    fn g2_proportional_and_empty_tables_are_zero() {
        // 10/100 = 20/200: every O equals its E, every log is ln 1.
        close(g2_2x2(10, 20, 90, 180), 0.0, 1e-12);
        assert!(g2_2x2(10, 20, 90, 180) >= 0.0);
        assert_eq!(g2_2x2(0, 0, 0, 0), 0.0);
        assert_eq!(g2_2x2(0, 0, 5, 7), 0.0);
    }

    #[test]
    fn g2_is_symmetric_in_target_and_reference() {
        close(g2_2x2(10, 5, 90, 195), g2_2x2(5, 10, 195, 90), 1e-12);
        close(g2_2x2(3, 40, 1000, 7), g2_2x2(40, 3, 7, 1000), 1e-9);
    }

    #[test]
    fn keyness_sign_follows_relative_frequency() {
        // Target 10/100 = 0.1 > reference 5/200 = 0.025: positive.
        let k = keyness(10, 100, 5, 200);
        close(k.g2, 7.329811674221491, 1e-12);
        close(k.signed_g2, k.g2, 0.0);
        close(k.target_freq, 0.1, 1e-15);
        close(k.reference_freq, 0.025, 1e-15);
        // log2(0.1 / 0.025) = log2 4 = 2.
        close(k.log_ratio, 2.0, 1e-12);
        close(k.p, chi2_1df_p(k.g2), 0.0);
        let swapped = keyness(5, 200, 10, 100);
        close(swapped.g2, k.g2, 1e-12);
        close(swapped.signed_g2, -k.g2, 1e-12);
        close(swapped.log_ratio, -2.0, 1e-12);
        // Equal relative frequencies: a tie, sign 0, never -0.0.
        let tie = keyness(1, 3, 2, 6);
        assert_eq!(tie.signed_g2.to_bits(), 0.0f64.to_bits());
        // Empty corpora.
        let empty = keyness(0, 0, 0, 0);
        assert_eq!((empty.g2, empty.p, empty.signed_g2), (0.0, 1.0, 0.0));
    }

    #[test]
    fn chi2_p_at_textbook_critical_values() {
        // Upper 5%, 1%, 0.1% points of χ²(1), from standard tables.
        close_rel(chi2_1df_p(3.841459), 0.05, 1e-6);
        close_rel(chi2_1df_p(6.634897), 0.01, 1e-6);
        close_rel(chi2_1df_p(10.827566), 0.001, 1e-6);
        assert_eq!(chi2_1df_p(0.0), 1.0);
        assert_eq!(chi2_1df_p(-2.0), 1.0);
        assert_eq!(chi2_1df_p(f64::NAN), 1.0);
        assert_eq!(chi2_1df_p(f64::INFINITY), 0.0);
        assert_eq!(chi2_1df_p(1e6), 0.0);
        assert!(chi2_1df_p(1000.0) > 0.0 && chi2_1df_p(1000.0) < 1e-200);
    }

    #[test]
    fn erfc_matches_an_independent_implementation() {
        // Reference values from Python's math.erfc (CPython 3, libm), which
        // shares no code with this file; points cover all three Cody
        // intervals, their edges and negative arguments.
        let cases = [
            (0.0, 1.0),
            (1e-10, 0.999999999887162),
            (0.1, 0.8875370839817152),
            (0.3, 0.6713732405408726),
            (0.46875, 0.507386526782062),
            (0.5, 0.4795001221869535),
            (1.0, 0.15729920705028513),
            (1.5, 0.033894853524689274),
            (2.0, 0.004677734981047265),
            (3.0, 2.2090496998585438e-05),
            (3.9, 3.479224859723177e-08),
            (4.0, 1.541725790028002e-08),
            (4.5, 1.9661604415428873e-10),
            (6.0, 2.1519736712498916e-17),
            (10.0, 2.088487583762545e-45),
            (26.0, 5.663192408856143e-296),
            (-0.3, 1.3286267594591274),
            (-1.0, 1.842700792949715),
            (-3.0, 1.9999779095030015),
        ];
        for (x, expected) in cases {
            close_rel(erfc(x), expected, 1e-14);
        }
        assert_eq!(erfc(27.0), 0.0);
    }

    #[test]
    fn log_ratio_replaces_zero_by_half() {
        // log2((8/1000) / (2/1000)) = log2 4 = 2.
        close(log_ratio(8, 1000, 2, 1000), 2.0, 1e-12);
        // Target count 0 -> 0.5: log2((0.5/1000) / (4/2000)) = log2(0.25) = -2.
        close(log_ratio(0, 1000, 4, 2000), -2.0, 1e-12);
        // Reference count 0 -> 0.5: log2((4/2000) / (0.5/1000)) = 2.
        close(log_ratio(4, 2000, 0, 1000), 2.0, 1e-12);
        assert_eq!(log_ratio(0, 1000, 0, 500), 0.0);
        assert_eq!(log_ratio(3, 0, 4, 10), 0.0);
        assert_eq!(log_ratio(3, 10, 4, 0), 0.0);
    }

    #[test]
    fn log_odds_z_hand_case() {
        // y_i=10, n_i=100, y_j=5, n_j=200, α_w=1, α_0=10:
        // δ = ln(11 / (100+10−10−1)) − ln(6 / (200+10−5−1)) = ln(11/99) − ln(6/204)
        //   = ln(1/9) − ln(1/34) = ln(34/9)
        // σ² = 1/11 + 1/6 = 17/66;  z = ln(34/9) / √(17/66) = 2.6188879114797996
        let expected = (34.0f64 / 9.0).ln() / (17.0f64 / 66.0).sqrt();
        close(log_odds_z(10, 100, 5, 200, 1.0, 10.0), expected, 1e-12);
        close(
            log_odds_z(10, 100, 5, 200, 1.0, 10.0),
            2.6188879114797996,
            1e-12,
        );
        // Swapping the groups flips the sign.
        close(log_odds_z(5, 200, 10, 100, 1.0, 10.0), -expected, 1e-12);
        // Same counts in both groups: z = 0.
        assert_eq!(log_odds_z(7, 50, 7, 50, 2.0, 100.0), 0.0);
    }

    #[test]
    fn log_odds_guards_keep_it_finite() {
        for (aw, a0) in [
            (0.0, 0.0),
            (-1.0, -5.0),
            (f64::NAN, f64::NAN),
            (f64::INFINITY, f64::INFINITY),
            (5.0, 1.0),
        ] {
            assert!(log_odds_z(0, 0, 0, 0, aw, a0).is_finite());
            assert!(log_odds_z(9, 9, 0, 100, aw, a0).is_finite());
            assert!(log_odds_z(20, 9, 0, 0, aw, a0).is_finite());
        }
    }

    #[test]
    fn informative_prior_scales_corpus_share() {
        // α_0 = 1000, word 50 of 10 000 tokens: α_w = 1000 · 0.005 = 5.
        close(informative_prior(50, 10_000, 1000.0), 5.0, 1e-12);
        // α_0 = total: α_w is the word's own count.
        close(informative_prior(50, 10_000, 10_000.0), 50.0, 1e-9);
        assert_eq!(informative_prior(0, 10_000, 1000.0), MIN_PRIOR);
        assert_eq!(informative_prior(5, 0, 1000.0), MIN_PRIOR);
        assert_eq!(informative_prior(5, 10, f64::NAN), MIN_PRIOR);
    }

    #[test]
    fn pmi_by_hand() {
        // o11=10, f1=20, f2=50, n=1000: log2(10·1000 / (20·50)) = log2 10.
        close(pmi(10, 20, 50, 1000), 10f64.log2(), 1e-12);
        // Independence, o11 = f1·f2/n: log2(1) = 0.
        close(pmi(1, 20, 50, 1000), 0.0, 1e-12);
        assert_eq!(pmi(0, 20, 50, 1000), 0.0);
        assert_eq!(pmi(3, 0, 50, 1000), 0.0);
        assert!(pmi(u64::MAX, 1, 1, u64::MAX).is_finite());
    }

    #[test]
    fn log_dice_by_hand() {
        // Always together: 14 + log2(2·7 / 14) = 14.
        close(log_dice(7, 7, 7), 14.0, 1e-12);
        // 14 + log2(2·10 / (20+30)) = 14 + log2 0.4 = 12.678071905112638.
        close(log_dice(10, 20, 30), 12.678071905112638, 1e-12);
        assert_eq!(log_dice(0, 20, 30), 0.0);
        assert_eq!(log_dice(3, 0, 0), 0.0);
    }

    #[test]
    fn collocation_g2_by_hand() {
        // o11=10, f1=20, f2=50, n=1000 -> cells 10, 10, 40, 940;
        // rows 20 | 980, columns 50 | 950; E = 1, 19, 49, 931.
        // G² = 2 [10 ln(10/1) + 10 ln(10/19) + 40 ln(40/49) + 940 ln(940/931)]
        //    = 35.06608083222487
        let expected = 2.0
            * (10.0 * 10f64.ln()
                + 10.0 * (10.0f64 / 19.0).ln()
                + 40.0 * (40.0f64 / 49.0).ln()
                + 940.0 * (940.0f64 / 931.0).ln());
        close(collocation_g2(10, 20, 50, 1000), expected, 1e-9);
        close(collocation_g2(10, 20, 50, 1000), 35.06608083222487, 1e-9);
        // Inconsistent counts are clamped, not negative or NaN.
        assert!(collocation_g2(30, 20, 50, 10).is_finite());
        assert!(collocation_g2(u64::MAX, 0, u64::MAX, 0).is_finite());
    }

    #[test]
    fn normalized_entropy_cases() {
        close(normalized_entropy(&[1, 1, 1, 1]), 1.0, 1e-12);
        assert_eq!(normalized_entropy(&[5, 0, 0]).to_bits(), 0.0f64.to_bits());
        // [1, 3]: p = 1/4, 3/4; H = −(¼ ln ¼ + ¾ ln ¾), divided by ln 2:
        // = 0.8112781244591328 bits.
        let h = -(0.25 * 0.25f64.ln() + 0.75 * 0.75f64.ln()) / 2f64.ln();
        close(normalized_entropy(&[1, 3]), h, 1e-12);
        close(normalized_entropy(&[1, 3]), 0.8112781244591328, 1e-12);
        // Zero categories count in k: [1, 1, 0] -> ln 2 / ln 3.
        close(normalized_entropy(&[1, 1, 0]), 2f64.ln() / 3f64.ln(), 1e-12);
        assert_eq!(normalized_entropy(&[]), 0.0);
        assert_eq!(normalized_entropy(&[9]), 0.0);
        assert_eq!(normalized_entropy(&[0, 0, 0]), 0.0);
    }

    #[test]
    fn cosine_cases() {
        assert_eq!(cosine(&[1.0, 0.0], &[0.0, 3.0]), 0.0);
        close(cosine(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]), 1.0, 1e-12);
        // 45°: [1,0]·[1,1] = 1, norms 1 and √2 -> 1/√2.
        close(cosine(&[1.0, 0.0], &[1.0, 1.0]), 0.5f64.sqrt(), 1e-12);
        close(cosine(&[1.0, 0.0], &[-1.0, 0.0]), -1.0, 1e-12);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 1.0]), 0.0);
        assert_eq!(cosine(&[], &[]), 0.0);
        // Huge entries do not overflow the norms.
        close(cosine(&[1e300, 1e300], &[1e300, 0.0]), 0.5f64.sqrt(), 1e-12);
        assert!(cosine(&[f64::NAN, 1.0], &[f64::INFINITY, 1.0]).is_finite());
    }

    #[test]
    fn tfidf_smoothed_by_hand() {
        // Rows [1,1,0] and [0,2,2]; N = 2, df = [1, 2, 1].
        // idf = ln(3/2)+1, ln(3/3)+1 = 1, ln(3/2)+1.
        // tf row 0 = [½, ½, 0] -> [½(1+ln 1.5), ½, 0] = [0.7027325540540822, 0.5, 0]
        // tf row 1 = [0, ½, ½] -> [0, ½, ½(1+ln 1.5)].
        let rows = tfidf(&[vec![1, 1, 0], vec![0, 2, 2]]);
        let w = 0.5 * (1.0 + 1.5f64.ln());
        let expected = [[w, 0.5, 0.0], [0.0, 0.5, w]];
        for (row, want) in rows.iter().zip(expected) {
            assert_eq!(row.len(), 3);
            for (x, y) in row.iter().zip(want) {
                close(*x, y, 1e-12);
            }
        }
        close(w, 0.7027325540540822, 1e-12);
        // Empty row, and a ragged row padded with 0: N = 2, df = [1, 0];
        // row [3] has tf 1 in column 0, idf ln(3/2)+1 -> 1.4054651081081644.
        let rows = tfidf(&[vec![0, 0], vec![3]]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0], vec![0.0, 0.0]);
        close(rows[1][0], 1.0 + 1.5f64.ln(), 1e-12);
        assert_eq!(rows[1][1], 0.0);
        assert!(tfidf(&[]).is_empty());
    }

    #[test]
    fn jensen_shannon_cases() {
        let jsd = |p: &[f64], q: &[f64]| jensen_shannon(p, q).expect("both have mass");
        assert_eq!(jsd(&[1.0, 2.0], &[2.0, 4.0]), 0.0);
        close(jsd(&[1.0, 0.0], &[0.0, 5.0]), 1.0, 1e-12);
        // P = [1, 0], Q = [½, ½], M = [¾, ¼]:
        // ½ KL(P‖M) = ½ log2(4/3); ½ KL(Q‖M) = ½ (½ log2(2/3) + ½ log2 2).
        // JSD = ½ log2(4/3) + ¼ log2(2/3) + ¼ = 0.31127812445913283,
        // which also equals H(M) − ½ (H(P) + H(Q)) = 0.8112781 − ½.
        let expected = 0.5 * (4.0f64 / 3.0).log2() + 0.25 * (2.0f64 / 3.0).log2() + 0.25;
        close(jsd(&[1.0, 0.0], &[0.5, 0.5]), expected, 1e-12);
        close(jsd(&[1.0, 0.0], &[0.5, 0.5]), 0.31127812445913283, 1e-12);
        // Without mass there is no distribution to compare.
        assert_eq!(jensen_shannon(&[0.0, 0.0], &[0.0]), None);
        assert_eq!(jensen_shannon(&[0.0, 0.0], &[1.0, 0.0]), None);
        assert_eq!(jensen_shannon(&[1.0], &[0.0, 0.0]), None);
        assert_eq!(jensen_shannon(&[1.0], &[]), None);
        // Missing entries count as 0: [1] vs [1, 0] are identical.
        assert_eq!(jsd(&[1.0], &[1.0, 0.0]), 0.0);
        assert!(jsd(&[f64::NAN, -1.0, 1e308], &[f64::INFINITY, 1e308]).is_finite());
    }

    #[test]
    fn splitmix64_matches_reference_stream() {
        // Vigna's splitmix64.c, transcribed independently to Python
        // (x += 0x9E3779B97F4A7C15; z ^= z>>30; z *= 0xBF58...; ...),
        // seed 1234567, first five outputs.
        let mut rng = SplitMix64::new(1_234_567);
        let want = [
            6457827717110365317u64,
            3203168211198807973,
            9817491932198370423,
            4593380528125082431,
            16408922859458223821,
        ];
        for w in want {
            assert_eq!(rng.next_u64(), w);
        }
        assert_eq!(SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
        let mut rng = SplitMix64::new(7);
        assert!((0..1000).all(|_| rng.below(3) < 3));
        assert_eq!(rng.below(0), 0);
    }

    #[test]
    fn quantile_type7_by_hand() {
        // [1,2,3,4], p=0.25: h = 3·0.25 = 0.75 -> 1 + 0.75·(2−1) = 1.75.
        close(quantile_type7(&[1.0, 2.0, 3.0, 4.0], 0.25), 1.75, 1e-15);
        close(quantile_type7(&[1.0, 2.0, 3.0, 4.0], 1.0), 4.0, 0.0);
        close(quantile_type7(&[5.0], 0.975), 5.0, 0.0);
        assert_eq!(quantile_type7(&[], 0.5), 0.0);
    }

    /// 60 documents with uneven rates, hits 0..=4 over 80..=139 words.
    fn sample_units() -> Vec<(u64, u64)> {
        (0..60u64).map(|i| (i % 5, 80 + i)).collect()
    }

    #[test]
    fn bootstrap_rate_is_deterministic_and_covers_the_estimate() {
        let units = sample_units();
        let a = bootstrap_rate_ci(&units, 999, 42, 1000.0);
        let b = bootstrap_rate_ci(&units, 999, 42, 1000.0);
        assert_eq!(
            (a.0.to_bits(), a.1.to_bits()),
            (b.0.to_bits(), b.1.to_bits())
        );
        let hits: u64 = units.iter().map(|u| u.0).sum();
        let words: u64 = units.iter().map(|u| u.1).sum();
        let point = hits as f64 / words as f64 * 1000.0;
        assert!(a.0 < point && point < a.1, "{a:?} should contain {point}");
        assert_ne!(bootstrap_rate_ci(&units, 999, 43, 1000.0), a);
    }

    #[test]
    fn bootstrap_constant_rate_has_zero_width() {
        // Every unit 3 hits in 150 words: every replicate is 60·3 / 60·150
        // = 0.02, × 1000 = 20 per 1k.
        let units = vec![(3u64, 150u64); 60];
        let (lo, hi) = bootstrap_rate_ci(&units, 500, 9, 1000.0);
        close(lo, 20.0, 1e-12);
        close(hi, 20.0, 1e-12);
        // Same ratio, different unit sizes: still zero width up to rounding.
        let units: Vec<(u64, u64)> = (1..=30).map(|k| (k, 50 * k)).collect();
        let (lo, hi) = bootstrap_rate_ci(&units, 500, 9, 1000.0);
        close(lo, 20.0, 1e-9);
        close(hi, 20.0, 1e-9);
    }

    #[test]
    fn bootstrap_degenerate_inputs() {
        assert_eq!(bootstrap_rate_ci(&[], 100, 1, 1000.0), (0.0, 0.0));
        assert_eq!(
            bootstrap_rate_ci(&[(3, 0), (0, 0)], 100, 1, 1000.0),
            (0.0, 0.0)
        );
        assert_eq!(bootstrap_rate_ci(&[(3, 10)], 0, 1, 1000.0), (0.0, 0.0));
        assert_eq!(bootstrap_rate_ci(&[(3, 10)], 10, 1, f64::NAN), (0.0, 0.0));
        assert_eq!(bootstrap_diff_ci(&[], &[(1, 10)], 100, 1), (0.0, 0.0));
        assert_eq!(bootstrap_diff_ci(&[(1, 10)], &[(1, 0)], 100, 1), (0.0, 0.0));
        // No hits anywhere: every replicate is log_ratio(0, _, 0, _) = 0.
        assert_eq!(
            bootstrap_diff_ci(&[(0, 10)], &[(0, 20)], 100, 1),
            (0.0, 0.0)
        );
    }

    #[test]
    fn bootstrap_diff_matches_rate_ci_when_b_is_constant() {
        // B is constant at 4/200 = 0.02 per word, so each replicate is
        // log2(rate_a / 0.02), and A's replicates are those of
        // bootstrap_rate_ci with the same seed. With 201 replicates the 2.5%
        // and 97.5% points are order statistics (h = 200·0.025 = 5 and
        // 200·0.975 = 195), and log2 is monotone, so the diff interval is
        // log2 of the rate interval over 0.02. A has ≥ 1 hit per unit, so no
        // smoothing is involved.
        let units_a: Vec<(u64, u64)> = (0..40u64).map(|i| (1 + i % 4, 100 + i)).collect();
        let units_b = vec![(4u64, 200u64); 25];
        let (rate_lo, rate_hi) = bootstrap_rate_ci(&units_a, 201, 5, 1.0);
        let (lo, hi) = bootstrap_diff_ci(&units_a, &units_b, 201, 5);
        close(lo, (rate_lo / 0.02).log2(), 1e-9);
        close(hi, (rate_hi / 0.02).log2(), 1e-9);
    }

    #[test]
    fn bootstrap_diff_is_deterministic_and_brackets_zero_for_one_source() {
        let units = sample_units();
        let a = bootstrap_diff_ci(&units, &units, 999, 11);
        assert_eq!(a, bootstrap_diff_ci(&units, &units, 999, 11));
        // The same units on both sides: the true log ratio is 0.
        assert!(a.0 < 0.0 && 0.0 < a.1, "{a:?} should contain 0");
        // Both sides constant: zero width at log2(0.04 / 0.02) = 1.
        let (lo, hi) = bootstrap_diff_ci(&[(2, 50); 10], &[(1, 50); 10], 300, 3);
        close(lo, 1.0, 1e-12);
        close(hi, 1.0, 1e-12);
    }

    /// A generator started `k` calls on draws what the first one draws
    /// after its `k`-th call, also when the state wraps around.
    #[test]
    fn a_stream_can_be_entered_at_any_call() {
        for seed in [0, 42, u64::MAX - 3] {
            let mut whole = SplitMix64::new(seed);
            let drawn: Vec<u64> = (0..1000).map(|_| whole.next_u64()).collect();
            for k in [0, 1, 7, 999] {
                let mut entered = SplitMix64::after(seed, k as u64);
                assert_eq!(entered.next_u64(), drawn[k], "seed {seed}, call {k}");
            }
        }
    }

    #[test]
    fn every_result_is_finite_on_extreme_counts() {
        let counts = [0, 1, 2, u64::MAX / 2, u64::MAX];
        for &a in &counts {
            for &b in &counts {
                for &c in &counts {
                    let values = [
                        g2_2x2(a, b, c, a),
                        keyness(a, b, c, a).g2,
                        keyness(a, b, c, a).p,
                        keyness(a, b, c, a).signed_g2,
                        log_ratio(a, b, c, a),
                        log_odds_z(a, b, c, a, 0.5, 10.0),
                        informative_prior(a, b, 1e300),
                        pmi(a, b, c, a),
                        log_dice(a, b, c),
                        collocation_g2(a, b, c, a),
                        normalized_entropy(&[a, b, c]),
                    ];
                    for v in values {
                        assert!(v.is_finite(), "{v} for {a} {b} {c}");
                    }
                }
            }
        }
        let ci = bootstrap_rate_ci(&[(u64::MAX, u64::MAX), (0, 1)], 50, 0, 1e300);
        assert!(ci.0.is_finite() && ci.1.is_finite());
    }
}
