// End-to-end: snippets and highlights as a client sees them. The real
// query_service on a free port, fed by the real ingest_service with the
// sample articles (and the shared seeds when present), queried over gRPC.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "khabar/v1/query.grpc.pb.h"
#include "tests/service_process.h"
#include "tests/subprocess.h"

namespace khabar {
namespace {

namespace fs = std::filesystem;
using ::khabar::testing::QueryServiceProcess;
using ::khabar::testing::RunProcess;
using ::khabar::testing::RunResult;

fs::path SeedsDir() {
  for (const fs::path& p :
       {fs::path(KHABAR_SOURCE_DIR) / ".." / "shared" / "seeds", fs::path("/work/shared/seeds")}) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) return p;
  }
  return {};
}

// UTF-16 code units of well-formed UTF-8, counted from the lead bytes'
// sequence lengths (independent of the server's own counting).
int32_t Utf16Units(absl::string_view text) {
  int32_t units = 0;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    units += len == 4 ? 2 : 1;
    i += len;
  }
  return units;
}

std::string Slice(const std::string& text, const v1::Highlight& h) {
  return text.substr(h.byte_begin(), h.byte_end() - h.byte_begin());
}

class SnippetsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(query_.Start()) << query_.error();
    stub_ = v1::QueryService::NewStub(query_.Channel());
    std::vector<std::string> argv = {KHABAR_INGEST_SERVICE_BIN,
                                     "--query_service=" + query_.address(),
                                     (fs::path(KHABAR_SOURCE_DIR) / "data" / "articles").string()};
    if (!SeedsDir().empty()) argv.push_back(SeedsDir().string());
    RunResult r = RunProcess(argv);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  void TearDown() override {
    stub_.reset();
    EXPECT_EQ(query_.Stop(), 0) << query_.stderr_text();
  }

  grpc::Status Search(const v1::SearchRequest& req, v1::SearchResponse* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return stub_->Search(&ctx, req, resp);
  }

  std::string BodyText(const std::string& id, std::vector<std::string>* paragraphs) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::GetArticleRequest req;
    req.set_id(id);
    v1::GetArticleResponse resp;
    EXPECT_TRUE(stub_->GetArticle(&ctx, req, &resp).ok());
    std::string all;
    for (const v1::Paragraph& p : resp.article().paragraphs()) {
      paragraphs->push_back(p.text());
      absl::StrAppend(&all, p.text(), "\n");
    }
    return all;
  }

  QueryServiceProcess query_{KHABAR_QUERY_SERVICE_BIN};
  std::unique_ptr<v1::QueryService::Stub> stub_;
};

TEST_F(SnippetsE2eTest, NvidiaHitsHighlightTheWordAsWritten) {
  v1::SearchRequest req;
  req.set_query("إنفيديا");
  req.set_page_size(100);
  req.mutable_highlight()->set_pre_tag("<b>");
  req.mutable_highlight()->set_post_tag("</b>");
  req.mutable_highlight()->set_max_snippets(2);
  v1::SearchResponse resp;
  grpc::Status s = Search(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_GT(resp.hits_size(), 0);
  int highlighted_hits = 0;
  for (const v1::SearchHit& hit : resp.hits()) {
    SCOPED_TRACE(hit.id());
    std::vector<std::string> paragraphs;
    const std::string body = BodyText(hit.id(), &paragraphs);
    ASSERT_GE(hit.snippets_size(), 1);
    ASSERT_LE(hit.snippets_size(), 2);
    int highlights = 0;
    for (const v1::Snippet& sn : hit.snippets()) {
      if (sn.field() == "body") {
        ASSERT_LT(sn.paragraph(), static_cast<int>(paragraphs.size()));
        EXPECT_TRUE(absl::StrContains(paragraphs[sn.paragraph()], sn.text()));
      } else {
        EXPECT_EQ(sn.field(), "title");
        EXPECT_EQ(sn.text(), hit.title());
      }
      std::string expected_marked;
      int32_t at = 0;
      for (const v1::Highlight& h : sn.highlights()) {
        ASSERT_LE(at, h.byte_begin());
        ASSERT_LE(static_cast<size_t>(h.byte_end()), sn.text().size());
        const std::string word = Slice(sn.text(), h);
        EXPECT_TRUE(absl::StrContains(word, "نفيديا")) << word;
        EXPECT_EQ(h.utf16_begin(), Utf16Units(sn.text().substr(0, h.byte_begin())));
        EXPECT_EQ(h.utf16_end(), Utf16Units(sn.text().substr(0, h.byte_end())));
        absl::StrAppend(&expected_marked, sn.text().substr(at, h.byte_begin() - at), "<b>", word,
                        "</b>");
        at = h.byte_end();
        ++highlights;
      }
      expected_marked += sn.text().substr(at);
      EXPECT_EQ(sn.marked_text(), expected_marked);
    }
    // Every article whose body names Nvidia shows it in a snippet.
    if (absl::StrContains(body, "نفيديا")) {
      EXPECT_GE(highlights, 1);
    }
    highlighted_hits += highlights > 0 ? 1 : 0;
    for (const v1::Highlight& h : hit.title_highlights()) {
      EXPECT_TRUE(absl::StrContains(Slice(hit.title(), h), "نفيديا")) << Slice(hit.title(), h);
    }
    if (absl::StrContains(hit.title(), "نفيديا")) {
      EXPECT_GE(hit.title_highlights_size(), 1);
    }
  }
  EXPECT_GT(highlighted_hits, 0);
}

TEST_F(SnippetsE2eTest, OnByDefaultOffOnRequestAndValidated) {
  v1::SearchRequest req;
  req.set_query("إنفيديا");
  v1::SearchResponse resp;
  ASSERT_TRUE(Search(req, &resp).ok());
  ASSERT_GT(resp.hits_size(), 0);
  for (const v1::SearchHit& hit : resp.hits()) {
    EXPECT_EQ(hit.snippets_size(), 1);
    EXPECT_EQ(hit.snippets(0).marked_text(), "");  // no tags asked for
  }

  req.mutable_highlight()->set_enabled(false);
  resp.Clear();
  ASSERT_TRUE(Search(req, &resp).ok());
  ASSERT_GT(resp.hits_size(), 0);
  for (const v1::SearchHit& hit : resp.hits()) {
    EXPECT_EQ(hit.snippets_size(), 0);
    EXPECT_EQ(hit.title_highlights_size(), 0);
  }

  struct Bad {
    void (*set)(v1::HighlightOptions*);
    const char* field;
  };
  for (const Bad& bad : std::vector<Bad>{
           {[](v1::HighlightOptions* h) { h->set_max_snippets(6); }, "highlight.max_snippets"},
           {[](v1::HighlightOptions* h) { h->set_max_snippets(-1); }, "highlight.max_snippets"},
           {[](v1::HighlightOptions* h) { h->set_snippet_words(101); }, "highlight.snippet_words"},
           {[](v1::HighlightOptions* h) { h->set_pre_tag(std::string(65, 'x')); },
            "highlight.pre_tag"},
           {[](v1::HighlightOptions* h) { h->set_post_tag(std::string(65, 'x')); },
            "highlight.post_tag"}}) {
    v1::SearchRequest r;
    r.set_query("إنفيديا");
    bad.set(r.mutable_highlight());
    grpc::Status s = Search(r, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad.field;
    EXPECT_TRUE(absl::StrContains(s.error_message(), bad.field)) << s.error_message();
  }
}

}  // namespace
}  // namespace khabar
