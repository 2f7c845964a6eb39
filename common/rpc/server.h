// File: server.h
// -----------------------------------------------------------------------------
// Runs a gRPC server the way every Khabar binary should: on the address it is
// told (port 0 picks a free port, and the bound address is reported), with
// server reflection (for grpcurl) and the standard grpc.health.v1 service,
// and a graceful drain on SIGINT/SIGTERM.
//
//   rpc::BlockTerminationSignals();             // first thing in main()
//   MyServiceImpl impl;
//   auto server = rpc::RpcServer::Start({.listen = "127.0.0.1:0"}, {&impl});
//   if (!server.ok()) ...
//   std::printf("listening on %s\n", (*server)->address().c_str());
//   rpc::WaitForTerminationSignal();
//   (*server)->Shutdown(absl::Seconds(5));
#ifndef KHABAR_COMMON_RPC_SERVER_H_
#define KHABAR_COMMON_RPC_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "grpcpp/impl/codegen/service_type.h"

namespace khabar::rpc {

struct ServerOptions {
  // HOST:PORT; port 0 asks the kernel for a free port.
  std::string listen = "127.0.0.1:0";
  // Largest request message accepted, in bytes.
  int max_receive_message_bytes = 64 << 20;
};

class RpcServer {
 public:
  // Builds and starts the server with `services` (not owned; they must outlive
  // the server) plus health and reflection. Fails with a message naming the
  // address when it cannot be bound.
  static absl::StatusOr<std::unique_ptr<RpcServer>> Start(const ServerOptions& options,
                                                          const std::vector<grpc::Service*>& services);

  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;
  ~RpcServer();

  // The bound address, with the real port: "127.0.0.1:40123".
  const std::string& address() const { return address_; }
  int port() const { return port_; }

  // Marks the whole server (health service name "") and every registered
  // service SERVING or NOT_SERVING for grpc.health.v1.
  void SetServing(bool serving);

  // Stops accepting calls, lets running ones finish within `grace`, then
  // cancels the rest. Idempotent.
  void Shutdown(absl::Duration grace);

  grpc::Server* server() { return server_.get(); }

 private:
  RpcServer() = default;

  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  int port_ = 0;
  bool shut_down_ = false;
};

// Blocks SIGINT and SIGTERM in the calling thread and every thread it starts
// afterwards, so WaitForTerminationSignal() can receive them. Call first in main.
void BlockTerminationSignals();

// Waits until SIGINT or SIGTERM arrives; returns its number.
int WaitForTerminationSignal();

}  // namespace khabar::rpc

#endif  // KHABAR_COMMON_RPC_SERVER_H_
