// File: query.h
// -----------------------------------------------------------------------------
// The parsed query: an immutable tree with one node type per operator, in the
// style of Xapian's Query. query_parser.h builds it from what the user typed;
// searcher.cc turns it into document-at-a-time iterators (doc_iterator.h).
// Every node has a DebugString(), which the service returns as
// SearchResponse.parsed_query so users see how they were understood:
//
//   "الذكاء الاصطناعي" هواوي -أمريكا
//   -> AND_NOT(OR(PHRASE("الذكاء الاصطناعي"), هواوي[هواو]), امريكا[امريك])
//
// A word is shown as its normalized form with its stem in brackets when they
// differ; "[stop]" marks a stopword; a field prefix ("title:") scopes a leaf.
// Nodes are shared (std::shared_ptr<const QueryNode>): a rewrite such as
// prefix expansion (ResolvePrefixes in searcher.h) builds a new tree that
// shares the untouched subtrees.
#ifndef KHABAR_QUERY_SERVICE_SEARCH_QUERY_H_
#define KHABAR_QUERY_SERVICE_SEARCH_QUERY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace khabar::search {

// Which fields a leaf matches. kAll is title, body and the lead; kBody is the
// body and its lead (the lead is part of the body).
enum class FieldScope : uint8_t { kAll, kTitle, kBody };

class QueryNode;
using Query = std::shared_ptr<const QueryNode>;

class QueryNode {
 public:
  enum class Op { kTerm, kPhrase, kNear, kPrefix, kAnd, kOr, kAndMaybe, kAndNot };

  virtual ~QueryNode() = default;
  Op op() const { return op_; }
  virtual std::string DebugString() const = 0;

 protected:
  explicit QueryNode(Op op) : op_(op) {}

 private:
  const Op op_;
};

// One analysed word: matches its stem (weight 1) and ranks its exact form
// above other words of the same stem (Bm25Options::exact_weight).
struct QueryWord {
  std::string term;  // normalized, unstemmed
  std::string stem;
  bool stopword = false;
  uint32_t position = 0;  // analyzer position within its phrase or word
  // Query weight of the word relative to others (1: typed words;
  // MoreLikeThis weighs its terms by tf-idf). Shown as ^0.5.
  double boost = 1.0;
};

// Typo tolerance on one word (fuzzy.h): asked for by `word~` / `word~N` in the
// query or by the request (TypoOptions), filled in by ResolveFuzzy.
struct FuzzyExpansion {
  static constexpr int kAuto = -1;
  struct Term {
    std::string form;  // the indexed exact form found (the most frequent of its stem)
    std::string stem;  // what the expansion matches
    int edits = 0;     // 0: a spelling variant only
    double weight = 1.0;  // query weight, relative to the word's own stem
  };
  // `word~` or `word~N` was typed (typo tolerance off or on).
  bool requested = false;
  // From `word~N`; kAuto: by word length (and at least 1 for `word~`).
  int max_edits = kAuto;
  bool resolved = false;
  int edits = 0;            // the bound applied, once resolved
  std::vector<Term> terms;  // fewest edits, then most frequent, first
  int64_t candidates = 0;   // distinct stems within the bound, before the cap
};

// A word; with typo tolerance (fuzzy().resolved) it also matches its
// expansions, each at its own weight. Shown as FUZZY(word~1: form, form).
class TermNode final : public QueryNode {
 public:
  TermNode(QueryWord word, FieldScope scope, FuzzyExpansion fuzzy = FuzzyExpansion())
      : QueryNode(Op::kTerm), word_(std::move(word)), scope_(scope), fuzzy_(std::move(fuzzy)) {}
  const QueryWord& word() const { return word_; }
  FieldScope scope() const { return scope_; }
  const FuzzyExpansion& fuzzy() const { return fuzzy_; }
  std::string DebugString() const override;

 private:
  const QueryWord word_;
  const FieldScope scope_;
  const FuzzyExpansion fuzzy_;
};

// "exact phrase": the exact (unstemmed) forms at consecutive positions.
class PhraseNode final : public QueryNode {
 public:
  PhraseNode(std::vector<QueryWord> words, FieldScope scope)
      : QueryNode(Op::kPhrase), words_(std::move(words)), scope_(scope) {}
  const std::vector<QueryWord>& words() const { return words_; }
  FieldScope scope() const { return scope_; }
  std::string DebugString() const override;

 private:
  const std::vector<QueryWord> words_;
  const FieldScope scope_;
};

// "a b"~N: the stems of all words within a window of N positions (the last
// word's position minus the first's is at most N), in any order.
class NearNode final : public QueryNode {
 public:
  NearNode(std::vector<QueryWord> words, uint32_t window, FieldScope scope)
      : QueryNode(Op::kNear), words_(std::move(words)), window_(window), scope_(scope) {}
  const std::vector<QueryWord>& words() const { return words_; }
  uint32_t window() const { return window_; }
  FieldScope scope() const { return scope_; }
  std::string DebugString() const override;

 private:
  const std::vector<QueryWord> words_;
  const uint32_t window_;
  const FieldScope scope_;
};

// What a prefix expanded to (ResolvePrefixes in searcher.h).
struct PrefixExpansion {
  std::vector<std::string> terms;  // stems, the most frequent first
  int64_t candidates = 0;          // matching terms before the cap
  bool resolved = false;
};

// word*: every indexed stem that starts with the normalized prefix (or with
// the prefix's own stem, so "التكنو*" reaches "تكنولوجيا"). Unresolved until
// ResolvePrefixes fills `expansions` from an index.
class PrefixNode final : public QueryNode {
 public:
  using Expansion = PrefixExpansion;
  PrefixNode(QueryWord prefix, FieldScope scope, PrefixExpansion expansion = PrefixExpansion())
      : QueryNode(Op::kPrefix),
        prefix_(std::move(prefix)),
        scope_(scope),
        expansion_(std::move(expansion)) {}
  const QueryWord& prefix() const { return prefix_; }
  FieldScope scope() const { return scope_; }
  const Expansion& expansion() const { return expansion_; }
  bool truncated() const {
    return static_cast<int64_t>(expansion_.terms.size()) < expansion_.candidates;
  }
  std::string DebugString() const override;

 private:
  const QueryWord prefix_;
  const FieldScope scope_;
  const Expansion expansion_;
};

// All children match.
class AndNode final : public QueryNode {
 public:
  explicit AndNode(std::vector<Query> children)
      : QueryNode(Op::kAnd), children_(std::move(children)) {}
  const std::vector<Query>& children() const { return children_; }
  std::string DebugString() const override;

 private:
  const std::vector<Query> children_;
};

// At least `minimum_match` children match (1: any). Shown as OR/2(...) when
// more than one is needed.
class OrNode final : public QueryNode {
 public:
  explicit OrNode(std::vector<Query> children, int minimum_match = 1)
      : QueryNode(Op::kOr), children_(std::move(children)), minimum_match_(minimum_match) {}
  const std::vector<Query>& children() const { return children_; }
  int minimum_match() const { return minimum_match_; }
  std::string DebugString() const override;

 private:
  const std::vector<Query> children_;
  const int minimum_match_;
};

// Documents of `required`; `optional` only adds to their score (Xapian's
// OP_AND_MAYBE): what "+must should" means.
class AndMaybeNode final : public QueryNode {
 public:
  AndMaybeNode(Query required, Query optional)
      : QueryNode(Op::kAndMaybe), required_(std::move(required)), optional_(std::move(optional)) {}
  const Query& required() const { return required_; }
  const Query& optional() const { return optional_; }
  std::string DebugString() const override;

 private:
  const Query required_;
  const Query optional_;
};

// Documents of `positive` that `negative` does not match.
class AndNotNode final : public QueryNode {
 public:
  AndNotNode(Query positive, Query negative)
      : QueryNode(Op::kAndNot), positive_(std::move(positive)), negative_(std::move(negative)) {}
  const Query& positive() const { return positive_; }
  const Query& negative() const { return negative_; }
  std::string DebugString() const override;

 private:
  const Query positive_;
  const Query negative_;
};

}  // namespace khabar::search

#endif  // KHABAR_QUERY_SERVICE_SEARCH_QUERY_H_
