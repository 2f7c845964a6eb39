#include "query_service/search/fuzzy.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/utf8.h"

namespace khabar::search {
namespace {

constexpr char32_t kAlef = 0x0627;
constexpr char32_t kHamza = 0x0621;
constexpr char32_t kYeh = 0x064A;
constexpr char32_t kHeh = 0x0647;
constexpr char32_t kKaf = 0x0643;

// Every code point FoldVariant maps elsewhere, with its class.
constexpr std::pair<char32_t, char32_t> kVariants[] = {
    {0x0623, kAlef},   // أ
    {0x0625, kAlef},   // إ
    {0x0622, kAlef},   // آ
    {0x0671, kAlef},   // ٱ alef wasla
    {0x0672, kAlef},   // ٲ wavy hamza above
    {0x0673, kAlef},   // ٳ wavy hamza below
    {0x0624, kHamza},  // ؤ hamza on waw
    {0x0626, kHamza},  // ئ hamza on yeh
    {0x0649, kYeh},    // ى alef maksura
    {0x06CC, kYeh},    // ی Farsi yeh
    {0x0629, kHeh},    // ة teh marbuta
    {0x06A9, kKaf},    // ک keheh
};

// Leading articles, longest first (normalized: the alef is bare).
constexpr absl::string_view kArticles[] = {"وال", "بال", "فال", "كال", "لل", "ال"};

bool HasDigit(absl::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c); });
}

template <typename T>
const T& As(const QueryNode& q) {
  return static_cast<const T&>(q);
}

class Resolver {
 public:
  Resolver(const index::IndexSnapshot& index, const TypoOptions& typo)
      : index_(index), typo_(typo) {}

  // `typo_on`: request-level typo tolerance applies in this subtree (not in
  // excluded parts).
  Query Resolve(const Query& query, bool typo_on) {
    const QueryNode& q = *query;
    bool changed = false;
    auto children =
        [&](const std::vector<Query>& in,
            const absl::flat_hash_set<std::pair<std::string, FieldScope>>* phrase_words) {
          std::vector<Query> out;
          for (const Query& c : in) {
            bool on = typo_on;
            if (phrase_words != nullptr && c->op() == QueryNode::Op::kTerm) {
              const auto& t = As<TermNode>(*c);
              // A quoted phrase's words, added beside it as optional terms, stay exact.
              if (phrase_words->contains({t.word().term, t.scope()})) on = false;
            }
            out.push_back(Resolve(c, on));
            changed = changed || out.back() != c;
          }
          return out;
        };
    switch (q.op()) {
      case QueryNode::Op::kTerm:
        return ResolveTerm(query, As<TermNode>(q), typo_on);
      case QueryNode::Op::kAnd: {
        std::vector<Query> c = children(As<AndNode>(q).children(), nullptr);
        return changed ? std::make_shared<AndNode>(std::move(c)) : query;
      }
      case QueryNode::Op::kOr: {
        const auto& o = As<OrNode>(q);
        absl::flat_hash_set<std::pair<std::string, FieldScope>> phrase_words;
        for (const Query& c : o.children()) {
          if (c->op() != QueryNode::Op::kPhrase) continue;
          const auto& p = As<PhraseNode>(*c);
          for (const QueryWord& w : p.words()) phrase_words.insert({w.term, p.scope()});
        }
        std::vector<Query> c = children(o.children(), &phrase_words);
        return changed ? std::make_shared<OrNode>(std::move(c), o.minimum_match()) : query;
      }
      case QueryNode::Op::kAndMaybe: {
        const auto& m = As<AndMaybeNode>(q);
        Query r = Resolve(m.required(), typo_on);
        Query o = Resolve(m.optional(), typo_on);
        return r == m.required() && o == m.optional() ? query
                                                      : std::make_shared<AndMaybeNode>(r, o);
      }
      case QueryNode::Op::kAndNot: {
        const auto& n = As<AndNotNode>(q);
        // Excluding a word's misspellings too would surprise: `word~` in an
        // exclusion is honoured, request-level tolerance is not.
        Query p = Resolve(n.positive(), typo_on);
        Query m = Resolve(n.negative(), false);
        return p == n.positive() && m == n.negative() ? query : std::make_shared<AndNotNode>(p, m);
      }
      default:
        return query;
    }
  }

 private:
  Query ResolveTerm(const Query& query, const TermNode& t, bool typo_on) {
    const FuzzyExpansion& in = t.fuzzy();
    if (in.resolved) return query;
    const QueryWord& w = t.word();
    const size_t letters = base::CountCodePoints(w.term);
    auto postings = [&](const std::string& key) -> int64_t {
      return index_.Postings(key).size();
    };
    if (!in.requested && (!typo_on || !typo_.enabled || w.stopword || HasDigit(w.term) ||
                          letters > typo_.max_word_letters ||
                          expanded_words_ >= typo_.max_words)) {
      return query;  // before the dictionary lookup: most searches end here
    }
    const int64_t own_df = postings(index::ExactKey(w.term));
    if (!in.requested) {
      if (typo_.max_word_doc_freq > 0 && own_df > typo_.max_word_doc_freq) return query;
      ++expanded_words_;
    }
    FuzzyExpansion out = in;
    out.resolved = true;
    if (in.requested && in.max_edits != FuzzyExpansion::kAuto) {
      out.edits = std::clamp(in.max_edits, 0, 2);
    } else {
      out.edits = MaxEditsForLength(letters, typo_);
      if (in.requested) out.edits = std::max(out.edits, 1);
    }
    struct ByStem {
      std::string form;
      int edits;
      int64_t doc_freq;
      bool word_form;  // `form` is a whole word (not a bare stem)
    };
    absl::flat_hash_map<std::string, ByStem> stems;
    auto add = [&](FuzzyCandidate c, std::string stem, int64_t own_df, bool word_form) {
      // A misspelling is rarer than the word meant: a real edit only leads
      // to a more frequent word; a spelling variant is the same word.
      if (c.edits > 0 && c.doc_freq <= own_df) return;
      if (stem == w.stem) return;
      ByStem next{std::move(c.term), c.edits, c.doc_freq, word_form};
      auto [it, inserted] = stems.try_emplace(std::move(stem), next);
      if (inserted) return;
      // Fewest edits; then a whole word over a bare stem (it reads better in
      // parsed_query), then the more frequent.
      ByStem& b = it->second;
      const int64_t df = std::max(b.doc_freq, next.doc_freq);
      if (std::tie(next.edits, b.word_form, b.doc_freq) <
          std::tie(b.edits, next.word_form, next.doc_freq)) {
        b = std::move(next);
      }
      b.doc_freq = df;
    };
    // The exact forms near the typed word.
    for (FuzzyCandidate& c : FindFuzzyTerms(index_, w.term, out.edits)) {
      std::string stem(index_.analyzer().StemOfTerm(c.term));
      add(std::move(c), std::move(stem), own_df, /*word_form=*/true);
    }
    // The stems near its stem: what the typed word would be indexed under
    // with another article or suffix (stems are short: the bound is the
    // stem's own unless typed).
    int stem_edits = out.edits;
    if (!(in.requested && in.max_edits != FuzzyExpansion::kAuto)) {
      stem_edits = std::min(
          out.edits,
          std::max(MaxEditsForLength(base::CountCodePoints(w.stem), typo_), in.requested ? 1 : 0));
    }
    const int64_t own_stem_df = postings(w.stem);
    for (FuzzyCandidate& c : FindFuzzyTerms(index_, w.stem, stem_edits, FuzzyDictionary::kStems)) {
      std::string stem = c.term;
      add(std::move(c), std::move(stem), own_stem_df, /*word_form=*/false);
    }
    std::vector<std::pair<std::string, ByStem>> sorted(stems.begin(), stems.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      if (a.second.edits != b.second.edits) return a.second.edits < b.second.edits;
      if (a.second.doc_freq != b.second.doc_freq) return a.second.doc_freq > b.second.doc_freq;
      return a.first < b.first;
    });
    out.candidates = static_cast<int64_t>(sorted.size());
    for (size_t i = 0; i < sorted.size() && i < typo_.max_expansions; ++i) {
      auto& [stem, b] = sorted[i];
      out.terms.push_back(
          {std::move(b.form), std::move(stem), b.edits, std::pow(typo_.edit_weight, b.edits)});
    }
    return std::make_shared<TermNode>(w, t.scope(), std::move(out));
  }

  const index::IndexSnapshot& index_;
  const TypoOptions& typo_;
  size_t expanded_words_ = 0;  // by request-level tolerance
};

}  // namespace

char32_t FoldVariant(char32_t c) {
  if (c < 0x0621 || c > 0x06CC) return c;
  for (const auto& [from, to] : kVariants) {
    if (c == from) return to;
  }
  return c;
}

absl::Status ValidateTypoOptions(const TypoOptions& o) {
  if (o.one_typo_min_letters < 1 || o.one_typo_min_letters > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("typo_tolerance.one_typo_min_letters must be in [1, 64] (0 = default 5), got ",
                     o.one_typo_min_letters));
  }
  if (o.two_typos_min_letters < o.one_typo_min_letters || o.two_typos_min_letters > 64) {
    return absl::InvalidArgumentError(absl::StrCat(
        "typo_tolerance.two_typos_min_letters must be in [one_typo_min_letters (",
        o.one_typo_min_letters, "), 64] (0 = default 9), got ", o.two_typos_min_letters));
  }
  return absl::OkStatus();
}

int MaxEditsForLength(size_t letters, const TypoOptions& options) {
  if (letters >= static_cast<size_t>(options.two_typos_min_letters)) return 2;
  if (letters >= static_cast<size_t>(options.one_typo_min_letters)) return 1;
  return 0;
}

FuzzyMatcher::FuzzyMatcher(absl::string_view word, int max_edits) : max_edits_(max_edits) {
  for (size_t pos = 0; pos < word.size();)
    word_.push_back(FoldVariant(base::DecodeUtf8(word, &pos)));
  const size_t cols = word_.size() + 1;
  rows_.assign((word_.size() + static_cast<size_t>(max_edits_) + 1) * cols, 0);
  for (size_t j = 0; j < cols; ++j) Cell(0, j) = static_cast<int>(j);
}

int FuzzyMatcher::Match(absl::string_view term) {
  if (!dead_prefix_.empty() && absl::StartsWith(term, dead_prefix_)) return -1;
  const size_t m = word_.size();
  const size_t k = static_cast<size_t>(max_edits_);
  const size_t max_len = m + k;
  // Decode (folded), remembering where each code point ends for the dead prefix.
  scratch_.clear();
  ends_.clear();
  for (size_t pos = 0; pos < term.size();) {
    if (scratch_.size() == max_len) return -1;  // too long to be within k
    scratch_.push_back(FoldVariant(base::DecodeUtf8(term, &pos)));
    ends_.push_back(pos);
  }
  const size_t n = scratch_.size();
  if (n + k < m) return -1;  // too short

  // Rows 0..lcp are those of the previous term's common prefix.
  size_t lcp = 0;
  const size_t limit = std::min({n, prev_.size(), valid_rows_});
  while (lcp < limit && prev_[lcp] == scratch_[lcp]) ++lcp;

  const int inf = max_edits_ + 1;
  for (size_t i = lcp + 1; i <= n; ++i) {
    ++rows_computed_;
    int* row = &Cell(i, 0);
    const int* up = &Cell(i - 1, 0);
    const int* up2 = i >= 2 ? &Cell(i - 2, 0) : nullptr;
    std::fill(row, row + m + 1, inf);
    const size_t lo = i > k ? i - k : 0;
    const size_t hi = std::min(m, i + k);
    int row_min = inf;
    if (lo == 0) {
      row[0] = static_cast<int>(i);
      row_min = row[0];
    }
    const char32_t c = scratch_[i - 1];
    for (size_t j = std::max<size_t>(lo, 1); j <= hi; ++j) {
      const char32_t w = word_[j - 1];
      int v = up[j - 1] + (c == w ? 0 : 1);
      v = std::min(v, up[j] + 1);
      v = std::min(v, row[j - 1] + 1);
      if (up2 != nullptr && j >= 2 && c == word_[j - 2] && scratch_[i - 2] == w) {
        v = std::min(v, up2[j - 2] + 1);
      }
      row[j] = std::min(v, inf);
      row_min = std::min(row_min, row[j]);
    }
    if (row_min > max_edits_) {
      // Every term starting with these i letters is too far: remember them.
      prev_.assign(scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(i));
      valid_rows_ = i;
      dead_prefix_.assign(term.data(), ends_[i - 1]);
      return -1;
    }
  }
  prev_.assign(scratch_.begin(), scratch_.end());
  valid_rows_ = n;
  dead_prefix_.clear();
  const int d = Cell(n, m);
  return d <= max_edits_ ? d : -1;
}

int ArabicEditDistance(absl::string_view a, absl::string_view b, int max_edits) {
  FuzzyMatcher matcher(a, max_edits);
  const int d = matcher.Match(b);
  return d < 0 ? max_edits + 1 : d;
}

std::vector<FuzzyCandidate> FindFuzzyTerms(const index::IndexSnapshot& index,
                                           absl::string_view word, int max_edits,
                                           FuzzyDictionary dictionary) {
  const size_t skip = dictionary == FuzzyDictionary::kExactForms ? 1 : 0;
  std::vector<FuzzyCandidate> out;
  if (word.empty()) return out;
  // The definite article (with a particle before it) is kept as typed and
  // the first letter after it is the one that must match: otherwise every
  // ال- word of the dictionary would be a candidate. Only whole-word forms
  // carry it; stems never do.
  absl::string_view article;
  if (dictionary == FuzzyDictionary::kExactForms) {
    for (absl::string_view a : kArticles) {
      if (absl::StartsWith(word, a) && base::CountCodePoints(word.substr(a.size())) >= 2) {
        article = a;
        break;
      }
    }
  }
  size_t pos = article.size();
  const char32_t first = FoldVariant(base::DecodeUtf8(word, &pos));
  std::vector<char32_t> firsts = {first};
  for (const auto& [from, to] : kVariants) {
    if (to == first) firsts.push_back(from);
  }
  FuzzyMatcher matcher(word, max_edits);
  std::string prefix;
  for (char32_t f : firsts) {
    prefix.assign(skip, index::kExactMarker);
    prefix.append(article.data(), article.size());
    base::AppendUtf8(f, &prefix);
    index.ForEachTermWithPrefix(prefix, [&](absl::string_view key, int64_t postings) {
      const absl::string_view term = key.substr(skip);
      if (term == word) return true;
      const int d = matcher.Match(term);
      if (d >= 0) {
        out.push_back({std::string(term), d, postings});
      }
      return true;
    });
  }
  return out;
}

Query ResolveFuzzy(const Query& query, const index::IndexSnapshot& index, const TypoOptions& typo) {
  return Resolver(index, typo).Resolve(query, /*typo_on=*/true);
}

}  // namespace khabar::search
