#include "query_service/index/near_duplicates.h"

#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "query_service/index/inverted_index.h"

namespace khabar::index {
namespace {

// A sample article from data/articles: first line the title, then paragraphs.
Document Sample(const std::string& name, const std::string& id) {
  std::ifstream in(std::string(KHABAR_SOURCE_DIR) + "/data/articles/" + name + ".txt");
  std::stringstream ss;
  ss << in.rdbuf();
  Document d;
  d.id = id;
  for (absl::string_view line : absl::StrSplit(ss.str(), '\n', absl::SkipWhitespace())) {
    if (d.title.empty()) {
      d.title = std::string(line);
    } else {
      d.paragraphs.emplace_back(line);
    }
  }
  return d;
}

Document Doc(std::string id, std::string title) {
  Document d;
  d.id = std::move(id);
  d.title = std::move(title);
  return d;
}

// All seven sample articles as one long article (~900 words).
Document LongArticle(const std::string& id) {
  Document d;
  d.id = id;
  for (const char* name : {"k1_nvidia_chips", "k2_china_ai_race", "k3_olive_harvest",
                           "k4_football_final", "k5_telecom_5g", "k6_markets_chips",
                           "k7_desert_weather"}) {
    Document part = Sample(name, "");
    if (d.title.empty()) {
      d.title = part.title;
    } else {
      d.paragraphs.push_back(part.title);
    }
    for (std::string& p : part.paragraphs) d.paragraphs.push_back(std::move(p));
  }
  return d;
}

class NearDuplicatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Sample("k1_nvidia_chips", "x").paragraphs.empty()) << "data/articles not found";
  }
  const DocInfo& InfoOf(absl::string_view id) {
    for (DocId d = 0; d < index_.doc_id_limit(); ++d) {
      if (index_.is_live(d) && index_.document(d).id == id) return index_.info(d);
    }
    ADD_FAILURE() << "no live doc " << id;
    static DocInfo none;
    return none;
  }
  std::string ClusterOf(absl::string_view id) {
    for (DocId d = 0; d < index_.doc_id_limit(); ++d) {
      if (index_.is_live(d) && index_.document(d).id == id) return index_.cluster_id(d);
    }
    return "<none>";
  }
  int Distance(absl::string_view a, absl::string_view b) {
    return HammingDistance(InfoOf(a).fingerprint, InfoOf(b).fingerprint);
  }

  analysis::Analyzer analyzer_;
  InvertedIndex index_{&analyzer_};
};

TEST(Hash64Test, IsFixedAcrossRunsAndPlatforms) {
  // Pinned: fingerprints persist across restarts, so these must never change.
  EXPECT_EQ(Hash64(""), 0x0a7e102ed267bf49ULL);
  EXPECT_EQ(Hash64("خبر"), 0xd20e1cfc9fe7828aULL);
  EXPECT_EQ(Hash64("the quick brown fox jumps"), 0x363d19f12074ec69ULL);
  EXPECT_NE(Hash64("ab"), Hash64("ba"));
  EXPECT_NE(Hash64("a", 1), Hash64("a", 2));
}

TEST(SimHashTest, FixedTextHasAPinnedFingerprint) {
  const std::vector<absl::string_view> terms = absl::StrSplit(
      "اعلنت شركة انفيديا الامريكية عن جيل جديد من وحدات معالجة الرسوميات المخصصة لمراكز "
      "البيانات في خطوة تهدف الى تلبية الطلب المتزايد على تدريب نماذج الذكاء الاصطناعي",
      ' ');
  EXPECT_EQ(SimHash(terms), 0x1428e080bf10500aULL);
  EXPECT_EQ(SimHash(terms), SimHash(terms));
  SimHasher hasher;
  for (absl::string_view t : terms) hasher.Add(t);
  EXPECT_EQ(hasher.shingles(), static_cast<int>(terms.size()) - 2);
  EXPECT_EQ(SimHash({}), 0u);
  EXPECT_EQ(SimHash({"a", "b"}), 0u);  // no shingle
}

TEST(SimHashTest, WordOrderMattersWithinAShingle) {
  EXPECT_NE(SimHash({"a", "b", "c"}), SimHash({"c", "b", "a"}));
}

TEST(NearDuplicateTableTest, FindsWithinDistanceAndPrefersNearestThenOldest) {
  NearDuplicateTable table(3);
  const uint64_t fp = 0x0123456789abcdefULL;
  table.Insert(7, fp ^ 0b111);                 // distance 3, spread in one block
  table.Insert(5, fp ^ (uint64_t{1} << 63) ^ 1);  // distance 2, two blocks
  table.Insert(9, fp ^ 0b1111);                // distance 4
  std::optional<NearMatch> m = table.FindNearest(fp);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->key, 5u);
  EXPECT_EQ(m->distance, 2);
  table.Remove(5, fp ^ (uint64_t{1} << 63) ^ 1);
  m = table.FindNearest(fp);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->key, 7u);
  EXPECT_EQ(m->distance, 3);
  table.Insert(6, fp ^ (uint64_t{1} << 40) ^ (uint64_t{1} << 20) ^ (uint64_t{1} << 1));
  EXPECT_EQ(table.FindNearest(fp)->key, 6u);  // tie at 3: the smaller key
  table.Remove(6, fp ^ (uint64_t{1} << 40) ^ (uint64_t{1} << 20) ^ (uint64_t{1} << 1));
  table.Remove(7, fp ^ 0b111);
  EXPECT_FALSE(table.FindNearest(fp).has_value());  // only the distance-4 one is left
  EXPECT_EQ(table.size(), 1u);
  table.Remove(9, fp ^ 0b1111);
  table.Remove(9, fp ^ 0b1111);  // absent: no-op
  EXPECT_EQ(table.size(), 0u);
}

TEST(NearDuplicateTableTest, EveryDistanceUpToKIsFoundWhateverTheBitsAre) {
  // Exhaustive over bit positions for distance <= k: the pigeonhole argument.
  for (int k : {0, 1, 3, 6}) {
    NearDuplicateTable table(k);
    const uint64_t fp = 0xfedcba9876543210ULL;
    table.Insert(1, fp);
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int trial = 0; trial < 2000; ++trial) {
      uint64_t probe = fp;
      int flips = 0;
      for (int i = 0; i < k + 1; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        const uint64_t bit = uint64_t{1} << (x >> 58);
        if ((probe ^ fp) & bit) continue;
        probe ^= bit;
        ++flips;
      }
      std::optional<NearMatch> m = table.FindNearest(probe);
      if (flips <= k) {
        ASSERT_TRUE(m.has_value()) << "k=" << k << " flips=" << flips;
        EXPECT_EQ(m->distance, flips);
      } else {
        EXPECT_FALSE(m.has_value()) << "k=" << k << " flips=" << flips;
      }
    }
  }
}

// The table against a brute-force scan of the same live fingerprints, over
// inserts, removals and lookups: fingerprints come in families (a base with
// a few bits flipped), so most lookups have matches at every distance, ties
// included, and buckets hold far more than the eight filters a vector scan
// takes at once (and a tail).
TEST(NearDuplicateTableTest, AgreesWithBruteForceUnderInsertsAndRemovals) {
  for (int k : {0, 2, 3, 7, 12}) {
    std::mt19937_64 rng(1000 + k);
    NearDuplicateTable table(k);
    std::map<uint32_t, uint64_t> live;
    std::vector<uint64_t> bases;
    for (int i = 0; i < 12; ++i) bases.push_back(rng());
    auto near_base = [&] {
      uint64_t fp = bases[rng() % bases.size()];
      for (int flips = static_cast<int>(rng() % (k + 4)); flips > 0; --flips) {
        fp ^= uint64_t{1} << (rng() % 64);
      }
      return fp;
    };
    uint32_t next_key = 0;
    for (int step = 0; step < 3000; ++step) {
      const uint64_t r = rng() % 10;
      if (r < 5) {
        const uint64_t fp = near_base();
        table.Insert(next_key, fp);
        live[next_key++] = fp;
      } else if (r < 7 && !live.empty()) {
        auto it = live.lower_bound(static_cast<uint32_t>(rng() % next_key));
        if (it == live.end()) it = live.begin();
        table.Remove(it->first, it->second);
        live.erase(it);
      } else {
        const uint64_t probe = r == 9 ? rng() : near_base();
        std::optional<NearMatch> expected;
        for (const auto& [key, fp] : live) {  // keys ascending: the first of a tie wins
          const int d = HammingDistance(fp, probe);
          if (d <= k && (!expected.has_value() || d < expected->distance)) {
            expected = NearMatch{key, d};
          }
        }
        const std::optional<NearMatch> got = table.FindNearest(probe);
        ASSERT_EQ(got.has_value(), expected.has_value()) << "k=" << k << " step=" << step;
        if (expected.has_value()) {
          EXPECT_EQ(got->key, expected->key) << "k=" << k << " step=" << step;
          EXPECT_EQ(got->distance, expected->distance) << "k=" << k << " step=" << step;
        }
      }
      ASSERT_EQ(table.size(), live.size());
    }
  }
}

TEST_F(NearDuplicatesTest, IdenticalTextIsDistanceZeroAndSameCluster) {
  ASSERT_TRUE(index_.Upsert(Sample("k1_nvidia_chips", "a")).ok());
  ASSERT_TRUE(index_.Upsert(Sample("k1_nvidia_chips", "b")).ok());
  EXPECT_TRUE(InfoOf("a").fingerprinted);
  EXPECT_EQ(Distance("a", "b"), 0);
  EXPECT_EQ(ClusterOf("a"), "a");
  EXPECT_EQ(ClusterOf("b"), "a");
  EXPECT_EQ(index_.Stats().duplicates, 1);
  EXPECT_EQ(index_.Stats().duplicate_clusters, 1);
}

TEST_F(NearDuplicatesTest, OneChangedSentenceInALongArticleStaysInTheCluster) {
  Document original = LongArticle("orig");
  Document edited = LongArticle("copy");
  // The agency copy rewrites one sentence (the olive harvest estimate).
  bool replaced = false;
  for (std::string& p : edited.paragraphs) {
    if (p.find("قدّرت وزارة الزراعة") != std::string::npos) {
      p = "وتوقع خبراء في القطاع أن يتجاوز المحصول التقديرات الرسمية إذا استمر الطقس المعتدل.";
      replaced = true;
    }
  }
  ASSERT_TRUE(replaced);
  ASSERT_TRUE(index_.Upsert(std::move(original)).ok());
  ASSERT_TRUE(index_.Upsert(std::move(edited)).ok());
  EXPECT_GT(Distance("orig", "copy"), 0);
  EXPECT_LE(Distance("orig", "copy"), NearDuplicateOptions().max_distance);
  EXPECT_EQ(ClusterOf("copy"), "orig");
}

TEST_F(NearDuplicatesTest, ChangedHeadlineWordStaysInTheCluster) {
  for (const char* name : {"k1_nvidia_chips", "k2_china_ai_race", "k3_olive_harvest",
                           "k4_football_final", "k5_telecom_5g", "k6_markets_chips",
                           "k7_desert_weather"}) {
    Document copy = Sample(name, std::string(name) + "_copy");
    // Replace the headline's second word.
    std::vector<std::string> words = absl::StrSplit(copy.title, ' ');
    words[1] = "عاجل";
    copy.title = absl::StrJoin(words, " ");
    ASSERT_TRUE(index_.Upsert(Sample(name, name)).ok());
    ASSERT_TRUE(index_.Upsert(std::move(copy)).ok());
    // 0 to 7 bits over these seven ~120-word articles: why max_distance is 7.
    EXPECT_EQ(ClusterOf(std::string(name) + "_copy"), name)
        << "distance " << Distance(name, std::string(name) + "_copy");
  }
  EXPECT_EQ(index_.Stats().duplicates, 7);
  EXPECT_EQ(index_.Stats().duplicate_clusters, 7);
}

TEST_F(NearDuplicatesTest, DifferentArticleOnTheSameTopicIsItsOwnCluster) {
  // Both about Nvidia and AI chips, written separately.
  ASSERT_TRUE(index_.Upsert(Sample("k1_nvidia_chips", "k1")).ok());
  ASSERT_TRUE(index_.Upsert(Sample("k6_markets_chips", "k6")).ok());
  ASSERT_TRUE(index_.Upsert(Sample("k2_china_ai_race", "k2")).ok());
  EXPECT_GT(Distance("k1", "k6"), 10);
  EXPECT_EQ(ClusterOf("k1"), "k1");
  EXPECT_EQ(ClusterOf("k6"), "k6");
  EXPECT_EQ(ClusterOf("k2"), "k2");
  EXPECT_EQ(index_.Stats().duplicates, 0);
}

TEST_F(NearDuplicatesTest, DiacriticsAndTatweelDoNotChangeTheFingerprint) {
  Document plain = Sample("k1_nvidia_chips", "plain");
  Document decorated = Sample("k1_nvidia_chips", "decorated");
  for (std::string& p : decorated.paragraphs) {
    p = absl::StrReplaceAll(p, {{"الذكاء", "الذَّكَاء"}, {"إنفيديا", "إنفيـــديا"},
                                {"الشركة", "الشَّرِكَة"}, {"جديد", "جَدِيد"}});
  }
  ASSERT_NE(decorated.paragraphs, plain.paragraphs);
  ASSERT_TRUE(index_.Upsert(std::move(plain)).ok());
  ASSERT_TRUE(index_.Upsert(std::move(decorated)).ok());
  EXPECT_EQ(Distance("plain", "decorated"), 0);
  EXPECT_EQ(ClusterOf("decorated"), "plain");
}

TEST_F(NearDuplicatesTest, ShortDocumentsAreNotClustered) {
  ASSERT_TRUE(index_.Upsert(Doc("s1", "تأجيل المباراة النهائية")).ok());
  ASSERT_TRUE(index_.Upsert(Doc("s2", "تأجيل المباراة النهائية")).ok());
  EXPECT_FALSE(InfoOf("s1").fingerprinted);
  EXPECT_EQ(ClusterOf("s1"), "s1");
  EXPECT_EQ(ClusterOf("s2"), "s2");
  EXPECT_EQ(index_.Stats().duplicates, 0);
}

TEST_F(NearDuplicatesTest, UpdateMovesADocumentOutOfItsCluster) {
  ASSERT_TRUE(index_.Upsert(Sample("k1_nvidia_chips", "a")).ok());
  ASSERT_TRUE(index_.Upsert(Sample("k1_nvidia_chips", "b")).ok());
  ASSERT_EQ(ClusterOf("b"), "a");
  // b is rewritten into another story.
  Document b = Sample("k4_football_final", "b");
  b.content_hash = "new";
  ASSERT_EQ(*index_.Upsert(std::move(b)), UpsertOutcome::kUpdated);
  EXPECT_EQ(ClusterOf("a"), "a");
  EXPECT_EQ(ClusterOf("b"), "b");
  EXPECT_EQ(index_.Stats().duplicates, 0);
  // ... and back: it rejoins a's cluster.
  ASSERT_EQ(*index_.Upsert(Sample("k1_nvidia_chips", "b")), UpsertOutcome::kUpdated);
  EXPECT_EQ(ClusterOf("b"), "a");
}

TEST_F(NearDuplicatesTest, EditedRepresentativeLeavesItsNameToTheCluster) {
  ASSERT_TRUE(index_.Upsert(Sample("k1_nvidia_chips", "a")).ok());
  ASSERT_TRUE(index_.Upsert(Sample("k1_nvidia_chips", "b")).ok());
  ASSERT_TRUE(index_.Upsert(Sample("k4_football_final", "a")).ok());  // a becomes another story
  EXPECT_EQ(ClusterOf("b"), "a");  // the cluster keeps its name
  const std::string a = ClusterOf("a");
  EXPECT_NE(a, "a");  // so the new story's cluster gets another one
  EXPECT_EQ(a.rfind("a#", 0), 0u) << a;
  EXPECT_EQ(index_.Stats().duplicates, 0);
  // Once the cluster named "a" has no live member, the name is free again.
  ASSERT_TRUE(index_.Delete("b"));
  ASSERT_TRUE(index_.Upsert(Sample("k3_olive_harvest", "a")).ok());
  EXPECT_EQ(ClusterOf("a"), "a");
  ASSERT_TRUE(index_.Upsert(Sample("k3_olive_harvest", "c")).ok());
  EXPECT_EQ(ClusterOf("c"), "a");
}

TEST_F(NearDuplicatesTest, DeleteRemovesTheFingerprintAndKeepsTheClusterName) {
  ASSERT_TRUE(index_.Upsert(Sample("k3_olive_harvest", "a")).ok());
  ASSERT_TRUE(index_.Upsert(Sample("k3_olive_harvest", "b")).ok());
  ASSERT_TRUE(index_.Delete("a"));
  EXPECT_EQ(ClusterOf("b"), "a");  // the representative's id stays the name
  EXPECT_EQ(index_.Stats().duplicates, 0);
  ASSERT_TRUE(index_.Upsert(Sample("k3_olive_harvest", "c")).ok());
  EXPECT_EQ(ClusterOf("c"), "a");  // joins through b
  EXPECT_EQ(index_.Stats().duplicates, 1);
  ASSERT_TRUE(index_.Delete("b"));
  ASSERT_TRUE(index_.Delete("c"));
  EXPECT_EQ(index_.Stats().duplicates, 0);
  EXPECT_EQ(index_.Stats().duplicate_clusters, 0);
  // Nothing left to match: a new copy starts its own cluster.
  ASSERT_TRUE(index_.Upsert(Sample("k3_olive_harvest", "d")).ok());
  EXPECT_EQ(ClusterOf("d"), "d");
}

TEST_F(NearDuplicatesTest, ClustersAreDeterministicGivenTheUpsertOrder) {
  analysis::Analyzer analyzer;
  InvertedIndex replay(&analyzer);
  for (InvertedIndex* idx : {&index_, &replay}) {
    ASSERT_TRUE(idx->Upsert(Sample("k1_nvidia_chips", "a")).ok());
    ASSERT_TRUE(idx->Upsert(Sample("k2_china_ai_race", "b")).ok());
    ASSERT_TRUE(idx->Upsert(Sample("k1_nvidia_chips", "c")).ok());
  }
  for (DocId d = 0; d < index_.doc_id_limit(); ++d) {
    EXPECT_EQ(index_.info(d).fingerprint, replay.info(d).fingerprint);
    EXPECT_EQ(index_.cluster_id(d), replay.cluster_id(d));
  }
}

TEST_F(NearDuplicatesTest, DisabledMeansEveryDocumentIsItsOwnCluster) {
  analysis::Analyzer analyzer;
  InvertedIndex off(&analyzer, {}, NearDuplicateOptions{.enabled = false});
  ASSERT_TRUE(off.Upsert(Sample("k1_nvidia_chips", "a")).ok());
  ASSERT_TRUE(off.Upsert(Sample("k1_nvidia_chips", "b")).ok());
  EXPECT_EQ(off.cluster_id(1), "b");
  EXPECT_EQ(off.Stats().duplicates, 0);
}

}  // namespace
}  // namespace khabar::index
