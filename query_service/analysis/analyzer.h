// File: analyzer.h
// -----------------------------------------------------------------------------
// Turns text into index terms: ICU word segmentation (UAX #29) over the UTF-8
// bytes, then Arabic normalization of each word (normalizer.h). Every token
// keeps its position and its byte offsets into the ORIGINAL text, diacritics
// and tatweel included, so highlights land on exactly what the user sees.
//
//   Analyzer analyzer;
//   std::vector<Token> tokens = analyzer.Analyze("تُعد وحدات GPU");
//   // {"تعد", 0, 0, 8}, {"وحدات", 1, 9, 19}, {"gpu", 2, 20, 23}
//
// Thread-safe: each thread uses its own ICU break iterator.
#ifndef KHABAR_QUERY_SERVICE_ANALYSIS_ANALYZER_H_
#define KHABAR_QUERY_SERVICE_ANALYSIS_ANALYZER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "query_service/analysis/normalizer.h"

namespace khabar::analysis {

struct Token {
  std::string term;   // normalized form
  uint32_t position;  // 0-based word position
  uint32_t begin;     // byte offset of the word's first byte in the original text
  uint32_t end;       // byte offset one past its last byte
};

struct AnalyzerOptions {
  NormalizerOptions normalizer;
  // Words longer than this many bytes (after normalization) are dropped:
  // base64 blobs and URLs glued together are not search terms.
  size_t max_term_bytes = 128;
};

class Analyzer {
 public:
  explicit Analyzer(AnalyzerOptions options = {}) : options_(options) {}

  // Appends the tokens of `text` (well-formed UTF-8) to `*tokens`, numbering
  // positions from `first_position`. Returns the position after the last token.
  uint32_t AnalyzeTo(absl::string_view text, uint32_t first_position,
                     std::vector<Token>* tokens) const;

  std::vector<Token> Analyze(absl::string_view text) const {
    std::vector<Token> tokens;
    AnalyzeTo(text, 0, &tokens);
    return tokens;
  }

  const AnalyzerOptions& options() const { return options_; }

 private:
  AnalyzerOptions options_;
};

}  // namespace khabar::analysis

#endif  // KHABAR_QUERY_SERVICE_ANALYSIS_ANALYZER_H_
