// File: subprocess.h
// -----------------------------------------------------------------------------
// Runs a real binary for end-to-end tests: stdout and stderr captured through
// pipes, reads bounded by a deadline, the child killed when the object dies.
//
//   Subprocess server({"build/query_service/query_service", "--listen=127.0.0.1:0"});
//   std::optional<std::string> line = server.ReadStdoutLineContaining("listening on", absl::Seconds(10));
#ifndef KHABAR_TESTS_SUBPROCESS_H_
#define KHABAR_TESTS_SUBPROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace khabar::testing {

class Subprocess {
 public:
  explicit Subprocess(const std::vector<std::string>& argv);
  ~Subprocess();  // SIGKILL if still running
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  bool started() const { return pid_ > 0; }

  // The first stdout line containing `needle`, or nullopt at EOF or timeout.
  std::optional<std::string> ReadStdoutLineContaining(const std::string& needle,
                                                      absl::Duration timeout);

  // Waits for exit, collecting all output; nullopt on timeout (child killed).
  std::optional<int> Wait(absl::Duration timeout);

  // Sends `signal` then waits like Wait().
  std::optional<int> Stop(int signal, absl::Duration timeout);

  const std::string& stdout_text() const { return out_; }
  const std::string& stderr_text() const { return err_; }

 private:
  // Reads what is available from both pipes until `deadline`; false at EOF
  // of both or timeout.
  bool Pump(absl::Time deadline);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
  size_t out_scanned_ = 0;
  std::optional<int> exit_code_;
};

// Runs `argv` to completion (bounded by `timeout`) and returns exit code and output.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
RunResult RunProcess(const std::vector<std::string>& argv, absl::Duration timeout = absl::Seconds(60));

}  // namespace khabar::testing

#endif  // KHABAR_TESTS_SUBPROCESS_H_
