#!/usr/bin/env python3
"""framescope's stages, written the way a competent Python user would.

This is the benchmark's yardstick and its correctness cross-check, not a port:
it reads the same folder layout and config.toml and computes the figures the
cross-check compares (words, tokens, types per source; corpus term counts;
corpus co-occurrence pairs; single-word theme hits), with the usual Python
tools used well:

- one compiled regex pass per document for words and sentence breaks;
- every distinct surface word analysed once (lowercase, possessive, stopword,
  hyphen-free PyStemmer stem, lexicon matches) and memoised in a dict, so the
  per-token work is one dict lookup;
- counting in numpy: tokens are buffered per source and flushed in batches of
  about a million ids (bincount for words, vectorised +-window pair keys with
  np.unique for co-occurrence), so Python never loops over pairs;
- `--workers N`: multiprocessing over N byte-balanced shares of the files,
  partial results merged by string.

Stages (see README "Text handling" and "Definitions"): decode (BOM, UTF-8,
else Windows-1252), CRLF, NFC, fold curly apostrophes/quotes and hyphen
variants, drop boilerplate lines and URLs/e-mails, rejoin words hyphenated at
a line end, blank line = hard sentence break, sentences end at . ! ? ...
followed by a non-lowercase word (not after Mr., U.S., initials and the
other abbreviations framescope lists), words = runs of letters/digits joined
by ' (between letters), - (between letters/digits), . , (between digits) and
. (between single letters: U.S), at least one letter, no numerals (15th,
1990s), footnote digits cut (sovereignty11); form = lowercase minus
possessive 's; stopwords = Snowball English + config extra_stopwords; stem =
Snowball English (PyStemmer) of the form without hyphens; co-occurrence =
pairs of content stems at most `window` content tokens apart in one sentence;
theme hits = single-word terms only (stem / prefix* / CAPS / CAPS*, also on
the parts of a hyphenated compound), a word counting at most once per theme;
phrases ("Belt and Road") are not matched.

Usage: baseline.py --config config.toml --input DIR [--workers N] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time
import unicodedata
from collections import Counter

try:
    import numpy as np
    import Stemmer  # PyStemmer
except ImportError as e:  # pragma: no cover - message for the user
    sys.exit(f"baseline.py needs PyStemmer and numpy ({e}): pip install PyStemmer numpy")

try:
    import tomllib
except ImportError:  # Python < 3.11
    try:
        import tomli as tomllib  # type: ignore
    except ImportError:
        sys.exit("baseline.py needs Python >= 3.11 (tomllib) or `pip install tomli`")

# The Snowball English stopword list, as framescope's src/stem.rs has it.
SNOWBALL_STOPWORDS = """i me my myself we our ours ourselves you your yours yourself yourselves
he him his himself she her hers herself it its itself they them their theirs themselves what which
who whom this that these those am is are was were be been being have has had having do does did
doing would should could ought i'm you're he's she's it's we're they're i've you've we've they've
i'd you'd he'd she'd we'd they'd i'll you'll he'll she'll we'll they'll isn't aren't wasn't weren't
hasn't haven't hadn't doesn't don't didn't won't wouldn't shan't shouldn't can't cannot couldn't
mustn't let's that's who's what's here's there's when's where's why's how's a an the and but if or
because as until while of at by for with about against between into through during before after
above below to from up down in out on off over under again further then once here there when where
why how all any both each few more most other some such no nor not only own same so than too
very""".split()

ABBREVIATIONS = """mr mrs ms dr prof st jr sr vs gen col lt sgt capt rev hon gov sen rep inc ltd co
corp dept jan feb mar apr jun jul aug sep sept oct nov dec fig approx cf al vol pp ed eds est
mt""".split()

FOLD = str.maketrans(
    {
        **{c: "'" for c in "\u2019\u2018\u02bc\u201b\u2032`\u00b4"},
        **{c: '"' for c in "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033"},
        **{c: "-" for c in "\u2010\u2011\u2012\u2212\ufe63\uff0d"},
        **{c: None for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"},
        "\t": " ",
        "\u00a0": " ",
        "\r": None,  # CRLF files; a lone CR is handled before
        "\x0c": "\n",
        "\u2028": "\n",
        "\u2029": "\n",
    }
)

# (A regex finds the few characters to fold much faster than str.translate.)
FOLD_RE = re.compile("[" + re.escape("".join(map(chr, FOLD))) + "]")

L = r"[^\W\d_]"  # a letter
AN = r"[^\W_]"  # a letter or digit
WORD = (
    rf"{AN}+(?:(?:(?<={L})'(?={L})|(?<={AN})-(?={AN})|(?<=\d)[.,](?=\d)"
    rf"|(?<=(?<!{AN}){L})\.(?={L}(?!{AN})))(?:{AN}+))*"
)
BREAK = "\x00"
TOKEN_RE = re.compile(rf"{WORD}|{BREAK}")
# Line joining, as framescope decides it (README "Text handling"): lines are
# trimmed; a word hyphenated at a line end is rejoined; a line followed by one
# starting in lower case (or , ; ) .) continues the sentence. In a file whose
# lines are short (90th percentile <= 120 characters: wrapped text) the other
# line breaks are spaces, except after a colon, after a short line (< 0.6 x
# that width: a heading) followed by a capitalised line, and at a blank line
# after sentence-ending punctuation, which are hard breaks. In a file of long
# lines (a paragraph per line) every other line break is a hard break.
HYPHEN_EOL_RE = re.compile(rf"-(?<={L}-)\n+(?={L})")
NOT_CONT = r"(?![a-z,;).])"
COLON_RE = re.compile(rf":\n+{NOT_CONT}")
BLANK_AFTER_END_RE = re.compile(rf"([.!?\u2026\")])\n\n+{NOT_CONT}")
BREAK_RE = re.compile(rf"\n+{NOT_CONT}")
WRAPPED_MAX_WIDTH = 120


def join_lines(text):
    """Text with hard sentence breaks as BREAK and every other line break a space."""
    lines = list(map(str.strip, text.split("\n")))
    text = "\n".join(lines)
    if "-\n" in text:
        text = HYPHEN_EOL_RE.sub("-", text)
    lengths = sorted(filter(None, map(len, lines)))
    width = lengths[len(lengths) * 9 // 10] if lengths else 0
    if width > WRAPPED_MAX_WIDTH:
        text = BREAK_RE.sub(" \x00 ", text)
    else:
        text = COLON_RE.sub(": \x00 ", text)
        short = math.ceil(0.6 * width) - 1  # longest line with len < 0.6 x width
        if short > 0:
            text = re.sub(
                rf"^([^\n]{{0,{short - 1}}}[^\n.!?\u2026\")])\n+(?=[A-Z0-9\"'(\[])", "\\1 \x00 ", text, flags=re.M
            )
        text = BLANK_AFTER_END_RE.sub("\\1 \x00 ", text)
    return text.replace("\n", " ")


# End of sentence: . ! ? ... then closing quotes/brackets, optional footnote
# digits, spaces, then something that is not a lowercase letter. A period
# right after an abbreviation, an initial or a dotted acronym does not count.
# (The period comes first so that the look-behinds only run at periods.)
_NOT_ABBR = "".join(rf"(?<!\b(?i:{a})\.)" for a in ABBREVIATIONS)
SENT_RE = re.compile(
    rf"[.!?\u2026](?<!{L}\.{L}\.)(?<![^\w'-]{L}\.)(?<!^{L}\.){_NOT_ABBR}"
    rf"[\"')\].!?]*(?:\d{{1,3}}(?=\s))?(?:[ \t]+(?![ \ta-z])|(?=\n)|$)"
)
# URLs and e-mail addresses: the whitespace-separated chunk around "://",
# "www." or "@" (an e-mail needs a dot after the @).
# (One literal per scan: sre finds a single literal fast, an alternation slowly.)
URL_MARKS = [re.compile(m) for m in ("://", r"www\.", r"WWW\.", "@")]
NON_SPACE_RE = re.compile(r"\S*")
EMAIL_RE = re.compile(r"[^@]+@[^@]*\w\.\w.*")


def remove_urls(text):
    parts, pos = [], 0
    marks = sorted((m for r in URL_MARKS for m in r.finditer(text)), key=lambda m: m.start())
    for m in marks:
        if m.start() < pos:
            continue
        start = max(text.rfind(" ", pos, m.start()), text.rfind("\n", pos, m.start()), pos - 1) + 1
        end = NON_SPACE_RE.match(text, m.end()).end()
        if m.group() == "@" and not EMAIL_RE.fullmatch(text, start, end):
            continue
        last = text[end - 1]  # sentence punctuation after the address stays
        parts += (text[pos:start], last if last in ".!?,;" else " ")
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


EN_DASH_RE = re.compile(r"(?<=[^\W_])\u2013(?=[^\W\d_])")
NUMERAL_RE = re.compile(r"[\d,.]+(?:st|nd|rd|th|s|'s)", re.I)
FOOTNOTE_RE = re.compile(r"(.*[^\W\d_])(\d{1,3})")


def boilerplate_regex(patterns):
    """Whole lines matching a config `text.boilerplate` pattern (case-insensitive)."""
    alts = []
    for p in patterns:
        p = " ".join(p.split()).lower()
        if p.endswith("*"):
            alts.append(re.escape(p[:-1].rstrip()).replace(r"\ ", r"[ \t]+") + r"[^\n]*")
        else:
            alts.append(re.escape(p.rstrip(".!:")).replace(r"\ ", r"[ \t]+") + r"[.!:]*")
    if not alts:
        return None
    return re.compile(r"^[ \t]*(?:" + "|".join(alts) + r")[ \t]*$", re.I | re.M)


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def discover(input_dir, extensions):
    """[(source id, [paths])], sources sorted by id, like framescope."""
    exts = {"." + e.lower() for e in extensions}
    sources = {}
    for entry in sorted(os.scandir(input_dir), key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            files = []
            for root, dirs, names in os.walk(entry.path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files += [
                    os.path.join(root, n)
                    for n in sorted(names)
                    if not n.startswith(".") and os.path.splitext(n)[1].lower() in exts
                ]
            if files:
                sources[entry.name] = files
        elif os.path.splitext(entry.name)[1].lower() in exts:
            sources[os.path.splitext(entry.name)[0]] = [entry.path]
    return sorted(sources.items())


class Lexicon:
    """Single-word lexicon terms; phrases are left out (see module doc)."""

    def __init__(self, config, stem):
        self.lists = [("anchor", config["anchor"]["terms"])] + [
            (tid, t["terms"]) for tid, t in config.get("themes", {}).items()
        ]
        # Per list: stems, lowercase prefixes, capitals, capital prefixes.
        self.patterns = []
        for _, terms in self.lists:
            stems, prefixes, caps, caps_prefixes = set(), [], set(), []
            for term in terms:
                if " " in term.strip():
                    continue
                term = term.strip().translate(FOLD)
                glob = term.endswith("*")
                word = term.rstrip("*").replace("-", "")
                if any(c.isalpha() for c in word) and word == word.upper():
                    (caps_prefixes.append if glob else caps.add)(word)
                elif glob:
                    prefixes.append(word.lower())
                else:
                    stems.add(stem(word.lower()))
            self.patterns.append((stems, tuple(prefixes), caps, tuple(caps_prefixes)))

    def match(self, surface, stem):
        """Bitmask of the lists the surface word hits (the word or a part of a compound)."""
        views = []
        for p in [surface] + (surface.split("-") if "-" in surface else []):
            p = p[:-2] if p.endswith(("'s", "'S")) and len(p) > 2 else p
            cased = p.replace("-", "")
            lower = cased.lower()
            views.append((cased, lower, stem(lower)))
        mask = 0
        for i, (stems, prefixes, caps, caps_prefixes) in enumerate(self.patterns):
            for cased, lower, st in views:
                if (
                    st in stems
                    or lower.startswith(prefixes)
                    or cased in caps
                    or cased.startswith(caps_prefixes)
                ):
                    mask |= 1 << i
                    break
        return mask


class Vocab(dict):
    """surface word -> id; a new word is analysed once (`__missing__`)."""

    def __init__(self, stopwords, lexicon):
        super().__init__()
        self.stemmer = Stemmer.Stemmer("english")
        self.stem_cache = {}
        self.stopwords = stopwords
        self.lexicon = lexicon
        self.surfaces = []
        self.stems = {}  # stem -> stem id
        self.stem_list = []
        self.forms = []
        self.cap = 1 << 16
        self.stem_of = np.full(self.cap, -1, dtype=np.int64)  # -1: stopword or no word
        self.is_word = np.zeros(self.cap, dtype=np.int64)
        self.matches = [0] * 0
        self[BREAK]  # id 0: sentence break

    def stem(self, solid_lower):
        s = self.stem_cache.get(solid_lower)
        if s is None:
            s = self.stem_cache[solid_lower] = self.stemmer.stemWord(solid_lower)
        return s

    def __missing__(self, surface):
        i = len(self.surfaces)
        if i == self.cap:
            self.cap *= 2
            self.stem_of = np.resize(self.stem_of, self.cap)
            self.stem_of[i:] = -1
            self.is_word = np.resize(self.is_word, self.cap)
            self.is_word[i:] = 0
        word = surface
        ok = surface != BREAK and any(c.isalpha() for c in surface)
        if ok and surface[0].isdigit() and NUMERAL_RE.fullmatch(surface):
            ok = False
        form = None
        mask = 0
        if ok:
            m = FOOTNOTE_RE.fullmatch(surface)
            if m and len(m.group(1)) >= 3 and any(c.islower() for c in m.group(1)):
                word = m.group(1)
            lower = word.lower()
            form = lower[:-2] if lower.endswith("'s") and len(lower) > 2 else lower
            self.is_word[i] = 1
            if form not in self.stopwords:
                st = self.stem(form.replace("-", ""))
                sid = self.stems.get(st)
                if sid is None:
                    sid = self.stems[st] = len(self.stem_list)
                    self.stem_list.append(st)
                self.stem_of[i] = sid
            mask = self.lexicon.match(word, self.stem)
        self.surfaces.append(surface)
        self.forms.append(form)
        self.matches.append(mask)
        self[surface] = i
        return i


class Counts:
    """Counts of a share of the files; buffers ids and flushes to numpy."""

    FLUSH = 1 << 20

    def __init__(self, config):
        text = config.get("text", {})
        extra = [w.strip().translate(FOLD).lower() for w in text.get("extra_stopwords", [])]
        extra = [w[:-2] if w.endswith("'s") and len(w) > 2 else w for w in extra]
        self.stopwords = set(SNOWBALL_STOPWORDS) | {w for w in extra if w}
        self.window = int(config.get("cooccurrence", {}).get("window", 5))
        stemmer = Stemmer.Stemmer("english")
        self.vocab = Vocab(self.stopwords, Lexicon(config, stemmer.stemWord))
        self.boiler = boilerplate_regex(text.get("boilerplate", []))
        self.sources = {}  # id -> dict(documents, sentences, surface counts)
        self.buffers = {}  # source id -> flat list of word ids not yet counted
        self.pair_keys = []  # [(keys, counts)] partially reduced
        self.pair_len = 0
        self.bytes = 0

    def add_file(self, source, path):
        with open(path, "rb") as f:
            data = f.read()
        self.bytes += len(data)
        if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return  # binary
        text = self.clean(decode(data))
        ids = list(map(self.vocab.__getitem__, TOKEN_RE.findall(text)))
        ids.append(0)  # a document ends a sentence
        src = self.sources.get(source)
        if src is None:
            src = self.sources[source] = {"documents": 0, "surface": np.zeros(0, np.int64)}
            self.buffers[source] = []
        src["documents"] += 1
        self.buffers[source].extend(ids)
        if len(self.buffers[source]) >= self.FLUSH:
            self.flush(source)

    def clean(self, text):
        """Decoded text -> text with BREAK at every sentence end."""
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not text.isascii():
            if not unicodedata.is_normalized("NFC", text):
                text = unicodedata.normalize("NFC", text)
            if "\u2013" in text:
                text = EN_DASH_RE.sub("-", text)
        text = FOLD_RE.sub(lambda m: FOLD[ord(m.group())] or "", text)
        if self.boiler is not None:
            text = self.boiler.sub("", text)
        if "://" in text or "www." in text or "@" in text:
            text = remove_urls(text)
        return SENT_RE.sub(" \x00 ", join_lines(text))

    def flush(self, source):
        if not self.buffers[source]:
            return
        ids = np.array(self.buffers[source], dtype=np.int64)
        self.buffers[source] = []
        src = self.sources[source]
        counts = np.bincount(ids, minlength=len(self.vocab.surfaces))
        if len(src["surface"]) < len(counts):
            src["surface"] = np.concatenate(
                [src["surface"], np.zeros(len(counts) - len(src["surface"]), np.int64)]
            )
        src["surface"][: len(counts)] += counts
        # Content stems with their sentence number; pairs within `window`.
        sentence = np.cumsum(ids == 0)
        stems = self.vocab.stem_of[ids]
        keep = stems >= 0
        stems, sentence = stems[keep], sentence[keep]
        keys = []
        for d in range(1, self.window + 1):
            a, b = stems[:-d], stems[d:]
            ok = (sentence[:-d] == sentence[d:]) & (a != b)
            a, b = a[ok], b[ok]
            keys.append((np.minimum(a, b) << 32) | np.maximum(a, b))
        keys, n = np.unique(np.concatenate(keys), return_counts=True)
        self.pair_keys.append((keys, n))
        self.pair_len += len(keys)
        if self.pair_len > 8_000_000:
            self.reduce_pairs()

    def reduce_pairs(self):
        if len(self.pair_keys) > 1:
            keys = np.concatenate([k for k, _ in self.pair_keys])
            n = np.concatenate([c for _, c in self.pair_keys])
            keys, inverse = np.unique(keys, return_inverse=True)
            n = np.bincount(inverse, weights=n).astype(np.int64)
            self.pair_keys = [(keys, n)]
            self.pair_len = len(keys)

    def finish(self):
        """Plain-data result (strings, not ids), so shares can be merged."""
        for s in self.sources:
            self.flush(s)
        self.reduce_pairs()
        v = self.vocab
        nv = len(v.surfaces)
        is_word = v.is_word[:nv]
        stem_of = v.stem_of[:nv]
        masks = np.array(v.matches, dtype=np.int64)
        sources = {}
        for s, src in self.sources.items():
            c = np.zeros(nv, np.int64)
            c[: len(src["surface"])] = src["surface"]
            content = stem_of >= 0
            stem_counts = np.bincount(stem_of[content], weights=c[content], minlength=len(v.stem_list))
            form_counts = Counter()
            for i in np.nonzero(c * content)[0]:
                form_counts[v.forms[i]] += int(c[i])
            hits = [int(c[(masks >> k) & 1 == 1].sum()) for k in range(len(v.lexicon.lists))]
            sources[s] = {
                "documents": src["documents"],
                "words": int(c[is_word == 1].sum()),
                "tokens": int(c[content].sum()),
                "stems": {v.stem_list[i]: int(n) for i, n in enumerate(stem_counts) if n},
                "forms": dict(form_counts),
                "hits": dict(zip([name for name, _ in v.lexicon.lists], hits)),
            }
        if self.pair_keys:
            keys, n = self.pair_keys[0]
        else:
            keys, n = np.zeros(0, np.int64), np.zeros(0, np.int64)
        # Pair keys stay numeric (stem ids of this share) with the stem table
        # to translate them: merging shares is then exact and vectorised.
        pairs = (list(v.stem_list), keys, n)
        return {"sources": sources, "pairs": pairs, "bytes": self.bytes}


def run_share(args):
    config, share = args
    counts = Counts(config)
    for source, path in share:
        counts.add_file(source, path)
    return counts.finish()


def merge(results):
    out = {"sources": {}, "bytes": 0}
    stem_ids = {}
    all_keys, all_counts = [], []
    for r in results:
        out["bytes"] += r["bytes"]
        stem_list, keys, n = r["pairs"]
        remap = np.array([stem_ids.setdefault(st, len(stem_ids)) for st in stem_list] or [0], dtype=np.int64)
        a, b = remap[keys >> 32], remap[keys & 0xFFFFFFFF]
        all_keys.append((np.minimum(a, b) << 32) | np.maximum(a, b))
        all_counts.append(n)
        for s, src in r["sources"].items():
            m = out["sources"].setdefault(
                s, {"documents": 0, "words": 0, "tokens": 0, "stems": Counter(), "forms": Counter(), "hits": Counter()}
            )
            for k in ("documents", "words", "tokens"):
                m[k] += src[k]
            for k in ("stems", "forms", "hits"):
                m[k].update(src[k])
    keys = np.concatenate(all_keys)
    counts = np.concatenate(all_counts)
    if len(results) > 1:
        keys, inverse = np.unique(keys, return_inverse=True)
        counts = np.bincount(inverse, weights=counts).astype(np.int64)
    out["pairs"] = (list(stem_ids), keys, counts)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", default="config.toml")
    ap.add_argument("--input", help="folder of articles (default: the config's `input`)")
    ap.add_argument("--workers", type=int, default=1, help="processes (multiprocessing)")
    ap.add_argument("--out", help="write the result JSON here")
    ap.add_argument("--top", type=int, default=200, help="length of the top-terms and top-pairs lists written")
    args = ap.parse_args()
    started = time.perf_counter()
    with open(args.config, "rb") as f:
        config = tomllib.load(f)
    input_dir = args.input or os.path.join(os.path.dirname(os.path.abspath(args.config)), config.get("input", "input"))
    sources = discover(input_dir, config.get("extensions", ["txt", "md"]))
    files = [(s, p) for s, paths in sources for p in paths]
    if args.workers <= 1:
        results = [run_share((config, files))]
    else:
        import multiprocessing as mp

        # Byte-balanced shares, largest files first.
        shares = [[] for _ in range(args.workers)]
        load = [0] * args.workers
        for s, p in sorted(files, key=lambda f: -os.path.getsize(f[1])):
            k = load.index(min(load))
            shares[k].append((s, p))
            load[k] += os.path.getsize(p)
        with mp.Pool(args.workers) as pool:
            results = pool.map(run_share, [(config, sh) for sh in shares if sh])
    merged = merge(results)
    corpus_stems = Counter()
    corpus_forms = Counter()
    report_sources = []
    for s, src in sorted(merged["sources"].items()):
        corpus_stems.update(src["stems"])
        corpus_forms.update(src["forms"])
        report_sources.append(
            {
                "id": s,
                "documents": src["documents"],
                "words": src["words"],
                "tokens": src["tokens"],
                "types": len(src["stems"]),
                "themes": dict(src["hits"]),
            }
        )
    top_terms = sorted(corpus_stems.items(), key=lambda kv: (-kv[1], kv[0]))[: args.top]
    stem_list, keys, counts = merged["pairs"]
    # Candidates: every pair with a count >= the top-th largest (ties resolved by name).
    if len(counts) > args.top:
        cut = np.partition(counts, len(counts) - args.top)[len(counts) - args.top]
        chosen = np.nonzero(counts >= cut)[0]
    else:
        chosen = np.arange(len(counts))
    candidates = []
    for i in chosen:
        a, b = stem_list[int(keys[i]) >> 32], stem_list[int(keys[i]) & 0xFFFFFFFF]
        candidates.append(((a, b) if a <= b else (b, a), int(counts[i])))
    top_pairs = sorted(candidates, key=lambda kv: (-kv[1], kv[0]))[: args.top]
    elapsed = time.perf_counter() - started
    words = sum(s["words"] for s in report_sources)
    result = {
        "program": "bench/baseline.py",
        "workers": args.workers,
        "input": input_dir,
        "bytes": merged["bytes"],
        "seconds": elapsed,
        "sources": report_sources,
        "corpus": {
            "documents": sum(s["documents"] for s in report_sources),
            "words": words,
            "tokens": sum(s["tokens"] for s in report_sources),
            "types": len(corpus_stems),
            "top_terms": [{"stem": k, "count": n} for k, n in top_terms],
            "cooccurrence": [{"a": a, "b": b, "count": n} for (a, b), n in top_pairs],
        },
    }
    text = json.dumps(result, indent=1, ensure_ascii=False)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    print(
        f"baseline: {merged['bytes'] / 1e6:.1f} MB, {words} words in {elapsed:.2f} s "
        f"({merged['bytes'] / 1e6 / elapsed:.2f} MB/s, {args.workers} worker(s))",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
