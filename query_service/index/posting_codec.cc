#include "query_service/index/posting_codec.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <functional>
#include <immintrin.h>
#include <limits>
#include <utility>

#include "common/base/status_macros.h"

namespace khabar::index {

namespace internal {
namespace {
template <size_t... W>
constexpr std::array<UnpackFn, sizeof...(W)> UnpackTable(std::index_sequence<W...>) {
  return {&UnpackFixed<static_cast<uint32_t>(W)>...};
}

// Bit packing's step: v (`width` bits) joins the accumulator's `filled`
// bits, which are stored 8 bytes at a time at *p once 64 are full.
inline void PutBits(uint64_t v, uint32_t width, uint64_t* acc, uint32_t* filled, uint8_t** p) {
  *acc |= v << *filled;
  *filled += width;
  if (*filled >= 64) {
    std::memcpy(*p, acc, 8);
    *p += 8;
    *filled -= 64;
    // The bits of v that did not fit (none when it ended the word).
    *acc = *filled == 0 ? 0 : v >> (width - *filled);
  }
}

// Packs the first n values (n a multiple of 8) at W bits into zeroed `out`
// (with 8 bytes to spare). Eight values are W whole bytes, so each group
// starts an accumulator afresh, and with W a constant and the group
// unrolled, where the accumulator fills is known at compile time.
template <uint32_t W>
void PackFixed(const uint32_t* values, uint32_t n, uint8_t* out) {
  for (uint32_t i = 0; i < n; i += 8, out += W) {
    uint64_t acc = 0;
    uint32_t filled = 0;
    uint8_t* p = out;
#pragma GCC unroll 8
    for (uint32_t j = 0; j < 8; ++j) PutBits(values[i + j], W, &acc, &filled, &p);
    // The group's last filled / 8 bytes, then zeros the next group overwrites.
    std::memcpy(p, &acc, 8);
  }
}
using PackFn = void (*)(const uint32_t*, uint32_t, uint8_t*);
template <size_t... W>
constexpr std::array<PackFn, sizeof...(W)> PackTable(std::index_sequence<W...>) {
  return {&PackFixed<static_cast<uint32_t>(W)>...};
}
const std::array<PackFn, 33> kPackByWidth = PackTable(std::make_index_sequence<33>());
}  // namespace
const std::array<UnpackFn, 33> kUnpackByWidth = UnpackTable(std::make_index_sequence<33>());

namespace {

// Eight W-bit values (W bytes) at a time with AVX2, for W <= kMaxAvx2Width:
// value j starts in byte (j * W) / 8 at bit (j * W) % 8 <= 7, so the four
// bytes from there hold all of it. Values 0-3 are gathered from the 16 bytes
// at the group's start into the low lane, values 4-7 from the 16 bytes at
// byte (4 * W) / 8 into the high lane (one byte shuffle each), then each
// lane is shifted by its own bit offset and masked. The scalar unpacker
// (UnpackFixed) does the groups whose second 16-byte load would pass the
// stream's padding, and the values after the last whole group.
constexpr uint32_t kMaxAvx2Width = 25;

template <uint32_t W>
struct Avx2Groups {
  static constexpr uint32_t kHighStart = 4 * W / 8;  // byte of the high lane's load
  static constexpr std::array<int8_t, 32> Shuffle() {
    std::array<int8_t, 32> m{};
    for (uint32_t j = 0; j < 8; ++j) {
      const uint32_t first = j * W / 8 - (j < 4 ? 0 : kHighStart);
      for (uint32_t b = 0; b < 4; ++b) m[4 * j + b] = static_cast<int8_t>(first + b);
    }
    return m;
  }
  static constexpr std::array<int8_t, 32> kShuffle = Shuffle();
};

template <uint32_t W>
__attribute__((target("avx2"))) void UnpackFixedAvx2(const uint8_t* in, uint32_t n,
                                                    uint32_t* out) {
  static_assert(W >= 1 && W <= kMaxAvx2Width, "four bytes from a value's first hold it");
  using G = Avx2Groups<W>;
  const __m256i shuffle =
      _mm256_loadu_si256(reinterpret_cast<const __m256i*>(G::kShuffle.data()));
  const __m256i shifts = _mm256_setr_epi32(0, W % 8, 2 * W % 8, 3 * W % 8, 4 * W % 8,
                                           5 * W % 8, 6 * W % 8, 7 * W % 8);
  const __m256i mask = _mm256_set1_epi32(static_cast<int32_t>((uint64_t{1} << W) - 1));
  const size_t readable = PackedBytes(n, W) + kStreamPadding;
  uint32_t i = 0;
  size_t at = 0;
  for (; i + 8 <= n && at + G::kHighStart + 16 <= readable; i += 8, at += W) {
    const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + at));
    const __m128i high =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + at + G::kHighStart));
    __m256i v = _mm256_inserti128_si256(_mm256_castsi128_si256(low), high, 1);
    v = _mm256_and_si256(_mm256_srlv_epi32(_mm256_shuffle_epi8(v, shuffle), shifts), mask);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), v);
  }
  if (i < n) UnpackFixed<W>(in + at, n - i, out + i);
}

template <size_t... W>
std::array<UnpackFn, sizeof...(W)> Avx2Table(std::index_sequence<W...>) {
  return {(W >= 1 && W <= kMaxAvx2Width
               ? &UnpackFixedAvx2<std::clamp<uint32_t>(W, 1, kMaxAvx2Width)>
               : &UnpackFixed<static_cast<uint32_t>(W)>)...};
}

}  // namespace

const std::array<UnpackFn, 33> kUnpackAvx2ByWidth = Avx2Table(std::make_index_sequence<33>());

// The scalar table from the start (constinit: a caller from another file's
// static initializer is served correctly), then the AVX2 one, where the CPU
// has it, once the initializer below runs.
constinit std::array<UnpackFn, 33> kUnpack = UnpackTable(std::make_index_sequence<33>());
namespace {
const bool kUnpackChosen = [] {
  if (HaveAvx2()) kUnpack = kUnpackAvx2ByWidth;
  return true;
}();
}  // namespace
}  // namespace internal
namespace {

uint32_t BitWidth(uint32_t max_value) {
  return max_value == 0 ? 0 : 32 - static_cast<uint32_t>(__builtin_clz(max_value));
}

uint32_t MaxOf(const uint32_t* v, uint32_t n) {
  uint32_t m = 0;
  for (uint32_t i = 0; i < n; ++i) m = std::max(m, v[i]);
  return m;
}

}  // namespace

void PackBits(const uint32_t* values, uint32_t n, uint32_t width, std::vector<uint8_t>* out) {
  if (width == 0) return;
  const size_t start = out->size();
  const size_t bytes = PackedBytes(n, width);
  // Room for whole 8-byte stores; trimmed to `bytes` at the end.
  out->resize(start + bytes + 8);
  assert(width <= 32);
  // Whole groups of eight values by the width's own packer, then the rest.
  const uint32_t full = n & ~uint32_t{7};
  internal::kPackByWidth[width](values, full, out->data() + start);
  uint8_t* p = out->data() + start + size_t{full} / 8 * width;
  uint64_t acc = 0;  // bits not yet stored, from bit 0
  uint32_t filled = 0;
  for (uint32_t i = full; i < n; ++i) {
    internal::PutBits(values[i], width, &acc, &filled, &p);
  }
  std::memcpy(p, &acc, 8);
  out->resize(start + bytes);
}

void PutVarint(uint64_t v, std::vector<uint8_t>* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<uint8_t>(v));
}

ImpactNorms ImpactNormsOf(const ImpactBasis& basis, const std::array<uint32_t, kNumFields>& lengths) {
  // As search::ScoringContext::FieldPart: weight / (1 - b + b / avg * length).
  auto norm = [](double b, double avg, double weight, uint32_t length) {
    const double exact = weight / ((1.0 - b) + b / avg * length);
    const float up = static_cast<float>(exact);
    return up < exact ? std::nextafter(up, std::numeric_limits<float>::infinity()) : up;
  };
  return {norm(basis.body_b, basis.body_avg, basis.body_weight, lengths[1]),
          norm(basis.lead_b, basis.lead_avg, basis.lead_weight, lengths[2])};
}

ImpactBasis WithAverages(ImpactBasis basis, absl::Span<const std::array<uint32_t, kNumFields>> lengths,
                         absl::Span<const uint8_t> left_out) {
  double body = 0, lead = 0;
  int64_t n = 0;
  for (size_t i = 0; i < lengths.size(); ++i) {
    if (i < left_out.size() && left_out[i]) continue;
    body += lengths[i][1];
    lead += lengths[i][2];
    ++n;
  }
  // At least 1, as ScoringContext takes the collection's.
  basis.body_avg = n == 0 ? 1.0 : std::max(body / n, 1.0);
  basis.lead_avg = n == 0 ? 1.0 : std::max(lead / n, 1.0);
  return basis;
}

PostingList OpenList(DocId base, const uint8_t* at, const uint8_t* positions_stream) {
  PostingList pl;
  pl.base = base;
  uint64_t count, positions;
  at = GetVarint(at, &count);
  at = GetVarint(at, &positions);
  pl.count = static_cast<uint32_t>(count >> 1);
  pl.selection = (count & 1) != 0;
  pl.positions = positions_stream + positions;
  if (pl.selection) {
    uint64_t begin, size;
    at = GetVarint(at, &begin);
    at = GetVarint(at, &size);
    pl.stem_begin = static_cast<uint32_t>(begin);
    pl.stem_size = static_cast<uint32_t>(size);
  }
  if (pl.count > kBlockSize) {
    for (size_t r = 0; r < kFloorRanks.size() && pl.count >= kFloorRanks[r]; ++r) {
      std::memcpy(&pl.floor_share[r], at, sizeof(float));
      at += sizeof(float);
    }
    pl.skips = at;
    at += size_t{pl.block_count()} * sizeof(BlockSkip);
  }
  pl.blocks = at;
  return pl;
}

void PostingListWriter::AddPosting(DocId doc, const std::array<uint32_t, kNumFields>& freq,
                                   const std::array<uint32_t, kNumFields>& lengths) {
  if (!started_) {
    started_ = true;
    positions_start_ = positions_->size();
  }
  if (docs_.size() % kBlockSize == 0) {
    if (!docs_.empty()) FlushPositions();
    const uint64_t rel = positions_->size() - positions_start_;
    KHABAR_CHECK(rel <= UINT32_MAX);  // one list's positions fit in 4 GiB
    block_positions_.push_back(static_cast<uint32_t>(rel));
    BlockBound fresh;
    fresh.min_length.fill(0xFFFF);
    bounds_.push_back(fresh);
  }
  docs_.push_back(doc);
  BlockBound& b = bounds_.back();
  for (int f = 0; f < kNumFields; ++f) {
    freqs_[f].push_back(freq[f]);
    b.max_freq[f] = std::max<uint16_t>(b.max_freq[f], static_cast<uint16_t>(std::min<uint32_t>(freq[f], 0xFFFF)));
    if (freq[f] > 0) {
      b.min_length[f] = std::min<uint16_t>(b.min_length[f], static_cast<uint16_t>(std::min<uint32_t>(lengths[f], 0xFFFF)));
    }
  }
}

void PostingListWriter::Add(DocId doc, const std::array<uint32_t, kNumFields>& freq,
                            absl::Span<const uint32_t> positions,
                            const std::array<uint32_t, kNumFields>& lengths) {
  assert(positions.size() == size_t{freq[0]} + freq[1]);
  AddPosting(doc, freq, lengths);
  uint32_t previous = 0;
  for (uint32_t p : positions) {
    assert(p >= previous);
    block_deltas_.push_back(p - previous);
    previous = p;
  }
}

void PostingListWriter::AddSelection(DocId doc, const std::array<uint32_t, kNumFields>& freq,
                                     absl::Span<const uint32_t> positions, const uint32_t* within,
                                     const std::array<uint32_t, kNumFields>& lengths) {
  assert(positions.size() == size_t{freq[0]} + freq[1]);
  assert(!positions.empty());
  assert(docs_.empty() || selection_);
  selection_ = true;
  AddPosting(doc, freq, lengths);
  if (within == nullptr) return;  // all of the stem's
  const uint32_t i = static_cast<uint32_t>((docs_.size() - 1) % kBlockSize);
  block_selects_[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
  // Both increasing: one pass finds each position's index in `within`.
  uint32_t j = 0, previous = 0;
  for (uint32_t p : positions) {
    while (within[j] < p) ++j;
    assert(within[j] == p);
    block_deltas_.push_back(j - previous);
    previous = j;
  }
}

void PostingListWriter::AddStored(DocId doc, const std::array<uint32_t, kNumFields>& freq,
                                  bool selection, absl::Span<const uint32_t> stored,
                                  const std::array<uint32_t, kNumFields>& lengths) {
  assert(stored.size() == (selection && stored.empty() ? 0 : size_t{freq[0]} + freq[1]));
  assert(docs_.empty() || selection_ == selection);
  selection_ = selection;
  AddPosting(doc, freq, lengths);
  if (selection && !stored.empty()) {
    const uint32_t i = static_cast<uint32_t>((docs_.size() - 1) % kBlockSize);
    block_selects_[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
  }
  block_deltas_.insert(block_deltas_.end(), stored.begin(), stored.end());
}

void PostingListWriter::FlushPositions() {
  const uint32_t n = static_cast<uint32_t>(block_deltas_.size());
  const uint32_t width = BitWidth(MaxOf(block_deltas_.data(), n));
  if (!selection_) {
    positions_->push_back(static_cast<uint8_t>(width));
  } else if (n == 0) {
    positions_->push_back(0);  // every posting has all its stem's occurrences
  } else {
    positions_->push_back(static_cast<uint8_t>(width | 0x80));
    const uint32_t postings = static_cast<uint32_t>((docs_.size() - 1) % kBlockSize + 1);
    positions_->insert(positions_->end(), block_selects_.begin(),
                       block_selects_.begin() + (postings + 7) / 8);
  }
  PackBits(block_deltas_.data(), n, width, positions_);
  block_deltas_.clear();
  block_selects_.fill(0);
}

double PostingListWriter::Share(uint32_t i) const {
  assert(docs_[i] - norms_base_ < norms_.size());
  const ImpactNorms& norm = norms_[docs_[i] - norms_base_];
  // As ScoringContext::FieldTf, a field the term is not in adds nothing:
  // 0 * an infinite norm would be NaN, which max() would drop. (A norm is
  // infinite only for a field of length 0 at b = 1, where a frequency > 0
  // cannot be; if it were, the share is infinite, not NaN.)
  const uint32_t body = freqs_[1][i], lead = freqs_[2][i];
  return (body > 0 ? body * double{norm.body} : 0.0) + (lead > 0 ? lead * double{norm.lead} : 0.0);
}

float PostingListWriter::BlockImpact(uint32_t begin, uint32_t n, bool keep) {
  if (norms_.empty()) return std::numeric_limits<float>::infinity();
  double impact = 0;
  for (uint32_t i = begin; i < begin + n; ++i) {
    const double share = Share(i);
    impact = std::max(impact, share);
    if (keep) shares_.push_back(share);
  }
  block_max_.push_back(impact);
  // Rounded up: the stored impact must never fall below a posting's share.
  float rounded = static_cast<float>(impact);
  if (rounded < impact) rounded = std::nextafter(rounded, std::numeric_limits<float>::infinity());
  return rounded;
}

std::array<float, kFloorRanks.size()> PostingListWriter::FloorShares() {
  std::array<float, kFloorRanks.size()> floors{};
  if (norms_.empty()) return floors;
  // Largest rank first: a selection among the shares leaves the larger
  // ones in front, where the next (smaller) rank's selection looks.
  auto end = shares_.end();
  for (size_t r = kFloorRanks.size(); r-- > 0;) {
    const uint32_t rank = kFloorRanks[r];
    double share;
    if (shares_.size() >= rank) {  // a list of few blocks: its shares, kept
      auto nth = shares_.begin() + (rank - 1);
      std::nth_element(shares_.begin(), nth, end, std::greater<>());
      end = nth + 1;
      share = *nth;
    } else if (shares_.empty() && block_max_.size() >= rank) {
      auto nth = block_max_.begin() + (rank - 1);
      std::nth_element(block_max_.begin(), nth, block_max_.end(), std::greater<>());
      share = *nth;
    } else {
      continue;  // too few postings, or too few blocks to say (0: none)
    }
    // Rounded down, and finite: the floor must never exceed the share of
    // as many postings. The norms were rounded up (by at most a float's
    // ulp): the search's scale leaves room for that.
    share = std::min(share, double{std::numeric_limits<float>::max()});
    float rounded = static_cast<float>(share);
    if (rounded > share) rounded = std::nextafter(rounded, 0.0f);
    floors[r] = rounded;
  }
  return floors;
}

uint64_t PostingListWriter::Finish(DocId base) {
  FlushPositions();
  const uint32_t count = static_cast<uint32_t>(docs_.size());
  const uint32_t blocks = (count + kBlockSize - 1) / kBlockSize;
  block_bytes_.clear();
  std::vector<BlockSkip>& skips = skips_;
  skips.clear();
  uint32_t gaps[kBlockSize];
  block_max_.clear();
  shares_.clear();
  // A list with fewer blocks than the smallest floor rank keeps its shares
  // for the floors (FloorShares); a longer one's come from its blocks'.
  const bool keep = blocks < kFloorRanks.front();
  DocId previous = base - 1;  // wraps for base 0: the first gap is doc - base
  for (uint32_t b = 0; b < blocks; ++b) {
    const uint32_t begin = b * kBlockSize;
    const uint32_t n = std::min(kBlockSize, count - begin);
    for (uint32_t i = 0; i < n; ++i) {
      gaps[i] = docs_[begin + i] - previous - 1;
      previous = docs_[begin + i];
    }
    KHABAR_CHECK(block_bytes_.size() <= UINT32_MAX);  // one list fits in 4 GiB
    if (blocks > 1) {
      skips.push_back({previous, static_cast<uint32_t>(block_bytes_.size()), block_positions_[b],
                       bounds_[b], BlockImpact(begin, n, keep)});
    }
    const uint32_t widths[4] = {BitWidth(MaxOf(gaps, n)),
                                BitWidth(MaxOf(freqs_[0].data() + begin, n)),
                                BitWidth(MaxOf(freqs_[1].data() + begin, n)),
                                BitWidth(MaxOf(freqs_[2].data() + begin, n))};
    for (uint32_t w : widths) block_bytes_.push_back(static_cast<uint8_t>(w));
    PackBits(gaps, n, widths[0], &block_bytes_);
    for (int f = 0; f < kNumFields; ++f) {
      PackBits(freqs_[f].data() + begin, n, widths[f + 1], &block_bytes_);
    }
  }
  const uint64_t offset = postings_->size();
  PutVarint(uint64_t{count} * 2 + (selection_ ? 1 : 0), postings_);
  PutVarint(positions_start_, postings_);
  if (selection_) {
    PutVarint(stem_begin_, postings_);
    PutVarint(stem_size_, postings_);
  }
  if (blocks > 1) {
    const std::array<float, kFloorRanks.size()> floors = FloorShares();
    for (size_t r = 0; r < kFloorRanks.size() && count >= kFloorRanks[r]; ++r) {
      const size_t at = postings_->size();
      postings_->resize(at + sizeof(float));
      std::memcpy(postings_->data() + at, &floors[r], sizeof(float));
    }
    const size_t at = postings_->size();
    postings_->resize(at + skips.size() * sizeof(BlockSkip));
    std::memcpy(postings_->data() + at, skips.data(), skips.size() * sizeof(BlockSkip));
  }
  postings_->insert(postings_->end(), block_bytes_.begin(), block_bytes_.end());
  started_ = false;
  selection_ = false;
  stem_begin_ = stem_size_ = 0;
  docs_.clear();
  for (auto& f : freqs_) f.clear();
  bounds_.clear();
  block_positions_.clear();
  return offset;
}

void ListCursor::Reset(const PostingList& list) {
  list_ = list;
  stem_.open = false;
  block_ = n_ = i_ = 0;
  doc_ = block_last_ = kNoMoreDocs;
  if (list_.count > 0) LoadBlock(0);
}

void ListCursor::LoadBlock(uint32_t b) {
  block_ = b;
  i_ = 0;
  if (b >= list_.block_count()) {
    n_ = 0;
    doc_ = block_last_ = kNoMoreDocs;
    return;
  }
  n_ = std::min(kBlockSize, list_.count - b * kBlockSize);
  DocId previous = list_.base - 1;
  if (list_.skips != nullptr) {
    const BlockSkip s = list_.skip(b);
    if (b > 0) previous = list_.skip(b - 1).last_doc;
    block_data_ = list_.blocks + s.bytes;
    block_positions_ = list_.positions + s.positions;
  } else {
    block_data_ = list_.blocks;
    block_positions_ = list_.positions;
  }
  std::memcpy(widths_, block_data_, 4);
  UnpackBits(block_data_ + 4, n_, widths_[0], docs_);
  internal::GapsToDocs(docs_, n_, previous);
  for (uint32_t i = n_; i % internal::kSearchGroup != 0; ++i) docs_[i] = kNoMoreDocs;
  block_last_ = docs_[n_ - 1];
  doc_ = docs_[0];
  const uint8_t* p = block_data_ + 4 + PackedBytes(n_, widths_[0]);
  for (int f = 0; f < kNumFields; ++f) {
    freq_data_[f] = p;
    p += PackedBytes(n_, widths_[f + 1]);
  }
  pos_loaded_ = pos_header_ = false;
  pos_i_ = pos_off_ = 0;
  pos_cached_ = UINT32_MAX;
}

namespace internal {

// Eight lanes at a time: each gap plus one, summed with the lanes before it
// within each 128-bit half (two shifted adds), the lower half's sum added
// to the upper half, then the docs before added to all eight. The running
// last doc is the only chain between groups: one add of the group's own
// sum, found without it.
__attribute__((target("avx2"))) void GapsToDocsAvx2(uint32_t* values, uint32_t n,
                                                     DocId previous) {
  uint32_t i = 0;
  __m256i last = _mm256_set1_epi32(static_cast<int32_t>(previous));
  const __m256i one = _mm256_set1_epi32(1);
  const __m256i lane3 = _mm256_set1_epi32(3);
  const __m256i lane7 = _mm256_set1_epi32(7);
  for (; i + 8 <= n; i += 8) {
    __m256i x =
        _mm256_add_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + i)), one);
    x = _mm256_add_epi32(x, _mm256_slli_si256(x, 4));
    x = _mm256_add_epi32(x, _mm256_slli_si256(x, 8));
    x = _mm256_add_epi32(x, _mm256_blend_epi32(_mm256_setzero_si256(),
                                                _mm256_permutevar8x32_epi32(x, lane3), 0xF0));
    const __m256i sum = _mm256_permutevar8x32_epi32(x, lane7);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(values + i), _mm256_add_epi32(x, last));
    last = _mm256_add_epi32(last, sum);
  }
  previous = static_cast<DocId>(_mm256_cvtsi256_si32(last));
  for (; i < n; ++i) {
    previous += values[i] + 1;
    values[i] = previous;
  }
}

void GapsToDocs(uint32_t* values, uint32_t n, DocId previous) {
  if (kHaveAvx2) {
    GapsToDocsAvx2(values, n, previous);
  } else {
    GapsToDocsSse2(values, n, previous);
  }
}

void GapsToDocsSse2(uint32_t* values, uint32_t n, DocId previous) {
  // Four lanes at a time (SSE2, every x86-64): each lane's gap plus one,
  // summed with the lanes before it in two shifted adds, then the last doc
  // of the group before added to all four. The scalar loop's one add per
  // doc, each waiting on the one before, was most of a block's decoding.
  uint32_t i = 0;
  __m128i last = _mm_set1_epi32(static_cast<int32_t>(previous));
  const __m128i one = _mm_set1_epi32(1);
  for (; i + 4 <= n; i += 4) {
    __m128i x = _mm_add_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(values + i)), one);
    x = _mm_add_epi32(x, _mm_slli_si128(x, 4));
    x = _mm_add_epi32(x, _mm_slli_si128(x, 8));
    x = _mm_add_epi32(x, last);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(values + i), x);
    last = _mm_shuffle_epi32(x, 0xFF);
  }
  previous = static_cast<DocId>(_mm_cvtsi128_si32(last));
  for (; i < n; ++i) {
    previous += values[i] + 1;
    values[i] = previous;
  }
}

uint32_t FirstAtLeast(const uint32_t* docs, uint32_t from, uint32_t n, uint32_t target) {
  // A binary search without branches on the data (std::lower_bound's
  // mispredicted ones were most of the time of a conjunction's advances in
  // perf), Khuong and Morin's branch-free search ("Array layouts for
  // comparison-based searching"): base ends on the last doc < target, or on
  // the first one if none is.
  const uint32_t* base = docs + from;
  uint32_t len = n - from;
  while (len > 1) {
    const uint32_t half = len / 2;
    base = base[half] < target ? base + half : base;
    len -= half;
  }
  base += *base < target ? 1 : 0;
  return static_cast<uint32_t>(base - docs);
}

__attribute__((target("avx2,popcnt"))) uint32_t FirstAtLeastAvx2(const uint32_t* docs,
                                                                uint32_t from, uint32_t target) {
  static_assert(kSearchGroup == 32, "four vectors of eight docs, a 32-bit mask");
  // Unsigned order as signed: both sides with the sign bit flipped.
  const __m256i flip = _mm256_set1_epi32(INT32_MIN);
  const __m256i t = _mm256_xor_si256(_mm256_set1_epi32(static_cast<int32_t>(target)), flip);
  for (uint32_t j = from & ~(kSearchGroup - 1);; j += kSearchGroup) {
    uint32_t below = 0;  // bit q: doc j + q < target
    for (int q = 0; q < 4; ++q) {
      const __m256i v = _mm256_xor_si256(
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(docs + j + 8 * q)), flip);
      below |= static_cast<uint32_t>(
                   _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(t, v))))
               << (8 * q);
    }
    if (below != 0xFFFFFFFFu) return j + static_cast<uint32_t>(__builtin_popcount(below));
  }
}

bool HaveAvx2() {
  static const bool have = [] {
    __builtin_cpu_init();  // the first call may be a static initializer's (kUnpack's)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
  }();
  return have;
}

const bool kHaveAvx2 = HaveAvx2();

}  // namespace internal

void ListCursor::Advance(DocId target) {
  if (doc_ >= target) return;
  if (target > block_last_) {
    // The first later block whose last doc reaches the target.
    LoadBlock(list_.skips == nullptr ? list_.block_count()
                                     : list_.FirstBlockReaching(target, block_ + 1));
    if (doc_ >= target) return;
  }
  // The first doc >= target in [i_, n_) (the block's last doc is >= target).
  i_ = internal::kHaveAvx2 ? internal::FirstAtLeastAvx2(docs_, i_, target)
                  : internal::FirstAtLeast(docs_, i_, n_, target);
  doc_ = docs_[i_];
}

void ListCursor::LoadPositionsHeader() const {
  const uint8_t header = block_positions_[0];
  pos_width_ = header & 0x3F;
  pos_bitmap_ = nullptr;
  pos_values_ = block_positions_ + 1;
  if (header & 0x80) {
    pos_bitmap_ = pos_values_;
    pos_values_ += (n_ + 7) / 8;
  }
  pos_header_ = true;
}

void ListCursor::PrefetchPositions() const {
  // The block's header, and the line after (where the values of a block's
  // first postings are).
  __builtin_prefetch(block_positions_);
  __builtin_prefetch(block_positions_ + 64);
}

uint32_t ListCursor::PositionOffset() const {
  if (!pos_header_) LoadPositionsHeader();
  for (; pos_i_ < i_; ++pos_i_) pos_off_ += StoredCount(pos_i_);
  return pos_off_;
}

absl::Span<const uint32_t> ListCursor::position_deltas() const {
  constexpr uint32_t kStarts = kBlockSize + 1;  // pos_deltas_: the starts, then the values
  if (!pos_loaded_) {
    // The whole block's values, and where each posting's start (a merge
    // reads them all, in order).
    if (!pos_header_) LoadPositionsHeader();
    if (pos_deltas_.values == nullptr) {
      pos_deltas_.values = std::make_unique<std::vector<uint32_t>>();
    }
    std::vector<uint32_t>& deltas = *pos_deltas_.values;
    if (deltas.size() < kStarts) deltas.resize(kStarts);
    uint32_t* starts = deltas.data();
    starts[0] = 0;
    for (uint32_t i = 0; i < n_; ++i) starts[i + 1] = starts[i] + StoredCount(i);
    const uint32_t n = starts[n_];
    if (deltas.size() < kStarts + n) deltas.resize(kStarts + n);
    if (n > 0) UnpackBits(pos_values_, n, pos_width_, deltas.data() + kStarts);
    pos_loaded_ = true;
  }
  const uint32_t* starts = pos_deltas_.values->data();
  return absl::Span<const uint32_t>(starts + kStarts + starts[i_],
                                    starts[i_ + 1] - starts[i_]);
}

void ListCursor::SelectPositions() const {
  assert(list_.stem_lists != nullptr);  // opened by Segment::List
  if (!stem_.open) {
    if (stem_.cursor == nullptr) stem_.cursor = std::make_unique<ListCursor>();
    stem_.cursor->Reset(list_.stem_lists->StemList(list_.stem));
    stem_.open = true;
  }
  stem_.cursor->Advance(doc_);
  assert(stem_.cursor->doc() == doc_);  // an exact form's documents are its stem's
  const absl::Span<const uint32_t> within = stem_.cursor->positions();
  const uint32_t at = PositionOffset();  // reads the block's header first
  const uint32_t k = StoredCount(i_);
  if (k == 0) {
    pos_buf_.assign(within.begin(), within.end());
    return;
  }
  pos_buf_.resize(k);
  const uint64_t mask = (uint64_t{1} << pos_width_) - 1;
  uint64_t bit = uint64_t{at} * pos_width_;
  uint32_t j = 0;
  for (uint32_t m = 0; m < k; ++m, bit += pos_width_) {
    uint64_t word;
    std::memcpy(&word, pos_values_ + (bit >> 3), sizeof(word));
    j += static_cast<uint32_t>((word >> (bit & 7)) & mask);
    assert(j < within.size());
    pos_buf_[m] = within[j];
  }
}

absl::Span<const uint32_t> ListCursor::positions() const {
  if (pos_cached_ == i_) return pos_buf_;
  pos_cached_ = i_;
  if (list_.selection) {
    SelectPositions();
    return pos_buf_;
  }
  const uint32_t k = FreqAt(0, i_) + FreqAt(1, i_);
  pos_buf_.resize(k);
  uint32_t position = 0;
  if (pos_loaded_) {
    const absl::Span<const uint32_t> deltas = position_deltas();
    for (uint32_t j = 0; j < k; ++j) pos_buf_[j] = position += deltas[j];
  } else {
    // A posting's few values straight from the packed block (a query asks
    // for the positions of a candidate here and there, not the block's).
    const uint32_t at = PositionOffset();  // reads the block's header first
    const uint64_t mask = (uint64_t{1} << pos_width_) - 1;
    uint64_t bit = uint64_t{at} * pos_width_;
    for (uint32_t j = 0; j < k; ++j, bit += pos_width_) {
      uint64_t word;
      std::memcpy(&word, pos_values_ + (bit >> 3), sizeof(word));
      pos_buf_[j] = position += static_cast<uint32_t>((word >> (bit & 7)) & mask);
    }
  }
  return pos_buf_;
}

}  // namespace khabar::index
