#include "query_service/search/searcher.h"

#include <algorithm>
#include <cmath>
#include <queue>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "query_service/search/best_of_iterator.h"
#include "query_service/search/boolean_iterators.h"
#include "query_service/search/fuzzy.h"
#include "query_service/search/match_all_iterator.h"
#include "query_service/search/positional_iterators.h"
#include "query_service/search/term_iterator.h"
#include "query_service/search/word_iterator.h"

namespace khabar::search {
namespace {

template <typename T>
const T& As(const QueryNode& q) {
  return static_cast<const T&>(q);
}

// Turns a resolved query tree into iterators.
class Compiler {
 public:
  explicit Compiler(const ScoringContext& ctx) : ctx_(ctx) {}

  DocIteratorPtr Build(const QueryNode& q) {
    switch (q.op()) {
      case QueryNode::Op::kTerm: {
        std::vector<DocIteratorPtr> its = WordIterators({&q});
        return std::move(its[0]);
      }
      case QueryNode::Op::kPhrase: {
        const auto& p = As<PhraseNode>(q);
        std::vector<PositionalWord> words;
        for (const QueryWord& w : p.words()) {
          words.push_back({index::ExactKey(w.term), w.position - p.words()[0].position,
                           w.stopword ? bm25().stopword_weight : 1.0});
        }
        return std::make_unique<PhraseIterator>(ctx_, std::move(words), p.scope());
      }
      case QueryNode::Op::kNear: {
        const auto& n = As<NearNode>(q);
        std::vector<PositionalWord> words;
        for (const QueryWord& w : n.words()) {
          words.push_back({w.stem, 0, w.stopword ? bm25().stopword_weight : 1.0});
        }
        return std::make_unique<NearIterator>(ctx_, std::move(words), n.window(), n.scope());
      }
      case QueryNode::Op::kPrefix: {
        const auto& p = As<PrefixNode>(q);
        std::vector<DocIteratorPtr> terms;
        for (const std::string& t : p.expansion().terms) {
          terms.push_back(std::make_unique<TermIterator>(ctx_, t, 1.0, p.scope()));
        }
        if (terms.empty()) return std::make_unique<EmptyIterator>(p.DebugString());
        if (terms.size() == 1) return std::move(terms[0]);
        return std::make_unique<OrIterator>(std::move(terms));
      }
      case QueryNode::Op::kAnd:
        return Group(As<AndNode>(q).children(), -1);
      case QueryNode::Op::kOr:
        return Group(As<OrNode>(q).children(), As<OrNode>(q).minimum_match());
      case QueryNode::Op::kAndMaybe: {
        const auto& m = As<AndMaybeNode>(q);
        return std::make_unique<AndMaybeIterator>(Build(*m.required()), Build(*m.optional()));
      }
      case QueryNode::Op::kAndNot: {
        const auto& n = As<AndNotNode>(q);
        return std::make_unique<AndNotIterator>(Build(*n.positive()), Build(*n.negative()));
      }
    }
    return std::make_unique<EmptyIterator>("unknown operator");
  }

 private:
  const Bm25Options& bm25() const { return ctx_.bm25(); }

  // The words among an operator's children, as scoring terms: each distinct
  // stem once (weight 1, or stopword_weight), each distinct exact form once
  // (times exact_weight): the ranking of the pre-query-language searcher.
  struct WordTerms {
    std::string stem;
    FieldScope scope;
    double weight;
    std::vector<std::pair<std::string, double>> exacts;  // key, weight
    std::vector<std::pair<std::string, double>> fuzzy;   // expansion stems, weight
  };
  std::vector<WordTerms> Group(const std::vector<const QueryNode*>& terms) {
    std::vector<WordTerms> groups;
    absl::flat_hash_map<std::pair<std::string, FieldScope>, size_t> by_stem;
    absl::flat_hash_set<std::pair<std::string, FieldScope>> seen_words;
    for (const QueryNode* q : terms) {
      const auto& t = As<TermNode>(*q);
      const QueryWord& w = t.word();
      if (!seen_words.insert({w.term, t.scope()}).second) continue;
      const double weight = (w.stopword ? bm25().stopword_weight : 1.0) * w.boost;
      auto [it, inserted] = by_stem.try_emplace({w.stem, t.scope()}, groups.size());
      if (inserted) groups.push_back({w.stem, t.scope(), weight, {}, {}});
      WordTerms& g = groups[it->second];
      if (bm25().exact_weight > 0) {
        g.exacts.emplace_back(index::ExactKey(w.term), weight * bm25().exact_weight);
      }
      // Typo tolerance: the expansions' stems, each at its own weight.
      for (const FuzzyExpansion::Term& e : t.fuzzy().terms) {
        const bool known = e.stem == g.stem ||
                           std::any_of(g.fuzzy.begin(), g.fuzzy.end(),
                                       [&](const auto& f) { return f.first == e.stem; });
        if (!known) g.fuzzy.emplace_back(e.stem, weight * e.weight);
      }
    }
    return groups;
  }

  // The words' iterators: one per word (an OR of its terms, pruned when it
  // proposes candidates alone); or, when `needs` is given (a flat OR), every
  // term apart, `needs` getting each exact form's need for its stem and
  // `stems` the index of each unscoped stem. `stem_iterators`, when given
  // (the words of a conjunction, which never prune them), gets each unscoped
  // word's stem iterator, and a word of a stem and exact forms only is a
  // WordIterator.
  std::vector<DocIteratorPtr> WordIterators(
      const std::vector<const QueryNode*>& terms, OrIterator::Requirements* needs = nullptr,
      std::vector<double>* ratios = nullptr, absl::flat_hash_map<std::string, int>* stems = nullptr,
      absl::flat_hash_map<std::string, TermIterator*>* stem_iterators = nullptr) {
    std::vector<DocIteratorPtr> out;
    for (const WordTerms& g : Group(terms)) {
      auto stem = std::make_unique<TermIterator>(ctx_, g.stem, g.weight, g.scope);
      if (stem_iterators != nullptr && g.scope == FieldScope::kAll) {
        stem_iterators->try_emplace(g.stem, stem.get());
      }
      if (stem_iterators != nullptr && g.fuzzy.empty() && !g.exacts.empty()) {
        WordIterator::Forms forms;
        for (const auto& [key, weight] : g.exacts) {
          forms.push_back(std::make_unique<TermIterator>(ctx_, key, weight, g.scope));
        }
        out.push_back(std::make_unique<WordIterator>(std::move(stem), std::move(forms)));
        continue;
      }
      // The word's terms: its stem, its exact forms (which the index holds
      // only beside the stem: each needs it), its typo expansions as one child.
      std::vector<DocIteratorPtr> its;
      its.push_back(std::move(stem));
      for (const auto& [key, weight] : g.exacts) {
        its.push_back(std::make_unique<TermIterator>(ctx_, key, weight, g.scope));
      }
      // A word's expansions count once: the best of them on each document.
      std::vector<DocIteratorPtr> fuzzy;
      for (const auto& [stem, weight] : g.fuzzy) {
        fuzzy.push_back(std::make_unique<TermIterator>(ctx_, stem, weight, g.scope));
      }
      if (fuzzy.size() == 1) {
        its.push_back(std::move(fuzzy[0]));
      } else if (!fuzzy.empty()) {
        its.push_back(std::make_unique<BestOfIterator>(std::move(fuzzy)));
      }
      OrIterator::Requirements word_needs(its.size(), {-1, -1});
      // An exact form's occurrences are its stem's (same positions, same
      // fields), so its score is at most its stem's times their weights'
      // ratio (OrIterator::SetScoreRatios).
      std::vector<double> word_ratios(its.size(), 0.0);
      const double stem_weight = static_cast<const TermIterator&>(*its[0]).weight();
      for (size_t i = 1; i <= g.exacts.size(); ++i) {
        word_needs[i] = {0, -1};
        if (stem_weight > 0) {
          word_ratios[i] = static_cast<const TermIterator&>(*its[i]).weight() / stem_weight;
        }
      }
      if (needs != nullptr) {
        // Every term apart in the caller's OR, the needs moved to its indices.
        const int stem_index = static_cast<int>(out.size());
        if (g.scope == FieldScope::kAll) stems->try_emplace(g.stem, stem_index);
        for (const auto& [first, second] : word_needs) {
          needs->push_back({first < 0 ? -1 : stem_index + first, second});
        }
        ratios->insert(ratios->end(), word_ratios.begin(), word_ratios.end());
        for (DocIteratorPtr& it : its) out.push_back(std::move(it));
      } else if (its.size() == 1) {
        out.push_back(std::move(its[0]));
      } else {
        auto word = std::make_unique<OrIterator>(std::move(its), std::move(word_needs));
        word->SetScoreRatios(std::move(word_ratios));
        out.push_back(std::move(word));
      }
    }
    return out;
  }

  // AND (minimum_match < 0) or OR of `children`, plus the proximity bonus of
  // consecutive unscoped words among them.
  DocIteratorPtr Group(const std::vector<Query>& children, int minimum_match) {
    const bool flat = minimum_match == 1;
    std::vector<const QueryNode*> terms;
    std::vector<ProximityPair> pairs;
    const TermNode* previous = nullptr;
    for (const Query& c : children) {
      if (c->op() != QueryNode::Op::kTerm) {
        previous = nullptr;
        continue;
      }
      const auto& t = As<TermNode>(*c);
      terms.push_back(c.get());
      if (previous != nullptr && t.scope() == FieldScope::kAll &&
          previous->scope() == FieldScope::kAll && previous->word().stem != t.word().stem) {
        pairs.push_back({previous->word().stem, t.word().stem});
      }
      previous = &t;
    }
    // The words first (in query order), then the other children.
    OrIterator::Requirements needs;
    std::vector<double> ratios;
    absl::flat_hash_map<std::string, int> stems;
    absl::flat_hash_map<std::string, TermIterator*> stem_iterators;
    std::vector<DocIteratorPtr> its =
        flat ? WordIterators(terms, &needs, &ratios, &stems)
             : WordIterators(terms, nullptr, nullptr, nullptr, &stem_iterators);
    for (const Query& c : children) {
      if (c->op() == QueryNode::Op::kTerm) continue;
      its.push_back(Build(*c));
      if (flat) {
        needs.push_back({-1, -1});
        ratios.push_back(0);
      }
    }
    const bool proximity = bm25().proximity_weight > 0 && !pairs.empty();
    if (flat && its.size() > 1) {
      // In a plain OR each pair's bonus is one more child, matching only
      // where both words occur near: MaxScore then bounds it per document,
      // and leaves it out where either word is missing.
      for (size_t i = 0; proximity && i < pairs.size(); ++i) {
        // A pair joins two unscoped words of this OR: `stems` holds the
        // index of each one's stem TermIterator, and the pair reads through them.
        const int a = stems.at(pairs[i].first), b = stems.at(pairs[i].second);
        its.push_back(std::make_unique<ProximityPairIterator>(
            ctx_, static_cast<TermIterator*>(its[a].get()),
            static_cast<TermIterator*>(its[b].get())));
        needs.push_back({a, b});
        ratios.push_back(0);
      }
      auto it = std::make_unique<OrIterator>(std::move(its), std::move(needs));
      it->SetScoreRatios(std::move(ratios));
      return it;
    }
    DocIteratorPtr it;
    if (its.size() == 1) {
      it = std::move(its[0]);
    } else if (minimum_match < 0) {
      it = std::make_unique<AndIterator>(std::move(its));
    } else {
      it = std::make_unique<OrIterator>(std::move(its), minimum_match);
    }
    if (proximity) {
      // The pairs read the words' stems through the stem iterators below
      // `it` (on each of its documents, every stem is on it or after it:
      // ProximityPairIterator's borrowing), not through cursors of their own.
      std::vector<std::pair<TermIterator*, TermIterator*>> borrowed;
      for (const ProximityPair& p : pairs) {
        borrowed.emplace_back(stem_iterators.at(p.first), stem_iterators.at(p.second));
      }
      it = std::make_unique<ProximityIterator>(ctx_, std::move(it), borrowed);
    }
    return it;
  }

  const ScoringContext& ctx_;
};

// Calls `leaf` with each term, phrase, proximity group and prefix of `q`, in
// query order, the excluded part of an AND NOT included.
void ForEachLeaf(const QueryNode& q, absl::FunctionRef<void(const QueryNode&)> leaf) {
  switch (q.op()) {
    case QueryNode::Op::kAnd:
      for (const Query& c : As<AndNode>(q).children()) ForEachLeaf(*c, leaf);
      return;
    case QueryNode::Op::kOr:
      for (const Query& c : As<OrNode>(q).children()) ForEachLeaf(*c, leaf);
      return;
    case QueryNode::Op::kAndMaybe:
      ForEachLeaf(*As<AndMaybeNode>(q).required(), leaf);
      ForEachLeaf(*As<AndMaybeNode>(q).optional(), leaf);
      return;
    case QueryNode::Op::kAndNot:
      ForEachLeaf(*As<AndNotNode>(q).positive(), leaf);
      ForEachLeaf(*As<AndNotNode>(q).negative(), leaf);
      return;
    default:
      leaf(q);
      return;
  }
}

// The dictionary keys the Compiler will look up for `q` (a repeated one
// more than once: harmless): ScoringContext::LookUp takes them together.
void CollectKeys(const QueryNode& q, const Bm25Options& bm25, std::vector<std::string>* out) {
  ForEachLeaf(q, [&](const QueryNode& n) {
    switch (n.op()) {
      case QueryNode::Op::kTerm: {
        const auto& t = As<TermNode>(n);
        out->push_back(t.word().stem);
        if (bm25.exact_weight > 0) out->push_back(index::ExactKey(t.word().term));
        for (const FuzzyExpansion::Term& e : t.fuzzy().terms) out->push_back(e.stem);
        return;
      }
      case QueryNode::Op::kPhrase:
        for (const QueryWord& w : As<PhraseNode>(n).words()) {
          out->push_back(index::ExactKey(w.term));
        }
        return;
      case QueryNode::Op::kNear:
        for (const QueryWord& w : As<NearNode>(n).words()) out->push_back(w.stem);
        return;
      case QueryNode::Op::kPrefix:
        for (const std::string& t : As<PrefixNode>(n).expansion().terms) out->push_back(t);
        return;
      default:
        return;
    }
  });
}

// Stems of the query's words, phrases and proximity groups, in order, once.
void CollectTerms(const QueryNode& q, absl::flat_hash_set<std::string>* seen,
                  std::vector<std::string>* out) {
  auto add = [&](const std::string& stem) {
    if (seen->insert(stem).second) out->push_back(stem);
  };
  ForEachLeaf(q, [&](const QueryNode& n) {
    switch (n.op()) {
      case QueryNode::Op::kTerm:
        add(As<TermNode>(n).word().stem);
        return;
      case QueryNode::Op::kPhrase:
        for (const QueryWord& w : As<PhraseNode>(n).words()) add(w.stem);
        return;
      case QueryNode::Op::kNear:
        for (const QueryWord& w : As<NearNode>(n).words()) add(w.stem);
        return;
      default:
        return;
    }
  });
}

// The distinct words of the positive part of a resolved tree, in query order,
// for highlighting (SearchResult::words).
class WordCollector {
 public:
  void Collect(const QueryNode& q) {
    switch (q.op()) {
      case QueryNode::Op::kTerm:
        AddTerm(As<TermNode>(q), /*phrase_part=*/false);
        return;
      case QueryNode::Op::kPhrase:
        for (const QueryWord& w : As<PhraseNode>(q).words()) Add(w, true);
        return;
      case QueryNode::Op::kNear:
        for (const QueryWord& w : As<NearNode>(q).words()) Add(w, true);
        return;
      case QueryNode::Op::kPrefix:
        for (const std::string& t : As<PrefixNode>(q).expansion().terms) {
          Add(QueryWord{t, t, false, 0}, false);
        }
        return;
      case QueryNode::Op::kAnd:
        for (const Query& c : As<AndNode>(q).children()) Collect(*c);
        return;
      case QueryNode::Op::kOr:
        CollectOr(As<OrNode>(q));
        return;
      case QueryNode::Op::kAndMaybe:
        Collect(*As<AndMaybeNode>(q).required());
        Collect(*As<AndMaybeNode>(q).optional());
        return;
      case QueryNode::Op::kAndNot:
        Collect(*As<AndNotNode>(q).positive());  // excluded words are not highlighted
        return;
    }
  }

  std::vector<SearchWord> Take() && { return std::move(words_); }

 private:
  // An optional phrase also adds its words as sibling terms (the parser's
  // Sequence): those stay phrase parts, highlighted by exact form only.
  void CollectOr(const OrNode& q) {
    absl::flat_hash_set<std::pair<std::string, FieldScope>> phrase_words;
    for (const Query& c : q.children()) {
      if (c->op() != QueryNode::Op::kPhrase) continue;
      const auto& p = As<PhraseNode>(*c);
      for (const QueryWord& w : p.words()) phrase_words.insert({w.term, p.scope()});
    }
    for (const Query& c : q.children()) {
      if (c->op() == QueryNode::Op::kTerm) {
        const auto& t = As<TermNode>(*c);
        AddTerm(t, phrase_words.contains({t.word().term, t.scope()}));
      } else {
        Collect(*c);
      }
    }
  }

  // The word, then the forms its typo tolerance found (highlighted too).
  void AddTerm(const TermNode& t, bool phrase_part) {
    Add(t.word(), phrase_part);
    for (const FuzzyExpansion::Term& e : t.fuzzy().terms) {
      Add(QueryWord{e.form, e.stem, false, 0}, false);
    }
  }

  // Once per exact form; a word that is also typed outside a phrase matches
  // by stem.
  void Add(const QueryWord& w, bool phrase_part) {
    auto [it, inserted] = index_.try_emplace(w.term, words_.size());
    if (inserted) {
      words_.push_back({w.term, w.stem, w.stopword, phrase_part});
    } else if (!phrase_part) {
      words_[it->second].phrase_part = false;
    }
  }

  absl::flat_hash_map<std::string, size_t> index_;
  std::vector<SearchWord> words_;
};

}  // namespace

Query ResolvePrefixes(const Query& query, const index::IndexSnapshot& index,
                      size_t max_expansions) {
  const QueryNode& q = *query;
  auto children = [&](const std::vector<Query>& in, bool* changed) {
    std::vector<Query> out;
    for (const Query& c : in) {
      out.push_back(ResolvePrefixes(c, index, max_expansions));
      *changed = *changed || out.back() != c;
    }
    return out;
  };
  bool changed = false;
  switch (q.op()) {
    case QueryNode::Op::kPrefix: {
      const auto& p = As<PrefixNode>(q);
      if (p.expansion().resolved) return query;
      // Candidates: stems starting with the typed prefix, or with its stem
      // when stemming only stripped a leading article or particle.
      std::vector<std::pair<int64_t, std::string>> found;
      absl::flat_hash_set<std::string> seen;
      std::vector<std::string> prefixes = {p.prefix().term};
      const std::string& stem = p.prefix().stem;
      if (stem != p.prefix().term && absl::EndsWith(p.prefix().term, stem) && stem.size() >= 4) {
        prefixes.push_back(stem);
      }
      for (const std::string& prefix : prefixes) {
        index.ForEachTermWithPrefix(prefix, [&](absl::string_view term, int64_t postings) {
          if (seen.insert(std::string(term)).second) {
            found.emplace_back(postings, std::string(term));
          }
          return true;
        });
      }
      std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
      });
      PrefixNode::Expansion e;
      e.resolved = true;
      e.candidates = static_cast<int64_t>(found.size());
      for (size_t i = 0; i < found.size() && i < max_expansions; ++i) {
        e.terms.push_back(std::move(found[i].second));
      }
      return std::make_shared<PrefixNode>(p.prefix(), p.scope(), std::move(e));
    }
    case QueryNode::Op::kAnd: {
      std::vector<Query> c = children(As<AndNode>(q).children(), &changed);
      return changed ? std::make_shared<AndNode>(std::move(c)) : query;
    }
    case QueryNode::Op::kOr: {
      std::vector<Query> c = children(As<OrNode>(q).children(), &changed);
      return changed ? std::make_shared<OrNode>(std::move(c), As<OrNode>(q).minimum_match()) : query;
    }
    case QueryNode::Op::kAndMaybe: {
      const auto& m = As<AndMaybeNode>(q);
      Query r = ResolvePrefixes(m.required(), index, max_expansions);
      Query o = ResolvePrefixes(m.optional(), index, max_expansions);
      return r == m.required() && o == m.optional() ? query : std::make_shared<AndMaybeNode>(r, o);
    }
    case QueryNode::Op::kAndNot: {
      const auto& n = As<AndNotNode>(q);
      Query p = ResolvePrefixes(n.positive(), index, max_expansions);
      Query m = ResolvePrefixes(n.negative(), index, max_expansions);
      return p == n.positive() && m == n.negative() ? query : std::make_shared<AndNotNode>(p, m);
    }
    default:
      return query;
  }
}

std::unique_ptr<DocIterator> BuildIterator(const Query& query, const ScoringContext& ctx) {
  return Compiler(ctx).Build(*query);
}

absl::StatusOr<SearchResult> Search(const index::IndexSnapshot& index, const SearchRequest& request,
                                    const Bm25Options& bm25, const SearchLimits& limits) {
  absl::StatusOr<Filter> filter = ParseFilter(request.filter, limits.filter);
  if (!filter.ok()) return filter.status();
  // A filter alone lists the articles that pass it.
  const bool blank = absl::StripAsciiWhitespace(request.query).empty();
  if (blank && filter->empty() && request.query.size() <= limits.max_query_bytes) {
    return absl::InvalidArgumentError(
        "query is empty: type at least one word (or give a filter to list articles by it)");
  }
  const bool match_all = blank && !filter->empty();
  Query query;  // null: every live document (a filter-only listing)
  if (!match_all) {
    ParseOptions parse;
    parse.syntax = request.query_syntax;
    parse.default_operator = request.default_operator;
    parse.minimum_should_match = request.minimum_should_match;
    parse.max_query_bytes = limits.max_query_bytes;
    parse.max_terms = limits.max_query_terms;
    parse.max_depth = limits.max_query_depth;
    absl::StatusOr<Query> parsed = ParseQuery(request.query, index.analyzer(), parse);
    if (!parsed.ok()) return parsed.status();
    query = ResolveFuzzy(ResolvePrefixes(*parsed, index, limits.max_prefix_expansions), index,
                         request.typo);
  }
  RankOptions rank;
  rank.offset = request.offset;
  rank.limit = request.limit;
  rank.collapse_duplicates = request.collapse_duplicates;
  rank.explain = request.explain;
  rank.filter = filter->empty() ? nullptr : &*filter;
  rank.order_by = request.order_by;
  rank.facets = request.facets;
  rank.max_facet_values = limits.max_facet_values;
  rank.recency = request.recency;
  if (!request.exact_total_hits) rank.exact_hits_up_to = limits.exact_hits_up_to;
  return Rank(index, query, rank, bm25);
}

SearchResult Rank(const index::IndexSnapshot& index, const Query& query,
                  const RankOptions& request, const Bm25Options& bm25) {
  const bool match_all = query == nullptr;
  SearchResult result;
  if (match_all) {
    result.parsed_query = "ALL";
  } else {
    result.parsed_query = query->DebugString();
    absl::flat_hash_set<std::string> seen;
    CollectTerms(*query, &seen, &result.terms);
    WordCollector words;
    words.Collect(*query);
    result.words = std::move(words).Take();
  }

  ScoringContext ctx(index, bm25);
  if (!match_all) {
    std::vector<std::string> keys;
    CollectKeys(*query, bm25, &keys);
    ctx.LookUp(std::move(keys));
  }
  auto make_iterator = [&]() -> std::unique_ptr<DocIterator> {
    if (match_all) return std::make_unique<MatchAllIterator>(index);
    return BuildIterator(query, ctx);
  };
  std::unique_ptr<DocIterator> it = make_iterator();

  struct Scored {
    double score;
    int64_t time;  // published_time, when ordering by it (0: unknown)
    DocId doc;
  };
  // Best first: by published time when asked (timeless documents last), then
  // higher score, then the older document. A total order, so pages never
  // repeat or skip a hit.
  const SortOrder order = request.order_by;
  auto better = [order](const Scored& x, const Scored& y) {
    if (order != SortOrder::kRelevance) {
      if ((x.time != 0) != (y.time != 0)) return x.time != 0;
      if (x.time != y.time) {
        return order == SortOrder::kPublishedTimeDesc ? x.time > y.time : x.time < y.time;
      }
    }
    return x.score != y.score ? x.score > y.score : x.doc < y.doc;
  };
  // Metadata is read only when something needs it.
  FacetCounter facets(request.facets, request.max_facet_values);
  const bool read_doc = request.filter != nullptr || !facets.empty() ||
                        order != SortOrder::kRelevance || request.recency.has_value();
  const size_t k = request.offset + request.limit;
  std::vector<Scored> top;
  absl::flat_hash_map<index::ClusterId, std::pair<Scored, int32_t>> clusters;
  // A bounded heap whose top is the worst kept hit.
  std::priority_queue<Scored, std::vector<Scored>, decltype(better)> heap(better);
  // Once the heap is full, a later document must score above its worst hit
  // (a tie loses on doc id): the iterators may skip what cannot.
  const bool may_prune = order == SortOrder::kRelevance && !request.collapse_duplicates &&
                         facets.empty() && !request.recency.has_value() && k > 0 && !match_all;
  // Matches known before iterating (a word's document frequency): when they
  // are the exact count, or already reach exact_hits_up_to, the loop need not
  // count, so pruning starts as soon as the heap is full instead of after
  // exact_hits_up_to fully scored hits. Not with a filter or an exclusion,
  // which drop matches the iterator counts.
  MatchCount known;
  const bool every_match_ranked = request.filter == nullptr && request.exclude_doc == kNoMoreDocs &&
                                  !request.exclude_cluster.has_value();
  if (may_prune && every_match_ranked) known = it->KnownMatches();
  const bool count_known = known.exact || known.at_least >= request.exact_hits_up_to;
  double threshold = -std::numeric_limits<double>::infinity();
  // Where the count need not come from the loop, pruning may start before
  // the heap is full: from a score that k documents are known to reach (a
  // word's stored score floor; docs/query-processing.md, "Score floors"),
  // lowered by a margin for rounding and so that a document tied with the
  // k-th best still reaches the heap, where ties are decided. Not with a
  // filter or an exclusion, which may drop the documents the floor counts.
  if (may_prune && count_known && every_match_ranked) {
    const double floor = it->ScoreFloor(k);
    if (floor > 0) {
      threshold = floor * (1 - 1e-7);
      it->SetMinCompetitiveScore(threshold);
      result.total_hits_exact = false;
    }
  }
  for (DocId d = it->doc(); d != kNoMoreDocs; d = it->Next()) {
    if (d == request.exclude_doc ||
        (request.exclude_cluster.has_value() && index.cluster(d) == *request.exclude_cluster)) {
      continue;
    }
    int64_t time = 0;
    if (read_doc) {
      const index::Document& doc = index.document(d);
      if (request.filter != nullptr && !request.filter->Matches(doc)) continue;
      facets.Add(doc);
      time = doc.published_time;
    }
    double score;
    if (may_prune && heap.size() == k) {
      // A document whose score's bound (ScoreAbove) cannot beat the worst
      // kept hit is counted without computing its score (only where pruning
      // may be used, so that an exhaustive search, with facets, checks it).
      // The bar lowered by the iterators' rounding margin: a bound computed
      // in another order than the score may round below it.
      const double top = heap.top().score;
      score = it->ScoreAbove(top - 1e-9 * std::max(1.0, std::abs(top)));
      if (score <= top) {  // loses to the worst kept hit (a tie too: a later doc)
        ++result.total_hits;
        continue;
      }
    } else {
      score = it->Score();
    }
    if (request.recency) score *= request.recency->Factor(time);
    const Scored s{score, time, d};
    if (request.collapse_duplicates) {
      // The first document of each cluster in the result order stands for it.
      auto [slot, inserted] = clusters.try_emplace(index.cluster(d), s, 0);
      if (!inserted) {
        ++slot->second.second;
        if (better(s, slot->second.first)) slot->second.first = s;
      }
      continue;
    }
    ++result.total_hits;
    if (k == 0) continue;
    if (heap.size() < k) {
      heap.push(s);
    } else if (better(s, heap.top())) {
      heap.pop();
      heap.push(s);
    } else {
      continue;
    }
    if (may_prune && heap.size() == k &&
        (count_known || result.total_hits >= request.exact_hits_up_to) &&
        heap.top().score > threshold) {
      threshold = heap.top().score;
      it->SetMinCompetitiveScore(threshold);
      result.total_hits_exact = false;
    }
  }
  if (known.exact) {
    result.total_hits = known.at_least;
    result.total_hits_exact = true;
  } else if (!result.total_hits_exact) {
    result.total_hits = std::max(result.total_hits, known.at_least);
  }
  if (request.collapse_duplicates) {
    result.total_hits = static_cast<int64_t>(clusters.size());
    for (const auto& [cluster, rep] : clusters) top.push_back(rep.first);
    const size_t want = std::min(top.size(), k);
    std::partial_sort(top.begin(), top.begin() + want, top.end(), better);
    top.resize(want);
  } else {
    for (; !heap.empty(); heap.pop()) top.push_back(heap.top());
    std::reverse(top.begin(), top.end());
  }
  result.facets = facets.Finish();

  for (size_t i = request.offset; i < top.size(); ++i) {
    Hit hit{top[i].doc, top[i].score, 0, {}};
    if (request.collapse_duplicates) hit.duplicate_count = clusters.find(index.cluster(hit.doc))->second.second;
    if (request.explain) {
      // A fresh iterator per hit: explaining never disturbs the ranking pass.
      std::unique_ptr<DocIterator> e = make_iterator();
      if (e->Advance(hit.doc) == hit.doc) hit.explanation = e->Explain();
      if (request.recency) {
        const int64_t time = index.document(hit.doc).published_time;
        Explanation boosted{hit.score, "product of:", {}};
        boosted.details.push_back(std::move(hit.explanation));
        boosted.details.push_back(request.recency->Explain(time));
        hit.explanation = std::move(boosted);
      }
    }
    result.hits.push_back(std::move(hit));
  }
  return result;
}

}  // namespace khabar::search
