#include "query_service/index/near_duplicates.h"

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

std::optional<NearMatch> NearDuplicateTable::FindNearest(uint64_t fingerprint) const {
  std::optional<NearMatch> best;
  for (int b = 0; b < static_cast<int>(tables_.size()); ++b) {
    auto it = tables_[b].find(BlockValue(b, fingerprint));
    if (it == tables_[b].end()) continue;
    for (const Entry& e : it->second) {
      const int d = HammingDistance(e.fingerprint, fingerprint);
      if (d > max_distance_) continue;
      if (!best.has_value() || d < best->distance || (d == best->distance && e.key < best->key)) {
        best = NearMatch{e.key, d};
      }
    }
  }
  return best;
}

void NearDuplicateTable::Insert(uint32_t key, uint64_t fingerprint) {
  for (int b = 0; b < static_cast<int>(tables_.size()); ++b) {
    tables_[b][BlockValue(b, fingerprint)].push_back({key, fingerprint});
  }
  ++size_;
}

void NearDuplicateTable::Remove(uint32_t key, uint64_t fingerprint) {
  bool removed = false;
  for (int b = 0; b < static_cast<int>(tables_.size()); ++b) {
    auto it = tables_[b].find(BlockValue(b, fingerprint));
    if (it == tables_[b].end()) continue;
    std::vector<Entry>& bucket = it->second;
    for (size_t i = 0; i < bucket.size(); ++i) {
      if (bucket[i].key != key) continue;
      bucket[i] = bucket.back();  // order within a bucket does not matter
      bucket.pop_back();
      removed = true;
      break;
    }
    if (bucket.empty()) tables_[b].erase(it);
  }
  if (removed) --size_;
}

int64_t NearDuplicateTable::memory_bytes() const {
  int64_t bytes = 0;
  for (const auto& table : tables_) {
    bytes += static_cast<int64_t>(table.capacity() *
                                  (sizeof(uint64_t) + sizeof(std::vector<Entry>) + 1));
    for (const auto& [value, bucket] : table) {
      bytes += static_cast<int64_t>(bucket.capacity() * sizeof(Entry));
    }
  }
  return bytes;
}

}  // namespace khabar::index
