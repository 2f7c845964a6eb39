// File: chunked_vector.h
// -----------------------------------------------------------------------------
// A vector whose copies share storage: elements live in fixed-size chunks
// held by shared pointers, so copying the vector copies only the table of
// chunk pointers, and a write copies only the chunk it touches when that
// chunk is shared (copy-on-write). This is how an index snapshot gets the
// per-document arrays (lengths, deletion bits, cluster names) of the moment
// it was published in O(size / chunk) instead of O(size).
//
//   ChunkedVector<uint32_t> writer;
//   writer.push_back(7);
//   ChunkedVector<uint32_t> published = writer;  // cheap; shares chunks
//   writer.Set(0, 8);                            // copies chunk 0 only
//   // published[0] == 7, writer[0] == 8
//
// One writer thread may modify its copy while other threads read other
// copies: a chunk is modified in place only when no other copy shares it
// (use_count() == 1 while only the writer can create new references).
#ifndef KHABAR_QUERY_SERVICE_INDEX_CHUNKED_VECTOR_H_
#define KHABAR_QUERY_SERVICE_INDEX_CHUNKED_VECTOR_H_

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace khabar::index {

template <typename T, size_t kChunkBits = 10>
class ChunkedVector {
 public:
  static constexpr size_t kChunkSize = size_t{1} << kChunkBits;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Two dependent loads: the chunk's data pointer, then the element.
  const T& operator[](size_t i) const { return data_[i >> kChunkBits][i & kMask]; }

  void push_back(T value) {
    if ((size_ & kMask) == 0) {
      auto chunk = std::make_shared<Chunk>();
      chunk->reserve(kChunkSize);
      data_.push_back(chunk->data());
      chunks_.push_back(std::move(chunk));
    }
    Writable(chunks_.size() - 1).push_back(std::move(value));
    ++size_;
  }

  // REQUIRE i < size().
  void Set(size_t i, T value) { Writable(i >> kChunkBits)[i & kMask] = std::move(value); }

  // Bytes held by the chunks (shared chunks counted in full).
  size_t memory_bytes() const {
    return chunks_.size() *
           (sizeof(std::shared_ptr<Chunk>) + sizeof(T*) + sizeof(Chunk) + kChunkSize * sizeof(T));
  }

 private:
  static constexpr size_t kMask = kChunkSize - 1;
  using Chunk = std::vector<T>;

  Chunk& Writable(size_t c) {
    std::shared_ptr<Chunk>& chunk = chunks_[c];
    if (chunk.use_count() > 1) {
      auto copy = std::make_shared<Chunk>();
      copy->reserve(kChunkSize);
      copy->assign(chunk->begin(), chunk->end());
      chunk = std::move(copy);
      data_[c] = chunk->data();
    }
    return *chunk;
  }

  std::vector<std::shared_ptr<Chunk>> chunks_;
  // chunks_[c]->data(), which never moves: a chunk is reserved in full
  // before its first element (scoring reads lengths through this).
  std::vector<T*> data_;
  size_t size_ = 0;
};

}  // namespace khabar::index

#endif  // KHABAR_QUERY_SERVICE_INDEX_CHUNKED_VECTOR_H_
