#include "query_service/search/filter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/base/status_macros.h"
#include "common/base/utf8.h"

namespace khabar::search {
namespace {

// Byte order with ASCII letters folded to lower case: how source and
// category compare ("CNBC" = "cnbc"; Arabic is compared byte for byte).
int CompareFolded(absl::string_view a, absl::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = absl::ascii_tolower(static_cast<unsigned char>(a[i]));
    const unsigned char y = absl::ascii_tolower(static_cast<unsigned char>(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

int Compare(absl::string_view a, absl::string_view b, bool fold) {
  return fold ? CompareFolded(a, b) : a.compare(b);
}

// Ids are case-sensitive; source and category ignore ASCII case.
bool Folds(FilterField f) { return f != FilterField::kId; }

absl::string_view FieldName(FilterField f) {
  switch (f) {
    case FilterField::kSource:
      return "source";
    case FilterField::kCategory:
      return "category";
    case FilterField::kPublishedTime:
      return "published_time";
    case FilterField::kId:
      return "id";
  }
  return "?";
}

bool LookupField(absl::string_view name, FilterField* out) {
  for (FilterField f : {FilterField::kSource, FilterField::kCategory, FilterField::kPublishedTime,
                        FilterField::kId}) {
    if (name == FieldName(f)) {
      *out = f;
      return true;
    }
  }
  return false;
}

absl::string_view TextOf(FilterField f, const index::Document& doc) {
  switch (f) {
    case FilterField::kSource:
      return doc.source;
    case FilterField::kCategory:
      return doc.category;
    case FilterField::kId:
      return doc.id;
    case FilterField::kPublishedTime:
      break;
  }
  return {};
}

bool IsDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

// "YYYY-MM-DD": a date, read as midnight UTC.
bool IsDate(absl::string_view s) {
  return s.size() == 10 && IsDigits(s.substr(0, 4)) && s[4] == '-' && IsDigits(s.substr(5, 2)) &&
         s[7] == '-' && IsDigits(s.substr(8, 2));
}

// An RFC 3339 timestamp (the offset may be left out: UTC) or a date.
bool ParseInstant(absl::string_view text, int64_t* seconds, int32_t* nanos) {
  // absl::ParseTime also takes "infinite-future" and signed years.
  if (text.size() < 10 || !IsDigits(text.substr(0, 4))) return false;
  absl::Time t;
  std::string err;
  const bool ok = IsDate(text) ? absl::ParseTime("%E4Y-%m-%d", text, absl::UTCTimeZone(), &t, &err)
                               : absl::ParseTime("%E4Y-%m-%d%ET%H:%M:%E*S%Ez", text, &t, &err) ||
                                     absl::ParseTime("%E4Y-%m-%d%ET%H:%M:%E*S", text,
                                                     absl::UTCTimeZone(), &t, &err);
  if (!ok) return false;
  *seconds = absl::ToUnixSeconds(t);  // floors
  *nanos = static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(*seconds)));
  return true;
}

// ---------------------------------------------------------------------------
// Lexer

enum class Tok : uint8_t { kEnd, kLParen, kRParen, kComma, kCmp, kMinus, kString, kWord };

struct Token {
  Tok kind;
  size_t begin;      // byte offset in the filter text
  std::string text;  // kWord: as written; kString: unescaped; kCmp: the operator
};

// Ends an unquoted word.
bool IsDelimiter(char c) {
  return absl::ascii_isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')' || c == '"' ||
         c == ',' || c == '=' || c == '!' || c == '<' || c == '>' || c == ':';
}

bool IsKeyword(const Token& t) {
  return t.kind == Tok::kWord && (t.text == "AND" || t.text == "OR" || t.text == "NOT");
}

}  // namespace

// The parser builds the Filter's node arrays directly, children first.
class FilterParser {
 public:
  FilterParser(absl::string_view text, const FilterLimits& limits) : text_(text), limits_(limits) {}

  absl::StatusOr<Filter> Parse() {
    KHABAR_RETURN_IF_ERROR(Lex());
    if (tokens_.size() == 1) return Filter();  // only kEnd: blank
    KHABAR_ASSIGN_OR_RETURN(uint32_t root, Expression(0));
    (void)root;  // the last node
    const Token& t = Peek();
    if (t.kind == Tok::kRParen) {
      return Error(t.begin, "unbalanced ')'", "remove it or add a '(' before it");
    }
    if (t.kind != Tok::kEnd) return Error(t.begin, Unexpected(t));
    return std::move(filter_);
  }

 private:
  using Kind = Filter::Kind;
  using Cmp = Filter::Cmp;
  using Node = Filter::Node;

  // 1-based character (code point) position of byte `offset`.
  size_t Char(size_t offset) const { return base::CountCodePoints(text_.substr(0, offset)) + 1; }
  absl::Status Error(size_t offset, absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("filter: ", what, " at character ", Char(offset)));
  }
  absl::Status Error(size_t offset, absl::string_view what, absl::string_view hint) const {
    return absl::InvalidArgumentError(
        absl::StrCat("filter: ", what, " at character ", Char(offset), ": ", hint));
  }
  static std::string Unexpected(const Token& t) {
    switch (t.kind) {
      case Tok::kEnd:
        return "unexpected end";
      case Tok::kLParen:
        return "unexpected '('";
      case Tok::kRParen:
        return "unexpected ')'";
      case Tok::kComma:
        return "unexpected ','";
      case Tok::kCmp:
        return absl::StrCat("unexpected '", t.text, "'");
      case Tok::kMinus:
        return "unexpected '-'";
      case Tok::kString:
        return absl::StrCat("unexpected \"", t.text, "\"");
      case Tok::kWord:
        return absl::StrCat("unexpected '", t.text, "'");
    }
    return "unexpected token";
  }

  absl::Status Lex() {
    size_t i = 0;
    const size_t n = text_.size();
    while (true) {
      while (i < n && absl::ascii_isspace(static_cast<unsigned char>(text_[i]))) ++i;
      if (i == n) break;
      const size_t begin = i;
      const char c = text_[i];
      if (c == '(' || c == ')' || c == ',') {
        tokens_.push_back({c == '('   ? Tok::kLParen
                           : c == ')' ? Tok::kRParen
                                      : Tok::kComma,
                           begin, ""});
        ++i;
      } else if (c == '=' || c == '!' || c == '<' || c == '>' || c == ':') {
        size_t j = i + 1;
        // Longest run, so "==" and "=>" are reported as written.
        if (c != ':') {
          while (j < n &&
                 (text_[j] == '=' || text_[j] == '!' || text_[j] == '<' || text_[j] == '>')) {
            ++j;
          }
        }
        std::string op(text_.substr(i, j - i));
        if (op != "=" && op != "!=" && op != "<" && op != "<=" && op != ">" && op != ">=" &&
            op != ":") {
          const char* hint = op == "=="   ? "write '=' for equality"
                             : op == "<>" ? "write '!='"
                                          : "use =, !=, <, <=, >, >= or :";
          return Error(begin, absl::StrCat("unknown operator '", op, "'"), hint);
        }
        tokens_.push_back({Tok::kCmp, begin, std::move(op)});
        i = j;
      } else if (c == '"' || c == '\'') {
        std::string value;
        ++i;
        bool closed = false;
        while (i < n) {
          if (text_[i] == c) {
            closed = true;
            ++i;
            break;
          }
          if (text_[i] == '\\' && i + 1 < n) ++i;  // \" \' \\ : the next byte as is
          value += text_[i++];
        }
        if (!closed) {
          return Error(begin, "unterminated string",
                       absl::StrCat("close it with ", std::string(1, c)));
        }
        tokens_.push_back({Tok::kString, begin, std::move(value)});
      } else if (c == '-') {
        tokens_.push_back({Tok::kMinus, begin, "-"});
        ++i;
      } else {
        while (i < n && !IsDelimiter(text_[i])) ++i;
        tokens_.push_back({Tok::kWord, begin, std::string(text_.substr(begin, i - begin))});
      }
    }
    tokens_.push_back({Tok::kEnd, n, ""});
    return absl::OkStatus();
  }

  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Take() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool PeekKeyword(absl::string_view k) const {
    return Peek().kind == Tok::kWord && Peek().text == k;
  }
  // Whether the next token can start a term (so a sequence goes on).
  bool StartsTerm() const {
    const Token& t = Peek();
    switch (t.kind) {
      case Tok::kLParen:
      case Tok::kMinus:
      case Tok::kString:
        return true;
      case Tok::kWord:
        return t.text != "AND" && t.text != "OR";
      default:
        return false;
    }
  }

  uint32_t Push(Node node) {
    filter_.nodes_.push_back(node);
    return static_cast<uint32_t>(filter_.nodes_.size() - 1);
  }
  // One node for the operands, or an AND/OR node over them.
  uint32_t Combine(Kind kind, const std::vector<uint32_t>& operands) {
    if (operands.size() == 1) return operands[0];
    Node node{kind};
    node.first = static_cast<uint32_t>(filter_.child_.size());
    node.count = static_cast<uint32_t>(operands.size());
    filter_.child_.insert(filter_.child_.end(), operands.begin(), operands.end());
    return Push(node);
  }

  // expression : sequence { AND sequence }
  absl::StatusOr<uint32_t> Expression(int depth) {
    std::vector<uint32_t> operands;
    KHABAR_ASSIGN_OR_RETURN(uint32_t first, Sequence(depth));
    operands.push_back(first);
    while (PeekKeyword("AND")) {
      const Token& op = Take();
      if (!StartsTerm()) return Error(op.begin, "'AND' has nothing on its right");
      KHABAR_ASSIGN_OR_RETURN(uint32_t next, Sequence(depth));
      operands.push_back(next);
    }
    return Combine(Kind::kAnd, operands);
  }

  // sequence : factor { factor }   (juxtaposition is AND)
  absl::StatusOr<uint32_t> Sequence(int depth) {
    const Token& t = Peek();
    if (t.kind == Tok::kWord && (t.text == "AND" || t.text == "OR")) {
      return Error(t.begin, absl::StrCat("'", t.text, "' has nothing on its left"));
    }
    std::vector<uint32_t> operands;
    do {
      KHABAR_ASSIGN_OR_RETURN(uint32_t f, Factor(depth));
      operands.push_back(f);
    } while (StartsTerm());
    return Combine(Kind::kAnd, operands);
  }

  // factor : term { OR term }   (OR binds tighter than AND, as in AIP-160)
  absl::StatusOr<uint32_t> Factor(int depth) {
    std::vector<uint32_t> operands;
    KHABAR_ASSIGN_OR_RETURN(uint32_t first, Term(depth));
    operands.push_back(first);
    while (PeekKeyword("OR")) {
      const Token& op = Take();
      if (!StartsTerm()) return Error(op.begin, "'OR' has nothing on its right");
      KHABAR_ASSIGN_OR_RETURN(uint32_t next, Term(depth));
      operands.push_back(next);
    }
    return Combine(Kind::kOr, operands);
  }

  // term : [ NOT | '-' ] simple
  absl::StatusOr<uint32_t> Term(int depth) {
    if (Peek().kind == Tok::kMinus || PeekKeyword("NOT")) {
      const Token& op = Take();
      if (!StartsTerm())
        return Error(op.begin, absl::StrCat("'", op.text, "' has nothing to negate"));
      KHABAR_ASSIGN_OR_RETURN(uint32_t operand, Term(depth));
      Node node{Kind::kNot};
      node.first = static_cast<uint32_t>(filter_.child_.size());
      node.count = 1;
      filter_.child_.push_back(operand);
      return Push(node);
    }
    return Simple(depth);
  }

  // simple : restriction | '(' expression ')'
  absl::StatusOr<uint32_t> Simple(int depth) {
    const Token& t = Peek();
    switch (t.kind) {
      case Tok::kLParen: {
        Take();
        if (depth + 1 > limits_.max_depth) {
          return Error(t.begin, absl::StrCat("parentheses nested deeper than ", limits_.max_depth));
        }
        if (Peek().kind == Tok::kRParen) return Error(t.begin, "empty parentheses");
        if (Peek().kind == Tok::kEnd) {
          return Error(t.begin, "unbalanced '('", "add the closing ')'");
        }
        KHABAR_ASSIGN_OR_RETURN(uint32_t inner, Expression(depth + 1));
        if (Peek().kind != Tok::kRParen) {
          if (Peek().kind == Tok::kEnd)
            return Error(t.begin, "unbalanced '('", "add the closing ')'");
          return Error(Peek().begin, Unexpected(Peek()));
        }
        Take();
        return inner;
      }
      case Tok::kWord:
        return Restriction();
      case Tok::kString:
        return Error(
            t.begin, absl::StrCat("bare value \"", t.text, "\""),
            absl::StrCat("compare a field (", kFilterFields, "), e.g. source = \"", t.text, "\""));
      case Tok::kRParen:
        return Error(t.begin, "unbalanced ')'", "remove it or add a '(' before it");
      case Tok::kCmp:
        return Error(t.begin, absl::StrCat("'", t.text, "' has no field on its left"),
                     absl::StrCat("the fields are ", kFilterFields));
      default:
        return Error(t.begin, Unexpected(t));
    }
  }

  // restriction : FIELD comparator arg
  // arg         : value | '(' value { (OR | ',') value } ')'
  absl::StatusOr<uint32_t> Restriction() {
    const Token& name = Take();
    FilterField field;
    if (!LookupField(name.text, &field)) {
      const std::string upper = absl::AsciiStrToUpper(name.text);
      if (upper == "AND" || upper == "OR" || upper == "NOT") {
        return Error(name.begin, absl::StrCat("'", name.text, "' is not an operator"),
                     absl::StrCat("write it in capitals (", upper, ")"));
      }
      return Error(name.begin, absl::StrCat("unknown field '", name.text, "'"),
                   absl::StrCat("the fields are ", kFilterFields));
    }
    if (++comparisons_ > limits_.max_comparisons) {
      return Error(name.begin, absl::StrCat("more than ", limits_.max_comparisons, " comparisons"),
                   "shorten the filter (a value list such as id:(\"a\", \"b\") counts once)");
    }
    if (Peek().kind != Tok::kCmp) {
      return Error(name.begin, absl::StrCat("'", name.text, "' needs a comparison"),
                   field == FilterField::kPublishedTime
                       ? "e.g. published_time > \"2025-07-01\""
                       : absl::StrCat("e.g. ", name.text, " = \"", "…", "\""));
    }
    const Token& op = Take();
    const bool is_time = field == FilterField::kPublishedTime;
    Cmp cmp = Cmp::kEq;
    if (op.text == "!=") {
      cmp = Cmp::kNe;
    } else if (op.text == "<") {
      cmp = Cmp::kLt;
    } else if (op.text == "<=") {
      cmp = Cmp::kLe;
    } else if (op.text == ">") {
      cmp = Cmp::kGt;
    } else if (op.text == ">=") {
      cmp = Cmp::kGe;
    }
    const bool ordering = cmp != Cmp::kEq && cmp != Cmp::kNe;
    if (!is_time && ordering) {
      return Error(op.begin, absl::StrCat("'", op.text, "' does not apply to ", name.text),
                   "text fields take =, != and :");
    }

    // The values: one, or a parenthesized list.
    std::vector<std::pair<std::string, size_t>> values;  // text, offset
    const Token& first = Peek();
    if (first.kind == Tok::kLParen) {
      Take();
      if (op.text == "!=" || ordering) {
        return Error(first.begin, absl::StrCat("a value list does not go with '", op.text, "'"),
                     absl::StrCat("write ", name.text, " = (…) or NOT ", name.text, " = (…)"));
      }
      if (Peek().kind == Tok::kRParen) return Error(first.begin, "empty value list");
      while (true) {
        KHABAR_ASSIGN_OR_RETURN(std::string v, Value(op));
        values.emplace_back(std::move(v), tokens_[pos_ - 1].begin);
        if (Peek().kind == Tok::kComma || PeekKeyword("OR")) {
          Take();
          continue;
        }
        if (Peek().kind == Tok::kRParen) {
          Take();
          break;
        }
        if (Peek().kind == Tok::kEnd)
          return Error(first.begin, "unbalanced '('", "add the closing ')'");
        if (PeekKeyword("AND")) {
          return Error(Peek().begin, "AND inside a value list",
                       "a field has one value: separate the values with OR or commas");
        }
        return Error(Peek().begin, Unexpected(Peek()),
                     "separate the values of a list with OR or commas");
      }
    } else {
      KHABAR_ASSIGN_OR_RETURN(std::string v, Value(op));
      values.emplace_back(std::move(v), tokens_[pos_ - 1].begin);
    }

    Node node{is_time ? Kind::kTime : Kind::kText};
    node.field = field;
    node.cmp = cmp;
    if (is_time) {
      filter_.uses_time_ = true;
      return TimeNodes(node, op, values);
    }
    // Exact values sorted for binary search, then the prefixes.
    std::vector<Filter::TextValue> exact, prefix;
    for (auto& [v, offset] : values) {
      if (absl::EndsWith(v, "*")) {
        v.pop_back();
        prefix.push_back({std::move(v), true});
      } else {
        exact.push_back({std::move(v), false});
      }
    }
    const bool fold = Folds(field);
    std::sort(exact.begin(), exact.end(),
              [fold](const Filter::TextValue& a, const Filter::TextValue& b) {
                return Compare(a.text, b.text, fold) < 0;
              });
    node.first = static_cast<uint32_t>(filter_.values_.size());
    node.count = static_cast<uint32_t>(exact.size() + prefix.size());
    node.exact_count = static_cast<uint32_t>(exact.size());
    for (auto& v : exact) filter_.values_.push_back(std::move(v));
    for (auto& v : prefix) filter_.values_.push_back(std::move(v));
    return Push(node);
  }

  // A string or an unquoted word (not an operator keyword).
  absl::StatusOr<std::string> Value(const Token& op) {
    const Token& t = Peek();
    if (t.kind == Tok::kString || (t.kind == Tok::kWord && !IsKeyword(t))) return Take().text;
    if (t.kind == Tok::kEnd || t.kind == Tok::kRParen || IsKeyword(t)) {
      return Error(op.begin, absl::StrCat("'", op.text, "' has no value on its right"));
    }
    return Error(t.begin, Unexpected(t), "expected a value; quote values with spaces or symbols");
  }

  // published_time against each value; a list becomes an OR.
  absl::StatusOr<uint32_t> TimeNodes(Node node, const Token& op,
                                     const std::vector<std::pair<std::string, size_t>>& values) {
    std::vector<uint32_t> alternatives;
    for (const auto& [v, offset] : values) {
      Node n = node;
      if (v == "*") {
        if (node.cmp != Cmp::kEq) {
          return Error(offset, absl::StrCat("'*' does not go with '", op.text, "'"),
                       "published_time:* matches articles that have a time");
        }
        n.cmp = Cmp::kHas;
        alternatives.push_back(Push(n));
        continue;
      }
      if (op.text == ":") {
        return Error(op.begin, "':' does not apply to published_time",
                     "times take =, !=, <, <=, >, >= (and published_time:* for \"has a time\")");
      }
      if (!ParseInstant(v, &n.seconds, &n.nanos)) {
        if (Peek().kind == Tok::kCmp && Peek().text == ":") {
          return Error(offset, absl::StrCat("bad time \"", v, "\""),
                       "quote timestamps, e.g. published_time > \"2025-07-01T12:00:00Z\"");
        }
        return Error(offset, absl::StrCat("bad time \"", v, "\""),
                     "write an RFC 3339 timestamp (\"2025-07-01T12:00:00Z\") or a date "
                     "(\"2025-07-01\")");
      }
      if (IsDate(v) && (node.cmp == Cmp::kEq || node.cmp == Cmp::kNe)) {
        return Error(offset, absl::StrCat("'", op.text, "' with the date \"", v, "\""),
                     absl::StrCat("a date is the instant of its midnight (UTC); for the whole "
                                  "day write published_time >= \"",
                                  v, "\" AND published_time < the next day"));
      }
      alternatives.push_back(Push(n));
    }
    return Combine(Kind::kOr, alternatives);
  }

  const absl::string_view text_;
  const FilterLimits& limits_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  size_t comparisons_ = 0;
  Filter filter_;
};

bool Filter::TextMatches(const Node& n, absl::string_view value) const {
  const bool fold = Folds(n.field);
  // Exact values: binary search.
  size_t lo = n.first, hi = n.first + n.exact_count;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const int c = Compare(values_[mid].text, value, fold);
    if (c == 0) return true;
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  for (size_t i = n.first + n.exact_count; i < n.first + n.count; ++i) {
    const std::string& p = values_[i].text;
    // A bare "*" means "has a value".
    if (value.size() >= p.size() && Compare(value.substr(0, p.size()), p, fold) == 0 &&
        !value.empty()) {
      return true;
    }
  }
  return false;
}

bool Filter::Eval(uint32_t node, const index::Document& doc) const {
  const Node& n = nodes_[node];
  switch (n.kind) {
    case Kind::kAnd:
      for (uint32_t i = n.first; i < n.first + n.count; ++i) {
        if (!Eval(child_[i], doc)) return false;
      }
      return true;
    case Kind::kOr:
      for (uint32_t i = n.first; i < n.first + n.count; ++i) {
        if (Eval(child_[i], doc)) return true;
      }
      return false;
    case Kind::kNot:
      return !Eval(child_[n.first], doc);
    case Kind::kText: {
      const bool m = TextMatches(n, TextOf(n.field, doc));
      return n.cmp == Cmp::kNe ? !m : m;
    }
    case Kind::kTime: {
      const int64_t t = doc.published_time;
      if (t == 0) return false;  // unknown: no time comparison holds
      // (t, 0) against (seconds, nanos).
      const int c = t != n.seconds ? (t < n.seconds ? -1 : 1) : (n.nanos > 0 ? -1 : 0);
      switch (n.cmp) {
        case Cmp::kEq:
          return c == 0;
        case Cmp::kNe:
          return c != 0;
        case Cmp::kLt:
          return c < 0;
        case Cmp::kLe:
          return c <= 0;
        case Cmp::kGt:
          return c > 0;
        case Cmp::kGe:
          return c >= 0;
        case Cmp::kHas:
          return true;
      }
      return false;
    }
  }
  return false;
}

std::string Filter::NodeString(uint32_t node) const {
  const Node& n = nodes_[node];
  auto children = [&](absl::string_view name) {
    std::vector<std::string> parts;
    for (uint32_t i = n.first; i < n.first + n.count; ++i) parts.push_back(NodeString(child_[i]));
    return absl::StrCat(name, "(", absl::StrJoin(parts, ", "), ")");
  };
  switch (n.kind) {
    case Kind::kAnd:
      return children("AND");
    case Kind::kOr:
      return children("OR");
    case Kind::kNot:
      return children("NOT");
    case Kind::kText: {
      std::vector<std::string> values;
      for (uint32_t i = n.first; i < n.first + n.count; ++i) {
        values.push_back(absl::StrCat("\"", values_[i].text, values_[i].prefix ? "*" : "", "\""));
      }
      const std::string rhs =
          values.size() == 1 ? values[0] : absl::StrCat("(", absl::StrJoin(values, ", "), ")");
      return absl::StrCat(FieldName(n.field), n.cmp == Cmp::kNe ? " != " : " = ", rhs);
    }
    case Kind::kTime: {
      if (n.cmp == Cmp::kHas) return "published_time:*";
      static constexpr absl::string_view kOps[] = {"=", "!=", "<", "<=", ">", ">="};
      const absl::Time t = absl::FromUnixSeconds(n.seconds) + absl::Nanoseconds(n.nanos);
      return absl::StrCat("published_time ", kOps[static_cast<int>(n.cmp)], " ",
                          absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone()));
    }
  }
  return "?";
}

std::string Filter::DebugString() const {
  return nodes_.empty() ? "" : NodeString(static_cast<uint32_t>(nodes_.size() - 1));
}

absl::StatusOr<Filter> ParseFilter(absl::string_view text, const FilterLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("filter is ", text.size(), " bytes; the limit is ", limits.max_bytes));
  }
  KHABAR_RETURN_IF_ERROR(base::ValidateUtf8("filter", text));
  return FilterParser(text, limits).Parse();
}

}  // namespace khabar::search
