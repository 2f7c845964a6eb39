#include "query_service/analysis/analyzer.h"

#include "query_service/analysis/segmenter.h"
#include "query_service/analysis/stemmer.h"
#include "query_service/analysis/stopwords.h"

namespace khabar::analysis {

uint32_t Analyzer::ForEachToken(absl::string_view text, uint32_t first_position,
                                TokenCallback on_token) const {
  uint32_t position = first_position;
  // One buffer per thread, reused for every word: no allocation per token.
  thread_local std::string term;
  ForEachWord(text, [&](uint32_t begin, uint32_t end) {
    term.clear();
    NormalizeWordTo(text.substr(begin, end - begin), options_.normalizer, &term);
    if (term.empty() || term.size() > options_.max_term_bytes) return;
    TokenRef token;
    token.term = term;
    if (IsStopword(term)) {
      if (options_.remove_stopwords) {
        ++position;  // a gap, so phrases do not match across the removed word
        return;
      }
      token.stopword = true;
    }
    // Function words are not stemmed: "الي" (إلى) is not "ال" plus a suffix.
    const StemRange stem = options_.stem && !token.stopword
                               ? LightStem(term)
                               : StemRange{0, static_cast<uint32_t>(term.size())};
    token.stem = token.term.substr(stem.begin, stem.end - stem.begin);
    token.position = position++;
    token.begin = begin;
    token.end = end;
    on_token(token);
  });
  return position;
}

absl::string_view Analyzer::StemOfTerm(absl::string_view term) const {
  if (!options_.stem || IsStopword(term)) return term;
  const StemRange stem = LightStem(term);
  return term.substr(stem.begin, stem.end - stem.begin);
}

uint32_t Analyzer::AnalyzeTo(absl::string_view text, uint32_t first_position,
                             std::vector<Token>* tokens) const {
  return ForEachToken(text, first_position, [tokens](const TokenRef& t) {
    Token token;
    token.term = std::string(t.term);
    token.position = t.position;
    token.begin = t.begin;
    token.end = t.end;
    token.stem_begin = static_cast<uint16_t>(t.stem.data() - t.term.data());
    token.stem_end = static_cast<uint16_t>(token.stem_begin + t.stem.size());
    token.stopword = t.stopword;
    tokens->push_back(std::move(token));
  });
}

}  // namespace khabar::analysis
