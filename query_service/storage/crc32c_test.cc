#include "query_service/storage/crc32c.h"

#include <string>

#include "gtest/gtest.h"

namespace khabar::storage::crc32c {
namespace {

// Known vectors: the CRC catalogue's check value, and RFC 3720 (iSCSI) B.4.
TEST(Crc32cTest, KnownVectors) {
  EXPECT_EQ(Value("123456789"), 0xE3069283u);
  EXPECT_EQ(ExtendPortable(0, "123456789", 9), 0xE3069283u);
  EXPECT_EQ(Value(""), 0u);
  EXPECT_EQ(Value(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Value(std::string(32, '\xff')), 0x62A8AB43u);
  std::string ascending, descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  EXPECT_EQ(Value(ascending), 0x46DD794Eu);
  EXPECT_EQ(Value(descending), 0x113FDB5Cu);
  EXPECT_EQ(ExtendPortable(0, ascending.data(), ascending.size()), 0x46DD794Eu);
}

TEST(Crc32cTest, ExtendEqualsWholeAndHardwareEqualsPortable) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>(i * 131 + 7));
  const uint32_t whole = Value(data);
  for (size_t split : {0, 1, 7, 8, 9, 333, 999, 1000}) {
    const uint32_t a = Extend(0, data.data(), split);
    EXPECT_EQ(Extend(a, data.data() + split, data.size() - split), whole) << split;
  }
  // Unaligned starts and every short length exercise both code paths' edges.
  for (size_t off = 0; off < 9; ++off) {
    for (size_t len = 0; len < 40; ++len) {
      EXPECT_EQ(Extend(0, data.data() + off, len), ExtendPortable(0, data.data() + off, len))
          << off << " " << len;
    }
  }
}

TEST(Crc32cTest, MaskRoundTripsAndChangesValue) {
  const uint32_t crc = Value("foo");
  EXPECT_NE(Mask(crc), crc);
  EXPECT_NE(Mask(Mask(crc)), crc);
  EXPECT_EQ(Unmask(Mask(crc)), crc);
  EXPECT_EQ(Unmask(Unmask(Mask(Mask(crc)))), crc);
}

}  // namespace
}  // namespace khabar::storage::crc32c
