#include "query_service/index/inverted_index.h"

#include <set>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace khabar::index {
namespace {

Document Doc(std::string id, std::string title, std::vector<std::string> paragraphs,
             std::string hash = "") {
  Document d;
  d.id = std::move(id);
  d.title = std::move(title);
  d.paragraphs = std::move(paragraphs);
  d.content_hash = std::move(hash);
  return d;
}

class InvertedIndexTest : public ::testing::Test {
 protected:
  analysis::Analyzer analyzer_;
  InvertedIndex index_{&analyzer_};
};

TEST_F(InvertedIndexTest, IndexesTitleAndBodySeparately) {
  ASSERT_EQ(*index_.Upsert(Doc("a", "رقاقات إنفيديا", {"تقدم الصين في رقاقات الذكاء"})),
            UpsertOutcome::kCreated);
  const PostingList* pl = index_.Postings("رقاق");  // the stem
  ASSERT_NE(pl, nullptr);
  ASSERT_EQ(pl->docs.size(), 1u);
  EXPECT_EQ(pl->freqs[0][0], 1u);  // title
  EXPECT_EQ(pl->freqs[1][0], 1u);  // body
  EXPECT_EQ(pl->freqs[2][0], 0u);  // one paragraph: no lead
  // Title positions first, body positions after the field gap.
  EXPECT_THAT(std::vector<uint32_t>(pl->PositionsAt(0).begin(), pl->PositionsAt(0).end()),
              ::testing::ElementsAre(0u, 2 + kFieldPositionGap + 3));
  EXPECT_NE(index_.Postings(ExactKey("رقاقات")), nullptr);  // the exact form too
  EXPECT_NE(index_.Postings(ExactKey("انفيديا")), nullptr);  // alef folded
  EXPECT_EQ(index_.info(0).length[0], 2u);
  EXPECT_EQ(index_.info(0).length[1], 5u);
  EXPECT_DOUBLE_EQ(index_.average_length(Field::kBody), 5.0);
}

TEST_F(InvertedIndexTest, LeadIsTheFirstParagraphOfAMultiParagraphBody) {
  ASSERT_TRUE(index_.Upsert(Doc("a", "", {"هواوي تطلق هاتفا", "وقالت هواوي إن الهاتف جديد"})).ok());
  const PostingList* pl = index_.Postings("هواو");
  ASSERT_NE(pl, nullptr);
  EXPECT_EQ(pl->freqs[1][0], 2u);  // body: both paragraphs
  EXPECT_EQ(pl->freqs[2][0], 1u);  // lead: the first paragraph only
  EXPECT_EQ(index_.info(0).length[2], 3u);
}

TEST_F(InvertedIndexTest, SameHashIsUnchangedAndNewHashReplaces) {
  ASSERT_EQ(*index_.Upsert(Doc("a", "قديم", {"نص"}, "h1")), UpsertOutcome::kCreated);
  EXPECT_EQ(*index_.Upsert(Doc("a", "قديم", {"نص"}, "h1")), UpsertOutcome::kUnchanged);
  EXPECT_EQ(*index_.Upsert(Doc("a", "جديد", {"نص"}, "h2")), UpsertOutcome::kUpdated);
  EXPECT_EQ(index_.live_documents(), 1);
  ASSERT_NE(index_.Find("a"), nullptr);
  EXPECT_EQ(index_.Find("a")->title, "جديد");
  // The old version's postings remain but point at a tombstone.
  const PostingList* old = index_.Postings(ExactKey("قديم"));
  ASSERT_NE(old, nullptr);
  EXPECT_FALSE(index_.is_live(old->docs[0]));
}

TEST_F(InvertedIndexTest, DeleteRemovesFromLookup) {
  ASSERT_TRUE(index_.Upsert(Doc("a", "خبر", {})).ok());
  EXPECT_TRUE(index_.Delete("a"));
  EXPECT_FALSE(index_.Delete("a"));
  EXPECT_EQ(index_.Find("a"), nullptr);
  EXPECT_EQ(index_.live_documents(), 0);
  EXPECT_EQ(index_.average_length(Field::kTitle), 0);
}

TEST_F(InvertedIndexTest, RejectsBadDocumentsNamingTheField) {
  auto r = index_.Upsert(Doc("", "خبر", {}));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("article.id"), absl::string_view::npos);

  r = index_.Upsert(Doc("x", "", {"", ""}));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("no text"), absl::string_view::npos);

  r = index_.Upsert(Doc("x", "ok", {"fine", "bad \xff byte"}));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("article.paragraphs[1]: invalid UTF-8 at byte 4"),
            absl::string_view::npos)
      << r.status();

  r = index_.Upsert(Doc(std::string(600, 'x'), "t", {}));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(index_.live_documents(), 0);
}

TEST_F(InvertedIndexTest, StatsCountLiveDocumentsAndPostings) {
  ASSERT_TRUE(index_.Upsert(Doc("a", "الصين", {"الصين والذكاء"})).ok());
  ASSERT_TRUE(index_.Upsert(Doc("b", "هواوي", {"الصين"})).ok());
  IndexStats s = index_.Stats();
  EXPECT_EQ(s.live_documents, 2);
  // Stems صين ذكاء هواو and exact forms الصين والذكاء هواوي.
  EXPECT_EQ(s.terms, 6);
  EXPECT_EQ(s.postings, 8);  // each token of a and b under its stem and exact form
  EXPECT_EQ(s.tokens, 5);
  EXPECT_GT(s.memory_bytes, 0);
}

TEST_F(InvertedIndexTest, PrefixScanVisitsTermsInByteOrderAndStopsWhenAsked) {
  ASSERT_TRUE(index_.Upsert(Doc("a", "تكنولوجيا", {"التكنولوجي تكتب تكنو"})).ok());
  std::vector<std::string> seen;
  index_.ForEachTermWithPrefix("تكنو", [&](absl::string_view term, const PostingList& pl) {
    EXPECT_FALSE(pl.docs.empty());
    seen.emplace_back(term);
    return true;
  });
  // Every stem of the document with that prefix, in byte order, once.
  std::set<std::string> expected;
  for (const analysis::Token& t : analyzer_.Analyze("تكنولوجيا التكنولوجي تكتب تكنو")) {
    if (absl::StartsWith(t.stem(), "تكنو")) expected.emplace(t.stem());
  }
  EXPECT_EQ(expected.size(), 3u);
  EXPECT_EQ(seen, std::vector<std::string>(expected.begin(), expected.end()));
  int visits = 0;
  index_.ForEachTermWithPrefix("تك", [&](absl::string_view, const PostingList&) {
    ++visits;
    return false;
  });
  EXPECT_EQ(visits, 1);
  // Exact keys sort apart, behind their marker byte.
  seen.clear();
  index_.ForEachTermWithPrefix(ExactKey("التكنو"), [&](absl::string_view term, const PostingList&) {
    seen.emplace_back(term);
    return true;
  });
  EXPECT_THAT(seen, ::testing::ElementsAre(ExactKey("التكنولوجي")));
}

}  // namespace
}  // namespace khabar::index
