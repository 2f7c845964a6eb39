// File: jsonl_documents.h
// -----------------------------------------------------------------------------
// Reads the JSON Lines collections of the batch tools (khabar_eval,
// khabar_bench, khabar_neardup_report) and of ../shared/anchors: one flat
// object per line,
//
//   {"id": "a17", "title": "...", "body": "first paragraph\nsecond ..."}
//
// into the index::Document those tools index: id, title, and the body's
// non-empty lines as paragraphs (what ingest_service sends for a plain-text
// article). Other keys are ignored, nested values included. A number given
// for id, title or body is taken as "%.0f" of its value (ids like 17); true,
// false and null as "". A missing id gives an empty id, which the index
// rejects with its own message.
//
// base::JsonReader (common/base/json_reader.h, shared with ingest_service's
// JSONL parser) rather than protobuf's JSON -> Struct: the benchmark times
// JSON parsing as part of indexing, as the anchors do with their own minimal
// readers, and Struct costs a map of Values per line.
//
//   for (int64_t n = 1; std::getline(in, line); ++n) {
//     absl::StatusOr<index::Document> doc = query::DocumentFromJsonLine(line);
//     if (!doc.ok()) { ... "docs.jsonl:" n ": " doc.status().message() ... }
//   }
#ifndef KHABAR_QUERY_SERVICE_JSONL_DOCUMENTS_H_
#define KHABAR_QUERY_SERVICE_JSONL_DOCUMENTS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "query_service/index/index_snapshot.h"

namespace khabar::query {

// InvalidArgument naming the byte offset when `line` is not one JSON object
// (trailing whitespace, including '\r', is allowed).
absl::StatusOr<index::Document> DocumentFromJsonLine(absl::string_view line);

}  // namespace khabar::query

#endif  // KHABAR_QUERY_SERVICE_JSONL_DOCUMENTS_H_
