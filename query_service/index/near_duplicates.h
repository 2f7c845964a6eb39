// File: near_duplicates.h
// -----------------------------------------------------------------------------
// Near-duplicate detection for syndicated news: a 64-bit SimHash fingerprint
// per document (Charikar, "Similarity estimation techniques from rounding
// algorithms", STOC 2002) and a table of fingerprints that answers "which
// indexed document is within Hamming distance k of this one?" with the
// block-permutation method of Manku, Jain & Das Sarma, "Detecting
// Near-Duplicates for Web Crawling", WWW 2007.
//
// Features are word shingles (consecutive n-grams, n = 3 by default) of the
// analyzer's normalized exact forms, so diacritics, tatweel and alef/yeh
// variants do not change a fingerprint. Each shingle occurrence counts once
// (tf weighting). All hashing is fixed-seed and byte-order independent: a text
// has the same fingerprint on every run and every platform, so fingerprints
// can be compared across restarts and WAL replays.
//
//   SimHasher hasher;
//   for (absl::string_view term : terms) hasher.Add(term);
//   if (hasher.shingles() >= options.min_shingles) {
//     NearDuplicateTable table(options.max_distance);
//     std::optional<NearMatch> m = table.FindNearest(hasher.Finish());
//     table.Insert(doc, hasher.Finish());
//   }
//
// Not thread-safe; the InvertedIndex owns one table and serializes access.
#ifndef KHABAR_QUERY_SERVICE_INDEX_NEAR_DUPLICATES_H_
#define KHABAR_QUERY_SERVICE_INDEX_NEAR_DUPLICATES_H_

#include <array>
#include <bit>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace khabar::index {

struct NearDuplicateOptions {
  // Off: every document is its own cluster and no fingerprint is computed.
  bool enabled = true;
  // Two fingerprints at Hamming distance <= max_distance are near-duplicates.
  // The table splits the 64 bits into max_distance + 1 blocks, so larger
  // values mean narrower blocks and more candidates per lookup. In [0, 15].
  // 7, not the 3 of Manku et al. (whose pages have far more features than a
  // 150-word news item): one changed headline word already moves a short
  // article 2-7 bits; on the ANT collection every pair at distance <= 8 is a
  // real near-duplicate. See docs/near-duplicates.md.
  int max_distance = 7;
  // Words per shingle.
  int shingle_size = 3;
  // Documents with fewer shingles are never clustered: a fingerprint of a
  // few dozen words says little, and short notices ("the match is postponed")
  // differ in one word and still mean different things.
  int min_shingles = 20;
};

// A fixed 64-bit hash of `bytes` (murmur-style multiply/rotate mix with a
// fixed seed; reads bytes individually, so independent of byte order).
uint64_t Hash64(absl::string_view bytes, uint64_t seed = 0x6b686162617221ULL);

inline int HammingDistance(uint64_t a, uint64_t b) { return std::popcount(a ^ b); }

// Accumulates the SimHash of a token stream, one token at a time.
class SimHasher {
 public:
  explicit SimHasher(int shingle_size = 3);

  // Feeds the next token (its normalized form).
  void Add(absl::string_view term) { AddHash(Hash64(term)); }
  // The same with the token's Hash64, for a caller that has it already.
  void AddHash(uint64_t term_hash);

  // Number of shingles seen so far: tokens - shingle_size + 1 (or 0).
  int shingles() const { return shingles_; }

  // The fingerprint: bit i is set when more shingle hashes have bit i set
  // than clear. 0 when no shingle was seen.
  uint64_t Finish() const;

 private:
  // Adds the byte counters of packed_ into ones_ and clears them.
  void Flush();

  const int shingle_size_;
  std::vector<uint64_t> window_;  // hashes of the last shingle_size_ tokens, ring buffer
  size_t oldest_ = 0;             // the ring's oldest slot, the next one written
  uint64_t tokens_ = 0;
  int shingles_ = 0;
  // Per bit, how many shingle hashes had it set: ones_ plus the 8-bit
  // counters packed eight to a word in packed_ (packed_[j] byte i counts bit
  // 8j + i), flushed before they can overflow. Counting a shingle is then 8
  // table lookups and adds instead of 64.
  std::array<uint64_t, 8> packed_{};
  int pending_ = 0;  // shingles counted in packed_
  std::array<uint32_t, 64> ones_{};
};

// The SimHash of a whole token sequence (tests and tools).
uint64_t SimHash(const std::vector<absl::string_view>& terms, int shingle_size = 3);

struct NearMatch {
  uint32_t key;
  int distance;
};

// Fingerprints keyed by a caller's id (a DocId), with lookup within
// max_distance: the 64 bits are cut into max_distance + 1 blocks; two
// fingerprints that differ in at most max_distance bits agree exactly on at
// least one block (pigeonhole), so each block value indexes a bucket of keys
// and only those candidates are compared with popcount.
//
// Layout (docs/near-duplicates.md, "The table's layout"): a bucket holds per
// key 4 bytes of key and a 4-byte filter, the 32 fingerprint bits that follow
// its block (cyclically), in two arrays; the full fingerprints sit once in an
// array by key. A candidate whose filter alone differs in more than
// max_distance bits is rejected without reading its fingerprint (at distance
// 7, all but ~0.1% of unrelated ones), so a lookup streams 4 bytes a
// candidate, and a key costs 8 bytes per block (plus the vectors' slack)
// and 8 for its fingerprint.
class NearDuplicateTable {
 public:
  // REQUIRES: 0 <= max_distance <= 15.
  explicit NearDuplicateTable(int max_distance = 3);
  NearDuplicateTable(const NearDuplicateTable&) = delete;
  NearDuplicateTable& operator=(const NearDuplicateTable&) = delete;

  // The indexed fingerprint nearest to `fingerprint` within max_distance;
  // ties go to the smallest key (the earliest document). nullopt if none.
  std::optional<NearMatch> FindNearest(uint64_t fingerprint) const;

  // REQUIRES: `key` is not in the table. Keys are small dense numbers (doc
  // ids): the table keeps an 8-byte fingerprint for every key up to the
  // largest inserted.
  void Insert(uint32_t key, uint64_t fingerprint);
  // Removes `key`, which was inserted with `fingerprint`; no-op if absent.
  void Remove(uint32_t key, uint64_t fingerprint);

  size_t size() const { return size_; }
  int max_distance() const { return max_distance_; }
  int64_t memory_bytes() const;

 private:
  // The keys whose fingerprint has one value in one block, in insertion
  // order (a removal moves the last key into the hole), and their filters.
  struct Bucket {
    std::vector<uint32_t> keys;
    std::vector<uint32_t> filters;
  };
  uint64_t BlockValue(int block, uint64_t fingerprint) const;
  // The 32 bits that follow `block` (wrapping around the 64).
  uint32_t Filter(int block, uint64_t fingerprint) const;

  const int max_distance_;
  std::vector<int> block_shift_;  // per block: its lowest bit
  std::vector<int> block_bits_;   // per block: its width
  std::vector<absl::flat_hash_map<uint64_t, Bucket>> tables_;
  std::vector<uint64_t> fingerprints_;  // by key; meaningful while the key is in
  size_t size_ = 0;
};

}  // namespace khabar::index

#endif  // KHABAR_QUERY_SERVICE_INDEX_NEAR_DUPLICATES_H_
