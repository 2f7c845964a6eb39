// File: analyzer.h
// -----------------------------------------------------------------------------
// Turns text into index terms: ICU word segmentation (UAX #29) over the UTF-8
// bytes, Arabic normalization of each word (normalizer.h), stopword removal
// (stopwords.h) and light stemming (stemmer.h). Every token keeps
//   - `term`: the normalized, unstemmed form (what a quoted phrase matches),
//   - `stem()`: its light stem, a substring of `term` (what plain words match),
//   - its position (stopwords leave a gap) and byte offsets into the ORIGINAL
//     text, diacritics and tatweel included, so highlights land exactly.
//
//   Analyzer analyzer;
//   std::vector<Token> tokens = analyzer.Analyze("تُعد وحدات GPU");
//   // {"تعد", 0, 0, 8}, {"وحدات" stem "وحد", 1, 9, 19}, {"gpu", 2, 20, 23}
//
// Thread-safe. Segmentation is segmenter.h (ICU's word boundaries, with a
// fast path for Arabic and Latin text).
#ifndef KHABAR_QUERY_SERVICE_ANALYSIS_ANALYZER_H_
#define KHABAR_QUERY_SERVICE_ANALYSIS_ANALYZER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "query_service/analysis/normalizer.h"

namespace khabar::analysis {

struct Token {
  std::string term;         // normalized form
  uint32_t position;        // 0-based word position
  uint32_t begin;           // byte offset of the word's first byte in the original text
  uint32_t end;             // byte offset one past its last byte
  uint16_t stem_begin = 0;  // the stem is term[stem_begin, stem_end)
  uint16_t stem_end = 0;
  bool stopword = false;    // set when stopwords are kept (remove_stopwords false)

  absl::string_view stem() const {
    return absl::string_view(term).substr(stem_begin, stem_end - stem_begin);
  }
};

// A token seen through ForEachToken: views valid only during the callback.
struct TokenRef {
  absl::string_view term;  // normalized form
  absl::string_view stem;  // a substring of `term`
  uint32_t position = 0;
  uint32_t begin = 0;  // byte offsets into the original text
  uint32_t end = 0;
  bool stopword = false;
};

using TokenCallback = absl::FunctionRef<void(const TokenRef&)>;

struct AnalyzerOptions {
  NormalizerOptions normalizer;
  // Stopwords are kept by default (and marked): searches weight them low,
  // phrases need them, and queries made mostly of them still find something.
  bool remove_stopwords = false;
  bool stem = true;
  // Words longer than this many bytes (after normalization) are dropped:
  // base64 blobs and URLs glued together are not search terms.
  size_t max_term_bytes = 128;
};

class Analyzer {
 public:
  explicit Analyzer(AnalyzerOptions options = {}) : options_(options) {}

  // Calls `on_token` for each token of `text` (well-formed UTF-8), numbering
  // positions from `first_position`; returns the position after the last
  // token. The hot path: no allocation per token.
  uint32_t ForEachToken(absl::string_view text, uint32_t first_position,
                        TokenCallback on_token) const;

  // Appends the tokens of `text` (well-formed UTF-8) to `*tokens`, numbering
  // positions from `first_position`. Returns the position after the last token.
  uint32_t AnalyzeTo(absl::string_view text, uint32_t first_position,
                     std::vector<Token>* tokens) const;

  // The stem a token with this normalized `term` gets (Token::stem()): the
  // term itself for a stopword, with stemming off, or when the light stem
  // would be a two-letter stopword and no particle-less stem will do
  // (analyzer.cc, StemOf).
  absl::string_view StemOfTerm(absl::string_view term) const;

  std::vector<Token> Analyze(absl::string_view text) const {
    std::vector<Token> tokens;
    AnalyzeTo(text, 0, &tokens);
    return tokens;
  }

  const AnalyzerOptions& options() const { return options_; }

 private:
  // StemOfTerm for a term already known to be a stopword or not.
  absl::string_view StemOf(absl::string_view term, bool stopword) const;

  AnalyzerOptions options_;
};

}  // namespace khabar::analysis

#endif  // KHABAR_QUERY_SERVICE_ANALYSIS_ANALYZER_H_
