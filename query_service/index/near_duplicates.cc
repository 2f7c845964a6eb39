#include "query_service/index/near_duplicates.h"

#include <immintrin.h>

#include <cassert>

namespace khabar::index {
namespace {

constexpr uint64_t kMul1 = 0x9E3779B97F4A7C15ULL;
constexpr uint64_t kMul2 = 0xBF58476D1CE4E5B9ULL;
constexpr uint64_t kMul3 = 0x94D049BB133111EBULL;

// The splitmix64 finalizer: a bijection with full avalanche.
inline uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= kMul2;
  x ^= x >> 27;
  x *= kMul3;
  x ^= x >> 31;
  return x;
}

// Little-endian load of `n` <= 8 bytes, whatever the host byte order.
inline uint64_t Load(const char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

// kSpreadByte[b] has byte i = bit i of b: adding it to a word of eight byte
// counters counts the set bits of b.
constexpr std::array<uint64_t, 256> MakeSpreadTable() {
  std::array<uint64_t, 256> t{};
  for (int b = 0; b < 256; ++b) {
    for (int i = 0; i < 8; ++i) {
      if (b & (1 << i)) t[b] |= uint64_t{1} << (8 * i);
    }
  }
  return t;
}
constexpr std::array<uint64_t, 256> kSpreadByte = MakeSpreadTable();

}  // namespace

uint64_t Hash64(absl::string_view bytes, uint64_t seed) {
  uint64_t h = seed ^ (static_cast<uint64_t>(bytes.size()) * kMul1);
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left >= 8) {
    h = std::rotl(h ^ Mix(Load(p, 8)), 27) * kMul1 + 0x52DCE729ULL;
    p += 8;
    left -= 8;
  }
  if (left > 0) h = std::rotl(h ^ Mix(Load(p, left) ^ 0xFF), 31) * kMul1;
  return Mix(h);
}

SimHasher::SimHasher(int shingle_size)
    : shingle_size_(shingle_size < 1 ? 1 : shingle_size),
      window_(static_cast<size_t>(shingle_size_), 0) {}

void SimHasher::AddHash(uint64_t term_hash) {
  const size_t n = window_.size();
  window_[oldest_] = term_hash;
  if (++oldest_ == n) oldest_ = 0;
  ++tokens_;
  if (tokens_ < n) return;
  // Order-sensitive combination of the last n token hashes, oldest first
  // (no division: this runs for every token of every document).
  uint64_t h = kMul1;
  for (size_t i = oldest_; i < n; ++i) h = Mix(h ^ window_[i]);
  for (size_t i = 0; i < oldest_; ++i) h = Mix(h ^ window_[i]);
  ++shingles_;
  for (int j = 0; j < 8; ++j) packed_[j] += kSpreadByte[(h >> (8 * j)) & 0xFF];
  if (++pending_ == 255) Flush();
}

void SimHasher::Flush() {
  for (int j = 0; j < 8; ++j) {
    for (int i = 0; i < 8; ++i) ones_[8 * j + i] += (packed_[j] >> (8 * i)) & 0xFF;
    packed_[j] = 0;
  }
  pending_ = 0;
}

uint64_t SimHasher::Finish() const {
  // Bit i is set when more than half of the shingle hashes have it set
  // (Charikar's sign of the sum of +1/-1 per feature; ties give 0).
  uint64_t fp = 0;
  for (int j = 0; j < 8; ++j) {
    for (int i = 0; i < 8; ++i) {
      const uint64_t ones = ones_[8 * j + i] + ((packed_[j] >> (8 * i)) & 0xFF);
      if (2 * ones > static_cast<uint64_t>(shingles_)) fp |= uint64_t{1} << (8 * j + i);
    }
  }
  return fp;
}

uint64_t SimHash(const std::vector<absl::string_view>& terms, int shingle_size) {
  SimHasher hasher(shingle_size);
  for (absl::string_view t : terms) hasher.Add(t);
  return hasher.Finish();
}

NearDuplicateTable::NearDuplicateTable(int max_distance)
    : max_distance_(max_distance < 0 ? 0 : (max_distance > 15 ? 15 : max_distance)) {
  assert(max_distance >= 0 && max_distance <= 15);
  const int blocks = max_distance_ + 1;
  int shift = 0;
  for (int b = 0; b < blocks; ++b) {
    const int bits = 64 / blocks + (b < 64 % blocks ? 1 : 0);
    block_shift_.push_back(shift);
    block_bits_.push_back(bits);
    shift += bits;
  }
  tables_.resize(static_cast<size_t>(blocks));
}

uint64_t NearDuplicateTable::BlockValue(int block, uint64_t fingerprint) const {
  const int bits = block_bits_[block];
  const uint64_t mask = bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  return (fingerprint >> block_shift_[block]) & mask;
}

uint32_t NearDuplicateTable::Filter(int block, uint64_t fingerprint) const {
  // std::rotr takes the count modulo 64: with one 64-bit block the filter is
  // the low half of the fingerprint, equal for every key in the bucket.
  return static_cast<uint32_t>(std::rotr(fingerprint, block_shift_[block] + block_bits_[block]));
}

namespace {

// One bucket's scan: the keys whose filter and then whole fingerprint are
// within max_distance, folded into `best`. Compiled twice, with and without
// the popcnt instruction (the portable build's std::popcount is a libgcc
// call, 60% of a lookup's time in BM_NearDuplicateTable).
struct BucketScan {
  const uint32_t* keys;
  const uint32_t* filters;
  size_t n;
  uint32_t filter;
  uint64_t fingerprint;
  const uint64_t* fingerprints;
  int max_distance;
};

// Key i of the scan, once its filter passed.
[[gnu::always_inline]] inline void Consider(const BucketScan& s, size_t i,
                                            std::optional<NearMatch>& best) {
  const uint32_t key = s.keys[i];
  const int d = std::popcount(s.fingerprints[key] ^ s.fingerprint);
  if (d > s.max_distance) return;
  if (!best.has_value() || d < best->distance || (d == best->distance && key < best->key)) {
    best = NearMatch{key, d};
  }
}

// The filter's bits are a subset of the fingerprint's: more than
// max_distance of them differing rules the key out.
[[gnu::always_inline]] inline void ScanBucket(const BucketScan& s, size_t from,
                                              std::optional<NearMatch>& best) {
  for (size_t i = from; i < s.n; ++i) {
    if (std::popcount(s.filters[i] ^ s.filter) <= s.max_distance) Consider(s, i, best);
  }
}

__attribute__((target("popcnt"))) void ScanBucketPopcnt(const BucketScan& s,
                                                        std::optional<NearMatch>& best) {
  ScanBucket(s, 0, best);
}

void ScanBucketPortable(const BucketScan& s, std::optional<NearMatch>& best) {
  ScanBucket(s, 0, best);
}

// Eight filters at a time: each lane's popcount from a 16-entry nibble table
// (Mula, Kurz & Lemire, "Faster Population Counts Using AVX2 Instructions",
// 2018), its four bytes summed, compared with max_distance; the lanes that
// pass (~0.1% of unrelated keys at distance 7) go one by one.
__attribute__((target("avx2,popcnt"))) void ScanBucketAvx2(const BucketScan& s,
                                                           std::optional<NearMatch>& best) {
  const __m256i nibble_counts =
      _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1,
                       2, 2, 3, 2, 3, 3, 4);
  const __m256i low_nibbles = _mm256_set1_epi8(0x0f);
  const __m256i query = _mm256_set1_epi32(static_cast<int32_t>(s.filter));
  const __m256i limit = _mm256_set1_epi32(s.max_distance);
  const __m256i ones8 = _mm256_set1_epi8(1);
  const __m256i ones16 = _mm256_set1_epi16(1);
  size_t i = 0;
  for (; i + 8 <= s.n; i += 8) {
    const __m256i x = _mm256_xor_si256(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.filters + i)), query);
    const __m256i bytes = _mm256_add_epi8(
        _mm256_shuffle_epi8(nibble_counts, _mm256_and_si256(x, low_nibbles)),
        _mm256_shuffle_epi8(nibble_counts, _mm256_and_si256(_mm256_srli_epi16(x, 4), low_nibbles)));
    const __m256i counts = _mm256_madd_epi16(_mm256_maddubs_epi16(bytes, ones8), ones16);
    const uint32_t over = static_cast<uint32_t>(
        _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(counts, limit))));
    for (uint32_t pass = ~over & 0xffu; pass != 0; pass &= pass - 1) {
      Consider(s, i + static_cast<size_t>(std::countr_zero(pass)), best);
    }
  }
  ScanBucket(s, i, best);
}

using ScanFn = void (*)(const BucketScan&, std::optional<NearMatch>&);

ScanFn PickScan() {
  static const ScanFn scan = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt")) return &ScanBucketAvx2;
    if (__builtin_cpu_supports("popcnt")) return &ScanBucketPopcnt;
    return &ScanBucketPortable;
  }();
  return scan;
}

}  // namespace

std::optional<NearMatch> NearDuplicateTable::FindNearest(uint64_t fingerprint) const {
  const ScanFn scan = PickScan();
  std::optional<NearMatch> best;
  for (int b = 0; b < static_cast<int>(tables_.size()); ++b) {
    auto it = tables_[b].find(BlockValue(b, fingerprint));
    if (it == tables_[b].end()) continue;
    const Bucket& bucket = it->second;
    scan({bucket.keys.data(), bucket.filters.data(), bucket.keys.size(), Filter(b, fingerprint),
          fingerprint, fingerprints_.data(), max_distance_},
         best);
  }
  return best;
}

void NearDuplicateTable::Insert(uint32_t key, uint64_t fingerprint) {
  if (key >= fingerprints_.size()) fingerprints_.resize(static_cast<size_t>(key) + 1);
  fingerprints_[key] = fingerprint;
  for (int b = 0; b < static_cast<int>(tables_.size()); ++b) {
    Bucket& bucket = tables_[b][BlockValue(b, fingerprint)];
    bucket.keys.push_back(key);
    bucket.filters.push_back(Filter(b, fingerprint));
  }
  ++size_;
}

void NearDuplicateTable::Remove(uint32_t key, uint64_t fingerprint) {
  bool removed = false;
  for (int b = 0; b < static_cast<int>(tables_.size()); ++b) {
    auto it = tables_[b].find(BlockValue(b, fingerprint));
    if (it == tables_[b].end()) continue;
    Bucket& bucket = it->second;
    for (size_t i = 0; i < bucket.keys.size(); ++i) {
      if (bucket.keys[i] != key) continue;
      // Order within a bucket does not matter.
      bucket.keys[i] = bucket.keys.back();
      bucket.keys.pop_back();
      bucket.filters[i] = bucket.filters.back();
      bucket.filters.pop_back();
      removed = true;
      break;
    }
    if (bucket.keys.empty()) tables_[b].erase(it);
  }
  if (removed) --size_;
}

int64_t NearDuplicateTable::memory_bytes() const {
  int64_t bytes = static_cast<int64_t>(fingerprints_.capacity() * sizeof(uint64_t));
  for (const auto& table : tables_) {
    bytes += static_cast<int64_t>(table.capacity() * (sizeof(uint64_t) + sizeof(Bucket) + 1));
    for (const auto& [value, bucket] : table) {
      bytes += static_cast<int64_t>((bucket.keys.capacity() + bucket.filters.capacity()) *
                                    sizeof(uint32_t));
    }
  }
  return bytes;
}

}  // namespace khabar::index
