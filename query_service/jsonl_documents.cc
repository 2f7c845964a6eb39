#include "query_service/jsonl_documents.h"

#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/base/json_reader.h"

namespace khabar::query {
namespace {

absl::Status Error(const base::JsonReader& r) {
  return absl::InvalidArgumentError(
      absl::StrCat("not a JSON object: ", r.error_what(), " at byte ", r.error_offset()));
}

// The value of id, title or body as text (see the header); false on error.
bool TextValue(base::JsonReader& r, std::string* out) {
  out->clear();
  r.SkipSpace();
  switch (r.Peek()) {
    case '"':
      return r.ReadString(out);
    case '{':
    case '[':
      return r.SkipValue();
    case 't':
      return r.ReadLiteral("true");
    case 'f':
      return r.ReadLiteral("false");
    case 'n':
      return r.ReadLiteral("null");
    default: {
      absl::string_view raw;
      if (!r.ReadNumber(&raw)) return false;
      *out = absl::StrFormat("%.0f", std::strtod(std::string(raw).c_str(), nullptr));
      return true;
    }
  }
}

}  // namespace

absl::StatusOr<index::Document> DocumentFromJsonLine(absl::string_view line) {
  base::JsonReader r(line);
  if (!r.Consume('{')) {
    r.Fail("expected '{'");
    return Error(r);
  }
  index::Document doc;
  std::string key, body;
  bool ok = true;
  if (!r.Consume('}')) {
    do {
      ok = r.ReadString(&key);
      if (ok && !r.Consume(':')) ok = r.Fail("expected ':'");
      if (!ok) break;
      if (key == "id") {
        ok = TextValue(r, &doc.id);
      } else if (key == "title") {
        ok = TextValue(r, &doc.title);
      } else if (key == "body") {
        ok = TextValue(r, &body);
      } else {
        ok = r.SkipValue();
      }
    } while (ok && r.Consume(','));
    if (ok && !r.Consume('}')) ok = r.Fail("expected ',' or '}'");
  }
  if (ok) {
    r.SkipSpace();
    if (!r.AtEnd()) ok = r.Fail("text after the object");
  }
  if (!ok) return Error(r);
  for (absl::string_view para : absl::StrSplit(body, '\n', absl::SkipEmpty())) {
    doc.paragraphs.emplace_back(para);
  }
  return doc;
}

}  // namespace khabar::query
