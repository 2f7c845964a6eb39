#include "query_service/search/query_parser.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/base/status_macros.h"
#include "common/base/utf8.h"

namespace khabar::search {
namespace {

constexpr absl::string_view kNoWords =
    "the query has no searchable words (only stopwords, punctuation, diacritics or symbols)";

struct Lexeme {
  enum Kind { kWord, kPhrase, kLParen, kRParen, kOr, kAnd, kPlus, kMinus, kField, kEnd };
  Lexeme(Kind k, size_t b, absl::string_view t) : kind(k), begin(b), text(t) {}
  Kind kind;
  size_t begin;          // byte offset in the query
  absl::string_view text;  // kWord: the word (without a trailing '*'); kPhrase: inside the quotes
  bool prefix = false;   // kWord ending in '*'
  std::optional<int> fuzzy;  // kWord ending in '~' (FuzzyExpansion::kAuto) or '~N'
  std::optional<uint32_t> window;  // kPhrase followed by ~N
  FieldScope field = FieldScope::kAll;  // kField
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool EndsWord(char c) { return IsSpace(c) || c == '"' || c == '(' || c == ')' || c == '|' || c == '&'; }

class Parser {
 public:
  Parser(absl::string_view text, const analysis::Analyzer& analyzer, const ParseOptions& options)
      : text_(text), analyzer_(analyzer), options_(options) {}

  absl::StatusOr<Query> Parse() {
    KHABAR_RETURN_IF_ERROR(Lex());
    KHABAR_ASSIGN_OR_RETURN(Query q, Sequence(0, FieldScope::kAll, 0));
    // A plain query of stopwords only searches them (as before the query
    // language); the full syntax asks for a real word.
    if (q == nullptr || (options_.syntax == QuerySyntax::kFull && !HasContent(*q, false))) {
      return absl::InvalidArgumentError(kNoWords);
    }
    return q;
  }

 private:
  // 1-based character (code point) position of byte `offset`.
  size_t Char(size_t offset) const { return base::CountCodePoints(text_.substr(0, offset)) + 1; }
  absl::Status Error(size_t offset, absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(what, " at character ", Char(offset)));
  }
  absl::Status Error(size_t offset, absl::string_view what, absl::string_view hint) const {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " at character ", Char(offset), ": ", hint));
  }

  // kPlain: every whitespace-separated chunk is a word; the analyzer drops
  // its punctuation.
  void LexPlain() {
    size_t i = 0;
    const size_t n = text_.size();
    while (i < n) {
      if (IsSpace(text_[i])) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < n && !IsSpace(text_[j])) ++j;
      lex_.push_back({Lexeme::kWord, i, text_.substr(i, j - i)});
      i = j;
    }
    lex_.push_back({Lexeme::kEnd, n, {}});
  }

  absl::Status Lex() {
    if (options_.syntax == QuerySyntax::kPlain) {
      LexPlain();
      return absl::OkStatus();
    }
    size_t i = 0;
    const size_t n = text_.size();
    while (i < n) {
      const char c = text_[i];
      if (IsSpace(c)) {
        ++i;
        continue;
      }
      const bool at_start = i == 0 || IsSpace(text_[i - 1]) || text_[i - 1] == '(';
      if (c == '(' || c == ')') {
        lex_.push_back({c == '(' ? Lexeme::kLParen : Lexeme::kRParen, i, {}});
        ++i;
      } else if (c == '|' || c == '&') {
        lex_.push_back({c == '|' ? Lexeme::kOr : Lexeme::kAnd, i, {}});
        i += (i + 1 < n && text_[i + 1] == c) ? 2 : 1;  // || and && too
      } else if (c == '"') {
        const size_t close = text_.find('"', i + 1);
        if (close == absl::string_view::npos) {
          return Error(i, "unbalanced '\"'", "add the closing '\"' of the phrase");
        }
        Lexeme l{Lexeme::kPhrase, i, text_.substr(i + 1, close - i - 1)};
        i = close + 1;
        if (i < n && text_[i] == '~') {
          size_t j = i + 1;
          while (j < n && absl::ascii_isdigit(text_[j])) ++j;
          uint32_t window = 0;
          if (j == i + 1 || j - i > 6 || !absl::SimpleAtoi(text_.substr(i + 1, j - i - 1), &window)) {
            return Error(i, "'~' after a phrase needs a number of positions",
                         "write e.g. \"هواوي الصين\"~5");
          }
          l.window = window;
          i = j;
        }
        lex_.push_back(l);
      } else if ((c == '+' || c == '-') && at_start && i + 1 < n && IsSpace(text_[i + 1]) &&
                 !absl::StripAsciiWhitespace(text_.substr(i + 1)).empty()) {
        // "- من هو …", "الرياض - واس": a bullet or a dash between words, not
        // an operator (those stick to their word).
        ++i;
      } else if ((c == '+' || c == '-') && at_start) {
        if (i + 1 >= n || IsSpace(text_[i + 1]) || text_[i + 1] == ')' || text_[i + 1] == '+' ||
            text_[i + 1] == '-' || text_[i + 1] == '|' || text_[i + 1] == '&') {
          return Error(i, absl::StrCat("lone '", absl::string_view(&c, 1), "'"),
                       absl::StrCat("put it right before a word, e.g. ",
                                    c == '-' ? "-أمريكا" : "+هواوي"));
        }
        lex_.push_back({c == '+' ? Lexeme::kPlus : Lexeme::kMinus, i, {}});
        ++i;
      } else {
        size_t j = i;
        while (j < n && !EndsWord(text_[j])) ++j;
        absl::string_view word = text_.substr(i, j - i);
        // A field: ASCII letters then ':' (but not "http://…").
        size_t letters = 0;
        while (letters < word.size() && absl::ascii_isalpha(word[letters])) ++letters;
        if (letters > 0 && letters < word.size() && word[letters] == ':' &&
            (letters + 1 == word.size() || word[letters + 1] != '/')) {
          const std::string name = absl::AsciiStrToLower(word.substr(0, letters));
          Lexeme l{Lexeme::kField, i, word.substr(0, letters)};
          if (name == "title") {
            l.field = FieldScope::kTitle;
          } else if (name == "body") {
            l.field = FieldScope::kBody;
          } else {
            return Error(i, absl::StrCat("unknown field '", word.substr(0, letters), "'"),
                         absl::StrCat("the known fields are ", kKnownFields));
          }
          const size_t after = i + letters + 1;
          if (after >= n || IsSpace(text_[after]) || text_[after] == ')' || text_[after] == '|' ||
              text_[after] == '&') {
            return Error(i, absl::StrCat("empty field '", word.substr(0, letters + 1), "'"),
                         absl::StrCat("write a word, phrase or group right after it, e.g. ",
                                      word.substr(0, letters + 1), "هواوي"));
          }
          lex_.push_back(l);
          i = after;
          continue;
        }
        if (word == "OR" || word == "AND") {
          lex_.push_back({word == "OR" ? Lexeme::kOr : Lexeme::kAnd, i, word});
        } else {
          Lexeme l{Lexeme::kWord, i, word};
          // word~ or word~N: typo tolerance ("…"~N after a phrase is proximity).
          if (const size_t tilde = l.text.rfind('~'); tilde != absl::string_view::npos && tilde > 0) {
            const absl::string_view edits = l.text.substr(tilde + 1);
            if (std::all_of(edits.begin(), edits.end(), [](char d) { return absl::ascii_isdigit(d); })) {
              int n = FuzzyExpansion::kAuto;
              if (!edits.empty() && (edits.size() > 2 || !absl::SimpleAtoi(edits, &n) || n > 2)) {
                return Error(i + tilde, absl::StrCat("'~", edits, "' after a word allows too many typos"),
                             "a word takes ~ (by its length), ~0, ~1 or ~2; for words near each "
                             "other write a phrase, e.g. \"هواوي الصين\"~5");
              }
              l.fuzzy = n;
              l.text = l.text.substr(0, tilde);
            }
          }
          while (!l.text.empty() && l.text.back() == '*') {
            l.text.remove_suffix(1);
            l.prefix = true;
          }
          if (l.prefix && l.text.empty()) {
            return Error(i, "'*' without a prefix", "write the start of a word before it, e.g. تكنولوج*");
          }
          if (l.prefix && l.fuzzy.has_value()) {
            return Error(i, absl::StrCat("'", word, "' is both a prefix and fuzzy"),
                         "use either word* or word~");
          }
          lex_.push_back(l);
        }
        i = j;
      }
    }
    lex_.push_back({Lexeme::kEnd, n, {}});
    return absl::OkStatus();
  }

  // What a primary produced: the terms of one typed word (possibly several,
  // possibly none for punctuation), or one node.
  struct Part {
    std::vector<Query> nodes;
    bool word = false;
    bool stopword = false;  // a single stopword term
    size_t begin = 0;
  };
  struct Clause {
    char modifier = 0;  // '+', '-' or 0
    Part part;
  };

  const Lexeme& Peek() const { return lex_[pos_]; }

  absl::Status CountWord(absl::string_view stem, size_t begin) {
    if (stems_.insert(std::string(stem)).second && stems_.size() > options_.max_terms) {
      return Error(begin, absl::StrCat("the query has more than ", options_.max_terms, " words"),
                   absl::StrCat("the limit is ", options_.max_terms,
                                " distinct words; shorten the query"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<QueryWord>> Analyze(absl::string_view text, size_t begin) {
    std::vector<QueryWord> words;
    for (analysis::Token& t : analyzer_.Analyze(text)) {
      std::string stem(t.stem());  // a view into t.term: copy it before the move
      QueryWord w{std::move(t.term), std::move(stem), t.stopword, t.position};
      KHABAR_RETURN_IF_ERROR(CountWord(w.stem, begin));
      words.push_back(std::move(w));
    }
    return words;
  }

  // A word that became several terms, as one node: all its non-stopword
  // terms are needed (all of them if every one is a stopword).
  static Query AsNode(const Part& part) {
    if (part.nodes.empty()) return nullptr;
    if (part.nodes.size() == 1) return part.nodes[0];
    std::vector<Query> content;
    for (const Query& q : part.nodes) {
      if (!IsStopword(*q)) content.push_back(q);
    }
    if (content.empty()) content = part.nodes;
    if (content.size() == 1) return content[0];
    return std::make_shared<AndNode>(std::move(content));
  }

  static bool IsStopword(const QueryNode& q) {
    return q.op() == QueryNode::Op::kTerm && static_cast<const TermNode&>(q).word().stopword;
  }

  // True when `q` has a positive leaf that is not a stopword.
  static bool HasContent(const QueryNode& q, bool negated) {
    switch (q.op()) {
      case QueryNode::Op::kTerm:
        return !negated && !IsStopword(q);
      case QueryNode::Op::kPhrase:
      case QueryNode::Op::kNear: {
        const auto& words = q.op() == QueryNode::Op::kPhrase
                                ? static_cast<const PhraseNode&>(q).words()
                                : static_cast<const NearNode&>(q).words();
        return !negated && std::any_of(words.begin(), words.end(),
                                       [](const QueryWord& w) { return !w.stopword; });
      }
      case QueryNode::Op::kPrefix:
        return !negated;
      case QueryNode::Op::kAnd:
        for (const Query& c : static_cast<const AndNode&>(q).children()) {
          if (HasContent(*c, negated)) return true;
        }
        return false;
      case QueryNode::Op::kOr:
        for (const Query& c : static_cast<const OrNode&>(q).children()) {
          if (HasContent(*c, negated)) return true;
        }
        return false;
      case QueryNode::Op::kAndMaybe: {
        const auto& m = static_cast<const AndMaybeNode&>(q);
        return HasContent(*m.required(), negated) || HasContent(*m.optional(), negated);
      }
      case QueryNode::Op::kAndNot:
        return HasContent(*static_cast<const AndNotNode&>(q).positive(), negated);
    }
    return false;
  }

  absl::StatusOr<Part> Primary(int depth, FieldScope scope) {
    const Lexeme l = Peek();
    Part part;
    part.begin = l.begin;
    switch (l.kind) {
      case Lexeme::kField: {
        ++pos_;
        return Primary(depth, l.field);
      }
      case Lexeme::kLParen: {
        if (depth + 1 > options_.max_depth) {
          return Error(l.begin, absl::StrCat("parentheses nested deeper than ", options_.max_depth),
                       "flatten the query");
        }
        ++pos_;
        KHABAR_ASSIGN_OR_RETURN(Query inner, Sequence(depth + 1, scope, l.begin));
        if (Peek().kind != Lexeme::kRParen) {
          return Error(l.begin, "unbalanced '('", "add the closing ')'");
        }
        ++pos_;
        if (inner == nullptr) {
          return Error(l.begin, "the group '(…)' has no searchable words");
        }
        part.nodes.push_back(std::move(inner));
        return part;
      }
      case Lexeme::kPhrase: {
        ++pos_;
        KHABAR_ASSIGN_OR_RETURN(std::vector<QueryWord> words, Analyze(l.text, l.begin));
        if (words.empty()) {
          return Error(l.begin, "the phrase has no searchable words");
        }
        if (l.window.has_value()) {
          absl::flat_hash_set<std::string> distinct;
          std::vector<QueryWord> unique;
          for (QueryWord& w : words) {
            if (distinct.insert(w.stem).second) unique.push_back(std::move(w));
          }
          if (*l.window > options_.max_window) {
            return Error(l.begin, absl::StrCat("proximity window ", *l.window, " is too wide"),
                         absl::StrCat("the limit is ", options_.max_window));
          }
          if (*l.window + 1 < unique.size()) {
            return Error(l.begin,
                         absl::StrCat("proximity window ", *l.window, " cannot hold ",
                                      unique.size(), " words"),
                         absl::StrCat("use ~", unique.size() - 1, " or more"));
          }
          part.nodes.push_back(std::make_shared<NearNode>(std::move(unique), *l.window, scope));
        } else {
          part.nodes.push_back(std::make_shared<PhraseNode>(std::move(words), scope));
        }
        return part;
      }
      case Lexeme::kWord: {
        ++pos_;
        KHABAR_ASSIGN_OR_RETURN(std::vector<QueryWord> words, Analyze(l.text, l.begin));
        if (l.prefix) {
          if (words.size() != 1) {
            return Error(l.begin, absl::StrCat("prefix '", l.text, "*' is not a single word"),
                         "a prefix is the start of one word, e.g. تكنولوج*");
          }
          if (base::CountCodePoints(words[0].term) < 2) {
            return Error(l.begin, absl::StrCat("prefix '", l.text, "*' is too short"),
                         "give at least 2 letters");
          }
          part.nodes.push_back(std::make_shared<PrefixNode>(std::move(words[0]), scope));
          return part;
        }
        part.word = true;
        part.stopword = words.size() == 1 && words[0].stopword;
        FuzzyExpansion fuzzy;
        if (l.fuzzy.has_value()) {
          fuzzy.requested = true;
          fuzzy.max_edits = *l.fuzzy;
        }
        for (QueryWord& w : words) {
          part.nodes.push_back(std::make_shared<TermNode>(std::move(w), scope, fuzzy));
        }
        return part;
      }
      case Lexeme::kRParen:
        return Error(l.begin, "unbalanced ')'", "remove it or add the opening '('");
      case Lexeme::kOr:
      case Lexeme::kAnd:
        return Error(l.begin,
                     absl::StrCat("'", l.kind == Lexeme::kOr ? "OR" : "AND",
                                  "' has nothing on its left"),
                     "put a word or phrase on both sides");
      case Lexeme::kPlus:
      case Lexeme::kMinus:
        return Error(l.begin, "'+' or '-' twice", "use one modifier per word");
      case Lexeme::kEnd:
        break;
    }
    return Error(l.begin, "the query ends too early");
  }

  absl::StatusOr<Clause> Unary(int depth, FieldScope scope) {
    Clause clause;
    if (Peek().kind == Lexeme::kPlus || Peek().kind == Lexeme::kMinus) {
      clause.modifier = Peek().kind == Lexeme::kPlus ? '+' : '-';
      ++pos_;
    }
    KHABAR_ASSIGN_OR_RETURN(clause.part, Primary(depth, scope));
    return clause;
  }

  // The right operand of an operator at `op`: fails clearly when missing.
  absl::Status ExpectOperand(const Lexeme& op) const {
    const Lexeme::Kind k = Peek().kind;
    if (k == Lexeme::kEnd || k == Lexeme::kRParen || k == Lexeme::kOr || k == Lexeme::kAnd) {
      return Error(op.begin,
                   absl::StrCat("'", op.kind == Lexeme::kOr ? "OR" : "AND",
                                "' has nothing on its right"),
                   "put a word or phrase on both sides");
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Clause> AndExpr(int depth, FieldScope scope) {
    KHABAR_ASSIGN_OR_RETURN(Clause first, Unary(depth, scope));
    if (Peek().kind != Lexeme::kAnd) return first;
    std::vector<Clause> operands;
    operands.push_back(std::move(first));
    while (Peek().kind == Lexeme::kAnd) {
      const Lexeme op = Peek();
      ++pos_;
      KHABAR_RETURN_IF_ERROR(ExpectOperand(op));
      KHABAR_ASSIGN_OR_RETURN(Clause next, Unary(depth, scope));
      operands.push_back(std::move(next));
    }
    std::vector<Query> positive, negative;
    for (const Clause& c : operands) {
      Query node = AsNode(c.part);
      if (node == nullptr) continue;
      (c.modifier == '-' ? negative : positive).push_back(std::move(node));
    }
    Clause out;
    out.part.begin = operands[0].part.begin;
    KHABAR_ASSIGN_OR_RETURN(Query q, Combine({}, std::move(positive), {}, std::move(negative),
                                             out.part.begin, 1));
    if (q != nullptr) out.part.nodes.push_back(std::move(q));
    return out;
  }

  absl::StatusOr<Clause> OrExpr(int depth, FieldScope scope) {
    KHABAR_ASSIGN_OR_RETURN(Clause first, AndExpr(depth, scope));
    if (Peek().kind != Lexeme::kOr) return first;
    std::vector<Clause> operands;
    operands.push_back(std::move(first));
    while (Peek().kind == Lexeme::kOr) {
      const Lexeme op = Peek();
      ++pos_;
      KHABAR_RETURN_IF_ERROR(ExpectOperand(op));
      KHABAR_ASSIGN_OR_RETURN(Clause next, AndExpr(depth, scope));
      operands.push_back(std::move(next));
    }
    std::vector<Query> children;
    for (const Clause& c : operands) {
      if (c.modifier == '-') {
        return Error(c.part.begin, "'-' inside OR",
                     "an OR needs positive alternatives; exclude outside it: (a OR b) -c");
      }
      Query node = AsNode(c.part);
      if (node != nullptr) children.push_back(std::move(node));
    }
    Clause out;
    out.part.begin = operands[0].part.begin;
    if (children.size() == 1) {
      out.part.nodes.push_back(std::move(children[0]));
    } else if (!children.empty()) {
      out.part.nodes.push_back(std::make_shared<OrNode>(std::move(children)));
    }
    return out;
  }

  // AND_NOT(AND_MAYBE(AND(must), OR/msm(should)), OR(must_not)), dropping
  // what is empty. nullptr when nothing positive and nothing negative.
  absl::StatusOr<Query> Combine(std::vector<Query> stop_should, std::vector<Query> must,
                                std::vector<Query> should, std::vector<Query> must_not,
                                size_t begin, int minimum_match) const {
    auto join_and = [](std::vector<Query> v) -> Query {
      if (v.empty()) return nullptr;
      if (v.size() == 1) return v[0];
      return std::make_shared<AndNode>(std::move(v));
    };
    auto join_or = [](std::vector<Query> v, int k) -> Query {
      if (v.empty()) return nullptr;
      if (v.size() == 1) return v[0];
      return std::make_shared<OrNode>(std::move(v), k);
    };
    Query required = join_and(std::move(must));
    Query optional;
    if (minimum_match > 1) {
      // Words beyond the first must match: stopwords only add to the score.
      Query counted = join_or(std::move(should), minimum_match);
      required = required == nullptr ? counted : join_and({required, counted});
      optional = join_or(std::move(stop_should), 1);
    } else {
      for (Query& q : stop_should) should.push_back(std::move(q));
      optional = join_or(std::move(should), 1);
    }
    Query positive;
    if (required != nullptr && optional != nullptr) {
      positive = std::make_shared<AndMaybeNode>(required, optional);
    } else {
      positive = required != nullptr ? required : optional;
    }
    Query negative = join_or(std::move(must_not), 1);
    if (positive == nullptr) {
      if (negative != nullptr) {
        return Error(begin, "a query needs at least one positive term",
                     "'-' only excludes; add a word to search for, e.g. هواوي -أمريكا");
      }
      return nullptr;
    }
    if (negative == nullptr) return positive;
    return Query(std::make_shared<AndNotNode>(positive, negative));
  }

  // Clauses up to the end or a ')': joined by the default operator.
  absl::StatusOr<Query> Sequence(int depth, FieldScope scope, size_t begin) {
    std::vector<Query> must, should, stop_should, must_not;
    std::vector<Query> ordered_should;  // should and stop_should, in query order
    const bool and_mode = options_.default_operator == QueryOperator::kAnd;
    while (Peek().kind != Lexeme::kEnd && Peek().kind != Lexeme::kRParen) {
      KHABAR_ASSIGN_OR_RETURN(Clause c, OrExpr(depth, scope));
      if (c.part.nodes.empty()) continue;  // punctuation only
      if (c.modifier == '-') {
        must_not.push_back(AsNode(c.part));
      } else if (c.modifier == '+') {
        must.push_back(AsNode(c.part));
      } else if (!c.part.word) {
        const Query& q = c.part.nodes[0];
        if (and_mode) {
          must.push_back(q);
        } else if (q->op() == QueryNode::Op::kOr &&
                   static_cast<const OrNode&>(*q).minimum_match() == 1) {
          // (a b) among optional words: OR is associative, splice it in.
          for (const Query& child : static_cast<const OrNode&>(*q).children()) {
            should.push_back(child);
            ordered_should.push_back(child);
          }
        } else {
          if (q->op() == QueryNode::Op::kPhrase) {
            // An optional phrase is a preference: its words count as words
            // (as before the query language) and the exact phrase adds its
            // own score. +"…" or the AND operator require the phrase.
            const auto& phrase = static_cast<const PhraseNode&>(*q);
            for (const QueryWord& w : phrase.words()) {
              ordered_should.push_back(std::make_shared<TermNode>(w, phrase.scope()));
            }
          }
          should.push_back(q);
          ordered_should.push_back(q);
        }
      } else {
        // A typed word's terms join the sequence one by one (as before the
        // query language: plain queries rank exactly as they did).
        for (const Query& q : c.part.nodes) {
          if (IsStopword(*q)) {
            stop_should.push_back(q);
            ordered_should.push_back(q);
          } else {
            (and_mode ? must : should).push_back(q);
            if (!and_mode) ordered_should.push_back(q);
          }
        }
      }
    }
    if (depth == 0 && Peek().kind == Lexeme::kRParen) {
      return Error(Peek().begin, "unbalanced ')'", "remove it or add the opening '('");
    }
    int minimum_match = 1;
    if (depth == 0 && !and_mode && !options_.minimum_should_match.empty()) {
      // Counted in distinct stems: "غزة وغزة" is one word.
      absl::flat_hash_set<std::string> distinct;
      int counted = 0;
      for (const Query& q : should) {
        if (q->op() != QueryNode::Op::kTerm ||
            distinct.insert(static_cast<const TermNode&>(*q).word().stem).second) {
          ++counted;
        }
      }
      KHABAR_ASSIGN_OR_RETURN(minimum_match,
                              MinimumShouldMatch(options_.minimum_should_match, counted));
    }
    if (!and_mode && minimum_match <= 1) {
      // Stopwords stay in query order among the other words, so consecutive
      // words keep their proximity pairs.
      return Combine({}, std::move(must), std::move(ordered_should), std::move(must_not), begin,
                     1);
    }
    return Combine(std::move(stop_should), std::move(must), std::move(should),
                   std::move(must_not), begin, minimum_match);
  }

  const absl::string_view text_;
  const analysis::Analyzer& analyzer_;
  const ParseOptions& options_;
  std::vector<Lexeme> lex_;
  size_t pos_ = 0;
  absl::flat_hash_set<std::string> stems_;
};

}  // namespace

absl::StatusOr<int> MinimumShouldMatch(absl::string_view spec, int optional_clauses) {
  const int n = optional_clauses;
  if (n <= 0) return 0;
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "minimum_should_match \"", spec,
        "\" is not a count (\"2\", \"-1\"), a percentage (\"75%\", \"-25%\") or conditions "
        "(\"3<75%\")"));
  };
  auto value = [&](absl::string_view v) -> std::optional<int> {
    v = absl::StripAsciiWhitespace(v);
    const bool percent = !v.empty() && v.back() == '%';
    if (percent) v.remove_suffix(1);
    int x = 0;
    if (v.empty() || !absl::SimpleAtoi(v, &x)) return std::nullopt;
    if (percent) {
      if (x < -100 || x > 100) return std::nullopt;
      const int part = static_cast<int>(std::floor(n * std::abs(x) / 100.0));
      return x < 0 ? n - part : part;
    }
    return x < 0 ? n + x : x;
  };
  spec = absl::StripAsciiWhitespace(spec);
  if (spec.empty()) return 1;
  int k = 0;
  if (spec.find('<') == absl::string_view::npos) {
    std::optional<int> v = value(spec);
    if (!v.has_value()) return bad();
    k = *v;
  } else {
    // "N<spec ...": the condition with the largest N below the count applies;
    // with none, every clause is needed.
    k = n;
    int best = -1;
    for (absl::string_view cond : absl::StrSplit(spec, ' ', absl::SkipEmpty())) {
      const size_t lt = cond.find('<');
      int threshold = 0;
      if (lt == absl::string_view::npos || !absl::SimpleAtoi(cond.substr(0, lt), &threshold) ||
          threshold < 0) {
        return bad();
      }
      std::optional<int> v = value(cond.substr(lt + 1));
      if (!v.has_value()) return bad();
      if (n > threshold && threshold > best) {
        best = threshold;
        k = *v;
      }
    }
  }
  return std::clamp(k, 1, n);
}

absl::StatusOr<Query> ParseQuery(absl::string_view text, const analysis::Analyzer& analyzer,
                                 const ParseOptions& options) {
  if (text.size() > options.max_query_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("query is ", text.size(),
                                                   " bytes; the limit is ",
                                                   options.max_query_bytes));
  }
  if (absl::StripAsciiWhitespace(text).empty()) {
    return absl::InvalidArgumentError("query is empty: type at least one word");
  }
  KHABAR_RETURN_IF_ERROR(base::ValidateUtf8("query", text));
  Parser parser(text, analyzer, options);
  return parser.Parse();
}

}  // namespace khabar::search
