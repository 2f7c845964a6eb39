// File: trec_parser.h
// -----------------------------------------------------------------------------
// TREC-style SGML: any number of <DOC>...</DOC> per file, e.g. the ANT corpus
// (antcorpus.data/<category>/<DOCNO>.txt, one DOC each).
//
// Fields (tag names are case-insensitive): DOCNO -> id; URL; SRC|SOURCE ->
// source; CAT|CATEGORY -> category; TITLE|HEADLINE -> title; TIME|DATE ->
// published_time (ParseTimestamp; unparsable -> none); AUTHOR (read, not
// kept); ABSTRACT; TEXT (repeated TEXT fields are joined).
// Body: the TEXT lines are paragraphs, the first is the LEAD; when ABSTRACT
// is not just the start of TEXT it is the LEAD and TEXT is all BODY.
// Tolerated: unknown tags (skipped, their text kept), a missing closing tag of
// an inner field (it ends at the next field tag or </DOC>), text between DOCs,
// entities (&amp; &lt; &gt; &quot; &apos; &nbsp; &#NNN; &#xHH;), no TIME.
// Rejected, one DOC at a time (InvalidArgument, the other DOCs still parse):
//   "<file>: <DOC> at byte N (DOCNO X) is not closed"  (EOF or another <DOC>)
//   "<file>: <DOC> at byte N has no <DOCNO>"
//   "<file>: <DOC> at byte N (DOCNO X) has no text"     (no TITLE, no TEXT)
// A whole-file problem (not UTF-8, binary, "<file>: no <DOC> found") is a
// single error.
// Origin: "<file>#<DOCNO>".
//
//   for (absl::StatusOr<Article>& a : ParseTrec("ant/x.txt", bytes)) ...
#ifndef KHABAR_INGEST_SERVICE_ARTICLE_TREC_PARSER_H_
#define KHABAR_INGEST_SERVICE_ARTICLE_TREC_PARSER_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ingest_service/article/article.h"
#include "ingest_service/article/parse_options.h"

namespace khabar::article {

std::vector<absl::StatusOr<Article>> ParseTrec(absl::string_view name, absl::string_view text,
                                               const ParseOptions& options = {});

// RFC 3339 / ISO 8601 with offset ("2017-01-26T08:31:00+01:00", fractions and
// Z allowed); without offset, with or without colons ("2017-01-22T171800"),
// taken as UTC; a bare date "2017-01-26" or "26/01/2017" (day first), UTC
// midnight. nullopt otherwise.
std::optional<absl::Time> ParseTimestamp(absl::string_view text);

// Replaces &amp; &lt; &gt; &quot; &apos; &nbsp; &#NNN; &#xHH; (unknown or
// malformed entities stay as written) and appends to *out.
void AppendDecodedEntities(absl::string_view text, std::string* out);

}  // namespace khabar::article

#endif  // KHABAR_INGEST_SERVICE_ARTICLE_TREC_PARSER_H_
