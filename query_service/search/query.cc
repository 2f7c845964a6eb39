#include "query_service/search/query.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace khabar::search {
namespace {

std::string Scope(FieldScope scope) {
  switch (scope) {
    case FieldScope::kTitle:
      return "title:";
    case FieldScope::kBody:
      return "body:";
    case FieldScope::kAll:
      break;
  }
  return "";
}

std::string Words(const std::vector<QueryWord>& words, bool stems) {
  return absl::StrJoin(words, " ", [stems](std::string* out, const QueryWord& w) {
    absl::StrAppend(out, stems ? w.stem : w.term);
  });
}

std::string Children(const std::vector<Query>& children) {
  return absl::StrJoin(children, ", ", [](std::string* out, const Query& q) {
    absl::StrAppend(out, q->DebugString());
  });
}

}  // namespace

std::string TermNode::DebugString() const {
  std::string word = word_.term;
  if (word_.stem != word_.term) absl::StrAppend(&word, "[", word_.stem, "]");
  if (word_.stopword) absl::StrAppend(&word, "[stop]");
  if (word_.boost != 1.0) absl::StrAppend(&word, "^", absl::StrFormat("%.2g", word_.boost));
  if (!fuzzy_.requested && !fuzzy_.resolved) return absl::StrCat(Scope(scope_), word);
  // FUZZY(word[stem]~1: form, form), or ~ alone before resolution with the
  // bound left to the word's length.
  std::string out = absl::StrCat(Scope(scope_), "FUZZY(", word, "~");
  if (fuzzy_.resolved) {
    absl::StrAppend(&out, fuzzy_.edits, ": ");
    if (fuzzy_.terms.empty()) {
      absl::StrAppend(&out, "no terms");
    } else {
      if (static_cast<int64_t>(fuzzy_.terms.size()) < fuzzy_.candidates) {
        absl::StrAppend(&out, "the ", fuzzy_.terms.size(), " closest of ", fuzzy_.candidates,
                        " terms: ");
      }
      absl::StrAppend(&out, absl::StrJoin(fuzzy_.terms, ", ",
                                          [](std::string* o, const FuzzyExpansion::Term& t) {
                                            absl::StrAppend(o, t.form);
                                          }));
    }
  } else if (fuzzy_.max_edits != FuzzyExpansion::kAuto) {
    absl::StrAppend(&out, fuzzy_.max_edits);
  }
  return absl::StrCat(out, ")");
}

std::string PhraseNode::DebugString() const {
  return absl::StrCat(Scope(scope_), "PHRASE(\"", Words(words_, false), "\")");
}

std::string NearNode::DebugString() const {
  return absl::StrCat(Scope(scope_), "NEAR/", window_, "(", Words(words_, true), ")");
}

std::string PrefixNode::DebugString() const {
  std::string out = absl::StrCat(Scope(scope_), "PREFIX(", prefix_.term, "*");
  if (expansion_.resolved) {
    if (truncated()) {
      absl::StrAppend(&out, ": the ", expansion_.terms.size(), " most frequent of ",
                      expansion_.candidates, " terms");
    } else {
      absl::StrAppend(&out, ": ", expansion_.terms.size(),
                      expansion_.terms.size() == 1 ? " term" : " terms");
    }
  }
  return absl::StrCat(out, ")");
}

std::string AndNode::DebugString() const { return absl::StrCat("AND(", Children(children_), ")"); }

std::string OrNode::DebugString() const {
  if (minimum_match_ > 1) {
    return absl::StrCat("OR/", minimum_match_, "(", Children(children_), ")");
  }
  return absl::StrCat("OR(", Children(children_), ")");
}

std::string AndMaybeNode::DebugString() const {
  return absl::StrCat("AND_MAYBE(", required_->DebugString(), ", ", optional_->DebugString(), ")");
}

std::string AndNotNode::DebugString() const {
  return absl::StrCat("AND_NOT(", positive_->DebugString(), ", ", negative_->DebugString(), ")");
}

}  // namespace khabar::search
