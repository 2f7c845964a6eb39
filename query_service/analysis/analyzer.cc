#include "query_service/analysis/analyzer.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include <memory>

#include "common/base/status_macros.h"
#include "query_service/analysis/stemmer.h"
#include "query_service/analysis/stopwords.h"

namespace khabar::analysis {
namespace {

// One word break iterator per thread: ICU iterators are not thread-safe, and
// creating one costs far more than analysing a short text.
icu::BreakIterator* ThreadWordIterator() {
  thread_local std::unique_ptr<icu::BreakIterator> iterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> it(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    KHABAR_CHECK(U_SUCCESS(status) && it != nullptr);
    return it;
  }();
  return iterator.get();
}

}  // namespace

uint32_t Analyzer::AnalyzeTo(absl::string_view text, uint32_t first_position,
                             std::vector<Token>* tokens) const {
  uint32_t position = first_position;
  if (text.empty()) return position;

  UErrorCode status = U_ZERO_ERROR;
  UText utext = UTEXT_INITIALIZER;
  utext_openUTF8(&utext, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status)) return position;
  icu::BreakIterator* it = ThreadWordIterator();
  it->setText(&utext, status);
  if (U_FAILURE(status)) {
    utext_close(&utext);
    return position;
  }

  // With a UTF-8 UText, boundaries are byte offsets into `text`.
  int32_t begin = it->first();
  for (int32_t end = it->next(); end != icu::BreakIterator::DONE; begin = end, end = it->next()) {
    if (it->getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;  // spaces, punctuation
    Token token;
    NormalizeWordTo(text.substr(begin, end - begin), options_.normalizer, &token.term);
    if (token.term.empty() || token.term.size() > options_.max_term_bytes) continue;
    if (IsStopword(token.term)) {
      if (options_.remove_stopwords) {
        ++position;  // a gap, so phrases do not match across the removed word
        continue;
      }
      token.stopword = true;
    }
    const StemRange stem = options_.stem ? LightStem(token.term)
                                         : StemRange{0, static_cast<uint32_t>(token.term.size())};
    token.stem_begin = static_cast<uint16_t>(stem.begin);
    token.stem_end = static_cast<uint16_t>(stem.end);
    token.position = position++;
    token.begin = static_cast<uint32_t>(begin);
    token.end = static_cast<uint32_t>(end);
    tokens->push_back(std::move(token));
  }
  it->setText(icu::UnicodeString());  // drop the reference to `utext`
  utext_close(&utext);
  return position;
}

}  // namespace khabar::analysis
