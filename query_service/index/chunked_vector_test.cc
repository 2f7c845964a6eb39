#include "query_service/index/chunked_vector.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace khabar::index {
namespace {

// Chunks of 4 elements, so a few dozen span many chunks.
using Small = ChunkedVector<uint32_t, 2>;

std::vector<uint32_t> Read(const Small& v) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < v.size(); ++i) out.push_back(v[i]);
  return out;
}

TEST(ChunkedVectorTest, ReadsWhatWasPushedAcrossChunks) {
  Small v;
  std::vector<uint32_t> expected;
  for (uint32_t i = 0; i < 37; ++i) {
    v.push_back(i * 3);
    expected.push_back(i * 3);
    // Earlier elements stay readable as chunks are added (reads go through
    // the chunks' data pointers, which must not move).
    ASSERT_EQ(Read(v), expected) << i;
  }
}

TEST(ChunkedVectorTest, WritesCopyTheSharedChunkAndLeaveCopiesAsTheyWere) {
  Small writer;
  for (uint32_t i = 0; i < 10; ++i) writer.push_back(i);  // chunks 0, 1 full; 2 half
  const Small published = writer;
  const std::vector<uint32_t> before = Read(published);

  writer.Set(5, 500);     // a full shared chunk
  writer.push_back(10);   // the shared, half-full last chunk
  writer.Set(9, 900);
  for (uint32_t i = 11; i < 20; ++i) writer.push_back(i);  // new chunks

  EXPECT_EQ(Read(published), before);
  std::vector<uint32_t> expected;
  for (uint32_t i = 0; i < 20; ++i) expected.push_back(i);
  expected[5] = 500;
  expected[9] = 900;
  EXPECT_EQ(Read(writer), expected);

  // A copy of the copy-on-written vector shares its new chunks in turn.
  Small second = writer;
  second.Set(5, 5);
  EXPECT_EQ(writer[5], 500u);
  EXPECT_EQ(second[5], 5u);
}

TEST(ChunkedVectorTest, HoldsNonTrivialElements) {
  ChunkedVector<std::string, 1> v;
  for (int i = 0; i < 7; ++i) v.push_back(std::string(40, static_cast<char>('a' + i)));
  ChunkedVector<std::string, 1> copy = v;
  v.Set(3, "changed");
  EXPECT_EQ(v[3], "changed");
  EXPECT_EQ(copy[3], std::string(40, 'd'));
  EXPECT_EQ(copy[6], std::string(40, 'g'));
}

}  // namespace
}  // namespace khabar::index
