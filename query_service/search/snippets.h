// File: snippets.h
// -----------------------------------------------------------------------------
// Query-biased snippets and highlights for one stored document. The text is
// re-analysed with the index's analyzer, whose tokens carry exact byte offsets
// into the text as written, so a highlight always covers a whole word as the
// author wrote it: diacritics, tatweel and attached clitics included
// (highlighting الرقائق inside "وللرقائق" covers all of "وللرقائق").
//
// The input is the query's ANALYSED words (stem + exact normalized form), not
// the query string, so this works with any query parser:
//
//   std::vector<search::HighlightTerm> terms = {{.stem = "نفيديا", .exact = "انفيديا"}};
//   search::DocumentHighlights h =
//       search::MakeSnippets(analyzer, doc, terms, search::SnippetOptions{});
//   // h.snippets[0].text: "... أعلنت شركة إنفيديا عن ..." (a substring of a paragraph)
//   // h.snippets[0].highlights[0]: byte and UTF-16 offsets of "إنفيديا" in it
//
// Algorithm (docs/snippets.md): each paragraph (within the scan budget) is
// tokenized; windows of `snippet_words` consecutive word positions that start
// at a matching token are scored by (sum of the weights of the DISTINCT query
// terms in the window, number of matching tokens, earlier position); the best
// non-overlapping windows are taken greedily, re-centred on their matches,
// and returned in DOCUMENT order. Thread-safe (pure function).
#ifndef KHABAR_QUERY_SERVICE_SEARCH_SNIPPETS_H_
#define KHABAR_QUERY_SERVICE_SEARCH_SNIPPETS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "query_service/analysis/analyzer.h"
#include "query_service/index/index_snapshot.h"

namespace khabar::search {

// One analysed query word to highlight.
struct HighlightTerm {
  std::string stem;   // analysis::Token::stem(): what plain query words match
  std::string exact;  // analysis::Token::term (normalized, unstemmed); may be empty
  // Relative importance when choosing passages, e.g. the term's idf. > 0.
  double weight = 1.0;
  // A word of a quoted phrase: it matches its exact form only, as phrase
  // search does (adjacency is not checked here).
  bool phrase_part = false;
  // A stopword of the query: highlighted only when every term is a stopword
  // (otherwise "في" would light up half of every passage).
  bool stopword = false;
};

struct SnippetOptions {
  static constexpr int kMaxSnippets = 5;
  static constexpr int kMaxSnippetWords = 100;
  static constexpr size_t kMaxTagBytes = 64;

  int max_snippets = 1;     // passages per document, in [0, kMaxSnippets]
  int snippet_words = 30;   // words per passage (~200 characters of Arabic)
  // When either is non-empty, Snippet::marked_text is the passage with
  // `pre_tag` before and `post_tag` after each highlight. Not HTML-escaped.
  std::string pre_tag;
  std::string post_tag;
  // Work bound: only the first `max_scan_bytes` of the body (paragraphs in
  // order, counted together) are tokenized and considered; a match further
  // into a very long article is not shown. The title has its own budget of
  // the same size (real titles are far shorter).
  size_t max_scan_bytes = 64 * 1024;
};

// InvalidArgument naming the offending field ("highlight.max_snippets ...").
absl::Status ValidateSnippetOptions(const SnippetOptions& options);

// A highlighted word, relative to the text it belongs to (a passage, or the
// title). [byte_begin, byte_end) slices the UTF-8 text at code point
// boundaries; [utf16_begin, utf16_end) is the same range in UTF-16 code units
// (what JavaScript's String.prototype.substring takes).
struct Highlight {
  int32_t byte_begin = 0;
  int32_t byte_end = 0;
  int32_t utf16_begin = 0;
  int32_t utf16_end = 0;
  bool exact = false;  // the word is the query word's exact form, not only its stem

  friend bool operator==(const Highlight&, const Highlight&) = default;
};

enum class SnippetField { kTitle, kBody };
// "title" or "body" (the wire names).
absl::string_view SnippetFieldName(SnippetField field);

struct Snippet {
  // A substring of the original paragraph (or title), cut at word
  // boundaries; nothing is added to it (see truncated_start / truncated_end).
  std::string text;
  SnippetField field = SnippetField::kBody;
  int32_t paragraph = 0;  // index in Document::paragraphs (0 for the title)
  std::vector<Highlight> highlights;  // increasing, non-overlapping
  bool truncated_start = false;       // the paragraph goes on before `text`
  bool truncated_end = false;         // ... and after it
  std::string marked_text;            // with tags, when SnippetOptions asks for them
};

struct DocumentHighlights {
  // Best passages, at most max_snippets, in document order. When no paragraph
  // matches (e.g. the match is only in the title), the lead of the first
  // paragraph without highlights; when the document has no body, the title.
  std::vector<Snippet> snippets;
  std::vector<Highlight> title_highlights;  // over Document::title, whole
};

// `analyzer` must be the one the document was indexed with. Terms with an
// empty stem are ignored. REQUIRES: `options` passes ValidateSnippetOptions
// and the document's text is well-formed UTF-8 (the index guarantees it).
DocumentHighlights MakeSnippets(const analysis::Analyzer& analyzer, const index::Document& doc,
                                const std::vector<HighlightTerm>& terms,
                                const SnippetOptions& options);

// Highlights of every matching word of `text` (e.g. a title), with no
// passage selection. Exposed for tests.
std::vector<Highlight> HighlightText(const analysis::Analyzer& analyzer, absl::string_view text,
                                     const std::vector<HighlightTerm>& terms);

// `text` with `pre` and `post` around each of `highlights` (byte offsets).
std::string MarkText(absl::string_view text, const std::vector<Highlight>& highlights,
                     absl::string_view pre, absl::string_view post);

// Number of UTF-16 code units of the well-formed UTF-8 `text`.
int32_t Utf16Length(absl::string_view text);

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_SNIPPETS_H_
