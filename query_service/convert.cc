#include "query_service/convert.h"

#include "absl/strings/str_cat.h"

namespace khabar::query {

namespace {

// Everything but the payload.
index::Document DocumentFields(const v1::Article& article) {
  index::Document doc;
  doc.id = article.id();
  doc.title = article.title();
  doc.paragraphs.reserve(article.paragraphs_size());
  for (const v1::Paragraph& p : article.paragraphs()) doc.paragraphs.push_back(p.text());
  doc.content_hash = article.content_hash();
  doc.source = article.source();
  doc.url = article.url();
  doc.category = article.category();
  // Whole seconds are plenty to filter and sort news by.
  if (article.has_published_time()) doc.published_time = article.published_time().seconds();
  return doc;
}

}  // namespace

index::Document ToDocument(const v1::Article& article) {
  index::Document doc = DocumentFields(article);
  // cluster_id is output only: query_service sets it when answering.
  if (article.cluster_id().empty()) {
    doc.payload = article.SerializeAsString();
  } else {
    v1::Article copy = article;
    copy.clear_cluster_id();
    doc.payload = copy.SerializeAsString();
  }
  return doc;
}

absl::StatusOr<index::Document> DocumentFromPayload(absl::string_view payload) {
  v1::Article article;
  if (!article.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return absl::InvalidArgumentError("stored payload is not a khabar.v1.Article");
  }
  index::Document doc = DocumentFields(article);
  doc.payload = std::string(payload);
  return doc;
}

namespace {

// Highlighting is on unless explicitly disabled; zero values are defaults.
bool FromProto(const v1::HighlightOptions& h, search::SnippetOptions* snippets) {
  if (h.max_snippets() != 0) snippets->max_snippets = h.max_snippets();
  snippets->snippet_words = h.snippet_words();
  snippets->pre_tag = h.pre_tag();
  snippets->post_tag = h.post_tag();
  return !h.has_enabled() || h.enabled();
}

}  // namespace

search::PageRequest FromProto(const v1::SearchRequest& request) {
  search::PageRequest out;
  out.query = request.query();
  out.page_size = request.page_size();
  out.page_token = request.page_token();
  out.collapse_duplicates = request.collapse_duplicates();
  out.explain = request.explain();
  out.default_operator = request.default_operator() == v1::QUERY_OPERATOR_AND
                             ? search::QueryOperator::kAnd
                             : search::QueryOperator::kOr;
  out.minimum_should_match = request.minimum_should_match();
  out.query_syntax = request.query_syntax() == v1::QUERY_SYNTAX_PLAIN ? search::QuerySyntax::kPlain
                                                                        : search::QuerySyntax::kFull;
  out.highlight = FromProto(request.highlight(), &out.snippets);
  out.filter = request.filter();
  out.order_by = request.order_by();
  out.facets.assign(request.facets().begin(), request.facets().end());
  if (request.has_recency()) {
    const v1::RecencyBoost& r = request.recency();
    search::PageRequest::Recency recency;
    recency.half_life = r.half_life();
    recency.weight = r.weight();
    if (r.has_origin()) recency.origin = r.origin().seconds();
    out.recency = std::move(recency);
  }
  out.typo_tolerance = request.typo_tolerance().enabled();
  out.one_typo_min_letters = request.typo_tolerance().one_typo_min_letters();
  out.two_typos_min_letters = request.typo_tolerance().two_typos_min_letters();
  out.exact_total_hits = request.exact_total_hits();
  return out;
}

search::MoreLikeThisPageRequest FromProto(const v1::MoreLikeThisRequest& request) {
  search::MoreLikeThisPageRequest out;
  out.id = request.id();
  out.page_size = request.page_size();
  out.page_token = request.page_token();
  out.collapse_duplicates = request.collapse_duplicates();
  out.explain = request.explain();
  out.highlight = FromProto(request.highlight(), &out.snippets);
  return out;
}

absl::StatusOr<search::SuggestRequest> FromProto(const v1::SuggestRequest& request) {
  search::SuggestRequest out;
  out.prefix = request.prefix();
  out.page_size = request.page_size();
  bool terms = false, titles = false, any = false;
  for (int k : request.kinds()) {
    if (k == v1::SUGGESTION_KIND_TERM) {
      terms = any = true;
    } else if (k == v1::SUGGESTION_KIND_TITLE) {
      titles = any = true;
    } else if (k != v1::SUGGESTION_KIND_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(
          "kinds: ", k, " is not a suggestion kind (SUGGESTION_KIND_TERM or SUGGESTION_KIND_TITLE)"));
    }
  }
  if (any) {
    out.terms = terms;
    out.titles = titles;
  }
  return out;
}

void ToProto(const std::vector<search::Suggestion>& suggestions, v1::SuggestResponse* response) {
  for (const search::Suggestion& s : suggestions) {
    v1::Suggestion* out = response->add_suggestions();
    out->set_text(s.text);
    out->set_kind(s.kind == search::SuggestionKind::kTerm ? v1::SUGGESTION_KIND_TERM
                                                           : v1::SUGGESTION_KIND_TITLE);
    out->set_count(s.count);
    out->set_score(s.score);
    out->set_article_id(s.article_id);
  }
}

void ToProto(const search::Explanation& e, v1::Explanation* out) {
  out->set_value(e.value);
  out->set_description(e.description);
  for (const search::Explanation& d : e.details) ToProto(d, out->add_details());
}

namespace {

void ToProto(const search::Highlight& h, v1::Highlight* out) {
  out->set_byte_begin(h.byte_begin);
  out->set_byte_end(h.byte_end);
  out->set_utf16_begin(h.utf16_begin);
  out->set_utf16_end(h.utf16_end);
  out->set_exact(h.exact);
}

}  // namespace

void ToProto(const search::Page& page, v1::SearchResponse* response) {
  for (const search::PageHit& h : page.hits) {
    v1::SearchHit* hit = response->add_hits();
    hit->set_id(h.id.data(), h.id.size());
    hit->set_title(h.title.data(), h.title.size());
    hit->set_score(h.score);
    hit->set_rank(h.rank);
    hit->set_source(h.source.data(), h.source.size());
    hit->set_url(h.url.data(), h.url.size());
    hit->set_category(h.category.data(), h.category.size());
    if (h.published_time != 0) hit->mutable_published_time()->set_seconds(h.published_time);
    hit->set_cluster_id(h.cluster_id);
    hit->set_duplicate_count(h.duplicate_count);
    if (!h.explanation.description.empty()) ToProto(h.explanation, hit->mutable_explanation());
    for (const search::Snippet& s : h.snippets) {
      v1::Snippet* snippet = hit->add_snippets();
      snippet->set_text(s.text);
      snippet->set_field(std::string(search::SnippetFieldName(s.field)));
      snippet->set_paragraph(s.paragraph);
      for (const search::Highlight& hl : s.highlights) ToProto(hl, snippet->add_highlights());
      snippet->set_truncated_start(s.truncated_start);
      snippet->set_truncated_end(s.truncated_end);
      snippet->set_marked_text(s.marked_text);
    }
    for (const search::Highlight& hl : h.title_highlights) ToProto(hl, hit->add_title_highlights());
  }
  response->set_total_hits(page.total_hits);
  response->set_total_hits_relation(page.total_hits_exact
                                        ? v1::TOTAL_HITS_RELATION_EQUAL
                                        : v1::TOTAL_HITS_RELATION_GREATER_OR_EQUAL);
  response->set_next_page_token(page.next_page_token);
  for (const std::string& t : page.terms) response->add_query_terms(t);
  response->set_parsed_query(page.parsed_query);
  for (const search::FacetResult& f : page.facets) {
    v1::FacetResult* facet = response->add_facets();
    facet->set_field(f.field);
    for (const search::FacetValue& v : f.values) {
      v1::FacetValue* value = facet->add_values();
      value->set_value(v.value);
      value->set_count(v.count);
    }
    facet->set_other_count(f.other_count);
    facet->set_missing_count(f.missing_count);
  }
}

void ToProto(const search::EngineStats& stats, v1::StatsResponse* response) {
  response->set_article_count(stats.index.live_documents);
  response->set_term_count(stats.index.terms);
  response->set_posting_count(stats.index.postings);
  response->set_token_count(stats.index.tokens);
  response->set_memory_bytes(stats.index.memory_bytes);
  response->set_created_count(stats.created);
  response->set_updated_count(stats.updated);
  response->set_unchanged_count(stats.unchanged);
  response->set_rejected_count(stats.rejected);
  response->set_duplicate_count(stats.index.duplicates);
  response->set_segment_count(stats.index.segments);
  response->set_snapshot_generation(stats.generation);
  response->set_pinned_snapshots(stats.pinned_snapshots);
}

void ToProto(const DurabilityStats& stats, v1::StatsResponse* response) {
  response->set_durable(stats.durable);
  response->set_wal_bytes(static_cast<int64_t>(stats.wal_bytes));
  response->set_wal_records_since_snapshot(stats.wal_records_since_snapshot);
  response->set_last_snapshot_lsn(stats.last_snapshot_lsn);
  response->set_last_lsn(stats.last_lsn);
}

v1::IndexOutcome ToProto(index::UpsertOutcome outcome) {
  switch (outcome) {
    case index::UpsertOutcome::kCreated:
      return v1::INDEX_OUTCOME_CREATED;
    case index::UpsertOutcome::kUpdated:
      return v1::INDEX_OUTCOME_UPDATED;
    case index::UpsertOutcome::kUnchanged:
      return v1::INDEX_OUTCOME_UNCHANGED;
  }
  return v1::INDEX_OUTCOME_UNSPECIFIED;
}

}  // namespace khabar::query
