// File: query_parser.h
// -----------------------------------------------------------------------------
// Parses what a user typed into a query tree (query.h). The syntax
// (docs/query-language.md has examples):
//
//   هواوي الصين          words, joined by the default operator (OR or AND)
//   "الذكاء الاصطناعي"   a phrase: the exact forms at consecutive positions
//   "هواوي الصين"~5      proximity: the words' stems within 5 positions, any order
//   +هواوي -أمريكا       required, excluded
//   a OR b, a | b        either (binds looser than AND)
//   a AND b, a & b       both
//   (a OR b) c           grouping, nested at most ParseOptions::max_depth deep
//   title:هواوي  body:"…"  title:(a OR b)   field scope on a word, phrase or group
//   تكنولوج*             prefix: expands over the index's term dictionary
//   الزيتوون~  رقاقت~1   typo tolerance on a word (fuzzy.h): by length, or N <= 2 edits
//
// Words go through the same analyzer as indexing, so one typed word can
// become several terms ("وB200" -> "و", "b200"); stopwords stay, marked, and
// are weighted low when scoring. Malformed input is an InvalidArgument naming
// the problem and its character position (1-based, in Unicode characters),
// never a crash:
//
//   absl::StatusOr<Query> q = ParseQuery("(غزة", analyzer, {});
//   // InvalidArgument: "unbalanced '(' at character 1: add the closing ')'"
#ifndef KHABAR_QUERY_SERVICE_SEARCH_QUERY_PARSER_H_
#define KHABAR_QUERY_SERVICE_SEARCH_QUERY_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "query_service/analysis/analyzer.h"
#include "query_service/search/query.h"

namespace khabar::search {

// How words without + or - combine.
enum class QueryOperator : uint8_t { kOr, kAnd };

// How the text is read. kFull: the syntax above. kPlain: a bag of words, as
// the searcher before the query language read every query: only the
// analyzer's words count, every other character ('"', '+', '-', '(', '*',
// ':', …) is punctuation and "OR"/"AND" are words. A plain query is never a
// syntax error, and one of stopwords only searches those stopwords (a full
// query of stopwords only is InvalidArgument). default_operator and
// minimum_should_match apply to both.
enum class QuerySyntax : uint8_t { kFull, kPlain };

struct ParseOptions {
  QuerySyntax syntax = QuerySyntax::kFull;
  QueryOperator default_operator = QueryOperator::kOr;
  // With the OR operator: how many of the top level's optional words (not
  // counting stopwords) a document must match. "" or "1": any one; "2": two;
  // "75%": three quarters, rounded down; "-1": all but one; "-25%": all but a
  // quarter; "3<75%": all of them up to three words, 75% beyond that
  // (several "N<spec" conditions may be given, space-separated, as in
  // Elasticsearch). The result is clamped to [1, number of words]. Ignored
  // with the AND operator (stopwords are then the only optional words).
  std::string minimum_should_match;
  size_t max_query_bytes = 8 * 1024;
  // Distinct words (by stem) in the query, phrases and prefixes included.
  size_t max_terms = 64;
  int max_depth = 8;
  uint32_t max_window = 50;  // largest N of "…"~N
};

// The parsed query; InvalidArgument (with a character position) for
// malformed input, an empty or oversized query, a query with no searchable
// words (with kPlain: no words at all), or one that only excludes.
absl::StatusOr<Query> ParseQuery(absl::string_view text, const analysis::Analyzer& analyzer,
                                 const ParseOptions& options);

// How many of `optional_clauses` must match under `spec` (see
// ParseOptions::minimum_should_match); InvalidArgument when `spec` is
// malformed. At least 1 when optional_clauses > 0.
absl::StatusOr<int> MinimumShouldMatch(absl::string_view spec, int optional_clauses);

// Fields that scope words ("title", "body"), for messages and docs.
inline constexpr absl::string_view kKnownFields = "title, body";

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_QUERY_PARSER_H_
