#include "query_service/search/snippets.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/base/utf8.h"

namespace khabar::search {

absl::Status ValidateSnippetOptions(const SnippetOptions& options) {
  if (options.max_snippets < 0 || options.max_snippets > SnippetOptions::kMaxSnippets) {
    return absl::InvalidArgumentError(absl::StrCat("highlight.max_snippets must be in [0, ",
                                                   SnippetOptions::kMaxSnippets, "], got ",
                                                   options.max_snippets));
  }
  if (options.snippet_words < 0 || options.snippet_words > SnippetOptions::kMaxSnippetWords) {
    return absl::InvalidArgumentError(absl::StrCat(
        "highlight.snippet_words must be in [0, ", SnippetOptions::kMaxSnippetWords,
        "] (0 = default), got ", options.snippet_words));
  }
  if (options.pre_tag.size() > SnippetOptions::kMaxTagBytes) {
    return absl::InvalidArgumentError(absl::StrCat("highlight.pre_tag is ", options.pre_tag.size(),
                                                   " bytes; the limit is ",
                                                   SnippetOptions::kMaxTagBytes));
  }
  if (options.post_tag.size() > SnippetOptions::kMaxTagBytes) {
    return absl::InvalidArgumentError(absl::StrCat("highlight.post_tag is ",
                                                   options.post_tag.size(), " bytes; the limit is ",
                                                   SnippetOptions::kMaxTagBytes));
  }
  return absl::OkStatus();
}

absl::string_view SnippetFieldName(SnippetField field) {
  return field == SnippetField::kTitle ? "title" : "body";
}

int32_t Utf16Length(absl::string_view text) {
  int32_t units = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++units;  // a lead byte starts a code point
    if (c >= 0xF0) ++units;           // 4-byte sequences are surrogate pairs
  }
  return units;
}

std::string MarkText(absl::string_view text, const std::vector<Highlight>& highlights,
                     absl::string_view pre, absl::string_view post) {
  std::string out;
  out.reserve(text.size() + highlights.size() * (pre.size() + post.size()));
  size_t at = 0;
  for (const Highlight& h : highlights) {
    out.append(text.data() + at, h.byte_begin - at);
    out.append(pre.data(), pre.size());
    out.append(text.data() + h.byte_begin, h.byte_end - h.byte_begin);
    out.append(post.data(), post.size());
    at = h.byte_end;
  }
  out.append(text.data() + at, text.size() - at);
  return out;
}

namespace {

// Query terms grouped by what they match: one group per distinct stem (plain
// words) or exact form (phrase words). A window's score counts groups.
class TermMatcher {
 public:
  explicit TermMatcher(const std::vector<HighlightTerm>& terms) {
    bool all_stopwords = true;
    for (const HighlightTerm& t : terms) all_stopwords &= t.stopword || t.stem.empty();
    for (const HighlightTerm& t : terms) {
      if (t.stem.empty() || (t.stopword && !all_stopwords)) continue;
      if (t.phrase_part && t.exact.empty()) continue;
      const std::string key = t.phrase_part ? index::ExactKey(t.exact) : t.stem;
      auto [it, inserted] = group_of_key_.try_emplace(key, static_cast<int>(weights_.size()));
      if (inserted) weights_.push_back(0);
      const int group = it->second;
      weights_[group] = std::max(weights_[group], t.weight > 0 ? t.weight : 1.0);
      if (!t.phrase_part) stems_.try_emplace(t.stem, group);
      if (!t.exact.empty()) exacts_.try_emplace(t.exact, group);
    }
  }

  bool empty() const { return weights_.empty(); }
  size_t groups() const { return weights_.size(); }
  double weight(int group) const { return weights_[group]; }

  // The group `term`/`stem` matches, or -1; *exact tells whether by exact form.
  int Match(absl::string_view term, absl::string_view stem, bool* exact) const {
    if (auto it = exacts_.find(term); it != exacts_.end()) {
      *exact = true;
      return it->second;
    }
    *exact = false;
    if (auto it = stems_.find(stem); it != stems_.end()) return it->second;
    return -1;
  }

 private:
  absl::flat_hash_map<std::string, int> group_of_key_;
  absl::flat_hash_map<std::string, int> stems_;
  absl::flat_hash_map<std::string, int> exacts_;
  std::vector<double> weights_;
};

struct Tok {
  uint32_t begin;
  uint32_t end;
  uint32_t position;
  int group;  // -1: not a query term
  bool exact;
};

// Tokenizes `text` into `*toks` (appending); drops a last token that touches
// `cut` when the text was cut there (it may be half a word).
void Tokenize(const analysis::Analyzer& analyzer, const TermMatcher& matcher,
              absl::string_view text, bool was_cut, std::vector<Tok>* toks) {
  const size_t first = toks->size();
  analyzer.ForEachToken(text, 0, [&](const analysis::TokenRef& t) {
    bool exact = false;
    const int group = matcher.Match(t.term, t.stem, &exact);
    toks->push_back({t.begin, t.end, t.position, group, exact});
  });
  if (was_cut && toks->size() > first && toks->back().end == text.size()) toks->pop_back();
}

bool IsSpaceAt(absl::string_view text, size_t pos) {
  size_t p = pos;
  const char32_t c = base::DecodeUtf8(text, &p);
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
         c == 0xA0 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x3000;
}

// Start of the code point that ends just before `pos`.
size_t PrevCodePoint(absl::string_view text, size_t pos) {
  --pos;
  while (pos > 0 && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) --pos;
  return pos;
}

// Highlights of the matching tokens in [from, to) of `toks`, relative to
// byte `base` of `text`, with their UTF-16 offsets.
std::vector<Highlight> MakeHighlights(absl::string_view text, size_t base,
                                      const std::vector<Tok>& toks, size_t from, size_t to) {
  std::vector<Highlight> out;
  size_t at = base;
  int32_t units = 0;
  for (size_t i = from; i < to; ++i) {
    const Tok& t = toks[i];
    if (t.group < 0) continue;
    Highlight h;
    units += Utf16Length(text.substr(at, t.begin - at));
    h.byte_begin = static_cast<int32_t>(t.begin - base);
    h.utf16_begin = units;
    units += Utf16Length(text.substr(t.begin, t.end - t.begin));
    h.byte_end = static_cast<int32_t>(t.end - base);
    h.utf16_end = units;
    h.exact = t.exact;
    at = t.end;
    out.push_back(h);
  }
  return out;
}

// A candidate passage: matches toks[first..last] of one paragraph.
struct Window {
  double weight;     // sum of the weights of the distinct groups in it
  uint32_t matches;  // matching tokens in it
  size_t para;       // index into the scanned paragraphs
  size_t first;      // token indices (into the paragraph's range of `toks`)
  size_t last;
};

struct ScannedParagraph {
  absl::string_view text;  // as scanned (a prefix when the budget ran out)
  bool cut;                // the budget ended inside this paragraph
  size_t tok_begin;        // its tokens are toks[tok_begin, tok_end)
  size_t tok_end;
};

// Token range [s, e] (inclusive, absolute indices) around the matches
// [first, last], `words` positions wide, within [lo, hi].
std::pair<size_t, size_t> Expand(const std::vector<Tok>& toks, size_t first, size_t last,
                                 size_t lo, size_t hi, uint32_t words) {
  const uint32_t span = toks[last].position - toks[first].position + 1;
  const uint32_t before = span >= words ? 0 : (words - span) / 2;
  size_t s = first, e = last;
  while (s > lo && toks[first].position - toks[s - 1].position <= before) --s;
  while (e < hi && toks[e + 1].position - toks[s].position < words) ++e;
  while (s > lo && toks[e].position - toks[s - 1].position < words) --s;  // room left at the end
  return {s, e};
}

Snippet CutPassage(const ScannedParagraph& para, size_t para_index, const std::vector<Tok>& toks,
                   size_t s, size_t e, bool with_highlights) {
  const absl::string_view text = para.text;
  size_t begin, end;
  Snippet snippet;
  snippet.field = SnippetField::kBody;
  snippet.paragraph = static_cast<int32_t>(para_index);
  if (s == para.tok_begin) {
    begin = 0;
  } else {
    // Keep punctuation glued to the first word («, "), stop at a space.
    begin = toks[s].begin;
    const size_t floor = toks[s - 1].end;
    while (begin > floor && !IsSpaceAt(text, PrevCodePoint(text, begin))) {
      begin = PrevCodePoint(text, begin);
    }
    snippet.truncated_start = true;
  }
  if (e + 1 == para.tok_end && !para.cut) {
    end = text.size();
  } else {
    // Keep punctuation glued to the last word (، . » ...), stop at a space.
    end = toks[e].end;
    const size_t ceiling = e + 1 < para.tok_end ? toks[e + 1].begin : text.size();
    while (end < ceiling && !IsSpaceAt(text, end)) {
      size_t p = end;
      base::DecodeUtf8(text, &p);
      end = p;
    }
    snippet.truncated_end = true;
  }
  snippet.text = std::string(text.substr(begin, end - begin));
  if (with_highlights) snippet.highlights = MakeHighlights(text, begin, toks, s, e + 1);
  return snippet;
}

}  // namespace

namespace {

// The longest prefix of `text` of at most `limit` bytes that ends on a code
// point boundary.
size_t PrefixBytes(absl::string_view text, size_t limit) {
  size_t take = std::min(text.size(), limit);
  while (take < text.size() && take > 0 && (static_cast<unsigned char>(text[take]) & 0xC0) == 0x80) {
    --take;
  }
  return take;
}

std::vector<Highlight> HighlightPrefix(const analysis::Analyzer& analyzer,
                                       const TermMatcher& matcher, absl::string_view text,
                                       size_t limit) {
  if (matcher.empty() || text.empty()) return {};
  const size_t take = PrefixBytes(text, limit);
  std::vector<Tok> toks;
  Tokenize(analyzer, matcher, text.substr(0, take), take < text.size(), &toks);
  return MakeHighlights(text, 0, toks, 0, toks.size());
}

}  // namespace

std::vector<Highlight> HighlightText(const analysis::Analyzer& analyzer, absl::string_view text,
                                     const std::vector<HighlightTerm>& terms) {
  return HighlightPrefix(analyzer, TermMatcher(terms), text, text.size());
}

DocumentHighlights MakeSnippets(const analysis::Analyzer& analyzer, const index::Document& doc,
                                const std::vector<HighlightTerm>& terms,
                                const SnippetOptions& options) {
  DocumentHighlights out;
  const TermMatcher matcher(terms);
  // Titles are short; the bound only guards against a pathological one.
  out.title_highlights = HighlightPrefix(analyzer, matcher, doc.title, options.max_scan_bytes);
  if (options.max_snippets <= 0) return out;
  const uint32_t words = options.snippet_words > 0 ? options.snippet_words : 30;

  // Tokenize the body up to the scan budget.
  std::vector<Tok> toks;
  std::vector<ScannedParagraph> paras;
  size_t budget = options.max_scan_bytes;
  bool have_lead = false;
  for (const std::string& p : doc.paragraphs) {
    if (budget == 0) break;
    const size_t take = PrefixBytes(p, budget);
    budget -= std::min(budget, std::max<size_t>(take, 1));
    ScannedParagraph sp{absl::string_view(p).substr(0, take), take < p.size(), toks.size(), 0};
    // Without query terms only the lead is needed.
    if (!matcher.empty() || !have_lead) Tokenize(analyzer, matcher, sp.text, sp.cut, &toks);
    sp.tok_end = toks.size();
    have_lead |= sp.tok_end > sp.tok_begin;
    paras.push_back(sp);
  }

  // Candidate windows: one starting at each matching token, as long as
  // `words` positions allow, scored by distinct groups then matches.
  std::vector<Window> windows;
  std::vector<uint32_t> in_window(matcher.groups(), 0);
  for (size_t pi = 0; pi < paras.size(); ++pi) {
    std::vector<size_t> matches;
    for (size_t i = paras[pi].tok_begin; i < paras[pi].tok_end; ++i) {
      if (toks[i].group >= 0) matches.push_back(i);
    }
    size_t j = 0;  // matches[i, j) are in the window starting at matches[i]
    for (size_t i = 0; i < matches.size(); ++i) {
      const uint32_t start = toks[matches[i]].position;
      while (j < matches.size() && toks[matches[j]].position - start < words) {
        ++in_window[toks[matches[j]].group];
        ++j;
      }
      // Summed afresh (queries have few groups) so equal sets score equal.
      double weight = 0;
      for (size_t g = 0; g < in_window.size(); ++g) {
        if (in_window[g] > 0) weight += matcher.weight(static_cast<int>(g));
      }
      windows.push_back({weight, static_cast<uint32_t>(j - i), pi, matches[i], matches[j - 1]});
      --in_window[toks[matches[i]].group];
    }
  }
  std::stable_sort(windows.begin(), windows.end(), [](const Window& a, const Window& b) {
    if (a.weight != b.weight) return a.weight > b.weight;
    return a.matches > b.matches;  // stable: earlier first on ties
  });

  // Greedy: best windows whose matches do not overlap a passage already
  // taken; each is widened to `words` positions without overlapping either.
  struct Taken {
    size_t para, s, e;
  };
  std::vector<Taken> taken;
  for (const Window& w : windows) {
    if (taken.size() >= static_cast<size_t>(options.max_snippets)) break;
    size_t lo = paras[w.para].tok_begin, hi = paras[w.para].tok_end - 1;
    bool overlaps = false;
    for (const Taken& t : taken) {
      if (t.para != w.para) continue;
      if (w.first <= t.e && t.s <= w.last) {
        overlaps = true;
        break;
      }
      if (t.e < w.first) lo = std::max(lo, t.e + 1);
      if (t.s > w.last) hi = std::min(hi, t.s - 1);
    }
    if (overlaps) continue;
    auto [s, e] = Expand(toks, w.first, w.last, lo, hi, words);
    taken.push_back({w.para, s, e});
  }
  std::sort(taken.begin(), taken.end(), [](const Taken& a, const Taken& b) {
    return std::tie(a.para, a.s) < std::tie(b.para, b.s);
  });
  for (const Taken& t : taken) {
    out.snippets.push_back(CutPassage(paras[t.para], t.para, toks, t.s, t.e, true));
  }

  if (out.snippets.empty()) {
    // No match in the scanned body: the lead (news puts the story there), or
    // the title when there is no body text.
    for (size_t pi = 0; pi < paras.size(); ++pi) {
      const ScannedParagraph& p = paras[pi];
      if (p.tok_begin == p.tok_end) continue;
      auto [s, e] = Expand(toks, p.tok_begin, p.tok_begin, p.tok_begin, p.tok_end - 1, words);
      out.snippets.push_back(CutPassage(p, pi, toks, s, e, false));
      break;
    }
    if (out.snippets.empty() && !doc.title.empty()) {
      Snippet title;
      title.text = doc.title;
      title.field = SnippetField::kTitle;
      title.highlights = out.title_highlights;
      out.snippets.push_back(std::move(title));
    }
  }
  if (!options.pre_tag.empty() || !options.post_tag.empty()) {
    for (Snippet& s : out.snippets) {
      s.marked_text = MarkText(s.text, s.highlights, options.pre_tag, options.post_tag);
    }
  }
  return out;
}

}  // namespace khabar::search
