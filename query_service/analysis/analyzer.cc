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
    token.stem = StemOf(token.term, token.stopword);
    token.position = position++;
    token.begin = begin;
    token.end = end;
    on_token(token);
  });
  return position;
}

absl::string_view Analyzer::StemOfTerm(absl::string_view term) const {
  return StemOf(term, IsStopword(term));
}

absl::string_view Analyzer::StemOf(absl::string_view term, bool stopword) const {
  // Function words are not stemmed: "الي" (إلى) is not "ال" plus a suffix.
  if (!options_.stem || stopword) return term;
  auto stem_of = [&](bool particles) {
    const StemRange range = LightStem(term, particles);
    return term.substr(range.begin, range.end - range.begin);
  };
  const absl::string_view stem = stem_of(true);
  // Nor is a word cut down to a two-letter function word: الفيه (ال + في
  // + ه) would match every في, the preposition, in nearly every article;
  // الله is not له, الام not ام. (Longer ones stay: وذلك is ذلك.) The
  // stem without a particle prefix is tried first (كلمه: كلم, not لم)
  // when it is longer than the refused one and no function word itself;
  // else the word stays whole (الفيه; وفيه, whose backoff وف is no
  // longer). Known over-stem: الولايات backs off to ولا, not a stopword.
  if (stem.size() == term.size() || stem.size() > 4 || !IsStopword(stem)) return stem;
  const absl::string_view backoff = stem_of(false);
  return backoff.size() > stem.size() && !IsStopword(backoff) ? backoff : term;
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
