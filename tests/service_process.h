// File: service_process.h
// -----------------------------------------------------------------------------
// A real query_service for end-to-end tests: started on a free port (or a
// given one, to restart in place), its address read from its first line,
// stopped with SIGTERM (clean) or SIGKILL (a crash).
//
//   QueryServiceProcess qs;
//   ASSERT_TRUE(qs.Start({"--data_dir=/tmp/x"}));
//   auto stub = v1::QueryService::NewStub(qs.Channel());
#ifndef KHABAR_TESTS_SERVICE_PROCESS_H_
#define KHABAR_TESTS_SERVICE_PROCESS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grpcpp/channel.h"
#include "tests/subprocess.h"

namespace khabar::testing {

class QueryServiceProcess {
 public:
  // `binary` is the query_service executable.
  explicit QueryServiceProcess(std::string binary) : binary_(std::move(binary)) {}

  // Starts it with `flags` on `listen` (default: a free port). False, with
  // the reason in error(), when it does not print its address within 30 s.
  bool Start(const std::vector<std::string>& flags = {},
             const std::string& listen = "127.0.0.1:0");

  // SIGTERM and wait; the exit code (nullopt on timeout).
  std::optional<int> Stop();
  // SIGKILL: the process dies without draining or flushing anything.
  void Kill();

  const std::string& address() const { return address_; }
  int port() const;
  std::shared_ptr<grpc::Channel> Channel() const;
  const std::string& error() const { return error_; }
  // Everything it wrote on stderr so far (after Stop or Kill: all of it).
  std::string stderr_text() const { return process_ ? process_->stderr_text() : ""; }

 private:
  const std::string binary_;
  std::unique_ptr<Subprocess> process_;
  std::string address_;
  std::string error_;
};

}  // namespace khabar::testing

#endif  // KHABAR_TESTS_SERVICE_PROCESS_H_
