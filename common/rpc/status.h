// File: status.h
// -----------------------------------------------------------------------------
// The one place where absl::Status becomes grpc::Status and back. Both enums
// number their codes after google.rpc.Code, so the mapping is exact.
//
//   reactor->Finish(rpc::ToGrpcStatus(result.status()));
#ifndef KHABAR_COMMON_RPC_STATUS_H_
#define KHABAR_COMMON_RPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace khabar::rpc {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace khabar::rpc

#endif  // KHABAR_COMMON_RPC_STATUS_H_
