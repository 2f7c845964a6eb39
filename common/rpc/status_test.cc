#include "common/rpc/status.h"

#include "gtest/gtest.h"

namespace khabar::rpc {
namespace {

TEST(StatusTest, MapsCodesAndMessagesBothWays) {
  const absl::Status cases[] = {
      absl::InvalidArgumentError("page_size must be in [1, 100], got 0"),
      absl::NotFoundError("article \"x\" not found"),
      absl::UnavailableError("query service unreachable"),
      absl::DataLossError("log tail corrupt"),
  };
  for (const absl::Status& s : cases) {
    grpc::Status g = ToGrpcStatus(s);
    EXPECT_EQ(static_cast<int>(g.error_code()), static_cast<int>(s.code()));
    EXPECT_EQ(g.error_message(), s.message());
    EXPECT_EQ(FromGrpcStatus(g), s);
  }
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_EQ(ToGrpcStatus(absl::InvalidArgumentError("x")).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace khabar::rpc
