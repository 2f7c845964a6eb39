#include "query_service/index/posting_codec.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace khabar::index {
namespace {

struct Posting {
  DocId doc;
  std::array<uint32_t, kNumFields> freq;
  std::vector<uint32_t> positions;
  std::array<uint32_t, kNumFields> lengths;
};

// A random list of `n` postings from `base` with gaps up to `max_gap`.
std::vector<Posting> RandomList(std::mt19937& rng32, DocId base, uint32_t n, uint32_t max_gap,
                                uint32_t max_freq) {
  auto rng = [&rng32]() { return static_cast<uint32_t>(rng32()); };
  std::vector<Posting> out;
  DocId doc = base;
  for (uint32_t i = 0; i < n; ++i) {
    doc += (i == 0 ? 0 : 1) + rng() % max_gap;
    // A few postings get a large frequency (the bounds saturate at 0xFFFF).
    Posting p{doc, {rng() % 3, 1 + rng() % (i % 97 == 0 ? max_freq : 6), 0}, {}, {}};
    p.freq[2] = std::min(p.freq[1], static_cast<uint32_t>(rng() % 2));
    uint32_t pos = rng() % 5;
    for (uint32_t k = 0; k < p.freq[0] + p.freq[1]; ++k) {
      p.positions.push_back(pos);
      pos += 1 + rng() % 300;
    }
    p.lengths = {5 + rng() % 10, 100 + rng() % 100000, 40};
    out.push_back(std::move(p));
  }
  return out;
}

struct Encoded {
  std::vector<uint8_t> postings, positions;
  uint64_t offset;
  PostingList list;
};

Encoded Encode(const std::vector<Posting>& list, DocId base) {
  Encoded e;
  e.postings.assign(3, 0xAB);  // lists rarely start at offset 0
  PostingListWriter w(&e.postings, &e.positions);
  for (const Posting& p : list) w.Add(p.doc, p.freq, p.positions, p.lengths);
  e.offset = w.Finish(base);
  e.postings.resize(e.postings.size() + kStreamPadding, 0);
  e.positions.resize(e.positions.size() + kStreamPadding, 0);
  e.list = OpenList(base, e.postings.data() + e.offset, e.positions.data());
  return e;
}

class PostingCodecTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(PostingCodecTest, RoundTripsDocsFreqsAndPositions) {
  std::mt19937 rng(GetParam());
  for (DocId base : {0u, 1000u}) {
    const std::vector<Posting> list = RandomList(rng, base, GetParam(), 50, 70000);
    const Encoded e = Encode(list, base);
    ASSERT_EQ(e.list.count, list.size());
    ListCursor c(e.list);
    for (size_t i = 0; i < list.size(); ++i, c.Next()) {
      ASSERT_EQ(c.doc(), list[i].doc) << i;
      for (int f = 0; f < kNumFields; ++f) ASSERT_EQ(c.freq(f), list[i].freq[f]) << i;
      // Some postings' positions are skipped, not decoded; the first read in
      // a block is past its first posting (after a block of another width).
      if ((i % kBlockSize) % 7 != 0) {
        ASSERT_THAT(c.positions(), ::testing::ElementsAreArray(list[i].positions));
      }
      ASSERT_GE(c.block_last_doc(), c.doc());
    }
    EXPECT_EQ(c.doc(), kNoMoreDocs);
  }
}

// What merges do: copy each kept posting's stored position deltas into a new
// list, dropping some postings, and read the copy back.
TEST_P(PostingCodecTest, CopiesStoredPositionsIntoANewList) {
  std::mt19937 rng(GetParam() + 7);
  const std::vector<Posting> list = RandomList(rng, 0, GetParam(), 50, 70000);
  const Encoded e = Encode(list, 0);
  std::vector<Posting> kept;
  Encoded copy;
  PostingListWriter w(&copy.postings, &copy.positions);
  ListCursor c(e.list);
  for (size_t i = 0; i < list.size(); ++i, c.Next()) {
    if (i % 3 == 1) continue;  // a deleted document: its positions are passed over
    // Asking for the deltas first must not spoil the decoded positions, nor
    // the positions the deltas.
    if (i % 4 == 0) {
      ASSERT_THAT(c.positions(), ::testing::ElementsAreArray(list[i].positions)) << i;
    }
    const absl::Span<const uint32_t> deltas = c.position_deltas();
    if (i % 2 == 0) {
      ASSERT_THAT(c.positions(), ::testing::ElementsAreArray(list[i].positions)) << i;
    }
    w.AddStored(c.doc(), {c.freq(0), c.freq(1), c.freq(2)}, false, deltas, list[i].lengths);
    kept.push_back(list[i]);
  }
  copy.offset = w.Finish(0);
  copy.postings.resize(copy.postings.size() + kStreamPadding, 0);
  copy.positions.resize(copy.positions.size() + kStreamPadding, 0);
  copy.list = OpenList(0, copy.postings.data() + copy.offset, copy.positions.data());
  ASSERT_EQ(copy.list.count, kept.size());
  ListCursor k(copy.list);
  for (const Posting& p : kept) {
    ASSERT_EQ(k.doc(), p.doc);
    ASSERT_THAT(k.positions(), ::testing::ElementsAreArray(p.positions)) << p.doc;
    k.Next();
  }
  EXPECT_EQ(k.doc(), kNoMoreDocs);
}

// A block's positions are packed at the width of its largest delta: 300
// postings at positions {5, 9} (deltas 5 and 4: 3 bits) take a width byte and
// 256 * 3 bits for each full block, and the last block's one large position
// widens only that block.
TEST(PostingCodecLayoutTest, PacksABlocksPositionsAtItsWidestDelta) {
  std::vector<Posting> list;
  for (DocId d = 0; d < 300; ++d) list.push_back({d, {0, 2, 0}, {5, 9}, {3, 50, 10}});
  list.back().positions = {5, 0xFFFFFFFF};  // a delta of 32 bits
  list.push_back({300, {1, 0, 0}, {0}, {3, 50, 10}});  // a title-only posting
  const Encoded e = Encode(list, 0);
  const size_t full = 1 + PackedBytes(2 * kBlockSize, 3);
  const size_t last = 1 + PackedBytes(2 * 44 + 1, 32);
  EXPECT_EQ(e.positions.size(), 2 * full + last + kStreamPadding);
  ListCursor c(e.list);
  for (const Posting& p : list) {
    ASSERT_EQ(c.doc(), p.doc);
    ASSERT_THAT(c.positions(), ::testing::ElementsAreArray(p.positions)) << p.doc;
    c.Next();
  }
  // A block without positions is its width byte alone.
  const Encoded none = Encode({{4, {0, 0, 1}, {}, {3, 50, 10}}}, 0);
  EXPECT_EQ(none.positions.size(), 1 + kStreamPadding);
  EXPECT_TRUE(ListCursor(none.list).positions().empty());
}

// A selection list (an exact form's) in the stream of its stem's list: each
// posting some of the stem's positions (all of them for about half), read
// back through the stem, read again after a merge-like copy that drops
// postings (both lists copied as stored, the stem's first).
TEST_P(PostingCodecTest, SelectionListsReadTheirPositionsThroughTheirStem) {
  std::mt19937 rng(GetParam() + 13);
  const std::vector<Posting> stem = RandomList(rng, 0, GetParam(), 50, 40);
  std::vector<Posting> form;
  for (const Posting& p : stem) {
    if (rng() % 4 == 0) continue;  // a document without this form
    Posting f = p;
    if (rng() % 2 == 0 && p.positions.size() > 1) {
      f.positions.clear();
      for (uint32_t q : p.positions) {
        if (rng() % 3 == 0) f.positions.push_back(q);
      }
      if (f.positions.empty()) f.positions.push_back(p.positions.back());
      if (f.positions.size() == p.positions.size()) f.positions.pop_back();
      // Which fields: as many title positions as the stem's come first.
      const uint32_t title = static_cast<uint32_t>(std::count_if(
          f.positions.begin(), f.positions.end(),
          [&](uint32_t q) { return q < (p.freq[0] > 0 ? p.positions[p.freq[0] - 1] + 1 : 0); }));
      f.freq = {title, static_cast<uint32_t>(f.positions.size()) - title, 0};
    }
    if (f.freq[0] + f.freq[1] == 0) continue;
    form.push_back(std::move(f));
  }
  if (form.empty()) return;
  // The segment's part: the stem's list for any stem.
  struct OneStem : StemLists {
    PostingList list;
    PostingList StemList(absl::string_view stem) const override {
      EXPECT_EQ(stem, "stem");
      return list;
    }
  };
  OneStem stems, copied_stems;
  auto write = [](const std::vector<Posting>& stem_list, const std::vector<Posting>& form_list,
                  Encoded* e, PostingList* form_out, OneStem* stems) {
    PostingListWriter w(&e->postings, &e->positions);
    for (const Posting& p : stem_list) w.Add(p.doc, p.freq, p.positions, p.lengths);
    const uint64_t stem_at = w.Finish(0);
    size_t j = 0;
    for (const Posting& f : form_list) {
      while (stem_list[j].doc != f.doc) ++j;
      const bool all = f.positions.size() == stem_list[j].positions.size();
      w.AddSelection(f.doc, f.freq, f.positions, all ? nullptr : stem_list[j].positions.data(),
                     f.lengths);
    }
    w.SetStem(1, 4);
    const uint64_t form_at = w.Finish(0);
    e->postings.resize(e->postings.size() + kStreamPadding, 0);
    e->positions.resize(e->positions.size() + kStreamPadding, 0);
    *form_out = OpenList(0, e->postings.data() + form_at, e->positions.data());
    EXPECT_TRUE(form_out->selection);
    EXPECT_EQ(form_out->stem_begin, 1u);
    EXPECT_EQ(form_out->stem_size, 4u);
    stems->list = OpenList(0, e->postings.data() + stem_at, e->positions.data());
    EXPECT_FALSE(stems->list.selection);
    form_out->stem = "stem";
    form_out->stem_lists = stems;
  };
  Encoded e;
  PostingList list;
  write(stem, form, &e, &list, &stems);
  ListCursor c(list);
  for (size_t i = 0; i < form.size(); ++i, c.Next()) {
    ASSERT_EQ(c.doc(), form[i].doc);
    if (i % 3 != 2) {
      ASSERT_THAT(c.positions(), ::testing::ElementsAreArray(form[i].positions)) << i;
    }
  }
  EXPECT_EQ(c.doc(), kNoMoreDocs);

  // The copy: every fifth stem document dropped, and the form's with it.
  Encoded copy;
  PostingListWriter w(&copy.postings, &copy.positions);
  std::vector<Posting> kept_stem, kept_form;
  ListCursor s(OpenList(0, e.postings.data() + 0, e.positions.data()));
  for (size_t i = 0; i < stem.size(); ++i, s.Next()) {
    if (i % 5 == 3) continue;
    w.AddStored(s.doc(), {s.freq(0), s.freq(1), s.freq(2)}, false, s.position_deltas(),
                stem[i].lengths);
    kept_stem.push_back(stem[i]);
  }
  const uint64_t stem_at = w.Finish(0);
  ListCursor f(list);
  for (const Posting& p : form) {
    ASSERT_EQ(f.doc(), p.doc);
    const size_t i = std::lower_bound(stem.begin(), stem.end(), p.doc,
                                      [](const Posting& q, DocId d) { return q.doc < d; }) -
                     stem.begin();
    if (i % 5 != 3) {
      w.AddStored(f.doc(), {f.freq(0), f.freq(1), f.freq(2)}, true, f.position_deltas(), p.lengths);
      kept_form.push_back(p);
    }
    f.Next();
  }
  if (kept_form.empty()) return;
  w.SetStem(list.stem_begin, list.stem_size);
  const uint64_t form_at = w.Finish(0);
  copy.postings.resize(copy.postings.size() + kStreamPadding, 0);
  copy.positions.resize(copy.positions.size() + kStreamPadding, 0);
  PostingList copied = OpenList(0, copy.postings.data() + form_at, copy.positions.data());
  ASSERT_TRUE(copied.selection);
  EXPECT_EQ(copied.stem_begin, 1u);
  copied_stems.list = OpenList(0, copy.postings.data() + stem_at, copy.positions.data());
  copied.stem = "stem";
  copied.stem_lists = &copied_stems;
  ListCursor k(copied);
  for (const Posting& p : kept_form) {
    k.Advance(p.doc);  // some by Advance, through the stem's cursor as well
    ASSERT_EQ(k.doc(), p.doc);
    ASSERT_THAT(k.positions(), ::testing::ElementsAreArray(p.positions)) << p.doc;
  }
}

TEST_P(PostingCodecTest, AdvanceFindsTheFirstDocAtOrAfterTheTarget) {
  std::mt19937 rng(GetParam() + 7);
  const std::vector<Posting> list = RandomList(rng, 5, GetParam(), 9, 3);
  const Encoded e = Encode(list, 5);
  for (int trial = 0; trial < 20; ++trial) {
    ListCursor c(e.list);
    DocId target = 0;
    while (c.doc() != kNoMoreDocs) {
      target += 1 + rng() % (trial + 1) * 40;
      c.Advance(target);
      auto it = std::lower_bound(list.begin(), list.end(), target,
                                 [](const Posting& p, DocId t) { return p.doc < t; });
      if (it == list.end()) {
        ASSERT_EQ(c.doc(), kNoMoreDocs);
        break;
      }
      ASSERT_EQ(c.doc(), it->doc);
      ASSERT_THAT(c.positions(), ::testing::ElementsAreArray(it->positions));
      ASSERT_EQ(c.freq(1), it->freq[1]);
    }
  }
}

TEST_P(PostingCodecTest, BlockBoundsCoverTheirPostings) {
  std::mt19937 rng(GetParam() + 11);
  const std::vector<Posting> list = RandomList(rng, 0, GetParam(), 20, 70000);
  const Encoded e = Encode(list, 0);
  if (e.list.skips == nullptr) {
    EXPECT_LE(list.size(), kBlockSize);
    return;
  }
  for (uint32_t b = 0; b < e.list.block_count(); ++b) {
    const BlockSkip s = e.list.skip(b);
    const size_t end = std::min<size_t>(list.size(), (b + 1) * kBlockSize);
    EXPECT_EQ(s.last_doc, list[end - 1].doc);
    for (size_t i = b * kBlockSize; i < end; ++i) {
      for (int f = 0; f < kNumFields; ++f) {
        EXPECT_GE(s.bound.max_freq[f], std::min<uint32_t>(list[i].freq[f], 0xFFFF));
        if (list[i].freq[f] > 0) {
          EXPECT_LE(s.bound.min_length[f], list[i].lengths[f]);
        }
      }
    }
  }
}

// The skip search from any block known to end before the target (galloping,
// then binary) finds the first block reaching it.
TEST_P(PostingCodecTest, FirstBlockReachingFromAnEarlierBlock) {
  std::mt19937 rng(GetParam() + 5);
  const std::vector<Posting> list = RandomList(rng, 7, GetParam(), 30, 10);
  const Encoded e = Encode(list, 7);
  if (e.list.skips == nullptr) return;
  const uint32_t n = e.list.block_count();
  for (DocId target = 0; target <= list.back().doc + 2; target += 1 + rng() % 50) {
    uint32_t want = 0;
    while (want < n && e.list.skip(want).last_doc < target) ++want;
    for (uint32_t from = 0; from <= want; from += 1 + want / 7) {
      ASSERT_EQ(e.list.FirstBlockReaching(target, from), want) << target << " from " << from;
    }
    ASSERT_EQ(e.list.FirstBlockReaching(target, want), want);
  }
}

void CheckBlockImpacts(uint32_t n, double b);

// A block's impact is its largest body + lead share, one posting's body and
// lead together: never below any posting's (it is rounded up to a float),
// reached by one of them, and without norms unknown (infinite). The list's
// score floors (kFloorRanks) alike.
TEST_P(PostingCodecTest, BlockImpactIsTheLargestBodyAndLeadShare) {
  for (const double b : {0.0, 0.85, 1.0}) {
    SCOPED_TRACE(b);
    CheckBlockImpacts(GetParam(), b);
  }
}

void CheckBlockImpacts(uint32_t n, double b) {
  std::mt19937 rng(n + 29);
  std::vector<Posting> list = RandomList(rng, 0, n, 20, 70000);
  for (size_t i = 0; i < list.size(); ++i) {
    Posting& p = list[i];
    p.lengths[2] = std::min<uint32_t>(p.lengths[1], 40);
    // Some documents have no lead (at b = 1 their lead norm is infinite),
    // a few the term only in the title and no body at all.
    if (i % 3 == 0) p.freq[2] = p.lengths[2] = 0;
    if (i % 11 == 0 && p.freq[0] > 0) {
      p.freq[1] = p.freq[2] = p.lengths[1] = p.lengths[2] = 0;
      p.positions.resize(p.freq[0]);
    }
  }
  std::vector<std::array<uint32_t, kNumFields>> lengths(list.back().doc + 1, {10, 300, 40});
  for (const Posting& p : list) lengths[p.doc] = p.lengths;
  ImpactBasis basis;
  basis.lead_weight = 0.5;
  basis.body_b = basis.lead_b = b;
  basis = WithAverages(basis, lengths);
  std::vector<ImpactNorms> norms;
  for (const auto& l : lengths) norms.push_back(ImpactNormsOf(basis, l));

  Encoded with, without;
  for (Encoded* e : {&with, &without}) {
    e->postings.assign(3, 0xAB);
    PostingListWriter w(&e->postings, &e->positions,
                        e == &with ? absl::Span<const ImpactNorms>(norms) : absl::Span<const ImpactNorms>());
    for (const Posting& p : list) w.Add(p.doc, p.freq, p.positions, p.lengths);
    e->offset = w.Finish(0);
    e->postings.resize(e->postings.size() + kStreamPadding, 0);
    e->list = OpenList(0, e->postings.data() + e->offset, e->positions.data());
  }
  if (with.list.skips == nullptr) {
    // A list of one block stores no floor (a search scores it whole).
    EXPECT_EQ(with.list.floor_share, decltype(with.list.floor_share){});
    return;
  }
  std::vector<double> shares;  // per posting
  std::vector<double> block_max;
  for (uint32_t b = 0; b < with.list.block_count(); ++b) {
    const size_t end = std::min<size_t>(list.size(), (b + 1) * kBlockSize);
    double max = 0;
    for (size_t i = b * kBlockSize; i < end; ++i) {
      const Posting& p = list[i];
      // As ScoringContext::FieldPart computes it.
      const double body = p.freq[1] == 0 ? 0 : basis.body_weight * p.freq[1] /
                          (1 - basis.body_b + basis.body_b / basis.body_avg * p.lengths[1]);
      const double lead = p.freq[2] == 0 ? 0 : basis.lead_weight * p.freq[2] /
                          (1 - basis.lead_b + basis.lead_b / basis.lead_avg * p.lengths[2]);
      max = std::max(max, body + lead);
      shares.push_back(body + lead);
    }
    block_max.push_back(max);
    const float impact = with.list.skip(b).body_lead_max;
    EXPECT_GE(impact, max) << "block " << b;
    EXPECT_LE(impact, max * (1 + 1e-6)) << "block " << b;
    EXPECT_TRUE(std::isinf(without.list.skip(b).body_lead_max)) << "block " << b;
  }
  // The floors: at most the r-th largest share (the norms are floats
  // rounded up: within 1e-6), exactly it for a list of few blocks, else the
  // r-th largest block maximum; 0 without norms or without enough blocks.
  std::sort(shares.begin(), shares.end(), std::greater<>());
  std::sort(block_max.begin(), block_max.end(), std::greater<>());
  for (size_t r = 0; r < kFloorRanks.size(); ++r) {
    SCOPED_TRACE(kFloorRanks[r]);
    const uint32_t rank = kFloorRanks[r];
    const float floor = with.list.floor_share[r];
    EXPECT_EQ(without.list.floor_share[r], 0.0f);
    if (shares.size() < rank) {
      EXPECT_EQ(floor, 0.0f);
      continue;
    }
    EXPECT_LE(floor, shares[rank - 1] * (1 + 1e-6));
    const bool few_blocks = block_max.size() < kFloorRanks.front();
    if (!few_blocks && block_max.size() < rank) {
      EXPECT_EQ(floor, 0.0f);
      continue;
    }
    const double want = few_blocks ? shares[rank - 1] : block_max[rank - 1];
    EXPECT_GE(floor, want * (1 - 1e-6));
    EXPECT_LE(floor, want * (1 + 1e-6));
  }
}

INSTANTIATE_TEST_SUITE_P(Sizes, PostingCodecTest,
                         ::testing::Values(1u, 2u, 127u, 128u, 129u, 256u, 1000u, 5000u, 20000u));

// Both in-block searches against std::lower_bound: every block length,
// every start, targets on, between and at the ends of the docs, doc ids with
// the top bit set (the vector search compares them as unsigned).
TEST(PostingCodecTest, InBlockSearchesFindTheFirstDocAtOrAfterTheTarget) {
  std::mt19937 rng(5);
  // Off a 32-byte boundary, as a cursor's docs may be.
  alignas(32) uint32_t storage[kBlockSize + internal::kSearchGroup + 1];
  uint32_t* docs = storage + 1;
  int searched = 0;
  for (uint32_t n = 1; n <= kBlockSize; ++n) {
    const uint32_t base = n % 3 == 0 ? 0x7FFFFF00u : n % 3 == 1 ? 0 : 0xF0000000u;
    uint32_t d = base;
    for (uint32_t i = 0; i < n; ++i) docs[i] = d += 1 + rng() % 5;
    std::fill(docs + n, std::end(storage), kNoMoreDocs);
    for (uint32_t from = 0; from < n; ++from) {
      // Every target the contract allows: above docs[from - 1], at most docs[n - 1].
      const uint32_t low = from == 0 ? base : docs[from - 1] + 1;
      for (uint32_t target = low; target <= docs[n - 1]; target += 1 + rng() % 3) {
        const uint32_t want =
            static_cast<uint32_t>(std::lower_bound(docs, docs + n, target) - docs);
        ASSERT_EQ(internal::FirstAtLeast(docs, from, n, target), want) << n << " " << from;
        if (internal::HaveAvx2()) {
          ASSERT_EQ(internal::FirstAtLeastAvx2(docs, from, target), want) << n << " " << from;
        }
        ++searched;
      }
    }
  }
  EXPECT_GT(searched, 100000);
  if (!internal::HaveAvx2()) GTEST_SKIP() << "no AVX2 here: only the binary search was checked";
}

// The vector prefix sums (AVX2 where the CPU has it, SSE2) against the
// scalar one: every block length (groups of eight or four and the rest),
// gaps up to 2^31, a list based at doc 0 (previous 2^32 - 1, the first add
// wrapping to the gap) and sums near 2^32.
TEST(PostingCodecTest, GapsToDocsSumsGapsPlusOne) {
  std::mt19937 rng(11);
  for (uint32_t n = 0; n <= kBlockSize; ++n) {
    for (const DocId previous : {kNoMoreDocs, DocId{0}, DocId{12345}, DocId{0xFFFF0000u}}) {
      std::vector<uint32_t> gaps(n);
      for (uint32_t& g : gaps) g = rng() % 4 == 0 ? rng() % (1u << 31) : rng() % 9;
      std::vector<uint32_t> want(n);
      DocId d = previous;
      for (uint32_t i = 0; i < n; ++i) want[i] = d += gaps[i] + 1;
      std::vector<uint32_t> got = gaps;
      internal::GapsToDocs(got.data(), n, previous);
      ASSERT_EQ(got, want) << "n " << n << " previous " << previous;
      got = gaps;
      internal::GapsToDocsSse2(got.data(), n, previous);
      ASSERT_EQ(got, want) << "SSE2, n " << n << " previous " << previous;
      if (internal::HaveAvx2()) {
        got = gaps;
        internal::GapsToDocsAvx2(got.data(), n, previous);
        ASSERT_EQ(got, want) << "AVX2, n " << n << " previous " << previous;
      }
    }
  }
}

// Every width, and counts around the packers' groups of eight values
// (PackFixed, then the rest one by one), appended after bytes that stay.
TEST(PostingCodecTest, PacksEveryBitWidth) {
  for (uint32_t width = 0; width <= 32; ++width) {
    for (uint32_t n : {0u, 1u, 7u, 8u, 9u, 15u, 16u, 17u, 127u, 128u, 131u}) {
      std::vector<uint32_t> values(n);
      for (uint32_t i = 0; i < n; ++i) {
        values[i] = width == 0 ? 0
                               : static_cast<uint32_t>((uint64_t{0x9E3779B97F4A7C15} * (i + 1)) >>
                                                       (64 - width));
      }
      if (n > 0 && width > 0) values[n - 1] = static_cast<uint32_t>((uint64_t{1} << width) - 1);
      std::vector<uint8_t> packed = {0xAB, 0xCD, 0xEF};
      PackBits(values.data(), n, width, &packed);
      ASSERT_EQ(packed.size(), 3 + PackedBytes(n, width)) << width << " " << n;
      EXPECT_THAT(std::vector<uint8_t>(packed.begin(), packed.begin() + 3),
                  ::testing::ElementsAre(0xAB, 0xCD, 0xEF));
      packed.resize(packed.size() + kStreamPadding, 0);
      std::vector<uint32_t> out(n, 1);
      UnpackBits(packed.data() + 3, n, width, out.data());
      EXPECT_EQ(out, values) << width << " " << n;
    }
  }
}

// Both unpackers against the values packed: every width (the AVX2 one
// covers 1-25 and falls back above), counts around its groups of eight, and
// a buffer of exactly the packed bytes and the padding, so that a read past
// them is caught under AddressSanitizer (the last groups are the scalar
// unpacker's for that reason).
TEST(PostingCodecTest, Avx2UnpackerMatchesScalar) {
  if (!internal::HaveAvx2()) GTEST_SKIP() << "no AVX2 here";
  std::mt19937 rng(3);
  for (uint32_t width = 0; width <= 32; ++width) {
    for (uint32_t n : {0u, 1u, 7u, 8u, 9u, 16u, 17u, 24u, 31u, 32u, 33u, 127u, 128u, 129u, 1000u}) {
      std::vector<uint32_t> values(n);
      for (uint32_t& v : values) {
        v = width == 0 ? 0 : static_cast<uint32_t>(rng() >> (32 - width));
      }
      if (n > 0 && width > 0) values[n / 2] = static_cast<uint32_t>((uint64_t{1} << width) - 1);
      std::vector<uint8_t> packed;
      PackBits(values.data(), n, width, &packed);
      packed.resize(packed.size() + kStreamPadding, 0xFF);
      // Exactly the readable bytes, on their own allocation.
      auto exact = std::make_unique<uint8_t[]>(packed.size());
      std::copy(packed.begin(), packed.end(), exact.get());
      std::vector<uint32_t> scalar(n, 7), vector(n, 7);
      internal::kUnpackByWidth[width](exact.get(), n, scalar.data());
      internal::kUnpackAvx2ByWidth[width](exact.get(), n, vector.data());
      ASSERT_EQ(scalar, values) << width << " " << n;
      ASSERT_EQ(vector, values) << width << " " << n;
    }
  }
  EXPECT_EQ(internal::kUnpack, internal::kUnpackAvx2ByWidth);
}

}  // namespace
}  // namespace khabar::index
